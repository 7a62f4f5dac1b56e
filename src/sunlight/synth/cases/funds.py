"""FUNDS_WITHHELD: a township paying out less than the county allocated it."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date

from sunlight.synth.cases.book import CASE, TRAP, CaseBook, Finding, Measure, MeasureRule
from sunlight.synth.payments import Ledger
from sunlight.synth.periods import day_in, month, year_of

FUNDS_WITHHELD = "FUNDS_WITHHELD"
Key = tuple[str, str, int]
"""(township, program, year)."""
Allocation = tuple[str, int, str, int, date]
"""An allocations row: program, year, township, amount (fen), allocated on."""


@dataclass
class FundsPlan:
    shortfall: dict[Key, float] = field(default_factory=dict)
    """Share of the allocation left unpaid, for the combinations cases and traps are about."""
    allocated: dict[Key, int] = field(default_factory=dict)


def funds_withheld(book: CaseBook) -> FundsPlan:
    """Cases fall short by 10-22% of the allocation; traps by 2.5-4.2% (within the 5% allowed).

    Cases are about township-program-years of at least 60 payments, so that an unreadable
    payment row, whether the detector counts its money or not, cannot tip the verdict."""
    world, rng, plan = book.world, book.rng, FundsPlan()
    payments: dict[Key, int] = {}
    for enrollment in world.enrollments:
        for period in world.months_of(enrollment):
            key = (enrollment.person.household.township_name, enrollment.program, year_of(period))
            payments[key] = payments.get(key, 0) + 1
    wanted = book.cases_wanted + book.traps_wanted
    busy = sorted(k for k, count in payments.items() if count >= 60)
    if len(busy) < wanted:
        busy = sorted(k for k, count in payments.items() if count >= 12)
    rng.shuffle(busy)
    for index, key in enumerate(busy[:wanted]):
        township, program, year = key
        if index < book.cases_wanted:
            plan.shortfall[key] = rng.uniform(0.1, 0.22)
            book.findings.append(Finding(FUNDS_WITHHELD, CASE, "", "", program, township,
                                         _shortfall_rule(plan, key), year))
        else:
            plan.shortfall[key] = rng.uniform(0.025, 0.042)
            book.findings.append(Finding(FUNDS_WITHHELD, TRAP, "", "", program, township,
                                         None, year))
    return plan


def _shortfall_rule(plan: FundsPlan, key: Key) -> MeasureRule:
    def rule(ledger: Ledger) -> Measure:
        year = str(key[2])
        return Measure(plan.allocated[key] - ledger.totals[key], year, year)

    return rule


def allocations(rng: random.Random, plan: FundsPlan, ledger: Ledger) -> list[Allocation]:
    """What the county allocated: a little above what was paid (within 2%), except where a
    case or trap says otherwise. Some allocations come in two tranches."""
    rows: list[Allocation] = []
    for key in sorted(ledger.totals):
        paid = ledger.totals[key]
        if key in plan.shortfall:
            allocated = math.ceil(paid / (1 - plan.shortfall[key]))
        else:
            allocated = math.ceil(paid * (1 + rng.uniform(0, 0.02)) / 1000) * 1000
        plan.allocated[key] = allocated
        township, program, year = key
        if rng.random() < 0.35 and allocated > 100_000:
            first = allocated * 3 // 5 // 100 * 100
            rows.append((program, year, township, first, day_in(month(year, rng.randint(1, 3)),
                                                                rng.randint(3, 25))))
            rows.append((program, year, township, allocated - first,
                         day_in(month(year, 7), rng.randint(3, 25))))
        else:
            rows.append((program, year, township, allocated,
                         day_in(month(year, rng.randint(1, 3)), rng.randint(3, 25))))
    return rows
