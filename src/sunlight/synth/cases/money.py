"""Cases about amounts: DUPLICATE_PAYMENT, EXCLUSIVE_PROGRAMS, OVER_STANDARD."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

from sunlight.synth.cases.book import (
    CaseBook,
    Measure,
    MeasureRule,
    measure_rows,
    pin,
    rows_rule,
    supply,
    supply_any,
)
from sunlight.synth.payments import Ledger, Payment
from sunlight.synth.periods import FIRST_PAID, LAST_PAID, Month, half_year, month, year_of
from sunlight.synth.programs import (
    CANJI_HULI,
    CANJI_SHENGHUO,
    DIBAO,
    DILI,
    GAOLING,
    JINMU,
    TEKUN,
    Enrollment,
    scheduled_amount,
    usual_bank_date,
)
from sunlight.synth.welfare import tekun_amounts

DUPLICATE_PAYMENT, EXCLUSIVE_PROGRAMS, OVER_STANDARD = (
    "DUPLICATE_PAYMENT", "EXCLUSIVE_PROGRAMS", "OVER_STANDARD")


def _usual_date(book: CaseBook, enrollment: Enrollment, period: Month) -> date:
    township = enrollment.person.household.township_name
    return usual_bank_date(enrollment.program, period,
                           book.world.pay_day(township, enrollment.program),
                           book.world.standards.is_annual(enrollment.program))


def _within_half_standard(book: CaseBook, enrollment: Enrollment) -> bool:
    """Paid twice a month, still within the standard: the duplicate is the only finding."""
    standards = book.world.standards
    return all(2 * scheduled_amount(standards, enrollment, m) <= standards.max_fen(
        enrollment.program, m) for m in book.world.months_of(enrollment))


def duplicate_payment(book: CaseBook) -> None:
    """A month paid twice; traps: two months paid on one day (a late month caught up)."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_paid_twice, book, index))
    for index in range(book.traps_wanted):
        book.attempt(partial(_two_months_one_day, book, (GAOLING, DIBAO)[index % 2]))


def _paid_twice(book: CaseBook, index: int) -> None:
    rng, world = book.rng, book.world
    if index % 2 == 0:
        enrollment = supply_any(book, (GAOLING, DIBAO),
                                lambda e: _within_half_standard(book, e) or e.program == DIBAO)
    else:
        enrollment = supply(book, DIBAO)
    if not _within_half_standard(book, enrollment):
        half = world.standards.max_fen(DIBAO, FIRST_PAID) // 2
        enrollment.base = (half - 4000, half - 2000)
    book.claim(enrollment.person.household)
    enrollment.extra = []
    for period in sorted(rng.sample(world.months_of(enrollment), 2 if index % 3 == 2 else 1)):
        # Paid again the same day, or a few days later: same half-year, same file.
        later = _usual_date(book, enrollment, period) + timedelta(days=rng.choice((0, 0, 2, 4)))
        enrollment.extra.append((period, later))
    book.add_case(DUPLICATE_PAYMENT, enrollment.person, enrollment.program,
                  _duplicates_rule(enrollment))


def _duplicates_rule(enrollment: Enrollment) -> MeasureRule:
    pin(enrollment)

    def rule(ledger: Ledger) -> Measure:
        seen: set[Month] = set()
        again: list[Payment] = []
        for payment in sorted(ledger.rows_of(enrollment), key=lambda p: (p.period, p.paid_on)):
            if payment.period in seen:
                again.append(payment)
            seen.add(payment.period)
        return measure_rows(again, False)

    return rule


def _two_months_one_day(book: CaseBook, program: str) -> None:
    enrollment = supply_any(book, (program, DIBAO))
    book.claim(enrollment.person.household)
    periods = book.world.months_of(enrollment)
    late = book.rng.choice([m for m in periods[:-1] if half_year(m) == half_year(m + 1)])
    enrollment.paid_on = {late: _usual_date(book, enrollment, late + 1)}
    pin(enrollment)
    book.add_trap(DUPLICATE_PAYMENT, enrollment.person, enrollment.program)


def exclusive_programs(book: CaseBook) -> None:
    """Paid DIBAO and TEKUN for the same months; traps: one replaced the other."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_both_programs, book, index))
    for _ in range(book.traps_wanted):
        book.attempt(partial(_one_after_the_other, book))


def _no_living_allowance(book: CaseBook, enrollment: Enrollment) -> bool:
    return not book.world.enrollments_of(enrollment.person, CANJI_SHENGHUO)


def _both_programs(book: CaseBook, index: int) -> None:
    rng, world = book.rng, book.world
    tekun = book.enrollment(TEKUN) if index % 2 == 0 else None
    if tekun is not None:  # a TEKUN elder put on DIBAO as well, from some month on
        book.claim(tekun.person.household)
        start = rng.randint(month(2023, 3), month(2024, 6))
        first, second = tekun, book.make_dibao(tekun.person.household, start, low=0.25)[0]
    else:  # a DIBAO recipient granted TEKUN for some months without leaving DIBAO
        first = supply(book, DIBAO, lambda e: e.person.age >= 55 and _no_living_allowance(book, e))
        book.claim(first.person.household)
        start = rng.randint(month(2023, 2), month(2024, 3))
        second = world.add_enrollment(Enrollment(TEKUN, first.person, start,
                                                 start + rng.randint(5, 9),
                                                 base=tekun_amounts(world, rng)))
    book.add_case(EXCLUSIVE_PROGRAMS, first.person, "", _overlap_rule(first, second))


def _overlap_rule(first: Enrollment, second: Enrollment) -> MeasureRule:
    """The smaller of the two programs' totals over the periods both paid."""
    pin(first, second)

    def rule(ledger: Ledger) -> Measure:
        paid: dict[str, dict[Month, list[Payment]]] = defaultdict(lambda: defaultdict(list))
        for enrollment in (first, second):
            for payment in ledger.rows_of(enrollment):
                paid[enrollment.program][payment.period].append(payment)
        both = sorted(set(paid[first.program]) & set(paid[second.program]))
        sides = [[p for m in both for p in paid[e.program][m]] for e in (first, second)]
        return min((measure_rows(side, False) for side in sides), key=lambda m: m.amount)

    return rule


def _one_after_the_other(book: CaseBook) -> None:
    dibao = supply(book, DIBAO, lambda e: _no_living_allowance(book, e))
    book.claim(dibao.person.household)
    switch = book.rng.randint(month(2023, 3), month(2024, 8))
    dibao.end = switch
    tekun = book.world.add_enrollment(Enrollment(TEKUN, dibao.person, switch + 1,
                                                 base=tekun_amounts(book.world, book.rng)))
    pin(dibao, tekun)
    book.add_trap(EXCLUSIVE_PROGRAMS, dibao.person, "")


def over_standard(book: CaseBook) -> None:
    """Paid above the standard; traps: exactly the standard, and half a fen rounded up."""
    programs = (DIBAO, GAOLING, CANJI_HULI, DILI, TEKUN)
    for index in range(book.cases_wanted):
        book.attempt(partial(_above_standard, book, programs[index % len(programs)]))
    for index in range(book.traps_wanted):
        if index % 3 == 1:
            book.attempt(partial(_half_fen, book))
        else:
            book.attempt(partial(_at_standard, book, TEKUN if index % 3 == 2 else DIBAO))


def _above_standard(book: CaseBook, program: str) -> None:
    rng, standards = book.rng, book.world.standards
    enrollment = supply_any(book, (program, DIBAO))
    book.claim(enrollment.person.household)
    periods = book.world.months_of(enrollment)
    if standards.is_annual(enrollment.program):  # paid for 1.5-3 mu more than declared
        paid_for = (enrollment.declared or 0) + rng.randint(150, 300)
        enrollment.amounts = {m: standards.area_amount(enrollment.program, year_of(m), paid_for)
                              for m in periods}
    else:  # a few months 20-130 yuan above the standard
        first = rng.randrange(0, max(1, len(periods) - 6))
        enrollment.amounts = {m: standards.max_fen(enrollment.program, m)
                              + rng.randint(2, 13) * 1000
                              for m in periods[first:first + rng.randint(1, 6)]}
    book.add_case(OVER_STANDARD, enrollment.person, enrollment.program,
                  _excess_rule(book, enrollment))


def _excess_rule(book: CaseBook, enrollment: Enrollment) -> MeasureRule:
    """The total paid above the standard (area-based: above rate × declared area)."""
    standards = book.world.standards
    annual = standards.is_annual(enrollment.program)
    declared = enrollment.declared or 0

    def excess(payment: Payment) -> int:
        if annual:
            allowed = standards.area_amount(enrollment.program, year_of(payment.period), declared)
        else:
            allowed = standards.max_fen(enrollment.program, payment.period)
        return max(0, payment.amount - allowed)

    return rows_rule([enrollment], annual, value=excess)


def _at_standard(book: CaseBook, program: str) -> None:
    standards = book.world.standards
    enrollment = supply_any(book, (program, DIBAO))
    book.claim(enrollment.person.household)
    enrollment.base = (standards.max_fen(enrollment.program, FIRST_PAID),
                       standards.max_fen(enrollment.program, LAST_PAID))
    pin(enrollment)
    book.add_trap(OVER_STANDARD, enrollment.person, enrollment.program)


def _half_fen(book: CaseBook) -> None:
    """Rate × declared area ends in half a fen: paid rounded up, which is no overpayment."""
    standards = book.world.standards
    for program in (JINMU, DILI):
        halves = _halving_areas(standards.rate_fen(program, 2024))
        enrollment = book.enrollment(program, _has(halves))
        if enrollment is None:
            continue
        enrollment.declared = halves(enrollment)[0]
        book.claim(enrollment.person.household)
        pin(enrollment)
        book.add_trap(OVER_STANDARD, enrollment.person, program)
        return
    _at_standard(book, DIBAO)


def _has(areas: Callable[[Enrollment], list[int]]) -> Callable[[Enrollment], bool]:
    return lambda enrollment: bool(areas(enrollment))


def _halving_areas(rate: int) -> Callable[[Enrollment], list[int]]:
    """Areas a little under the declared one whose amount ends in half a fen, largest first."""

    def areas(enrollment: Enrollment) -> list[int]:
        declared = enrollment.declared or 0
        return [a for a in range(declared, max(0, declared - 21), -1) if (rate * a) % 100 == 50]

    return areas
