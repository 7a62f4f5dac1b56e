"""The numbers of the analyst's dashboard, each from one query over warnings and cases.

Each model's precision (属实 / verified) is computed here from cases.verdict joined to
warnings.model; sunlight.cases.outcomes may later own that measure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from sunlight.appdb.case_tables import Case
from sunlight.appdb.tables import Warning
from sunlight.cases.outcomes import ModelOutcome, by_model
from sunlight.cases.queries import overdue_clause
from sunlight.clock import local_today
from sunlight.contract.cases import (
    ACTIVE,
    CLOSED,
    HANDLING,
    OPEN,
    REPORT_CASE,
    RETRACTED,
    STATUS_ZH,
)
from sunlight.web import reference
from sunlight.web.board import is_month, is_year, period_label

AT_RISK = (OPEN, *ACTIVE)
"""Statuses whose money is still at risk: nobody has acted yet, or the case is under way."""
RECOVERED_FROM = (HANDLING, CLOSED)
"""Statuses whose case records money recovered."""
UNKNOWN_TOWNSHIP = "（未注明乡镇）"


MEASURES = {"count": "按条数", "amount": "按金额"}
"""What the bars measure: how many warnings, or how much money they involve."""


@dataclass(frozen=True)
class Tally:
    """How many warnings, and how much money, fall under one label."""

    label: str
    count: int
    amount: Decimal
    key: str = ""
    """What the board filters by to list these warnings (a status, model code, township or
    period); empty when it cannot (warnings with no township)."""


@dataclass(frozen=True)
class Precision:
    """One model's verified cases and what they came to, with the model's Chinese name."""

    name: str
    outcome: ModelOutcome


@dataclass(frozen=True)
class Dashboard:
    by_status: list[Tally]
    at_risk: Tally
    recovered: Decimal
    overdue: int
    new_reports: int
    """Citizens' 随手拍 reports nobody has assigned yet."""
    by_model: list[Tally]
    by_township: list[Tally]
    by_month: list[Tally]
    """Programs paid by the month, by the month a problem starts, oldest first."""
    by_year: list[Tally]
    """Programs paid once a year (耕地地力, 禁牧), by year: a year is not a month."""
    precision: list[Precision]


def model_label(code: str) -> str:
    """A model by its Chinese name alone: staff do not read codes."""
    return reference.model_names().get(code) or code


def build(session: Session, today: date | None = None) -> Dashboard:
    today = today or local_today()
    by_status = _tallies(session, Warning.status)
    at_risk = [t for t in by_status if t.label in AT_RISK]
    periods = sorted(_tallies(session, Warning.period_from, live_only=True),
                     key=lambda t: t.label)
    return Dashboard(
        by_status=[Tally(STATUS_ZH.get(t.label, t.label), t.count, t.amount, t.label)
                   for t in sorted(by_status, key=lambda t: _status_order(t.label))],
        at_risk=Tally("风险金额", sum(t.count for t in at_risk),
                      sum((t.amount for t in at_risk), Decimal(0))),
        recovered=_recovered(session),
        overdue=_overdue(session, today),
        new_reports=int(session.scalar(select(func.count()).select_from(Case).where(
            Case.kind == REPORT_CASE, Case.status == OPEN)) or 0),
        by_model=[Tally(model_label(t.label), t.count, t.amount, t.label) for t in
                  _by_count(_tallies(session, Warning.model, live_only=True))],
        by_township=[Tally(t.label or UNKNOWN_TOWNSHIP, t.count, t.amount, t.label) for t in
                     _by_count(_tallies(session, Warning.township, live_only=True))],
        # A police warning's period is a day (contract §6): counted among neither.
        by_month=[t for t in periods if is_month(t.label)],
        by_year=[replace(t, label=period_label(t.label)) for t in periods if is_year(t.label)],
        precision=_precision(session),
    )


def ranked(tallies: list[Tally], measure: str) -> list[Tally]:
    """Most money first when bars measure money; as given (most warnings first) otherwise."""
    if measure == "amount":
        return sorted(tallies, key=lambda t: (-t.amount, -t.count, t.label))
    return tallies


def _tallies(session: Session, column: InstrumentedAttribute[str], *,
             live_only: bool = False) -> list[Tally]:
    query = select(column, func.count(), func.coalesce(func.sum(Warning.amount), 0))
    if live_only:  # a retracted warning was never a lead anyone acted on
        query = query.where(Warning.status != RETRACTED)
    rows = session.execute(query.group_by(column)).all()
    return [Tally(str(label or ""), int(count), Decimal(amount), str(label or ""))
            for label, count, amount in rows]


def _by_count(tallies: list[Tally]) -> list[Tally]:
    return sorted(tallies, key=lambda t: (-t.count, t.label))


def _status_order(status: str) -> int:
    order = list(STATUS_ZH)
    return order.index(status) if status in order else len(order)


def _recovered(session: Session) -> Decimal:
    total = session.scalar(select(func.coalesce(func.sum(Case.recovered_amount), 0))
                           .where(Case.status.in_(RECOVERED_FROM)))
    return Decimal(total or 0)


def _overdue(session: Session, today: date) -> int:
    """Cases past their deadline and not closed (as workflow.overdue decides for one case)."""
    return int(session.scalar(
        select(func.count()).select_from(Case).where(overdue_clause(today))) or 0)


def _precision(session: Session) -> list[Precision]:
    """The models with at least one verified case (cases.outcomes measures them)."""
    return [Precision(model_label(outcome.model), outcome) for outcome in by_model(session)
            if outcome.verified]
