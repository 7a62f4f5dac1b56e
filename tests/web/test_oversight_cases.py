"""A police warning through the case workflow: an inspector assigns it to the liaison of its
unit, the liaison records the verdict, the inspector disposes and closes it; every step in
the audit log. Liaisons and inspectors of other units learn nothing of it."""

from __future__ import annotations

from httpx import Response
from sqlalchemy import select

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.case_tables import Case
from sunlight.appdb.tables import Warning
from tests.web.bureau_story import (
    CHECKPOINT,
    GATE,
    STATION,
    TRAFFIC,
    bureau,
    bureau_home,
    guard,
    uncovered,
)
from tests.web.case_builders import act
from tests.web.conftest import StaffApp, csrf_of
from tests.web.page_text import visible_text

__all__ = ["bureau", "bureau_home"]


def assign(app: StaffApp, user: str, warning_id: str, assignee: str) -> Response:
    client = app.client(user)
    return client.post(f"/staff/warnings/{warning_id}/assign", follow_redirects=False, data={
        "csrf_token": csrf_of(client), "version": "0", "assignee": str(app.users[assignee])})


def case_of_warning(app: StaffApp, warning_id: str) -> Case:
    with app.session() as session:
        return session.scalars(select(Case).join(Warning, Case.warning_pk == Warning.id)
                               .where(Warning.warning_id == warning_id)).one()


def test_a_police_warning_from_assignment_to_closing(bureau: StaffApp):
    warning = uncovered(bureau, TRAFFIC, CHECKPOINT)
    page = visible_text(bureau.client("inspector_traffic").get(
        f"/staff/warnings/{warning.warning_id}").text)
    assert "liaison_traffic" in page  # offered
    assert "liaison_station" in page and f"本案件属{TRAFFIC}" in page  # not, and why
    assert assign(bureau, "inspector_traffic", warning.warning_id,
                  "liaison_traffic").status_code == 303
    case = case_of_warning(bureau, warning.warning_id)
    assert (case.unit, case.status) == (TRAFFIC, "verifying")

    liaison = bureau.client("liaison_traffic")
    listed = visible_text(liaison.get("/staff/cases").text)
    assert case.case_no in listed
    assert act(bureau, liaison, case.case_no, "verify", verdict="属实",
               reason="3月2日夜班确无人值守").status_code == 303
    inspector = bureau.client("inspector_traffic")
    # The officer rostered that night is told off: typed, as an officer needs no registry row.
    assert act(bureau, inspector, case.case_no, "dispose", police_measures="批评教育",
               disciplined="typed", disciplined_id_number=guard.id,
               disciplined_name=guard.name).status_code == 303
    assert act(bureau, inspector, case.case_no, "close").status_code == 303
    with bureau.session() as session:
        assert session.scalar(select(Warning.status).where(
            Warning.warning_id == warning.warning_id)) == "closed"
        actions = session.scalars(select(AuditEntry.action).where(
            AuditEntry.target == case.case_no).order_by(AuditEntry.id)).all()
    assert actions == ["case.assign", "case.verify", "case.dispose", "case.close"]


def test_a_case_cannot_go_to_a_liaison_of_another_unit(bureau: StaffApp):
    warning = uncovered(bureau, TRAFFIC, CHECKPOINT)
    response = assign(bureau, "inspector_traffic", warning.warning_id, "liaison_station")
    assert response.status_code == 400 and f"本案件属{TRAFFIC}" in visible_text(response.text)
    with bureau.session() as session:
        assert session.scalar(select(Case).where(Case.unit == TRAFFIC)) is None


def test_an_inspector_cannot_assign_another_units_warning(bureau: StaffApp):
    warning = uncovered(bureau, STATION, GATE)
    assert assign(bureau, "inspector_traffic", warning.warning_id,
                  "liaison_station").status_code == 404
    with bureau.session() as session:
        assert session.scalar(select(Case).where(Case.unit == STATION)) is None


def test_a_liaison_of_another_unit_cannot_read_or_act_on_the_case(bureau: StaffApp):
    warning = uncovered(bureau, STATION, GATE)
    assert assign(bureau, "inspector", warning.warning_id, "liaison_station").status_code == 303
    case = case_of_warning(bureau, warning.warning_id)
    other = bureau.client("liaison_traffic")
    for url in (f"/staff/warnings/{warning.warning_id}", f"/staff/cases/{case.case_no}"):
        assert other.get(url).status_code == 404
    assert case.case_no not in other.get("/staff/cases").text
    assert act(bureau, other, case.case_no, "verify", verdict="不属实",
               reason="x").status_code == 404
    comment = other.post(f"/staff/cases/{case.case_no}/comments", data={
        "csrf_token": csrf_of(other), "comment": "看看"})
    assert comment.status_code == 404
    inspector = bureau.client("inspector_traffic")
    assert inspector.get(f"/staff/cases/{case.case_no}").status_code == 404
    assert case.case_no not in inspector.get("/staff/cases").text
    mine = bureau.client("liaison_station")
    assert mine.get(f"/staff/warnings/{warning.warning_id}").status_code == 200
    assert case_of_warning(bureau, warning.warning_id).status == "verifying"


def test_a_township_verifier_is_not_offered_a_police_case(bureau: StaffApp):
    warning = uncovered(bureau, TRAFFIC, CHECKPOINT)
    response = assign(bureau, "inspector", warning.warning_id, "verifier")
    assert response.status_code == 400


def test_a_police_warning_page_shows_its_unit_post_and_as_of_date_and_no_money(
        bureau: StaffApp):
    warning = uncovered(bureau, TRAFFIC, CHECKPOINT)
    text = " ".join(visible_text(bureau.client("inspector").get(
        f"/staff/warnings/{warning.warning_id}").text).split())
    assert f"单位 {TRAFFIC}" in text and f"对象 {TRAFFIC} {CHECKPOINT}" in text
    assert "判断截止日期 2024-03-04" in text
    assert "0.00" not in text
    assert "下一步： 由公安督察人员（您）分派核查人员" in text
