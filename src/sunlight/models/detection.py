"""What one run of the models says about one (model, subject, program): a warning in the making.

Detection knows nothing of the app database; `sunlight.appdb.warnings` turns detections into
stored warnings, and needs only what is here: the key, the figures, the evidence rows and a
way to say it again in Chinese for part of the evidence (the payments that kept arriving
after an earlier warning was closed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Literal, NamedTuple

from sunlight.contract.vocabulary import WARNING_TEXT_ZH
from sunlight.models.explain import periods_zh, render
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


class Occurrence(NamedTuple):
    """The days one source row stands for in a warning of no money: a roll call its date, a
    post's row every date of a stretch left uncovered (there is no row for an absence)."""

    key: tuple[str, str, str, int]
    role: Role
    first: str
    last: str


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
    occurrences: tuple[Occurrence, ...] = ()
    """For a warning of no money, the days each query row stands for; empty: each evidence
    row its own period."""

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

    def without(self, owned: Iterable[tuple[str, str, str, int]],
                judged: Iterable[tuple[str, str]] = ()) -> Detection | None:
        """What is left once earlier, closed warnings are taken out; None if nothing new.

        `owned` are the closed warnings' rows, `judged` their periods (first, last). For
        amounts summed from payments, the rest is the payments the earlier warnings did not
        have (basis rows stay: they still explain why). A shortfall is not a sum of rows: any
        row the earlier warning lacked brings the whole detection back. A warning of no money
        is about days (contract §6): the rest is the days outside every closed warning's
        period, whichever rows say them (see `after`).
        """
        if not self.money:
            return self.after(judged)
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

    def after(self, judged: Iterable[tuple[str, str]]) -> Detection | None:
        """The days of a warning of no money outside the periods `judged` (first, last, both
        inclusive), with the rows that say them; None if no judged row's day is left.

        A closed warning owns its days, not its rows: a roster, case list or post list
        delivered again under another file name restates days already dealt with, and a
        post's one row stands for every date it was left uncovered, January's and February's.
        """
        spans = sorted(judged)
        whole = self._occurrences()
        left = [Occurrence(o.key, o.role, first, last) for o in whole
                for first, last in _outside(o.first, o.last, spans)]
        if left == list(whole):
            return self
        paid = [o for o in left if o.role == "paid"]
        if not paid:
            return None
        keys, said = {o.key for o in left}, {o.key for o in whole}
        # A row no occurrence names (a basis row of no date) stays while it has a day left.
        evidence = tuple(row for row in self.evidence if row.key in keys or (
            row.key not in said and (not row.period or _outside(row.period, row.period, spans))))
        # The model's facts count every day; the warning says which it leaves out.
        dealt_with = "、".join(periods_zh(start, end) for start, end in spans if any(
            start <= o.last and end >= o.first for o in whole if o.role == "paid"))
        return replace(self, evidence=evidence, occurrences=tuple(left),
                       period_from=min(o.first for o in paid),
                       period_to=max(o.last for o in paid),
                       facts={**self.facts, "dealt_with": dealt_with},
                       template=self.template + WARNING_TEXT_ZH["days_dealt_with"])

    def _occurrences(self) -> tuple[Occurrence, ...]:
        return self.occurrences or tuple(
            Occurrence(row.key, row.role, row.period, row.period) for row in self.evidence
            if row.period)


def _outside(first: str, last: str, spans: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The parts of the days `first`..`last` that no span covers, in order."""
    parts = []
    for start, end in spans:
        if end < first or start > last:
            continue
        if start > first:
            parts.append((first, _day_before(start)))
        if end >= last:
            return parts
        first = _day_after(end)
    return [*parts, (first, last)]


def _day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


def _day_after(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
