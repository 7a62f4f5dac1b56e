"""Cases on the Spring Festival's person programs: DUTY_ALLOWANCE_UNEARNED (ZHIBAN against the
duty roster), and INELIGIBLE_AGE, OFFICIAL_ON_WELFARE, DUPLICATE_PAYMENT and OVER_STANDARD on
the migrant workers' aid (LINSHI_NONGMINGONG), as contract section 5 extends them."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from sunlight.synth.cases.book import CASE, TRAP, CaseBook, fixed, need, pin
from sunlight.synth.holiday import (
    DUTY_ROOM,
    committee,
    duty_allowance,
    holiday_days,
    migrant_aid,
    police_station,
)
from sunlight.synth.people import MOVED, Person
from sunlight.synth.periods import HOLIDAY_MONTHS, HOLIDAYS, day_in, month, month_label
from sunlight.synth.programs import LINSHI, ZHIBAN, Enrollment, usual_bank_date
from sunlight.synth.registries import CADRE, Official, grown_up
from sunlight.synth.subsidies import (
    AUXILIARY,
    COMMUNITY_WORKER,
    DAY_SHIFT,
    NIGHT_SHIFT,
    WHOLE_DAY,
    Shift,
)

DUTY_ALLOWANCE_UNEARNED = "DUTY_ALLOWANCE_UNEARNED"
INELIGIBLE_AGE, OFFICIAL_ON_WELFARE = "INELIGIBLE_AGE", "OFFICIAL_ON_WELFARE"
DUPLICATE_PAYMENT, OVER_STANDARD = "DUPLICATE_PAYMENT", "OVER_STANDARD"
DUTY_MONTH, HOLIDAY = HOLIDAY_MONTHS[-1], HOLIDAYS[-1]
DAY_FEN = 10_000
"""The duty allowance's standard: 100 yuan per day on the roster."""
AID_YEAR = 2024


def _adult(book: CaseBook, low: int = 25, high: int = 55) -> Person:
    """An adult of an untaken plain household, everyone alive and at home."""
    household = need(book.plain_household(lambda h: any(low <= p.age <= high
                                                         for p in h.members)),
                     f"a plain household with someone aged {low}-{high}")
    book.claim(household)
    return next(p for p in household.members if low <= p.age <= high)


# -- DUTY_ALLOWANCE_UNEARNED -------------------------------------------------------------------


def duty_allowance_unearned(book: CaseBook) -> None:
    """Paid for more days than the roster shows (days are distinct dates; a night counts for
    the date it starts); traps: paid exactly 100 yuan a day, a night shift on the month's last
    day, days on the police roster (any role counts)."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_paid_beyond_roster, book, index % 4))
    for index in range(book.traps_wanted):
        book.attempt(partial(_paid_as_rostered, book, index % 3))


def _rostered(book: CaseBook, person: Person, days: list[date], shifts: list[str] | None = None,
              unit: str | None = None, role: str = COMMUNITY_WORKER) -> None:
    unit = unit or committee(person.household.village)
    post = DUTY_ROOM if role == COMMUNITY_WORKER else None
    for index, day in enumerate(days):
        shift = shifts[index] if shifts else book.rng.choice((DAY_SHIFT, WHOLE_DAY))
        book.world.roster.append(Shift(day, shift, unit, post, role, person, pinned=True))


def _allowance(book: CaseBook, person: Person, paid_days: int) -> None:
    pin(duty_allowance(book.world, person, DUTY_MONTH, paid_days * DAY_FEN))


def _paid_beyond_roster(book: CaseBook, variant: int) -> None:
    rng, person = book.rng, _adult(book)
    days = sorted(rng.sample(holiday_days(HOLIDAY), rng.randint(2, 4)))
    if variant == 0:  # paid for a few days more than rostered
        _rostered(book, person, days)
        extra = rng.randint(1, 3)
    elif variant == 1:  # a day and a night on one date: one day, paid as two
        _rostered(book, person, [days[0], days[0], *days[1:]],
                  [DAY_SHIFT, NIGHT_SHIFT, *[DAY_SHIFT] * (len(days) - 1)])
        extra = 1
    elif variant == 2:  # on no roster at all
        extra = len(days)
        days = []
    else:  # a night starting on the last day of the month before counts for that month
        eve = day_in(DUTY_MONTH - 1, 31)
        _rostered(book, person, [eve, *days], [NIGHT_SHIFT, *[DAY_SHIFT] * len(days)])
        extra = 1
    _allowance(book, person, len(days) + extra)
    book.add_case(DUTY_ALLOWANCE_UNEARNED, person, ZHIBAN,
                  fixed(extra * DAY_FEN, month_label(DUTY_MONTH)))


def _paid_as_rostered(book: CaseBook, variant: int) -> None:
    rng, person = book.rng, _adult(book)
    days = sorted(rng.sample(holiday_days(HOLIDAY), rng.randint(2, 4)))
    if variant == 0:
        _rostered(book, person, days)
    elif variant == 1:  # a night from the month's last day into the next counts for its start
        last = day_in(DUTY_MONTH, 31)
        _rostered(book, person, [*days, last], [*[WHOLE_DAY] * len(days), NIGHT_SHIFT])
        days.append(last)
    else:  # an auxiliary police officer's days at the station count as days on duty
        station = police_station(person.household.village.township)
        _rostered(book, person, days, [DAY_SHIFT] * len(days), station, AUXILIARY)
    _allowance(book, person, len(days))
    book.add_trap(DUTY_ALLOWANCE_UNEARNED, person, ZHIBAN)


# -- the migrant workers' aid -------------------------------------------------------------------


def _aid(book: CaseBook, person: Person, yuan: int, year: int = AID_YEAR) -> Enrollment:
    enrollment = migrant_aid(book.world, person, year, yuan)
    pin(enrollment)
    return enrollment


def _young(book: CaseBook, born: int) -> Person:
    person = need(book.person(lambda p: p.birth.year == born and p.death is None
                              and p.status != MOVED), f"someone born in {born}")
    book.claim(person.household)
    return person


def migrant_aid_cases(book: CaseBook) -> None:
    """The aid to a 15-year-old (traps: 16 reached within the year), to an official in office
    (traps: office left the year before, a village cadre), paid twice in a year (traps: two
    years paid on one day), above 1,000 yuan (traps: exactly 1,000)."""
    for _ in range(2):
        book.attempt(partial(_aid_under_age, book))
        book.attempt(partial(_aid_to_official, book))
        book.attempt(partial(_aid_twice, book))
        book.attempt(partial(_aid_above_standard, book))
    for index in range(2):
        book.attempt(partial(_aid_at_sixteen, book))
        book.attempt(partial(_aid_out_of_office, book, cadre=index == 1))
        book.attempt(partial(_aid_at_standard, book))
    book.attempt(partial(_two_years_one_day, book))


def _aid_under_age(book: CaseBook) -> None:
    person = _young(book, AID_YEAR - 15)
    yuan = book.rng.choice((500, 800))
    _aid(book, person, yuan)
    book.add_case(INELIGIBLE_AGE, person, LINSHI, fixed(yuan * 100, str(AID_YEAR)))


def _aid_at_sixteen(book: CaseBook) -> None:
    person = _young(book, AID_YEAR - 16)
    _aid(book, person, 500)
    book.add_trap(INELIGIBLE_AGE, person, LINSHI)


def _official(book: CaseBook, person: Person, start: date, end: date | None,
              cadre: bool = False) -> None:
    village, start = person.household.village, grown_up(person, start)
    if cadre:
        office = Official(person, CADRE, "村文书", committee(village), village.township.name,
                          village.name, start, end)
    else:
        township = village.township.name
        office = Official(person, "事业单位", "技术员", f"{township}农业综合服务站", township, "",
                          start, end)
    book.world.add_office(office)


def _aid_to_official(book: CaseBook) -> None:
    person = _adult(book)
    # In office on some day of the year is enough: some took it up during the year.
    start = date(2016, 9, 1) if book.rng.random() < 0.5 else date(AID_YEAR, 6, 1)
    _official(book, person, start, None)
    _aid(book, person, 1000)
    book.add_case(OFFICIAL_ON_WELFARE, person, LINSHI, fixed(100_000, str(AID_YEAR)))


def _aid_out_of_office(book: CaseBook, cadre: bool) -> None:
    person = _adult(book)
    if cadre:
        _official(book, person, date(2019, 1, 1), None, cadre=True)
    else:
        _official(book, person, date(2014, 3, 1), date(AID_YEAR - 1, 8, 31))
    _aid(book, person, 1000)
    book.add_trap(OFFICIAL_ON_WELFARE, person, LINSHI)


def _aid_twice(book: CaseBook) -> None:
    person = _adult(book)
    enrollment = _aid(book, person, 500)
    first = usual_bank_date(LINSHI, enrollment.start,
                            book.world.pay_day(person.household.township_name, LINSHI), True)
    enrollment.extra = [(enrollment.start, first + timedelta(days=book.rng.choice((0, 2, 6))))]
    book.add_case(DUPLICATE_PAYMENT, person, LINSHI, fixed(50_000, str(AID_YEAR)))


def _two_years_one_day(book: CaseBook) -> None:
    """Last year's aid caught up on this year's pay day: two periods, one day."""
    person = _adult(book)
    this_year = _aid(book, person, 800)
    last_year = _aid(book, person, 800, AID_YEAR - 1)
    day = usual_bank_date(LINSHI, this_year.start,
                          book.world.pay_day(person.household.township_name, LINSHI), True)
    last_year.paid_on = {month(AID_YEAR - 1, 1): day}
    book.add_trap(DUPLICATE_PAYMENT, person, LINSHI)


def _aid_above_standard(book: CaseBook) -> None:
    person = _adult(book)
    yuan = book.rng.choice((1200, 1500))
    _aid(book, person, yuan)
    book.add_case(OVER_STANDARD, person, LINSHI, fixed((yuan - 1000) * 100, str(AID_YEAR)))


def _aid_at_standard(book: CaseBook) -> None:
    person = _adult(book)
    _aid(book, person, 1000)
    book.add_trap(OVER_STANDARD, person, LINSHI)


__all__ = ["CASE", "TRAP", "duty_allowance_unearned", "migrant_aid_cases"]
