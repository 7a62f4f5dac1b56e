"""Each model's measured precision from its verified warnings, and the self-correction register."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.account_tables import User
from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.tables import Warning
from sunlight.cases import self_corrections
from sunlight.cases.outcomes import ModelOutcome, by_model
from sunlight.cases.workflow import InvalidInput, assign_warning, case_for_warning, take
from sunlight.contract.cases import NOT_TRUE, PARTLY_TRUE, TRUE
from sunlight.contract.roles import ANALYST, VERIFIER
from tests.appdb.builders import detection, run

OTHER = "HIDDEN_INCOME"


def person(session: Session, username: str, role: str, township: str | None = None) -> User:
    user = User(username=username, display_name=username, role=role, township=township,
                datasets=[], password_hash="-", active=True, created_at=datetime.now(UTC))
    session.add(user)
    session.flush()
    return user


def subject(n: int) -> str:
    return f"61032719710605{n:04d}"


def decide(session: Session, warning: Warning, analyst: User, verifier: User, verdict: str,
           recovered: str | None = None, **measures: str) -> None:
    case = assign_warning(session, warning, analyst, {"assignee": str(verifier.id)},
                          seen_version=0)
    take(session, case, "verify", verifier, {"verdict": verdict, "reason": "核实"},
         expected_version=case.version)
    if recovered is not None:
        take(session, case, "dispose", analyst, {"recovered_amount": recovered, **measures},
             expected_version=case.version)
        take(session, case, "close", analyst, {}, expected_version=case.version)


def test_precision_is_true_over_verified_per_model(session: Session):
    run(session, [detection(range(1, 3), subject=subject(n)) for n in range(6)]
        + [replace(detection(range(1, 3), subject=subject(9)), model=OTHER)],
        models=("DECEASED_PAID", OTHER))
    analyst = person(session, "analyst", ANALYST)
    verifier = person(session, "verifier", VERIFIER, "城关镇")
    warnings = {w.subject: w for w in session.scalars(select(Warning))}
    decide(session, warnings[subject(0)], analyst, verifier, TRUE, "1000.10",
           payment_stopped_on="2024-03-01", eligibility_revoked_on="2024-04-01")
    decide(session, warnings[subject(1)], analyst, verifier, TRUE, "500.20",
           payment_stopped_on="2024-03-01")
    decide(session, warnings[subject(2)], analyst, verifier, PARTLY_TRUE, "250")
    decide(session, warnings[subject(3)], analyst, verifier, NOT_TRUE)
    # Assigned but not yet verified, and sent back for re-checking: neither counts.
    assign_warning(session, warnings[subject(4)], analyst, {"assignee": str(verifier.id)},
                   seen_version=0)
    decide(session, warnings[subject(5)], analyst, verifier, NOT_TRUE)
    returned = case_for_warning(session, warnings[subject(5)])
    take(session, returned, "return", analyst, {"reason": "重查"},
         expected_version=returned.version)
    session.commit()

    outcomes = by_model(session)
    assert outcomes == [
        ModelOutcome("DECEASED_PAID", warnings=6, verified=4, true=2, partly_true=1,
                     not_true=1, recovered=Decimal("1750.30"), stopped=2, revoked=1),
        ModelOutcome(OTHER, warnings=1, verified=0, true=0, partly_true=0, not_true=0,
                     recovered=Decimal("0.00")),
    ]
    assert outcomes[0].precision == 0.5
    assert outcomes[1].precision is None


def test_no_warnings_no_outcomes(session: Session):
    assert by_model(session) == []


def test_a_self_correction_is_recorded_linked_and_audited(session: Session):
    run(session, [detection(range(1, 3))])
    warning = session.scalars(select(Warning)).one()
    analyst = person(session, "analyst", ANALYST)
    entry = self_corrections.record(session, analyst, {
        "kind": "主动退回", "person_name": "王芳", "id_number": "61032719710605017x",
        "township": "城关镇", "amount_refunded": "1,000.00", "description": "家属主动退回",
        "warning_id": warning.warning_id.lower()})
    session.commit()
    assert (entry.warning_pk, entry.id_number, entry.amount_refunded) == (
        warning.id, "61032719710605017X", Decimal("1000.00"))
    audit = session.scalars(select(AuditEntry)).one()
    assert (audit.action, audit.target) == ("self_correction.record", warning.warning_id)
    assert [e.id for e in self_corrections.listed(session)] == [entry.id]


@pytest.mark.parametrize(("form", "message"), [
    ({"kind": "其他", "person_name": "王芳"}, "请选择类型"),
    ({"kind": "主动说明", "person_name": " "}, "请填写当事人姓名"),
    ({"kind": "主动说明", "person_name": "王芳", "id_number": "1234"}, "应为 18 位"),
    ({"kind": "主动退回", "person_name": "王芳"}, "须填写退回金额"),
    ({"kind": "主动退回", "person_name": "王芳", "amount_refunded": "很多"}, "不是数字"),
    ({"kind": "主动说明", "person_name": "王芳", "warning_id": "W-NOPE"}, "没有编号为 W-NOPE"),
])
def test_a_bad_self_correction_is_refused(session: Session, form: dict[str, str],
                                          message: str):
    analyst = person(session, "analyst", ANALYST)
    with pytest.raises(InvalidInput, match=message):
        self_corrections.record(session, analyst, form)
