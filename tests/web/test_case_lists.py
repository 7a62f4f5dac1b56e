"""/staff/cases (every case for an analyst, 我的核查任务 for a verifier) and the register of
self-corrections."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.case_tables import Case, SelfCorrection
from tests.appdb.builders import PERSON
from tests.web.case_builders import assigned_warning, case_of, new_warning, report_case
from tests.web.conftest import OTHER_TOWNSHIP, StaffApp, csrf_of


def make_overdue(app: StaffApp, case_no: str) -> None:
    with app.session() as session:
        session.execute(update(Case).where(Case.case_no == case_no)
                        .values(deadline=date.today() - timedelta(days=1)))
        session.commit()


@pytest.fixture
def cases(staff_app: StaffApp) -> dict[str, str]:
    """Four cases: the verifier's warning (overdue), the verifier's report, one of 马家镇, and
    one of 城关镇 assigned to the analyst."""
    _, warning_case = assigned_warning(staff_app)
    made = {
        "warning": warning_case,
        "report": report_case(staff_app),
        "other": report_case(staff_app, "verifier_other", township=OTHER_TOWNSHIP),
        "analysts": report_case(staff_app, "analyst"),
    }
    make_overdue(staff_app, warning_case)
    return made


# Case lists ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(staff_app: StaffApp):
    response = staff_app.client().get("/staff/cases", follow_redirects=False)
    assert response.status_code == 303 and "/staff/login" in response.headers["location"]


@pytest.mark.parametrize("user", ["admin", "officer"])
def test_admin_and_officer_have_no_case_list(staff_app: StaffApp, user: str):
    assert staff_app.client(user).get("/staff/cases").status_code == 403


def test_an_analyst_sees_every_case_deadline_first_with_counts(staff_app: StaffApp,
                                                              cases: dict[str, str]):
    page = staff_app.client("analyst").get("/staff/cases").text
    for case_no in cases.values():
        assert case_no in page
    assert page.index(cases["warning"]) < page.index(cases["report"])  # overdue first
    assert 'class="badge overdue"' in page
    assert "共 4 件" in page
    assert '<span class="stat-label">核查中</span>\n      <strong>4</strong>' in page


def test_a_warning_case_links_to_its_warning_page(staff_app: StaffApp, cases: dict[str, str]):
    page = staff_app.client("analyst").get("/staff/cases").text
    assert f'href="/staff/cases/{cases["report"]}"' in page
    assert f'href="/staff/cases/{cases["warning"]}"' not in page
    assert 'href="/staff/warnings/W-' in page


@pytest.mark.parametrize(("query", "expected"), [
    ("township=马家镇", {"other"}),
    ("kind=warning", {"warning"}),
    ("kind=report&township=城关镇", {"report", "analysts"}),
    ("overdue_only=1", {"warning"}),
    ("status=closed", set()),
])
def test_the_analysts_filters(staff_app: StaffApp, cases: dict[str, str], query: str,
                              expected: set[str]):
    page = staff_app.client("analyst").get(f"/staff/cases?{query}").text
    assert {name for name, case_no in cases.items() if case_no in page} == expected


def test_the_assignee_filter(staff_app: StaffApp, cases: dict[str, str]):
    analyst = staff_app.users["analyst"]
    page = staff_app.client("analyst").get(f"/staff/cases?assignee={analyst}").text
    assert {name for name, case_no in cases.items() if case_no in page} == {"analysts"}


def test_a_live_filter_gets_only_the_rows(staff_app: StaffApp, cases: dict[str, str]):
    response = staff_app.client("analyst").get("/staff/cases?township=马家镇",
                                               headers={"X-Sunlight-Partial": "1"})
    assert "<html" not in response.text and cases["other"] in response.text
    assert cases["report"] not in response.text


def test_a_verifier_sees_only_their_own_tasks_on_a_phone_friendly_table(
        staff_app: StaffApp, cases: dict[str, str]):
    page = staff_app.client("verifier").get("/staff/cases").text
    assert "我的核查任务" in page and 'table class="stacked"' in page
    assert {name for name, case_no in cases.items() if case_no in page} == {"warning", "report"}
    assert 'data-label="办理期限"' in page and 'class="badge overdue"' in page
    # Filters that are the analyst's do not widen a verifier's list.
    wider = staff_app.client("verifier").get("/staff/cases?township=马家镇").text
    assert cases["other"] not in wider and cases["report"] in wider
    other = staff_app.client("verifier_other").get("/staff/cases").text
    assert {name for name, case_no in cases.items() if case_no in other} == {"other"}


def test_a_mangled_page_number_shows_the_first_page(staff_app: StaffApp,
                                                   cases: dict[str, str]):
    page = staff_app.client("analyst").get("/staff/cases?page=abc")
    assert page.status_code == 200 and cases["report"] in page.text


def test_a_verifier_without_tasks_is_told_so(staff_app: StaffApp):
    assert "目前没有分派给您的核查任务" in staff_app.client("verifier").get("/staff/cases").text


def test_a_closed_case_is_no_longer_overdue(staff_app: StaffApp):
    case_no = report_case(staff_app)
    make_overdue(staff_app, case_no)
    with staff_app.session() as session:
        session.execute(update(Case).where(Case.case_no == case_no).values(status="closed"))
        session.commit()
    page = staff_app.client("analyst").get("/staff/cases").text
    assert case_no in page and 'class="badge overdue"' not in page.split("</form>")[-1]
    assert case_of(staff_app, case_no).status == "closed"


# Self-corrections --------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in_from_the_register(staff_app: StaffApp):
    client = staff_app.client()
    response = client.get("/staff/self-corrections", follow_redirects=False)
    assert response.status_code == 303 and "/staff/login" in response.headers["location"]
    assert client.post("/staff/self-corrections", data={}).status_code == 401


@pytest.mark.parametrize("user", ["admin", "officer", "verifier"])
def test_only_analysts_keep_the_register(staff_app: StaffApp, user: str):
    client = staff_app.client(user)
    assert client.get("/staff/self-corrections").status_code == 403
    response = client.post("/staff/self-corrections", data={
        "csrf_token": csrf_of(client), "kind": "主动说明", "person_name": "王芳"})
    assert response.status_code == 403
    with staff_app.session() as session:
        assert session.scalars(select(SelfCorrection)).all() == []


def test_an_analyst_records_a_refund_linked_to_a_warning(staff_app: StaffApp):
    warning_id = new_warning(staff_app)
    client = staff_app.client("analyst")
    prefilled = client.get(f"/staff/self-corrections?warning={warning_id}").text
    assert f'value="{warning_id}"' in prefilled and 'value="王芳"' in prefilled
    assert f'value="{PERSON}"' in prefilled  # the full ID, to be recorded: so audited
    with staff_app.session() as session:
        viewed = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "view.id_number")).one()
        assert (viewed.actor, viewed.target) == ("analyst", warning_id)
        assert viewed.details == {"warning": warning_id, "via": "self_correction"}
    response = client.post("/staff/self-corrections", follow_redirects=False, data={
        "csrf_token": csrf_of(client), "kind": "主动退回", "person_name": "王芳",
        "id_number": PERSON, "township": "城关镇", "village": "东村", "program": "DIBAO",
        "amount_refunded": "1500", "description": "家属主动退回多领的低保金",
        "warning_id": warning_id})
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "已登记" in page and "家属主动退回多领的低保金" in page and "1,500.00" in page
    assert "610327********0172" in page and PERSON not in page
    assert f'href="/staff/warnings/{warning_id}"' in page
    with staff_app.session() as session:
        audit = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "self_correction.record")).one()
        assert audit.target == warning_id and audit.actor == "analyst"


def test_a_standalone_explanation_needs_no_amount(staff_app: StaffApp):
    client = staff_app.client("analyst")
    response = client.post("/staff/self-corrections", follow_redirects=False, data={
        "csrf_token": csrf_of(client), "kind": "主动说明", "person_name": "李明",
        "description": "村干部主动说明代领情况"})
    assert response.status_code == 303
    client.get(response.headers["location"])
    with staff_app.session() as session:  # the register without a warning shows no full ID
        assert session.scalars(select(AuditEntry).where(
            AuditEntry.action == "view.id_number")).all() == []


def test_an_unknown_warning_is_refused_and_the_form_kept(staff_app: StaffApp):
    client = staff_app.client("analyst")
    response = client.post("/staff/self-corrections", data={
        "csrf_token": csrf_of(client), "kind": "主动退回", "person_name": "王芳",
        "amount_refunded": "300", "description": "写了很久的说明", "warning_id": "W-NOSUCH"})
    assert response.status_code == 400
    assert "没有编号为 W-NOSUCH 的预警" in response.text
    assert "写了很久的说明" in response.text and 'value="300"' in response.text
    assert "<option selected>主动退回</option>" in response.text
