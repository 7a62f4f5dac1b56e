"""Issue 12, items 6 and 7 over HTTP: steps that cannot be undone are taken only once
confirmed, the panel says what comes next and who takes it, the assignee list says why a
verifier is not offered, and a deployment may want an attachment before a verdict."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select

from sunlight.appdb.tables import Warning
from sunlight.cases.workflow import case_of_warning
from tests.appdb.builders import EvidenceRow, detection, run
from tests.web.case_builders import act, assigned_warning, case_of, new_warning, report_case
from tests.web.conftest import StaffApp, csrf_of


def handling_case(app: StaffApp) -> str:
    """A report case verified 属实 and disposed of: only 办结 is left."""
    case_no = report_case(app)
    analyst = app.client("analyst")
    verified = act(app, analyst, case_no, "verify", verdict="属实", reason="入户核实")
    assert verified.status_code == 303
    assert act(app, analyst, case_no, "dispose", recovered_amount="300").status_code == 303
    return case_no


def hidden_fields(page: str) -> dict[str, str]:
    return {html.unescape(name): html.unescape(value) for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)}


def visible_text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_closing_without_the_confirmation_field_asks_and_changes_nothing(staff_app: StaffApp):
    case_no = handling_case(staff_app)
    analyst = staff_app.client("analyst")
    asked = act(staff_app, analyst, case_no, "close", confirmed=False)
    assert asked.status_code == 200
    assert "办结后案件不能再办理或修改。确定办结吗？" in asked.text
    assert case_of(staff_app, case_no).status == "handling"
    # The panel's form sent without script carries its confirmation field empty.
    unscripted = analyst.post(f"/staff/cases/{case_no}/transition", follow_redirects=False,
                              data={"csrf_token": csrf_of(analyst), "action": "close",
                                    "version": str(case_of(staff_app, case_no).version),
                                    "confirmed": ""})
    assert unscripted.status_code == 200 and "确定办结吗" in unscripted.text
    assert case_of(staff_app, case_no).status == "handling"
    # The page's own form, as a browser without script sends it, takes the step.
    fields = hidden_fields(asked.text)
    assert fields["confirmed"] == "yes" and fields["action"] == "close"
    done = analyst.post(f"/staff/cases/{case_no}/transition", data=fields,
                        follow_redirects=False)
    assert done.status_code == 303
    assert case_of(staff_app, case_no).status == "closed"


def test_a_confirmed_disposal_records_what_was_typed_before_the_question(staff_app: StaffApp):
    case_no = report_case(staff_app)
    analyst = staff_app.client("analyst")
    act(staff_app, analyst, case_no, "verify", verdict="属实", reason="入户核实")
    asked = act(staff_app, analyst, case_no, "dispose", confirmed=False,
                recovered_amount="1,200.50", organisational_measures=["诫勉", "调整职务"],
                disciplined="typed", disciplined_id_number="110101198001010010",
                disciplined_name="李村长")
    assert asked.status_code == 200 and case_of(staff_app, case_no).status == "verified"
    shown = visible_text(asked.text)
    assert "追回金额（元） 1,200.50" in shown and "诫勉、调整职务" in shown
    analyst.post(f"/staff/cases/{case_no}/transition", data=hidden_fields(asked.text))
    case = case_of(staff_app, case_no)
    assert case.status == "handling" and case.recovered_amount == Decimal("1200.50")
    assert case.organisational_measures == "诫勉、调整职务"


def test_bad_input_is_refused_before_the_question_is_asked(staff_app: StaffApp):
    case_no = report_case(staff_app)
    refused = act(staff_app, staff_app.client("verifier"), case_no, "verify", confirmed=False,
                  verdict="属实", reason="")
    assert refused.status_code == 400 and "请填写核实情况说明" in refused.text
    assert "确定提交吗" not in visible_text(refused.text)


def test_steps_a_later_step_undoes_need_no_confirmation(staff_app: StaffApp):
    case_no = report_case(staff_app)
    analyst = staff_app.client("analyst")
    reassigned = act(staff_app, analyst, case_no, "reassign", confirmed=False,
                     assignee=str(staff_app.users["verifier"]))
    assert reassigned.status_code == 303
    act(staff_app, analyst, case_no, "verify", verdict="属实", reason="入户核实")
    assert act(staff_app, analyst, case_no, "return", confirmed=False,
               reason="证据不足").status_code == 303
    assert case_of(staff_app, case_no).status == "verifying"


def test_the_panel_marks_irreversible_forms_for_the_browser_to_confirm(staff_app: StaffApp):
    case_no = handling_case(staff_app)
    page = staff_app.client("analyst").get(f"/staff/cases/{case_no}").text
    assert 'data-confirm-step="办结后案件不能再办理或修改。确定办结吗？"' in page
    assert '<input type="hidden" name="confirmed" value="">' in page


def test_each_status_says_what_comes_next_and_who_takes_it(staff_app: StaffApp):
    warning_id = new_warning(staff_app)
    analyst, verifier = staff_app.client("analyst"), staff_app.client("verifier")
    page = lambda client: visible_text(client.get(f"/staff/warnings/{warning_id}").text)  # noqa: E731
    assert "下一步： 由纪委监委分析人员（您）分派核查人员" in page(analyst)
    analyst.post(f"/staff/warnings/{warning_id}/assign", data={
        "csrf_token": csrf_of(analyst), "version": "0",
        "assignee": str(staff_app.users["verifier"])})
    assert "下一步： 由乡镇核查人员verifier入户核实" in page(analyst)
    assert "由乡镇核查人员verifier（您）入户核实" in page(verifier)
    case_no = case_of_warning_no(staff_app, warning_id)
    act(staff_app, verifier, case_no, "verify", verdict="属实", reason="入户核实")
    assert "下一步： 由纪委监委分析人员审核核实结论后作出处置，或退回重查" in page(verifier)
    act(staff_app, analyst, case_no, "dispose", recovered_amount="0")
    assert "由纪委监委分析人员（您）落实处置后办结" in page(analyst)
    act(staff_app, analyst, case_no, "close")
    assert "下一步： 案件已办结，没有后续步骤" in page(analyst)


def case_of_warning_no(app: StaffApp, warning_id: str) -> str:
    with app.session() as session:
        warning = session.scalars(select(Warning).where(Warning.warning_id == warning_id)).one()
        case = case_of_warning(session, warning)
        assert case is not None
        return case.case_no


def test_the_assignee_list_says_why_a_verifier_is_not_offered(staff_app: StaffApp):
    warning_id = new_warning(staff_app)
    page = staff_app.client("analyst").get(f"/staff/warnings/{warning_id}").text
    offered = re.findall(r'<option value="(\d+)"', page)
    assert offered == [str(staff_app.users["verifier"]), str(staff_app.users["analyst"])]
    assert ("<option disabled>verifier_other（乡镇核查人员）：负责马家镇，本案件在城关镇</option>"
            in page)
    assert "本乡镇暂无核查员" not in page


def test_a_township_without_verifiers_says_who_can_change_that(staff_app: StaffApp):
    warning_id = new_warning(staff_app, township="八渡乡")
    page = staff_app.client("analyst").get(f"/staff/warnings/{warning_id}").text
    assert "本乡镇暂无核查员，请系统管理员在账户管理中为核查员设置负责乡镇。" in page
    # the accounts page is the admin's alone: no link an analyst would be refused at
    assert 'href="/staff/admin/users"' not in page
    assert "负责城关镇，本案件在八渡乡" in page


def test_nobody_is_chosen_as_assignee_until_the_analyst_chooses(staff_app: StaffApp):
    warning_id = new_warning(staff_app)
    page = staff_app.client("analyst").get(f"/staff/warnings/{warning_id}").text
    assert '<option value="">请选择</option>' in page
    assert "selected" not in page.split('name="assignee"')[1].split("</select>")[0]


def test_a_case_without_a_township_does_not_send_anyone_to_the_admin(staff_app: StaffApp):
    warning_id = new_warning(staff_app, township="")
    page = staff_app.client("analyst").get(f"/staff/warnings/{warning_id}").text
    assert "本案件未注明乡镇，只能分派给纪委监委分析人员" in page
    assert "本乡镇暂无核查员" not in page


def test_the_case_panel_comes_before_a_long_evidence_list(staff_app: StaffApp):
    rows = tuple(EvidenceRow("payments", "低保2024.xlsx", "Sheet1", n, "paid", "2024-01",
                             Decimal("500")) for n in range(2, 112))
    with staff_app.session() as session:
        run(session, [replace(detection([1]), evidence=rows)])
        warning_id = session.scalars(select(Warning.warning_id)).one()
    page = staff_app.client("analyst").get(f"/staff/warnings/{warning_id}").text
    assert page.index('id="case-panel"') < page.index('id="evidence"')
    assert "证据行（110 行）" in page and "展开其余 90 行证据" in page
    assert page.count('<td class="num" data-label="行号">') == 110  # folded, not dropped


def verdict_needs_attachment(app: StaffApp) -> None:
    settings = app.app.state.settings
    app.app.state.settings = settings.model_copy(
        update={"case_verdict_requires_attachment": True})


def test_with_the_setting_a_verdict_without_attachment_is_refused_and_kept(staff_app: StaffApp):
    verdict_needs_attachment(staff_app)
    warning_id, case_no = assigned_warning(staff_app)
    verifier = staff_app.client("verifier")
    assert "本县规定：提交核实结论前须上传至少一份附件" in verifier.get(
        f"/staff/warnings/{warning_id}").text
    refused = act(staff_app, verifier, case_no, "verify", verdict="部分属实",
                  reason="本人在外务工，家属代领三个月")
    assert refused.status_code == 400
    assert "须上传至少一份附件" in refused.text
    assert ">本人在外务工，家属代领三个月</textarea>" in refused.text
    assert "<option selected>部分属实</option>" in refused.text
    assert case_of(staff_app, case_no).status == "verifying"
    attach(verifier, case_no)
    assert act(staff_app, verifier, case_no, "verify", verdict="部分属实",
               reason="本人在外务工，家属代领三个月").status_code == 303
    assert case_of(staff_app, case_no).verdict == "部分属实"


def test_without_the_setting_a_verdict_needs_no_attachment(staff_app: StaffApp):
    _, case_no = assigned_warning(staff_app)
    assert act(staff_app, staff_app.client("verifier"), case_no, "verify", verdict="属实",
               reason="入户核实").status_code == 303


def attach(client: TestClient, case_no: str) -> None:
    response = client.post(f"/staff/cases/{case_no}/attachments", follow_redirects=False,
                           data={"csrf_token": csrf_of(client)},
                           files={"file": ("入户记录.txt", "入户核查记录".encode(), "text/plain")})
    assert response.status_code == 303
