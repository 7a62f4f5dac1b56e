"""Rows of a next-month payment batch (待发放清单) and what screening must say about each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sunlight.synth.approvals import AUTO
from sunlight.synth.people import MOVED, Person
from sunlight.synth.periods import LAST_PAID, Month
from sunlight.synth.programs import (
    GAOLING,
    Enrollment,
    elderly_allowance,
    last_paid_month,
    scheduled_amount,
)
from sunlight.synth.world import World

HOLD, PASS, EITHER, UNREADABLE = "hold", "pass", "either", "unreadable"
BATCH_MONTH: Month = LAST_PAID + 1
"""The month after the delivery's last: the batch a department is about to send."""


@dataclass(frozen=True, slots=True)
class BatchRow:
    """One payment the batch asks for, with the verdict screening owes it."""

    program: str
    person: Person
    period: Month
    amount: int
    """Fen."""
    account: str
    expect: str = PASS
    model: str = ""
    note: str = "continuing payee"
    id_text: str | None = None
    """The ID as the batch writes it, where it is not the canonical form."""
    name: str | None = None
    """The name as the batch writes it, where it is not the registry's."""
    plain: bool = False
    """A continuing payee's row: may be written with noise, or made unreadable."""

    @property
    def township(self) -> str:
        return self.person.household.township_name

    @property
    def village(self) -> str:
        return self.person.household.village.name


def monthly_amount(world: World, enrollment: Enrollment, period: Month) -> int:
    """What a continuing enrollment pays for a month after the delivery: last year's amount
    (or the 高龄 band reached), never above the standard in force."""
    if period <= LAST_PAID:
        return scheduled_amount(world.standards, enrollment, period)
    top = world.standards.max_fen(enrollment.program, period)
    if enrollment.program == GAOLING:
        return min(top, elderly_allowance(world.standards, enrollment.person, period))
    return min(top, enrollment.base[-1])


def regular(world: World, enrollment: Enrollment, period: Month = BATCH_MONTH, *,
            expect: str = PASS, model: str = "", note: str = "continuing payee",
            id_text: str | None = None, name: str | None = None) -> BatchRow:
    """The row an enrollment asks for in `period`, as its files have always written it."""
    return BatchRow(enrollment.program, enrollment.person, period,
                    monthly_amount(world, enrollment, period), enrollment.account, expect,
                    model, note, id_text, name)


def _single_household_accounts(world: World) -> set[str]:
    households: dict[str, set[int]] = defaultdict(set)
    for enrollment in world.enrollments:
        households[enrollment.account].add(id(enrollment.person.household))
    return {account for account, owners in households.items() if len(owners) == 1}


def continues(world: World, enrollment: Enrollment) -> bool:
    """A clean background enrollment still paid in the delivery's last month, of a person no
    case or trap touches: its next month must pass screening."""
    person = enrollment.person
    return (not world.standards.is_annual(enrollment.program) and not enrollment.pinned
            and enrollment.chain == AUTO and enrollment.end is None
            and enrollment.last_paid is None and not enrollment.extra
            and person.death is None and person.status != MOVED and bool(person.household.hid)
            and id(person) not in world.claimed
            and last_paid_month(enrollment) == LAST_PAID
            and bool(world.months_of(enrollment)))


def continuing_rows(world: World, months: Sequence[Month] = (BATCH_MONTH,)) -> list[BatchRow]:
    """Every continuing payee's row for each month, in the bank's order (place, then person)."""
    shared_nowhere = _single_household_accounts(world)
    chosen = [e for e in world.enrollments
              if continues(world, e) and e.account in shared_nowhere]
    chosen.sort(key=lambda e: (_place(e.person), e.program))
    return [replace(regular(world, e, period), plain=True) for period in months for e in chosen]


def _place(person: Person) -> tuple[int, int, int]:
    village = person.household.village
    return village.township.code, village.code, person.order
