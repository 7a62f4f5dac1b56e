"""The portal on a 360 × 640 phone: a roster is one line per person, a line of a program paid
by area shows the 亩 and the amount, a roster of 100 fits in under eight screens, and every
tappable thing on every portal page is at least 44 × 44 px."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from playwright.sync_api import Browser, Page, ViewportSize, expect

from sunlight.contract.catalog import load_catalog
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.publish.extract import Extract, extract
from sunlight.publish.store import publish, withdraw
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from tests.browser.conftest import Served, checked_page
from tests.models.county import County
from tests.publish_county import li

pytestmark = pytest.mark.browser

SMALL_PHONE: ViewportSize = {"width": 360, "height": 640}
TARGET = 44
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = ("建国", "秀英", "志强", "桂兰", "玉梅", "德胜", "春花", "国庆", "海燕", "文华")

SMALL_TARGETS = """() => {
  const found = [];
  const tappable = 'a, button, input:not([type=hidden]), select, textarea, summary, label[for]';
  for (const element of document.querySelectorAll(tappable)) {
    const style = getComputedStyle(element);
    // Not seen, so not aimed at: the control standing in for it (a label) is measured.
    if (style.visibility === 'hidden' || style.opacity === '0') continue;
    const box = element.getBoundingClientRect();
    if (box.width <= 2 || box.height <= 2) continue;  // not shown, or visually hidden
    if (box.width < LIMIT || box.height < LIMIT) {
      const text = (element.innerText || element.value || element.name || element.id || '')
        .trim().slice(0, 24);
      found.push(`<${element.tagName.toLowerCase()}> ${text}: ` +
                 `${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return found;
}""".replace("LIMIT", str(TARGET))


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    yield from checked_page(browser, SMALL_PHONE)


@pytest.fixture(scope="module")
def herders(tmp_path_factory: pytest.TempPathFactory) -> Extract:
    """草滩村: 100 herders paid 禁牧, each with a declared and a registered area."""
    county = County()
    for n in range(100):
        herder = county.person(SURNAMES[n % 10] + GIVEN[n // 10], born="1960-01-01",
                               seq=n + 1, household=f"H{n:03d}", village="草滩村",
                               relation="户主")
        declared = 100 + n + 0.5
        county.enroll(herder, "禁牧补助", "2020-01", declared_area=str(declared))
        county.land(herder, "草原", str(declared - 10.25))
        county.pay(herder, "禁牧补助", "2024", f"{declared * 7.5:.2f}")
    home = tmp_path_factory.mktemp("herders") / "home"
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    ingest(warehouse, plan_delivery(county.deliver(home.parent / "delivery")), workers=1)
    engine = DuckDBEngine()
    try:
        return extract(engine, warehouse, load_catalog())
    finally:
        engine.close()


def roster_of(phone: Page, base_url: str, village: str, roster: str) -> None:
    phone.goto(base_url + "/")
    phone.get_by_role("link", name=village, exact=True).first.click()
    phone.get_by_role("link", name=roster).click()


def test_a_grazing_ban_line_shows_the_declared_area_and_the_amount(
        phone: Page, published: Served) -> None:
    roster_of(phone, published.base_url, "草滩村", "草原禁牧补助名单")
    line = phone.locator(".roster a")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("马牧")
    expect(line).to_contain_text("120亩")
    expect(line).to_contain_text("7.5元/亩")
    expect(line).to_contain_text("确权80亩")
    expect(line).to_contain_text("900.00元/年")
    box = line.bounding_box()
    assert box is not None and box["height"] >= TARGET and box["width"] > 300
    line.click(position={"x": box["width"] - 10, "y": box["height"] / 2})  # the whole line
    expect(phone.get_by_role("heading", name="马牧")).to_be_visible()
    expect(phone.get_by_text("申报面积 120 亩")).to_be_visible()


def test_a_roster_of_100_fits_in_under_eight_screens(phone: Page, served: Served,
                                                     herders: Extract) -> None:
    with served.staff_app.session() as session:
        publish(session, herders, load_catalog(), actor="test")
        session.commit()
    roster_of(phone, served.base_url, "草滩村", "草原禁牧补助名单")
    lines = phone.locator(".roster a")
    expect(lines).to_have_count(100)
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height < 8 * SMALL_PHONE["height"]
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    heights = [box["height"] for box in lines.evaluate_all(
        "rows => rows.map(row => row.getBoundingClientRect().toJSON())")]
    assert min(heights) >= TARGET
    names = lines.locator(".who").evaluate_all(
        "names => names.map(name => name.getBoundingClientRect().height)")
    assert max(names) == min(names)  # every name on one line: none broken over two
    expect(lines.first).to_contain_text("100.5亩")
    expect(lines.first).to_contain_text("753.75元/年")


def portal_paths(published: Served) -> set[str]:
    """Every GET page route of the portal (not the staff's, static files or QR images)."""
    return {route.path for route in published.staff_app.app.routes
            if isinstance(route, APIRoute) and "GET" in route.methods
            and not route.path.startswith(("/staff", "/static", "/healthz"))
            and "qr." not in route.path}


def small_targets(phone: Page) -> list[str]:
    found: list[str] = phone.evaluate(SMALL_TARGETS)
    return found


def test_every_tappable_target_on_every_portal_page_is_44_px(phone: Page,
                                                            published: Served) -> None:
    published.staff_app.settings.public_url = "https://gongshi.example.gov.cn"  # QR links
    base = published.base_url
    seen: dict[str, list[str]] = {}
    routes: set[str] = set()

    def visit(route: str) -> None:
        routes.add(route)
        seen[f"{len(seen) + 1}. {route} ({phone.url.removeprefix(base)})"] = small_targets(phone)

    phone.goto(base + "/")
    visit("/")
    phone.get_by_role("link", name="城关镇", exact=True).first.click()
    visit("/township/{name}")
    phone.locator(".roster a", has_text="东风村").click()
    visit("/village/{code}")
    village = phone.url
    phone.get_by_role("link", name="高龄补贴名单").click()
    visit("/village/{code}/program/{program}")
    phone.locator(".roster a").first.click()
    visit("/village/{code}/person/{no}")
    phone.locator("details summary").first.click()  # the payments, opened
    visit("/village/{code}/person/{no}")
    phone.get_by_role("link", name="随手拍举报").click()
    visit("/village/{code}/person/{no}/report")
    phone.goto(village)
    phone.get_by_role("link", name="农村最低生活保障名单").click()
    phone.get_by_label("按姓名查找").fill("王")
    phone.get_by_role("button", name="查找").click()
    visit("/village/{code}/program/{program}")
    phone.get_by_role("link", name="李强户").click()
    visit("/village/{code}/household/{no}")
    phone.goto(village)
    phone.get_by_role("link", name="发现本村补贴发放问题？随手拍举报").click()
    visit("/village/{code}/report")
    phone.goto(base + "/program/JINMU")
    visit("/program/{code}")
    phone.goto(base + "/program/LIUGONG")
    visit("/program/{code}")
    phone.get_by_role("link", name="城关镇").click()
    visit("/township/{name}/program/{program}")
    phone.goto(base + "/check")
    visit("/check")
    phone.get_by_label("身份证号").fill(li.id)
    phone.get_by_label("姓名").fill(li.name)
    phone.get_by_role("button", name="查询").click()
    expect(phone.get_by_text("王芳").first).to_be_visible()
    visit("/check")
    phone.goto(base + "/report")
    visit("/report")
    phone.get_by_label("冒领", exact=True).check()
    phone.get_by_label("问题描述").fill("有人冒领补贴。")
    phone.get_by_role("button", name="提交举报").click()
    code = phone.locator("#tracking-code").inner_text().strip()
    visit("/report")  # answered by the reported page
    phone.goto(base + "/track")
    visit("/track")
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查询").click()
    expect(phone.get_by_text("办理情况")).to_be_visible()
    visit("/track")
    phone.goto(village + "/person/1?v=999")  # a link of an older version: moved
    expect(phone.get_by_role("heading", name="公示已更新")).to_be_visible()
    visit("/village/{code}/person/{no}")
    phone.goto(base + "/no-such-page")  # the error page
    expect(phone.get_by_role("link", name="返回首页")).to_be_visible()
    visit("/{error}")
    with published.staff_app.session() as session:
        withdraw(session, 1, actor="test")
        session.commit()
    phone.goto(base + "/")
    expect(phone.get_by_text("目前没有公示内容")).to_be_visible()
    visit("/")

    assert portal_paths(published) <= routes, "a portal page this test does not visit"
    assert {page: found for page, found in seen.items() if found} == {}
