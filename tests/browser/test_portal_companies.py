"""A township's 留工补贴 roster on a 360 px phone: companies with long names, each with its
months, claimed workers and amounts, and nothing to scroll sideways."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from sunlight.contract.catalog import load_catalog
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.publish.extract import Extract, extract
from sunlight.publish.store import publish
from sunlight.settings import Settings
from sunlight.synth.ids import credit_code
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from tests.browser.conftest import Served, checked_page
from tests.models.county import County
from tests.publish_county import HONGDA

pytestmark = pytest.mark.browser

SMALL_PHONE: ViewportSize = {"width": 360, "height": 640}
LONG_NAME = "陇县温水镇{}农业科技开发有限责任公司第{}分公司"
PLACES = "东南西北上下前后左右"


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    yield from checked_page(browser, SMALL_PHONE)


@pytest.fixture(scope="module")
def firms(tmp_path_factory: pytest.TempPathFactory) -> Extract:
    """温水镇: 30 companies with long names, each paid 留工补贴 for January and February."""
    county = County()
    codes = random.Random(15)
    for n in range(30):
        code = credit_code(codes, "610327")
        for month, workers in (("2024-01", 40 + n), ("2024-02", 38 + n)):
            county.add("enterprise_payments", program="留工补贴", credit_code=code,
                       company=LONG_NAME.format(PLACES[n % 10], n + 1), period=month,
                       amount=str(workers * 500), account=f"27030198765{n:08d}",
                       claimed_headcount=str(workers), township="温水镇")
    home = tmp_path_factory.mktemp("firms") / "home"
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    ingest(warehouse, plan_delivery(county.deliver(home.parent / "delivery")), workers=1)
    engine = DuckDBEngine()
    try:
        return extract(engine, warehouse, load_catalog())
    finally:
        engine.close()


def test_a_villager_reaches_a_company_roster_from_the_home_page(phone: Page,
                                                              published: Served) -> None:
    phone.goto(published.base_url + "/")
    phone.get_by_role("link", name="城关镇", exact=True).first.click()
    phone.get_by_role("link", name="留工补贴名单").click()
    expect(phone.get_by_role("heading", name=HONGDA.name)).to_be_visible()
    expect(phone.get_by_text(HONGDA.credit_code)).to_be_visible()
    months = phone.locator(".company-paid tbody tr")
    expect(months).to_have_count(2)
    expect(months.first).to_contain_text("2024-01")
    expect(months.first).to_contain_text("12 人")
    expect(months.first).to_contain_text("6,000.00")
    assert HONGDA.account[-6:] not in phone.content()


def test_long_company_names_fit_a_small_phone(phone: Page, served: Served,
                                              firms: Extract) -> None:
    with served.staff_app.session() as session:
        publish(session, firms, load_catalog(), actor="test")
        session.commit()
    phone.goto(served.base_url + "/township/温水镇/program/LIUGONG")
    companies = phone.locator(".companies > li")
    expect(companies).to_have_count(30)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    width = SMALL_PHONE["width"]
    boxes = phone.locator(".company-name, .company-code, .company-paid").evaluate_all(
        "parts => parts.map(part => part.getBoundingClientRect().right)")
    assert max(boxes) <= width
    first = companies.filter(has_text=LONG_NAME.format(PLACES[0], 1))
    expect(first).to_contain_text("40 人")
    expect(first).to_contain_text("20,000.00")
    expect(phone.get_by_text("共 30 家企业")).to_be_visible()
