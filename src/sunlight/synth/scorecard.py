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
    """Who a truth row or an exported warning is about, in the columns both share.

    Its `subject_id` where it has one (every export; contract v1.1 truth files: a company's
    统一社会信用代码, a person's ID, a police unit, `unit/post`, a case or a finding number),
    else (v1 truth files) the ID number; a township's program-year and an account by the
    columns that name them in v1.
    """
    model = row["model"]
    if model == "FUNDS_WITHHELD":
        return (model, row["township"], row["program"], row["period_from"])
    if model == "SHARED_ACCOUNT":
        return (model, row["account"])
    return (model, row.get("subject_id") or row["id_number"])


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
        # A case without a program (EXCLUSIVE_PROGRAMS, SHARED_ACCOUNT; the police models'
        # truth has no such column) accepts any program; one without an amount (§6) none.
        program = expected.get("program", "")
        stated = {(w["period_from"], w["period_to"], w["amount"]) for w in fired
                  if not program or w["program"] == program}
        hit = (expected["period_from"], expected["period_to"],
               expected.get("amount", "")) in stated
        card.count(expected["model"], case=True, hit=hit)
        if not hit:
            card.problems.append(f"case {dict(expected)} found as {sorted(stated) or 'nothing'}")
    rest = [w for ws in found.values() for w in ws]
    card.unexpected = len(rest)
    card.problems += [f"not in the truth: {dict(w)}" for w in rest]
    return card
