"""Holding warnings to a county's truth.csv: every case found as stated, no trap fired.

Warnings and truth rows are compared in the contract's export columns, so the same check
works on any county that comes with a truth file written from the contract.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

Row = Mapping[str, str]


@dataclass
class Tally:
    """Cases found and traps fired, of one model or of all."""

    cases: int = 0
    found: int = 0
    traps: int = 0
    fired: int = 0


@dataclass
class Scorecard(Tally):
    unexpected: int = 0
    """Warnings about subjects the truth says nothing of."""
    problems: list[str] = field(default_factory=list)
    models: dict[str, Tally] = field(default_factory=dict)
    """The same counts per model, in the truth's order."""

    def count(self, model: str, *, case: bool, hit: bool) -> None:
        for tally in (self, self.models.setdefault(model, Tally())):
            if case:
                tally.cases += 1
                tally.found += hit
            else:
                tally.traps += 1
                tally.fired += hit


def read_truth(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def subject(row: Row) -> tuple[str, ...]:
    """Who a truth row or an exported warning is about, in the columns both share."""
    model = row["model"]
    if model == "FUNDS_WITHHELD":
        return (model, row["township"], row["program"], row["period_from"])
    if model == "SHARED_ACCOUNT":
        return (model, row["account"])
    if by_subject_id(row):
        return (model, "subject", row["subject_id"])
    return (model, row["id_number"])


PERSON_KINDS = ("person", "account", "township", "household")


def by_subject_id(row: Row) -> bool:
    """A warning or truth row about a company, a police unit, a post, a case or a finding:
    matched on its `subject_id` (a 统一社会信用代码, a unit's name, `unit/post`, a number).

    An export says so in `subject_kind` (a company warning's `id_number` is its legal
    representative's); a truth file (contract v1.1 samples) gives such a subject's key and no
    ID number.
    """
    if row.get("subject_kind"):
        return row["subject_kind"] not in PERSON_KINDS
    return bool(row.get("subject_id")) and not row.get("id_number")


def score(warnings: Iterable[Row], truth: Iterable[Row]) -> Scorecard:
    """Cases found as stated (program, periods, amount), traps fired, warnings unexplained."""
    found: dict[tuple[str, ...], list[Row]] = {}
    for warning in warnings:
        found.setdefault(subject(warning), []).append(warning)
    card = Scorecard()
    for expected in truth:
        fired = found.pop(subject(expected), [])
        if expected["kind"] == "trap":
            card.count(expected["model"], case=False, hit=bool(fired))
            card.problems += [f"trap fired: {dict(expected)} as {w['warning_id']}" for w in fired]
            continue
        # A case without a program (EXCLUSIVE_PROGRAMS, SHARED_ACCOUNT, section 6's) accepts
        # any program.
        stated = {(w["period_from"], w["period_to"], w["amount"]) for w in fired
                  if not expected["program"] or w["program"] == expected["program"]}
        hit = (expected["period_from"], expected["period_to"], expected["amount"]) in stated
        card.count(expected["model"], case=True, hit=hit)
        if not hit:
            card.problems.append(f"case {dict(expected)} found as {sorted(stated) or 'nothing'}")
    rest = [w for ws in found.values() for w in ws]
    card.unexpected = len(rest)
    card.problems += [f"not in the truth: {dict(w)}" for w in rest]
    return card
