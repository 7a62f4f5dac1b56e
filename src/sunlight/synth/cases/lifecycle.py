"""Cases of life and age: paid after death (DECEASED_PAID), paid before 80 (INELIGIBLE_AGE)."""

from __future__ import annotations

from datetime import date
from functools import partial

from sunlight.synth.cases.book import (
    CaseBook,
    MeasureRule,
    after,
    after_year,
    before,
    need,
    pin,
    rows_rule,
    supply,
    supply_any,
)
from sunlight.synth.people import MOVED, Person, record_death
from sunlight.synth.periods import (
    FIRST_PAID,
    LAST_PAID,
    LAST_UNAPPROVED_START,
    Month,
    day_in,
    month,
    month_number,
    month_of,
    year_of,
)
from sunlight.synth.programs import DIBAO, DILI, GAOLING, JINMU, TEKUN, Enrollment

DECEASED_PAID, INELIGIBLE_AGE = "DECEASED_PAID", "INELIGIBLE_AGE"
_MONTHLY = (DIBAO, GAOLING, TEKUN)
# How the death is known: (the registry says 死亡, the deaths data's sources).
_SOURCES = {"all_sources": (True, ("公安注销", "火化")), "annual": (True, ("公安注销",)),
            "deaths_only": (False, ("火化", "医学证明")), "registry_only": (True, ())}


def _die(book: CaseBook, person: Person, day: date, variant: str) -> None:
    registry, sources = _SOURCES[variant]
    records = record_death(book.rng, person, day, registry=registry, sources=sources)
    book.world.population.death_records.extend(records)
    assert person.death == day


def _alive(enrollment: Enrollment) -> bool:
    return enrollment.person.death is None and enrollment.person.status != MOVED


def _rotate(programs: tuple[str, ...], index: int) -> tuple[str, ...]:
    """The programs starting from the index-th: cases spread over programs, with fallbacks."""
    turn = index % len(programs)
    return programs[turn:] + programs[:turn]


def deceased_paid(book: CaseBook) -> None:
    """Paid after the month of death; traps: back pay up to the month of death, and an annual
    subsidy paid for the year of death."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_paid_after_death, book, index))
    for index in range(book.traps_wanted):
        if index % 2:
            book.attempt(partial(_annual_death_year, book))
        else:
            book.attempt(partial(_back_pay_to_death, book, _rotate(_MONTHLY, index)))


def _paid_after_death(book: CaseBook, index: int) -> None:
    rng = book.rng
    variant = ("all_sources", "annual", "deaths_only", "registry_only")[index % 4]
    rule: MeasureRule
    if variant == "annual":
        enrollment = supply_any(book, _rotate((DILI, JINMU), index // 4), _alive)
        died = rng.randint(month(2023, 2), month(2023, 11))
        enrollment.last_paid = LAST_PAID
        rule = rows_rule([enrollment], True, after_year(year_of(died)))
    else:
        enrollment = supply_any(book, _rotate(_MONTHLY, index), _alive)
        died = rng.randint(month(2023, 2), month(2024, 8))
        enrollment.last_paid = min(LAST_PAID, died + rng.randint(4, 20))
        rule = rows_rule([enrollment], False, after(died))
    book.claim(enrollment.person.household)
    _die(book, enrollment.person, day_in(died, rng.randint(1, 28)), variant)
    book.add_case(DECEASED_PAID, enrollment.person, enrollment.program, rule)


def _back_pay_to_death(book: CaseBook, programs: tuple[str, ...]) -> None:
    """Died mid-month; the last two months were paid after the death, as back pay."""
    rng = book.rng
    enrollment = supply_any(book, programs, _alive)
    book.claim(enrollment.person.household)
    # Both months and the back-pay day fall in one half-year: one payment file, one year.
    choices = [m for m in range(FIRST_PAID + 1, LAST_PAID)
               if month_number(m) in (2, 3, 4, 5, 8, 9, 10, 11)]
    died = rng.choice(choices)
    _die(book, enrollment.person, day_in(died, rng.randint(3, 12)), "annual")
    paid = day_in(died + 1, rng.randint(2, 10))
    enrollment.paid_on = {died - 1: paid, died: paid}
    pin(enrollment)
    book.add_trap(DECEASED_PAID, enrollment.person, enrollment.program)


def _annual_death_year(book: CaseBook) -> None:
    """Died early in the year; that year's cropland subsidy is paid in May all the same."""
    rng = book.rng
    enrollment = supply(book, DILI, _alive)
    book.claim(enrollment.person.household)
    died = month(2024, rng.randint(1, 4))
    _die(book, enrollment.person, day_in(died, rng.randint(1, 28)), "all_sources")
    pin(enrollment)
    book.add_trap(DECEASED_PAID, enrollment.person, DILI)


def _eightieth(book: CaseBook, person: Person) -> Month:
    return month_of(person.birth) + 12 * book.world.standards.min_age(GAOLING)


def _turns_eighty_between(book: CaseBook, first: Month, last: Month,
                          days: tuple[int, int] = (1, 31)) -> Person | None:
    return book.person(lambda p: first <= _eightieth(book, p) <= last and p.death is None
                       and p.status != MOVED and days[0] <= p.birth.day <= days[1])


def _replace_elderly_allowance(book: CaseBook, person: Person, start: Month) -> Enrollment:
    world = book.world
    for old in world.enrollments_of(person, GAOLING):
        world.remove_enrollment(old)
    book.claim(person.household)
    return world.add_enrollment(Enrollment(GAOLING, person, start))


def ineligible_age(book: CaseBook) -> None:
    """高龄补贴 paid before the 80th birthday month; traps: paid from that very month."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_paid_too_young, book, index % 2 == 0))
    for index in range(book.traps_wanted):
        days = (15, 31) if index % 2 == 0 else (1, 5)
        book.attempt(partial(_paid_from_birthday_month, book, days))


def _paid_too_young(book: CaseBook, early: bool) -> None:
    """Paid a few months before turning 80 (or, failing anyone that age, at 66-77)."""
    rng = book.rng
    person = _turns_eighty_between(book, month(2023, 6), LAST_PAID) if early else None
    if person is not None:
        turns = _eightieth(book, person)
        enrollment = _replace_elderly_allowance(
            book, person, max(FIRST_PAID, turns - rng.randint(4, 14)))
        book.add_case(INELIGIBLE_AGE, person, GAOLING,
                      rows_rule([enrollment], False, before(turns)))
        return
    person = need(book.person(lambda p: 66 <= p.age <= 77 and p.death is None
                              and p.status != MOVED), "someone aged 66-77")
    start = rng.randint(month(2019, 1), LAST_UNAPPROVED_START)
    enrollment = _replace_elderly_allowance(book, person, start)
    book.add_case(INELIGIBLE_AGE, person, GAOLING, rows_rule([enrollment], False))


def _paid_from_birthday_month(book: CaseBook, days: tuple[int, int]) -> None:
    person = (_turns_eighty_between(book, month(2023, 2), LAST_PAID, days)
              or _turns_eighty_between(book, month(2023, 2), LAST_PAID))
    person = need(person, "someone turning 80 during the two years")
    enrollment = _replace_elderly_allowance(book, person, _eightieth(book, person))
    pin(enrollment)
    book.add_trap(INELIGIBLE_AGE, person, GAOLING)
