"""What investigations found, per model: how often a model's warnings proved true.

A model's measured precision is 属实 / verified, over its warnings' cases that have a verdict
(a case sent back for re-checking has none until it is verified again). 部分属实 counts as
verified but not as 属实, so precision never flatters a model.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sunlight.appdb.case_tables import Case
from sunlight.appdb.tables import Warning
from sunlight.contract.cases import NOT_TRUE, PARTLY_TRUE, TRUE


@dataclass(frozen=True)
class ModelOutcome:
    """One model's verified warnings and what they came to."""

    model: str
    warnings: int
    """Every warning the model raised (retracted ones included)."""
    verified: int
    true: int
    partly_true: int
    not_true: int
    recovered: Decimal
    """追回金额 over the model's cases, in yuan."""
    stopped: int = 0
    """Cases whose disposal stopped the payment (停发)."""
    revoked: int = 0
    """Cases whose disposal revoked the eligibility (取消资格)."""

    @property
    def precision(self) -> float | None:
        """属实 / verified; None before any warning of the model has been verified."""
        return self.true / self.verified if self.verified else None


def by_model(session: Session) -> list[ModelOutcome]:
    """Every model that raised a warning, by model code, with its verified outcomes."""
    raised: dict[str, int] = {
        model: int(count) for model, count in
        session.execute(select(Warning.model, func.count()).group_by(Warning.model))}
    verdicts: dict[str, dict[str, int]] = {model: {} for model in raised}
    for model, verdict, number in session.execute(
        select(Warning.model, Case.verdict, func.count())
        .join(Case, Case.warning_pk == Warning.id)
        .where(Case.verdict.is_not(None)).group_by(Warning.model, Case.verdict)
    ):
        verdicts[model][verdict or ""] = int(number)
    recovered = {model: amount for model, amount in session.execute(
        select(Warning.model, func.coalesce(func.sum(Case.recovered_amount), 0))
        .join(Case, Case.warning_pk == Warning.id).group_by(Warning.model))}
    measures = {model: (int(stopped or 0), int(revoked or 0))
                for model, stopped, revoked in session.execute(
        select(Warning.model, func.count(Case.payment_stopped_on),
               func.count(Case.eligibility_revoked_on))
        .join(Case, Case.warning_pk == Warning.id).group_by(Warning.model))}
    return [
        ModelOutcome(
            model=model, warnings=raised[model], verified=sum(verdicts[model].values()),
            true=verdicts[model].get(TRUE, 0), partly_true=verdicts[model].get(PARTLY_TRUE, 0),
            not_true=verdicts[model].get(NOT_TRUE, 0),
            recovered=yuan(recovered.get(model)),
            stopped=measures.get(model, (0, 0))[0], revoked=measures.get(model, (0, 0))[1],
        )
        for model in sorted(raised)
    ]


def yuan(value: object) -> Decimal:
    """A summed amount as yuan and fen (SQLite sums NUMERIC as a float)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))
