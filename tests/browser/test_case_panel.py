"""Issue 12, items 6 and 7 in a real browser at 1280 px: the case panel above a long
evidence list, the assignee list's reasons, 办结 confirmed first, the next step after each
step, and a verdict refused without an attachment with the typed text kept."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from sunlight.appdb.account_tables import User
from sunlight.appdb.tables import Warning
from sunlight.cases.workflow import case_for_warning, take
from tests.appdb.builders import EvidenceRow, detection
from tests.browser.conftest import DESKTOP, Served, log_in
from tests.web.conftest import PASSWORD
from tests.web.stored import assign, store

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("page", [DESKTOP], indirect=True, ids=["desktop"])]


def stored_warning(served: Served, rows: int = 3) -> str:
    evidence = tuple(EvidenceRow("payments", "低保2024.xlsx", "Sheet1", n, "paid", "2024-01",
                                 Decimal("500")) for n in range(2, 2 + rows))
    return next(iter(store(served.staff_app, [replace(detection([1]), evidence=evidence)])
                     .values()))


def status_of(served: Served, warning_id: str) -> str:
    with served.staff_app.session() as session:
        return session.scalars(select(Warning.status)
                               .where(Warning.warning_id == warning_id)).one()


def disposed(served: Served, warning_id: str) -> None:
    """Assigned, verified 属实 and disposed of by the analyst: only 办结 is left."""
    assign(served.staff_app, warning_id, "verifier")
    with served.staff_app.session() as session:
        warning = session.scalars(select(Warning).where(Warning.warning_id == warning_id)).one()
        case = case_for_warning(session, warning)
        analyst = session.scalars(select(User).where(User.username == "analyst")).one()
        for action, form in (("verify", {"verdict": "属实", "reason": "入户核实"}),
                             ("dispose", {"recovered_amount": "500"})):
            take(session, case, action, analyst, form, expected_version=case.version)
        session.commit()


def test_the_case_panel_is_above_a_hundred_evidence_rows(page: Page, served: Served):
    warning_id = stored_warning(served, rows=110)
    log_in(page, served.base_url, "analyst", PASSWORD)
    page.goto(f"{served.base_url}/staff/warnings/{warning_id}")
    panel = page.locator("#case-panel").bounding_box()
    evidence = page.locator("#evidence table").first.bounding_box()
    assert panel is not None and evidence is not None
    assert panel["y"] + panel["height"] <= evidence["y"]
    assert panel["y"] < DESKTOP["height"]  # the person sees it without scrolling
    expect(page.get_by_role("form", name="分派核查")).to_be_visible()
    expect(page.locator("#more-evidence tr").last).to_be_hidden()  # folded below
    page.get_by_text("展开其余 90 行证据").click()
    expect(page.locator("#more-evidence tr").last).to_be_visible()


def test_the_assignee_list_explains_a_verifier_out_of_scope(page: Page, served: Served):
    warning_id = stored_warning(served)
    log_in(page, served.base_url, "analyst", PASSWORD)
    page.goto(f"{served.base_url}/staff/warnings/{warning_id}")
    chooser = page.get_by_role("form", name="分派核查").get_by_label("核查人员")
    out_of_scope = chooser.locator("option", has_text="verifier_other")
    expect(out_of_scope).to_have_text("verifier_other（乡镇核查人员）：负责马家镇，本案件在城关镇")
    expect(out_of_scope).to_be_disabled()
    offered = chooser.locator('option:not([disabled]):not([value=""])')
    expect(offered).to_have_count(2)  # verifier, analyst


def test_closing_asks_first_and_a_cancel_does_nothing(page: Page, served: Served):
    warning_id = stored_warning(served)
    disposed(served, warning_id)
    log_in(page, served.base_url, "analyst", PASSWORD)
    page.goto(f"{served.base_url}/staff/warnings/{warning_id}")
    asked: list[str] = []

    def cancel(dialog):  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", cancel)
    page.get_by_role("form", name="办结").get_by_role("button", name="办结").click()
    assert asked == ["办结后案件不能再办理或修改。确定办结吗？"]
    expect(page.locator("#case-panel .badge").first).to_have_text("处置中")
    assert status_of(served, warning_id) == "handling"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("form", name="办结").get_by_role("button", name="办结").click()
    expect(page.locator("#case-panel .badge").first).to_have_text("办结")
    assert status_of(served, warning_id) == "closed"


def test_after_a_verdict_the_page_says_who_acts_next(page: Page, served: Served):
    warning_id = stored_warning(served)
    assign(served.staff_app, warning_id, "verifier")
    log_in(page, served.base_url, "verifier", PASSWORD)
    page.goto(f"{served.base_url}/staff/warnings/{warning_id}")
    expect(page.locator("#next-step")).to_contain_text("由乡镇核查人员verifier（您）入户核实")
    page.on("dialog", lambda dialog: dialog.accept())
    verify = page.get_by_role("form", name="提交核实结论")
    verify.get_by_label("核实结论").select_option("属实")
    verify.get_by_label("核实情况说明（必填）").fill("经入户核实，本人已死亡。")
    verify.get_by_role("button", name="提交核实结论").click()
    expect(page.locator("#next-step")).to_have_text(
        "下一步：由纪委监委分析人员审核核实结论后作出处置，或退回重查")


def test_with_the_setting_a_verdict_without_attachment_is_refused_and_kept(
        page: Page, served: Served):
    app = served.staff_app.app
    app.state.settings = app.state.settings.model_copy(
        update={"case_verdict_requires_attachment": True})
    warning_id = stored_warning(served)
    assign(served.staff_app, warning_id, "verifier")
    log_in(page, served.base_url, "verifier", PASSWORD)
    page.goto(f"{served.base_url}/staff/warnings/{warning_id}")
    page.on("dialog", lambda dialog: dialog.accept())
    typed = "本人在外务工，家属代领三个月，已退回。"
    verify = page.get_by_role("form", name="提交核实结论")
    verify.get_by_label("核实结论").select_option("部分属实")
    verify.get_by_label("核实情况说明（必填）").fill(typed)
    verify.get_by_role("button", name="提交核实结论").click()
    expect(page.get_by_role("alert")).to_contain_text("须上传至少一份附件")
    kept = page.get_by_role("form", name="提交核实结论")
    expect(kept.get_by_label("核实情况说明（必填）")).to_have_value(typed)
    expect(kept.get_by_label("核实结论")).to_have_value("部分属实")
    assert status_of(served, warning_id) == "verifying"
