"""Payment rows as the 一卡通 files list them, and the ledger of what those files say."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sunlight.synth.periods import Month, year_of
from sunlight.synth.programs import Enrollment, scheduled_amount, usual_bank_date
from sunlight.synth.world import World


@dataclass(frozen=True, slots=True)
class Payment:
    enrollment: Enrollment
    period: Month
    """The month paid for; January of the year for annual programs."""
    paid_on: date
    amount: int
    """Fen."""
    name: str
    id_text: str
    account: str

    @property
    def township(self) -> str:
        return self.enrollment.person.household.township_name

    @property
    def village(self) -> str:
        return self.enrollment.person.household.village.name


def payments_in(world: World, program: str, periods: Iterable[Month]) -> list[Payment]:
    """Every payment of a program for the given periods, in the order the bank listed them."""
    wanted = set(periods)
    annual = world.standards.is_annual(program)
    rows: list[Payment] = []
    for enrollment in world.enrollments:
        if enrollment.program != program:
            continue
        person = enrollment.person
        pay_day = world.pay_day(person.household.township_name, program)
        for period in world.months_of(enrollment):
            if period not in wanted:
                continue
            usual = usual_bank_date(program, period, pay_day, annual)
            paid_on = (enrollment.paid_on or {}).get(period, usual)
            rows.append(_payment(world, enrollment, period, paid_on))
            for extra_period, extra_day in enrollment.extra or ():
                if extra_period == period:
                    rows.append(_payment(world, enrollment, period, extra_day))
    rows.sort(key=_bank_order)
    return rows


def _payment(world: World, enrollment: Enrollment, period: Month, paid_on: date) -> Payment:
    person = enrollment.person
    name = (enrollment.names or {}).get(period, person.name)
    amount = scheduled_amount(world.standards, enrollment, period)
    return Payment(enrollment, period, paid_on, amount, name,
                   enrollment.id_text or person.id_number, enrollment.account)


def _bank_order(payment: Payment) -> tuple[date, int, int, int, Month]:
    village = payment.enrollment.person.household.village
    return (payment.paid_on, village.township.code, village.code, payment.enrollment.person.order,
            payment.period)


class Ledger:
    """What the payment files say, as far as the truth needs it: rows of pinned enrollments,
    and the money paid per township, program and year (readable rows only)."""

    def __init__(self) -> None:
        self._rows: dict[int, list[Payment]] = defaultdict(list)
        self.totals: dict[tuple[str, str, int], int] = defaultdict(int)

    def record(self, payment: Payment) -> None:
        key = (payment.township, payment.enrollment.program, year_of(payment.period))
        self.totals[key] += payment.amount
        if payment.enrollment.pinned:
            self._rows[id(payment.enrollment)].append(payment)

    def rows_of(self, enrollment: Enrollment) -> list[Payment]:
        return self._rows.get(id(enrollment), [])
