"""Issue 15's company journey in a real browser, at 1280 px and at 360 px: from a 虚报用工人数
warning to the company's page, its headcount chart (on a phone the table alone), its legal
representative, and through his link view the official of his household."""

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
from tests.browser.test_entity_journey import no_sideways_scroll, visible_link
from tests.web.company_story import MODELS, county, firm, official, rep
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def overclaimed(served: Served, tmp_path: Path) -> str:
    """The story ingested and detected in the served workbench; the 虚报用工人数 warning."""
    settings = served.staff_app.settings
    ingest(Warehouse(settings.warehouse_dir),
           plan_delivery(county.deliver(tmp_path / "delivery")), workers=2)
    run_detection(settings, MODELS)
    with served.staff_app.session() as session:
        return session.scalars(select(Warning.warning_id)
                               .where(Warning.model == "HEADCOUNT_OVERCLAIMED")).one()


def test_from_an_overclaim_to_the_company_its_representative_and_the_official(
        page: Page, served: Served, overclaimed: str):
    phone = page.viewport_size == PHONE
    log_in(page, served.base_url, "analyst", PASSWORD)
    page.goto(f"{served.base_url}/staff/warnings/{overclaimed}")
    page.locator("#subject a:visible[href^='/staff/entities/company/']").first.click()
    expect(page.locator("h1")).to_contain_text(firm.name)
    chart = page.locator(".headcount-chart svg")
    table = page.locator("#headcount-table")
    expect(table).to_be_visible()
    expect(table).to_contain_text("超出 10 人")
    if phone:
        expect(chart).to_be_hidden()
    else:
        expect(chart).to_be_visible()
        expect(chart.locator("rect.bar.claimed")).to_have_count(2)
    no_sideways_scroll(page)

    page.locator("#legal-rep a:visible", has_text=rep.name).first.click()
    expect(page.locator("h1")).to_contain_text(rep.name)
    no_sideways_scroll(page)
    visible_link(page, "关系图谱").click()
    expect(page.locator("h1")).to_contain_text("关系图谱")
    page.locator("a:visible[href^='/staff/entities/person/']:not([href$='/links'])",
                 has_text=official.name).first.click()
    expect(page.locator("h1")).to_contain_text(official.name)
    expect(page.locator("#ties")).to_contain_text("副镇长")
    no_sideways_scroll(page)
