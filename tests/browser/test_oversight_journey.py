"""Issue 16's browser journey over a tiny bureau ingested and detected for real: the 督察 opens
the post × day grid, follows a red cell to its POST_UNCOVERED warning and assigns it to the
unit's liaison; the liaison records the verdict; the 督察 disposes and closes it. Also the
grid at 1280 px and at 360 px."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.tables import Warning
from tests.browser.conftest import DESKTOP, PHONE, Served, log_in
from tests.web.bureau_story import (
    CHECKPOINT,
    TRAFFIC,
    add_accounts,
    bureau_home,
    detect,
    guard,
)
from tests.web.conftest import PASSWORD

__all__ = ["bureau_home"]
pytestmark = pytest.mark.browser


@pytest.fixture
def bureau(served: Served, bureau_home: Path) -> Served:
    """The served workbench with the bureau detected into it and the police accounts."""
    detect(bureau_home, served.staff_app.settings.database_url)
    add_accounts(served.staff_app)
    return served


def status_of(served: Served, warning_id: str) -> str:
    with served.staff_app.session() as session:
        return session.scalars(select(Warning.status)
                               .where(Warning.warning_id == warning_id)).one()


@pytest.mark.parametrize("page", [DESKTOP], indirect=True, ids=["desktop"])
@pytest.mark.parametrize("supervisor", ["inspector_traffic", "analyst"])
def test_a_red_cell_to_its_warning_through_the_case_workflow(page: Page, bureau: Served,
                                                             supervisor: str):
    base = bureau.base_url
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, base, supervisor, PASSWORD)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="网上督察").click()
    page.get_by_role("navigation", name="网上督察").get_by_role("link", name="卡口值守").click()
    page.get_by_label("单位", exact=True).select_option(TRAFFIC)
    page.get_by_role("button", name="查看").click()
    page.get_by_role("link", name="2日夜班缺岗").click()

    expect(page.locator("h1")).to_contain_text("卡口漏岗")
    expect(page.locator("main")).to_contain_text(CHECKPOINT)
    warning_id = page.url.rsplit("/", 1)[1].split("#")[0]
    assign = page.get_by_role("form", name="分派核查")
    liaison_option = f"liaison_traffic（单位联络员 · {TRAFFIC}）"
    assign.get_by_label("核查人员").select_option(label=liaison_option)
    assign.get_by_role("button", name="分派核查").click()
    expect(page.locator("#case-panel .badge").first).to_have_text("核查中")

    liaison = page.context.browser.new_context(viewport=DESKTOP, locale="zh-CN")  # type: ignore[union-attr]
    other = liaison.new_page()
    log_in(other, base, "liaison_traffic", PASSWORD)
    other.get_by_role("link", name="我的核查任务").click()
    row = other.get_by_role("row").filter(has_text=f"{TRAFFIC} {CHECKPOINT} · 卡口漏岗")
    row.get_by_role("link").first.click()
    other.on("dialog", lambda dialog: dialog.accept())
    verify = other.get_by_role("form", name="提交核实结论")
    verify.get_by_label("核实结论").select_option("属实")
    verify.get_by_label("核实情况说明（必填）").fill("调取排班表核实，3月2日夜班确无人值守。")
    verify.get_by_role("button", name="提交核实结论").click()
    expect(other.locator("#case-panel .badge").first).to_have_text("已核实")
    liaison.close()

    page.reload()
    dispose = page.get_by_role("form", name="处置")
    dispose.get_by_label("批评教育").check()
    dispose.get_by_label("选择").select_option(label="另行填写（身份证号和姓名）")
    dispose.get_by_label("身份证号（另行填写时）").fill(guard.id)
    dispose.get_by_label("姓名（另行填写时）").fill("杨军")
    dispose.get_by_role("button", name="处置").click()
    expect(page.locator("#case-panel .badge").first).to_have_text("处置中")
    page.get_by_role("form", name="办结").get_by_role("button", name="办结").click()
    expect(page.locator("#case-panel .badge").first).to_have_text("办结")

    assert status_of(bureau, warning_id) == "closed"
    with bureau.staff_app.session() as session:
        actors = session.execute(select(AuditEntry.action, AuditEntry.actor).where(
            AuditEntry.action.like("case.%")).order_by(AuditEntry.id)).all()
    assert [tuple(row) for row in actors] == [
        ("case.assign", supervisor), ("case.verify", "liaison_traffic"),
        ("case.dispose", supervisor), ("case.close", supervisor)]


@pytest.mark.parametrize("page", [DESKTOP, PHONE], indirect=True, ids=["desktop", "phone"])
def test_the_grid_fits_a_desktop_and_stays_readable_on_a_phone(page: Page, bureau: Served):
    log_in(page, bureau.base_url, "inspector_traffic", PASSWORD)
    page.goto(f"{bureau.base_url}/staff/oversight/coverage?month=2024-03")
    width = page.viewport_size["width"] if page.viewport_size else 0
    grid = page.locator("table.coverage").bounding_box()
    assert grid is not None
    if width == DESKTOP["width"]:
        assert grid["x"] + grid["width"] <= width  # all 31 days without scrolling
    else:  # the page itself does not scroll sideways; the gaps are said in words below
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        expect(page.locator(".gap-list").get_by_text("2日夜班")).to_be_visible()
    expect(page.locator("th.post", has_text=CHECKPOINT)).to_be_visible()
