"""Storing detection runs: one warning per key, stable IDs, extension, successors, retraction."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from sunlight.appdb.database import session_factory
from sunlight.appdb.warnings import SyncReport, get, latest_run, sync, warning_id
from sunlight.models.detection import Detection, Person
from tests.appdb.builders import (
    DEATH,
    HOUSEHOLD,
    MODEL,
    PERSON,
    counts,
    detection,
    paid,
    run,
    set_status,
    warnings_of,
)


def changes_of(session: Session, wid: str) -> list[tuple[str, str, str]]:
    warning = get(session, wid)
    assert warning is not None
    return [(change.field, change.old_value, change.new_value) for change in warning.changes]


def test_warning_id_is_a_hash_of_the_key():
    assert warning_id(MODEL, PERSON, "DIBAO", 1) == "W-OV5JLLK42USZ"
    assert warning_id(MODEL, PERSON, "DIBAO", 2) != warning_id(MODEL, PERSON, "DIBAO", 1)
    # The parts are kept apart: moving a character between them makes another key.
    assert warning_id("A", "BC", "", 1) != warning_id("AB", "C", "", 1)


def test_a_first_detection_becomes_an_open_warning(session: Session):
    report = run(session, [detection(range(1, 4))])
    assert (report.new, report.changed, report.unchanged) == (1, 0, 0)
    warning = get(session, warning_id(MODEL, PERSON, "DIBAO", 1))
    assert warning is not None
    assert (warning.status, warning.generation, warning.follows_id) == ("open", 1, None)
    assert (warning.period_from, warning.period_to, warning.amount) == (
        "2024-01", "2024-03", Decimal("1500.00"))
    assert warning.explanation == detection(range(1, 4)).explanation
    assert warning.score == detection(range(1, 4)).score
    assert warning.facts == {"death": "2023年12月", "strength": "0.9"}
    assert [(row.dataset, row.row, row.role) for row in warning.evidence] == [
        ("deaths", 7, "basis"), ("payments", 2, "paid"), ("payments", 3, "paid"),
        ("payments", 4, "paid")]
    assert warning.first_run_id == report.run_id
    assert warning.created_at.tzinfo == UTC
    assert warning.changes == []


def test_the_same_detections_again_change_nothing(session: Session):
    detections = [detection(range(1, 4)), detection([5], subject="610327194802110031")]
    run(session, detections)
    before = counts(session)
    stamps = [w.updated_at for w in warnings_of(session)]
    report = run(session, detections)
    assert (report.new, report.changed, report.unchanged, report.retracted) == (0, 0, 2, 0)
    assert counts(session) == {**before, "detection_runs": before["detection_runs"] + 1}
    assert [w.updated_at for w in warnings_of(session)] == stamps


def test_new_payments_extend_an_open_warning(session: Session):
    run(session, [detection(range(1, 4))])
    report = run(session, [detection(range(1, 6))])
    assert (report.new, report.changed) == (0, 1)
    [warning] = warnings_of(session)
    assert warning.warning_id == warning_id(MODEL, PERSON, "DIBAO", 1)
    assert (warning.period_to, warning.amount, len(warning.evidence)) == (
        "2024-05", Decimal("2500.00"), 6)
    changes = changes_of(session, warning.warning_id)
    assert ("period_to", "2024-03", "2024-05") in changes
    assert ("amount", "1500.00", "2500.00") in changes
    assert ("evidence", "4 rows", "6 rows (+2)") in changes
    assert {field for field, _, _ in changes} == {
        "period_to", "amount", "explanation", "score", "evidence"}


def test_a_corrected_row_replaces_the_stored_one(session: Session):
    run(session, [detection(range(1, 4))])
    corrected = detection(range(1, 4))
    rows = (paid(1), paid(2, "450"), paid(3), DEATH)
    run(session, [replace(corrected, evidence=rows, amount=Decimal("1450.00"))])
    [warning] = warnings_of(session)
    assert [row.amount for row in warning.evidence if row.row == 3] == [Decimal("450.00")]
    assert ("evidence", "4 rows", "4 rows (+1 -1)") in changes_of(session, warning.warning_id)


def test_payments_after_closing_raise_a_successor_with_only_them(session: Session):
    run(session, [detection(range(1, 4))])
    [first] = warnings_of(session)
    set_status(session, first, "closed")
    report = run(session, [detection(range(1, 6))])
    assert (report.reraised, report.changed, report.new) == (1, 0, 0)
    old, successor = warnings_of(session)
    assert (old.amount, old.period_to, old.status) == (Decimal("1500.00"), "2024-03", "closed")
    assert successor.warning_id == warning_id(MODEL, PERSON, "DIBAO", 2)
    assert (successor.generation, successor.follows_id, successor.status) == (2, old.id, "open")
    assert (successor.period_from, successor.period_to, successor.amount) == (
        "2024-04", "2024-05", Decimal("1000.00"))
    assert [row.row for row in successor.evidence] == [7, 5, 6]  # the death record, May, June
    assert "2024年4月至2024年5月" in successor.explanation
    # Still arriving: the successor grows by the newest payment only.
    report = run(session, [detection(range(1, 7))])
    assert (report.changed, report.reraised) == (1, 0)
    assert warnings_of(session)[1].amount == Decimal("1500.00")


def test_a_shortfall_comes_back_whole_when_a_row_is_new(session: Session):
    def shortfall(months: range, amount: str) -> Detection:
        return replace(detection(months, model="FUNDS_WITHHELD", subject="城关镇/DIBAO/2024"),
                       amount=Decimal(amount), amount_from_rows=False)

    models = ("FUNDS_WITHHELD",)
    run(session, [shortfall(range(1, 4), "9000")], models)
    [first] = warnings_of(session, "城关镇/DIBAO/2024")
    set_status(session, first, "closed")
    assert run(session, [shortfall(range(1, 4), "9000")], models).unchanged == 1
    assert run(session, [shortfall(range(1, 5), "12000")], models).reraised == 1
    successor = warnings_of(session, "城关镇/DIBAO/2024")[1]
    assert (successor.amount, successor.period_from, len(successor.evidence)) == (
        Decimal("12000.00"), "2024-01", 5)


def test_nothing_new_after_closing_leaves_the_closed_warning(session: Session):
    run(session, [detection(range(1, 4))])
    set_status(session, warnings_of(session)[0], "closed")
    before = counts(session)
    report = run(session, [detection(range(1, 4))])
    assert (report.unchanged, report.reraised) == (1, 0)
    assert counts(session) == {**before, "detection_runs": before["detection_runs"] + 1}


def test_an_open_warning_no_model_fires_is_retracted_once(session: Session):
    other = "610327194802110031"
    run(session, [detection([1]), detection([1], subject=other)])
    report = run(session, [detection([1])])
    assert report.retracted == 1
    [warning] = warnings_of(session, other)
    assert warning.status == "retracted"
    assert changes_of(session, warning.warning_id) == [("status", "open", "retracted")]
    before = counts(session)
    assert run(session, [detection([1])]).retracted == 0
    assert counts(session)["warning_changes"] == before["warning_changes"]


def test_a_retracted_warning_that_fires_again_reopens(session: Session):
    run(session, [detection([1])])
    run(session, [])
    report = run(session, [detection([1, 2])])
    assert report.changed == 1
    [warning] = warnings_of(session)
    assert (warning.status, warning.amount) == ("open", Decimal("1000.00"))
    changes = changes_of(session, warning.warning_id)
    assert changes[:2] == [("status", "open", "retracted"), ("status", "retracted", "open")]
    assert ("amount", "500.00", "1000.00") in changes


def test_a_warning_under_investigation_is_not_retracted(session: Session):
    run(session, [detection([1])])
    [warning] = warnings_of(session)
    set_status(session, warning, "investigating")
    assert run(session, []).retracted == 0
    run(session, [])
    assert warnings_of(session)[0].status == "investigating"
    run(session, [detection([1])])
    assert changes_of(session, warning.warning_id) == [
        ("fires", "yes", "no"), ("fires", "no", "yes")]


def test_a_subset_of_models_leaves_the_other_models_alone(session: Session):
    models = (MODEL, "NAME_MISMATCH")
    run(session, [detection([1]), detection([1], model="NAME_MISMATCH")], models)
    before = counts(session)
    report = run(session, [detection([1])], (MODEL,))
    assert (report.unchanged, report.retracted) == (1, 0)
    assert [w.status for w in warnings_of(session)] == ["open", "open"]
    assert counts(session)["warning_changes"] == before["warning_changes"] == 0


def test_the_run_is_recorded(session: Session):
    run(session, [detection([1])], (MODEL, "NAME_MISMATCH"))
    report = run(session, [detection([1, 2])], (MODEL, "NAME_MISMATCH"))
    last = latest_run(session)
    assert last is not None and last.id == report.run_id
    assert (last.models, last.fingerprint, last.status) == (
        [MODEL, "NAME_MISMATCH"], "test", "done")
    assert (last.new, last.changed, last.unchanged) == (0, 1, 0)
    assert last.finished_at is not None and last.finished_at >= last.started_at


def test_refused_runs(session: Session):
    with pytest.raises(ValueError, match="not run"):
        run(session, [detection([1], model="NAME_MISMATCH")])
    session.rollback()
    with pytest.raises(ValueError, match="two detections"):
        run(session, [detection([1]), detection([2])])
    session.rollback()
    contradictory = replace(detection([1]), evidence=(paid(1), paid(1, "9")))
    with pytest.raises(ValueError, match="given twice"):
        run(session, [contradictory])


def test_thousands_of_detections_in_one_go(session: Session):
    detections = [detection(range(1, 4), subject=f"S{n:05d}") for n in range(3000)]
    assert run(session, detections).new == 3000
    assert counts(session)["warning_evidence"] == 12_000
    assert run(session, detections).unchanged == 3000


def test_two_runs_at_once_take_turns(engine: Engine):
    factory = session_factory(engine)
    first = factory()
    sync(first, [detection([1])], models=[MODEL], fingerprint="first")
    reports: list[SyncReport] = []

    def second() -> None:
        with factory() as session:
            reports.append(run(session, [detection([1])]))

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(0.5)
    assert thread.is_alive()  # waiting for the first run to end
    first.commit()
    first.close()
    thread.join(30)
    assert [(r.new, r.unchanged) for r in reports] == [(0, 1)]


def test_the_people_of_a_warning_are_stored_and_replaced_when_they_change(session: Session):
    first = detection(range(1, 4))
    run(session, [first])
    [warning] = warnings_of(session)
    assert [(p.id_number, p.name, p.household, p.role) for p in warning.people] == [
        (PERSON, "王芳", HOUSEHOLD, "payee")]
    cadre = Person("610327197001010035", "杜长青", HOUSEHOLD, "cadre")
    report = run(session, [replace(first, people=(*first.people, cadre))])
    assert (report.changed, report.unchanged) == (1, 0)
    session.expire_all()
    [warning] = warnings_of(session)
    assert [(p.name, p.role) for p in warning.people] == [("王芳", "payee"), ("杜长青", "cadre")]
    assert ("people", "王芳 payee", "王芳 payee、杜长青 cadre") in changes_of(
        session, warning.warning_id)
    again = run(session, [replace(first, people=(*first.people, cadre))])
    assert (again.changed, again.unchanged) == (0, 1)
