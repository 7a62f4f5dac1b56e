"""Issue 13's journey in a real browser, at 1280 px and at 360 px: from a 一卡多人 warning to
the account, its payees by name, one payee's page and link view, and the village cadre who
shares her 户号 two clicks on; on a phone the link view's table stands in for the graph and
no page scrolls sideways."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from sunlight.appdb.tables import Warning
from sunlight.detect import run_detection
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.warehouse.store import Warehouse
from tests.browser.conftest import PHONE, Served, log_in
from tests.models.county import County, months
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser

county = County()
cadre = county.person("李书记", born="1970-02-03", household="H100", relation="户主")
wife = county.person("王小红", born="1972-05-06", household="H100", relation="配偶")
payees = [wife, county.person("张三", born="1950-01-01", household="H200"),
          county.person("张四", born="1952-01-01", household="H200"),
          county.person("赵五", born="1948-01-01", household="H300")]
county.official(cadre, "村干部", "2020-01-01", post="村党支部书记", township=wife.township,
                village=wife.village)
for payee in payees:  # all four paid into the cadre's wife's card
    county.enroll(payee, "低保", "2023-01")
    county.pay(payee, "低保", months("2024-01", "2024-03"), 500, account=wife.account)


@pytest.fixture
def linked(served: Served, tmp_path: Path) -> str:
    """The county ingested and detected in the served workbench; the 一卡多人 warning's ID."""
    settings = served.staff_app.settings
    ingest(Warehouse(settings.warehouse_dir),
           plan_delivery(county.deliver(tmp_path / "delivery")), workers=2)
    run_detection(settings)
    with served.staff_app.session() as session:
        return session.scalars(select(Warning.warning_id)
                               .where(Warning.model == "SHARED_ACCOUNT")).one()


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def visible_link(page: Page, text: str):  # type: ignore[no-untyped-def]
    return page.locator("a:visible", has_text=text).first


def test_from_the_shared_card_to_the_cadre(page: Page, served: Served, linked: str):
    phone = page.viewport_size == PHONE
    log_in(page, served.base_url, "analyst", PASSWORD)
    page.goto(f"{served.base_url}/staff/warnings/{linked}")
    subject = page.locator("#subject")
    for payee in payees:  # the warning names whose money went to the card
        expect(subject).to_contain_text(payee.name)
    no_sideways_scroll(page)

    subject.locator("a", has_text="账户").first.click()
    expect(page.locator("h1")).to_contain_text("账户")
    for payee in payees:
        expect(page.locator("#payees")).to_contain_text(payee.name)
    no_sideways_scroll(page)

    page.locator("#payees").locator("a:visible", has_text=wife.name).first.click()
    expect(page.locator("h1")).to_contain_text(wife.name)
    no_sideways_scroll(page)

    # Two clicks from her page: the link view, then the cadre in it.
    visible_link(page, "关系图谱").click()
    expect(page.locator("h1")).to_contain_text("关系图谱")
    graph = page.locator("svg[role=img]")  # the drawing (the legend's swatches are not)
    if phone:
        expect(graph).to_be_hidden()
        expect(page.locator("table:visible", has_text=cadre.name)).to_have_count(1)
    else:
        expect(graph).to_be_visible()
        expect(graph).to_contain_text(cadre.name)
    no_sideways_scroll(page)
    # His page, not his own link view (a node offers both).
    page.locator("a:visible[href^='/staff/entities/person/']:not([href$='/links'])",
                 has_text=cadre.name).first.click()
    expect(page.locator("h1")).to_contain_text(cadre.name)
    expect(page.locator("#ties")).to_contain_text("村党支部书记")
    no_sideways_scroll(page)
