"""Listing and fetching warnings: the order is the same every time."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from sunlight.appdb.warnings import for_export, get, latest_run, top
from tests.appdb.builders import MODEL, detection, run, warnings_of


def three_warnings(session: Session) -> list[str]:
    """Warnings of subjects A, B, C; the scores set by hand to 50, 50, 60."""
    run(session, [detection([1], subject="A"), detection([1, 2], subject="B"),
                  detection([1], subject="C"), detection([1], model="NAME_MISMATCH")],
        (MODEL, "NAME_MISMATCH"))
    ids = []
    for subject, score in (("A", 50.0), ("B", 50.0), ("C", 60.0)):
        [warning] = warnings_of(session, subject)
        warning.score = score
        ids.append(warning.warning_id)
    session.commit()
    return ids


def test_top_by_score_then_amount_then_warning_id(session: Session):
    a, b, c = three_warnings(session)
    listed = top(session, 10, models=[MODEL])
    assert [w.warning_id for w in listed] == [c, b, a]  # B's two months outweigh A's one
    assert listed[1].amount == Decimal("1000.00")
    assert [w.warning_id for w in top(session, 2, models=[MODEL])] == [c, b]
    assert len(top(session, 10)) == 4
    assert {w.model for w in top(session, 10, models=[MODEL, "NAME_MISMATCH"])} == {
        MODEL, "NAME_MISMATCH"}
    assert [w.model for w in top(session, 10, models=["NAME_MISMATCH"])] == ["NAME_MISMATCH"]


def test_top_ties_break_on_warning_id(session: Session):
    run(session, [detection([1], subject=subject) for subject in "PQRS"])
    listed = top(session, 10)
    assert len({(w.score, w.amount) for w in listed}) == 1
    assert [w.warning_id for w in listed] == sorted(w.warning_id for w in listed)


def test_top_by_status(session: Session):
    a, _, _ = three_warnings(session)
    [warning] = warnings_of(session, "A")
    warning.status = "closed"
    session.commit()
    assert [w.warning_id for w in top(session, 10, status="closed")] == [a]
    assert len(top(session, 10, status="open")) == 3


def test_export_by_model_then_warning_id(session: Session):
    three_warnings(session)
    exported = for_export(session)
    assert [(w.model, w.warning_id) for w in exported] == sorted(
        (w.model, w.warning_id) for w in exported)
    assert exported[0].model == MODEL and exported[-1].model == "NAME_MISMATCH"
    assert [w.model for w in for_export(session, ["NAME_MISMATCH"])] == ["NAME_MISMATCH"]


def test_export_with_evidence_loaded(session: Session):
    three_warnings(session)
    exported = for_export(session, evidence=True)
    session.close()  # what was loaded stays readable
    assert [len(w.evidence) for w in exported] == [2, 3, 2, 2]


def test_get_and_latest_run_on_an_empty_database(session: Session):
    assert get(session, "W-AAAAAAAAAAAA") is None
    assert latest_run(session) is None


def test_top_leaves_retracted_warnings_out_unless_asked_for(session: Session):
    a, _, _ = three_warnings(session)
    [warning] = warnings_of(session, "A")
    warning.status = "retracted"
    session.commit()
    assert a not in [w.warning_id for w in top(session, 10)]
    assert [w.warning_id for w in top(session, 10, status="retracted")] == [a]
