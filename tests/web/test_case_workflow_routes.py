"""Assigning a warning and moving a case through HTTP: who may, the walk from 待分派 to 办结,
and two people acting at once (the second is told, keeps their input, the first's stands)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from httpx import Response
from sqlalchemy import select

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.case_tables import Case
from sunlight.appdb.tables import Warning
from tests.web.case_builders import (
    act,
    assigned_warning,
    case_of,
    new_warning,
    page_version,
    report_case,
)
from tests.web.conftest import OTHER_TOWNSHIP, TOWNSHIP, StaffApp, csrf_of


def assign(app: StaffApp, user: str, warning_id: str, version: str = "0",
           **fields: str) -> Response:
    client = app.client(user)
    return client.post(f"/staff/warnings/{warning_id}/assign", follow_redirects=False, data={
        "csrf_token": csrf_of(client), "version": version,
        "assignee": str(app.users["verifier"]), **fields})


def warning_status(app: StaffApp, warning_id: str) -> str:
    with app.session() as session:
        return session.scalars(select(Warning.status)
                               .where(Warning.warning_id == warning_id)).one()


# Permissions ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(staff_app: StaffApp):
    case_no = report_case(staff_app)
    client = staff_app.client()
    page = client.get(f"/staff/cases/{case_no}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/staff/login")
    for url in (f"/staff/cases/{case_no}/transition", "/staff/warnings/W-X/assign"):
        assert client.post(url, data={"action": "verify"}).status_code == 401


@pytest.mark.parametrize("user", ["admin", "officer"])
def test_admin_and_officer_may_not_see_or_act(staff_app: StaffApp, user: str):
    case_no = report_case(staff_app)
    warning_id = new_warning(staff_app)
    client = staff_app.client(user)
    assert client.get(f"/staff/cases/{case_no}").status_code == 403
    assert act(staff_app, client, case_no, "verify", verdict="属实",
               reason="x").status_code == 403
    assert assign(staff_app, user, warning_id).status_code == 403
    assert case_of(staff_app, case_no).status == "verifying"
    assert warning_status(staff_app, warning_id) == "open"


def test_only_an_analyst_assigns_a_warning(staff_app: StaffApp):
    warning_id = new_warning(staff_app)
    assert assign(staff_app, "verifier", warning_id).status_code == 403
    response = assign(staff_app, "analyst", warning_id)
    assert response.status_code == 303
    assert response.headers["location"] == f"/staff/warnings/{warning_id}#case-panel"
    assert warning_status(staff_app, warning_id) == "verifying"


def test_assigning_an_unknown_warning_is_404(staff_app: StaffApp):
    assert assign(staff_app, "analyst", "W-NOSUCHTHING").status_code == 404


@pytest.mark.parametrize("user", ["verifier_other", "analyst"])
def test_a_verifier_sees_only_the_cases_assigned_to_them(staff_app: StaffApp, user: str):
    """Neither a case assigned to someone else (of 马家镇, or of their own township) nor, for
    the 马家镇 verifier, a 城关镇 case."""
    mine = report_case(staff_app, "verifier")
    theirs = report_case(staff_app, user,
                         township=OTHER_TOWNSHIP if user == "verifier_other" else TOWNSHIP)
    verifier = staff_app.client("verifier")
    assert verifier.get(f"/staff/cases/{mine}").status_code == 200
    refused = verifier.get(f"/staff/cases/{theirs}")  # as if it did not exist
    assert refused.status_code == 404 and "不在您的查看范围内" in refused.text
    other = staff_app.client("verifier_other")
    assert other.get(f"/staff/cases/{mine}").status_code == 404
    acted = act(staff_app, other, mine, "verify", verdict="属实", reason="越权")
    assert acted.status_code == 404 and "越权" in acted.text  # what they typed is shown back
    assert "没有分派给您" in acted.text
    assert case_of(staff_app, mine).verdict is None


def test_a_missing_case_is_404(staff_app: StaffApp):
    client = staff_app.client("analyst")
    assert client.get("/staff/cases/AJ2099999999").status_code == 404
    assert act(staff_app, client, report_case(staff_app), "verify", version=2).status_code != 404
    response = client.post("/staff/cases/AJ2099999999/transition", data={
        "csrf_token": csrf_of(client), "action": "verify", "version": "2"})
    assert response.status_code == 404


def test_a_warnings_case_page_is_its_warning_page(staff_app: StaffApp):
    warning_id, case_no = assigned_warning(staff_app)
    for user in ("analyst", "verifier"):
        response = staff_app.client(user).get(f"/staff/cases/{case_no}", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/staff/warnings/{warning_id}"
    assert staff_app.client("verifier_other").get(f"/staff/cases/{case_no}").status_code == 404


def test_a_report_case_page_shows_its_panel_with_the_actions_of_this_user(staff_app: StaffApp):
    case_no = report_case(staff_app)
    analyst = staff_app.client("analyst").get(f"/staff/cases/{case_no}").text
    assert "举报：低保户家有小汽车" in analyst and "城关镇" in analyst and "东村" in analyst
    assert 'value="reassign"' in analyst and 'value="verify"' in analyst
    verifier = staff_app.client("verifier").get(f"/staff/cases/{case_no}").text
    assert 'value="verify"' in verifier and 'value="reassign"' not in verifier
    assert "讨论与附件" in verifier


# The walk -------------------------------------------------------------------------------


def test_a_true_warning_walks_to_closed_through_the_web(staff_app: StaffApp):
    warning_id = new_warning(staff_app)
    analyst, verifier = staff_app.client("analyst"), staff_app.client("verifier")
    assert assign(staff_app, "analyst", warning_id, deadline="2099-12-31").status_code == 303
    case_no = case_no_of(staff_app, warning_id)
    steps = [
        (verifier, "verify", {"verdict": "属实", "reason": "经入户核实，本人已于2023年12月死亡"}),
        (analyst, "dispose", {"recovered_amount": "1,500.00", "party_discipline": "警告",
                              "organisational_measures": ["诫勉", "调整职务"],
                              "transferred_to": "主管部门处理", "disciplined": "typed",
                              "disciplined_id_number": "110101198001010010",
                              "disciplined_name": "李村长"}),
        (analyst, "close", {}),
    ]
    seen = []
    for client, action, fields in steps:
        response = act(staff_app, client, case_no, action, **fields)
        assert response.status_code == 303, response.text
        assert response.headers["location"] == f"/staff/warnings/{warning_id}#case-panel"
        seen.append(warning_status(staff_app, warning_id))
    assert seen == ["verified", "handling", "closed"]
    case = case_of(staff_app, case_no)
    assert (case.verdict, case.recovered_amount, case.transferred_to) == (
        "属实", Decimal("1500.00"), "主管部门处理")
    assert case.sanctions() == "党纪处分 警告 · 组织处理 诫勉、调整职务"  # both boxes ticked
    assert str(case.deadline) == "2099-12-31"
    log = analyst.get(f"/staff/warnings/{warning_id}").text.split("办理记录")[1]
    assert "期限 2099-12-31" in log  # the assignment
    assert "追回 1,500.00 元 · 党纪处分 警告 · 组织处理 诫勉、调整职务 · 移送 主管部门处理" in log
    with staff_app.session() as session:
        actions = session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("case.%")).order_by(AuditEntry.id)).all()
    assert actions == ["case.assign", "case.verify", "case.dispose", "case.close"]


def test_an_unfounded_warning_closes_without_disposal(staff_app: StaffApp):
    warning_id = new_warning(staff_app)
    assign(staff_app, "analyst", warning_id)
    case_no = case_no_of(staff_app, warning_id)
    verifier, analyst = staff_app.client("verifier"), staff_app.client("analyst")
    assert act(staff_app, verifier, case_no, "verify", verdict="不属实",
               reason="系同名同姓，本人健在").status_code == 303
    assert act(staff_app, analyst, case_no, "dispose",
               recovered_amount="100").status_code == 400
    assert act(staff_app, analyst, case_no, "close_unfounded").status_code == 303
    assert warning_status(staff_app, warning_id) == "closed"
    assert case_of(staff_app, case_no).recovered_amount is None


def case_no_of(app: StaffApp, warning_id: str) -> str:
    with app.session() as session:
        return session.scalars(select(Case.case_no).join(Warning, Case.warning_pk == Warning.id)
                               .where(Warning.warning_id == warning_id)).one()


# Refusals keep the input ----------------------------------------------------------------


def test_bad_input_is_answered_400_with_the_message_and_the_input_kept(staff_app: StaffApp):
    case_no = report_case(staff_app)
    response = act(staff_app, staff_app.client("verifier"), case_no, "verify", verdict="属实",
                   reason="   ")
    assert response.status_code == 400
    assert "请填写核实情况说明" in response.text
    assert "<option selected>属实</option>" in response.text
    assert case_of(staff_app, case_no).status == "verifying"


def test_a_refused_first_assignment_keeps_the_form(staff_app: StaffApp):
    warning_id = new_warning(staff_app)
    response = assign(staff_app, "analyst", warning_id, deadline="2001-01-01")
    assert response.status_code == 400
    assert "期限不能早于今天" in response.text and 'value="2001-01-01"' in response.text
    assert warning_status(staff_app, warning_id) == "open"
    assert f'action="/staff/warnings/{warning_id}/assign"' in response.text


def test_the_second_of_two_people_gets_409_and_keeps_what_they_wrote(staff_app: StaffApp):
    warning_id, case_no = assigned_warning(staff_app)
    verifier, analyst = staff_app.client("verifier"), staff_app.client("analyst")
    seen = case_of(staff_app, case_no).version  # both have the page open
    first = act(staff_app, verifier, case_no, "verify", version=seen, verdict="属实",
                reason="入户核实，确已死亡")
    assert first.status_code == 303
    second = act(staff_app, analyst, case_no, "verify", version=seen, verdict="不属实",
                 reason="电话核实：本人健在，系录入错误")
    assert second.status_code == 409
    assert "已被他人更新" in second.text
    assert "已核实" in second.text and "入户核实，确已死亡" in second.text  # the case now
    assert "电话核实：本人健在，系录入错误" in second.text  # their own input, not lost
    assert f"/staff/warnings/{warning_id}" in second.text
    case = case_of(staff_app, case_no)
    assert (case.verdict, case.verdict_reason) == ("属实", "入户核实，确已死亡")


def test_a_stale_form_that_still_applies_comes_back_filled_in_on_the_new_version(
        staff_app: StaffApp):
    case_no = report_case(staff_app)
    one, two = staff_app.client("analyst"), staff_app.client("analyst")
    page = two.get(f"/staff/cases/{case_no}").text
    seen = page_version(page)
    assert act(staff_app, one, case_no, "reassign", version=seen,
               assignee=str(staff_app.users["analyst"])).status_code == 303
    refused = act(staff_app, two, case_no, "reassign", version=seen,
                  assignee=str(staff_app.users["verifier"]), deadline="2099-06-30")
    assert refused.status_code == 409
    assert 'value="2099-06-30"' in refused.text
    assert page_version(refused.text) == seen + 1
    again = act(staff_app, two, case_no, "reassign", version=page_version(refused.text),
                assignee=str(staff_app.users["verifier"]), deadline="2099-06-30")
    assert again.status_code == 303
    assert str(case_of(staff_app, case_no).deadline) == "2099-06-30"


def test_two_analysts_assigning_one_warning_open_one_case(staff_app: StaffApp):
    warning_id = new_warning(staff_app)
    assert assign(staff_app, "analyst", warning_id).status_code == 303
    second = assign(staff_app, "analyst", warning_id, deadline="2099-01-31")
    assert second.status_code == 409 and "已被他人更新" in second.text
    assert "2099-01-31" in second.text


def test_a_verifier_whose_case_was_reassigned_is_told_and_keeps_the_text(staff_app: StaffApp):
    case_no = report_case(staff_app)
    seen = case_of(staff_app, case_no).version
    act(staff_app, staff_app.client("analyst"), case_no, "reassign",
        assignee=str(staff_app.users["analyst"]))
    response = act(staff_app, staff_app.client("verifier"), case_no, "verify", version=seen,
                   verdict="属实", reason="我的核查记录")
    assert response.status_code == 404  # no longer theirs: answered as any case not theirs
    assert "已改派" in response.text and "我的核查记录" in response.text


def test_a_verifier_of_another_township_cannot_be_assigned_through_the_web(
        staff_app: StaffApp):
    warning_id = new_warning(staff_app)
    client = staff_app.client("analyst")
    response = client.post(f"/staff/warnings/{warning_id}/assign", data={
        "csrf_token": csrf_of(client), "version": "0",
        "assignee": str(staff_app.users["verifier_other"])})
    assert response.status_code == 400 and OTHER_TOWNSHIP in response.text


def test_a_warnings_case_is_named_in_chinese_in_the_case_list(staff_app: StaffApp):
    from tests.web.case_builders import new_warning

    warning_id = new_warning(staff_app)
    client = staff_app.client("analyst")
    client.post(f"/staff/warnings/{warning_id}/assign", data={
        "csrf_token": csrf_of(client), "version": "0",
        "assignee": str(staff_app.users["verifier"])})
    assert "王芳 · 死亡后仍领取" in client.get("/staff/cases").text
