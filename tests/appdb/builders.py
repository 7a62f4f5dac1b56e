"""Tiny detections for the app-database tests."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sunlight.appdb.tables import Base, Warning
from sunlight.appdb.warnings import SyncReport, sync
from sunlight.models.detection import Detection, EvidenceRow, Person

MODEL = "DECEASED_PAID"
PERSON = "610327197106050172"
HOUSEHOLD = "301010001"
TEMPLATE = "{name}已于{death}死亡，{periods_zh}仍领取低保{span}，共{amount}元。"


def paid(month: int, amount: str = "500", file: str = "低保2024.xlsx") -> EvidenceRow:
    """The payment for 2024-<month>, on row month + 1 of the payments file."""
    return EvidenceRow("payments", file, "Sheet1", month + 1, "paid", f"2024-{month:02d}",
                       Decimal(amount))


DEATH = EvidenceRow("deaths", "死亡登记.csv", "", 7, "basis")


def detection(
    months: Iterable[int],
    *,
    model: str = MODEL,
    subject: str = PERSON,
    program: str = "DIBAO",
    amount: str = "500",
) -> Detection:
    """A detection over the payments of these months of 2024, with the death record as basis.

    A subject of 18 characters is 王芳, the payee; one with a `/` a township's program-year;
    any other an account.
    """
    rows = tuple(paid(month, amount) for month in months)
    person = len(subject) == 18
    kind = "person" if person else "township" if "/" in subject else "account"
    return Detection(
        model=model, subject=subject, program=program, severity="high",
        period_from=rows[0].period, period_to=rows[-1].period,
        amount=sum((row.amount for row in rows), Decimal("0.00")),
        id_number=subject if person else "", name="王芳", township="城关镇",
        village="东村", facts={"death": "2023年12月", "strength": "0.9"},
        evidence=(*rows, DEATH), template=TEMPLATE,
        subject_kind=kind, subject_name="王芳" if person else "",
        people=(Person(subject, "王芳", HOUSEHOLD, "payee"),) if person else (),
    )


def run(
    session: Session, detections: Iterable[Detection], models: Collection[str] = (MODEL,)
) -> SyncReport:
    """One detection run, committed."""
    report = sync(session, detections, models=models, fingerprint="test")
    session.commit()
    return report


def counts(session: Session) -> dict[str, int]:
    """Rows per table."""
    return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables}


def warnings_of(session: Session, subject: str = PERSON) -> list[Warning]:
    query = select(Warning).where(Warning.subject == subject).order_by(Warning.generation)
    return list(session.scalars(query))


def set_status(session: Session, warning: Warning, status: str) -> None:
    """What an investigator will do through the case workflow (issue 4)."""
    warning.status = status
    session.commit()
