"""The link view in Chromium: at 1280 px the graph, reached from a person's page, whose nodes
open their pages and their own views; at 360 px the table instead, the page no wider than
the phone."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.conftest import DESKTOP, PHONE, Served, checked_page, log_in
from tests.entities.fixtures import CROWD_CADRES, SharedCard, crowded_village, shared_card
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser
SCREENSHOTS = os.environ.get("SUNLIGHT_SCREENSHOTS", "")
"""A folder to keep what the tests saw, for a person to look at (unset: none kept)."""


@pytest.fixture
def story(served: Served) -> SharedCard:
    with served.staff_app.session() as session:
        built = shared_card(session)
        session.commit()
        return built.detach(session)


def analyst_at(browser: Browser, served: Served, viewport: ViewportSize) -> Iterator[Page]:
    for page in checked_page(browser, viewport):
        log_in(page, served.base_url, "analyst", PASSWORD)
        yield page


@pytest.fixture
def desktop(browser: Browser, served: Served) -> Iterator[Page]:
    yield from analyst_at(browser, served, DESKTOP)


@pytest.fixture
def phone(browser: Browser, served: Served) -> Iterator[Page]:
    yield from analyst_at(browser, served, PHONE)


def view(page: Page, served: Served, story: SharedCard, role: str = "son") -> None:
    son = story.persons[role]
    page.goto(f"{served.base_url}/staff/entities/{son.kind}/{son.ref}/links")
    expect(page.get_by_role("heading", level=1)).to_have_text("关系图谱：张小明")


def test_the_graph_at_1280_leads_to_the_cadre(desktop: Page, served: Served, story: SharedCard):
    son, cadre = story.persons["son"], story.cadre
    desktop.goto(f"{served.base_url}/staff/entities/person/{son.ref}")
    desktop.get_by_role("link", name="关系图谱").first.click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("关系图谱：张小明")
    graph = desktop.locator("figure.link-graph svg").first
    expect(graph).to_be_visible()
    assert graph.bounding_box()["width"] > 600  # type: ignore[index]
    # All eight drawn are warned: the four payees and the account (一卡多人), the cadre (his
    # son's 亲属关联), their household and their village (their members' and residents').
    expect(desktop.locator("g.mark")).to_have_count(8)
    if SCREENSHOTS:
        desktop.screenshot(path=f"{SCREENSHOTS}/link-view-1280.png", full_page=True)
    node = desktop.locator(f'a.node-page[data-entity="{cadre.id}"]')
    expect(node).to_have_attribute("href", f"/staff/entities/person/{cadre.ref}")
    node.click()  # the second click from the son's page: the cadre's own page
    desktop.wait_for_url(f"**/staff/entities/person/{cadre.ref}")
    desktop.go_back()
    # The cadre's own view, from the small mark beside his node.
    desktop.locator(f'a.node-page[data-entity="{cadre.id}"]').locator("xpath=..").locator(
        "a.node-links").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("关系图谱：张建国")
    expect(desktop.locator("table").get_by_text("村干部任职（村党支部书记）；任职起始 2021-01-01")
           ).to_be_visible()


def test_the_table_stands_in_at_360(phone: Page, served: Served, story: SharedCard):
    view(phone, served, story)
    expect(phone.locator("figure.link-graph")).to_be_hidden()
    table = phone.locator(".link-table table")
    expect(table).to_be_visible()
    expect(table.get_by_role("link", name="张建国", exact=True).first).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    if SCREENSHOTS:
        phone.screenshot(path=f"{SCREENSHOTS}/link-view-360.png", full_page=True)


TAP_TARGETS = "main a, main button, main label.check"
NAMES_OVERLAP = """() => {
  const boxes = [...document.querySelectorAll('figure.link-graph text.name')]
    .map(t => t.getBoundingClientRect());
  const pairs = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1
        && b.top < a.bottom - 1) pairs.push([a.left, a.top, b.left, b.top]);
  }));
  return pairs;
}"""


def small_targets(page: Page, selector: str, least: float) -> list[str]:
    """The visible tap targets narrower or lower than `least` CSS px."""
    found = []
    for index in range(page.locator(selector).count()):
        target = page.locator(selector).nth(index)
        box = target.bounding_box()
        if box and (box["width"] < least or box["height"] < least):
            found.append(f"{target.evaluate('e => e.outerHTML')[:80]} {box}")
    return found


@pytest.fixture
def village(served: Served) -> SharedCard:
    with served.staff_app.session() as session:
        built = shared_card(session)
        crowded_village(session, built)
        session.commit()
        return built.detach(session)


def test_a_crowded_village_at_1280_names_no_one_over_another(desktop: Page, served: Served,
                                                               village: SharedCard):
    desktop.goto(f"{served.base_url}/staff/entities/village/{village.village.ref}/links")
    expect(desktop.get_by_role("heading", level=1)).to_have_text("关系图谱：东村")
    if SCREENSHOTS:
        desktop.screenshot(path=f"{SCREENSHOTS}/link-view-village-1280.png", full_page=True)
    names = desktop.locator("figure.link-graph text.name")
    for cadre in CROWD_CADRES[:4]:  # short names, drawn whole
        expect(names.filter(has_text=cadre)).to_have_count(1)
    # The warned payees, past the resident cap; the cadre ringed, his post on hover.
    for payee in village.payees:
        expect(desktop.locator(f'a.node-page[data-entity="{payee.id}"]')).to_have_count(1)
    cadre = desktop.locator(f'a.node-page[data-entity="{village.cadre.id}"]')
    expect(cadre.locator("circle.office-ring")).to_have_count(1)
    expect(cadre.locator("title")).to_contain_text("村干部：村党支部书记")
    assert desktop.evaluate(NAMES_OVERLAP) == []
    assert small_targets(desktop, f"{TAP_TARGETS}, figure.link-graph a", 24) == []


def test_tap_targets_on_the_phone_are_44_px(phone: Page, served: Served, story: SharedCard):
    view(phone, served, story)
    assert small_targets(phone, TAP_TARGETS, 44) == []
