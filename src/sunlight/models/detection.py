"""What one run of the models says about one (model, subject, program): a warning in the making.

Detection knows nothing of the app database; `sunlight.appdb.warnings` turns detections into
stored warnings, and needs only what is here: the key, the figures, the evidence rows and a
way to say it again in Chinese for part of the evidence (the payments that kept arriving
after an earlier warning was closed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import Literal, NamedTuple

from sunlight.models.explain import render
from sunlight.models.score import risk_score

Role = Literal["paid", "basis"]
"""`paid`: a payment row whose money is at risk; `basis`: a row showing why (a death record)."""

Severity = Literal["high", "medium", "low"]


class Person(NamedTuple):
    """Someone a warning concerns, as the registry names them (else as a payment wrote them)."""

    id_number: str
    name: str
    household: str
    """The 户号, empty for someone the registry does not hold."""
    role: str
    """What they are to the warning: a code of contract/vocabulary.yaml `person_roles`."""


class Flag(NamedTuple):
    """A warning on a person, as the context that scores other warnings (see `score`)."""

    model: str
    id_number: str
    township: str
    village: str

CENT = Decimal("0.01")


@dataclass(frozen=True, order=True)
class EvidenceRow:
    """One source row that made a model fire, as a person finds it in the delivered file."""

    dataset: str
    file: str
    sheet: str
    row: int
    role: Role = "paid"
    period: str = ""
    """`YYYY-MM` or `YYYY` for payment rows, `YYYY-MM-DD` for the judged rows of the police
    models (contract §6); for a basis row the period it is of, if any (the
    month of an insured count), else empty."""
    amount: Decimal = Decimal("0.00")
    """Money at risk carried by this row (paid rows only)."""

    @property
    def key(self) -> tuple[str, str, str, int]:
        """The row's identity across runs: file name as delivered, sheet and row number."""
        return (self.dataset, self.file, self.sheet, self.row)


@dataclass(frozen=True)
class Detection:
    """One warning as the models see it now."""

    model: str
    subject: str
    """The person's canonical ID, the account, or `township/program/year` for FUNDS_WITHHELD."""
    program: str
    """A catalog code, or empty where the warning spans programs (SHARED_ACCOUNT, EXCLUSIVE)."""
    severity: Severity
    period_from: str
    period_to: str
    amount: Decimal
    id_number: str = ""
    name: str = ""
    account: str = ""
    township: str = ""
    village: str = ""
    facts: Mapping[str, str] = field(default_factory=dict)
    """Key facts for the explanation and the risk score (death month, standard, ...)."""
    evidence: tuple[EvidenceRow, ...] = ()
    template: str = ""
    """The model's explanation template; see `sunlight.models.explain`."""
    period_template: str = ""
    """The model's `each_period` template, said of a single-period warning's facts (a warning
    of several periods carries fact `by_period` instead)."""
    amount_from_rows: bool = True
    """True when `amount` is the sum of the paid rows (false for FUNDS_WITHHELD's shortfall)."""
    subject_kind: str = "person"
    """What `subject` is a key of: a code of contract/vocabulary.yaml `subject_kinds`."""
    subject_name: str = ""
    """The subject as a person reads it: a registry name, the payees of an account, ..."""
    people: tuple[Person, ...] = ()
    """Everyone the warning concerns, the subject's own people first (see `models.subjects`)."""
    unit: str = ""
    """The police unit the warning concerns (contract §6), empty for any other."""
    money: bool = True
    """False for a model that concerns no money (`money: false`): `amount` is 0 and its
    evidence rows are judged rows without money at risk."""

    @property
    def key(self) -> tuple[str, str, str]:
        """One warning per (model, subject, program), as the contract says."""
        return (self.model, self.subject, self.program)

    @cached_property
    def explanation(self) -> str:
        return render(self)

    @cached_property
    def score(self) -> float:
        return risk_score(self)

    def paid_rows(self) -> tuple[EvidenceRow, ...]:
        return tuple(row for row in self.evidence if row.role == "paid")

    def without(self, owned: Iterable[tuple[str, str, str, int]]) -> Detection | None:
        """What is left once an earlier, closed warning's rows are taken out; None if nothing new.

        For amounts summed from payments, the rest is the payments the earlier warning did not
        have (basis rows stay: they still explain why). A shortfall is not a sum of rows: any
        row the earlier warning lacked brings the whole detection back.
        """
        taken = set(owned)
        if not self.amount_from_rows:
            return self if any(row.key not in taken for row in self.evidence) else None
        paid = [row for row in self.paid_rows() if row.key not in taken]
        if not paid:
            return None
        basis = tuple(row for row in self.evidence if row.role == "basis")
        periods = sorted(row.period for row in paid)
        return replace(
            self,
            evidence=tuple(sorted(paid)) + basis,
            amount=sum((row.amount for row in paid), Decimal("0.00")).quantize(CENT),
            period_from=periods[0],
            period_to=periods[-1],
        )
