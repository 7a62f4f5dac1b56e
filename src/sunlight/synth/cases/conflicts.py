"""Cases of standing: OFFICIAL_ON_WELFARE, RELATIVE_OF_CADRE, ASSET_OWNER_ON_WELFARE."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from sunlight.synth.cases.book import CaseBook, from_month, need, pin, rows_rule
from sunlight.synth.ids import credit_code
from sunlight.synth.people import Household, Person
from sunlight.synth.periods import LAST_UNAPPROVED_START, Month, first_day, month, month_of
from sunlight.synth.programs import DIBAO, Enrollment
from sunlight.synth.registries import (
    ACTIVE_BUSINESS,
    CADRE,
    CLOSED_BUSINESS,
    LAST_BACKGROUND_CLOSURE,
    Business,
    Official,
    Vehicle,
    company_name,
    random_day,
)

OFFICIAL_ON_WELFARE, RELATIVE_OF_CADRE, ASSET_OWNER_ON_WELFARE = (
    "OFFICIAL_ON_WELFARE", "RELATIVE_OF_CADRE", "ASSET_OWNER_ON_WELFARE")
_JOBS = (("公务员", "{t}人民政府", "科员"), ("事业单位", "{t}中心小学", "教师"),
         ("财政供养", "{t}敬老院", "工作人员"))
_CADRE_POSTS = ("村委会委员", "村文书", "村会计", "妇女主任")


def _family(book: CaseBook, low: int, high: int, size: int = 2) -> tuple[Household, Person]:
    """A plain household of at least `size`, born before 2014 (all on DIBAO since 2015-2022),
    with an adult aged `low`-`high`."""
    household = need(book.plain_household(lambda h: len(h.members) >= size and any(
        low <= p.age <= high for p in h.members) and all(p.birth.year < 2014 for p in h.members)),
        "a plain household")
    book.claim(household)
    adult = next(p for p in household.members if low <= p.age <= high)
    return household, adult


def _old_start(book: CaseBook) -> Month:
    return book.rng.randint(month(2015, 1), LAST_UNAPPROVED_START)


def _career_start(book: CaseBook, person: Person, first: Month, last: Month) -> date:
    """The first day of a month between `first` and `last`, at 22 or older."""
    earliest = max(first, month_of(person.birth) + 12 * 22)
    return first_day(book.rng.randint(earliest, max(earliest, last)))


def _official(book: CaseBook, person: Person, start: date, end: date | None) -> Official:
    category, employer, post = book.rng.choice(_JOBS)
    township = person.household.township_name
    return book.world.add_office(Official(person, category, post, employer.format(t=township),
                                          township, "", start, end))


def _cadre(book: CaseBook, person: Person, start: date, end: date | None) -> Official:
    village = person.household.village
    return book.world.add_office(Official(
        person, CADRE, book.rng.choice(_CADRE_POSTS), f"{village.name}村民委员会",
        village.township.name, village.name, start, end))


def _everyone(person: Person) -> bool:
    return True


def _all_but(excluded: Person) -> Callable[[Person], bool]:
    """Everyone but one member: DIBAO granted to the rest of the household."""
    return lambda person: person is not excluded


def _end_all(enrollments: list[Enrollment], end: Month) -> None:
    for enrollment in enrollments:
        enrollment.end = end


def official_on_welfare(book: CaseBook) -> None:
    """An official paid DIBAO while in office; traps: left office before, joined after."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_official_paid, book, joined_lately=index % 2 == 1))
    for index in range(book.traps_wanted):
        book.attempt(partial(_official_not_in_office, book, joined_after=index % 2 == 1))


def _official_paid(book: CaseBook, joined_lately: bool) -> None:
    rng = book.rng
    household, official = _family(book, 24, 55)
    own = next(e for e in book.make_dibao(household, _old_start(book)) if e.person is official)
    if joined_lately:
        joined = rng.randint(month(2023, 4), month(2024, 6))
        _official(book, official, first_day(joined), None)
        rule = rows_rule([own], False, from_month(joined))
    else:
        _official(book, official, _career_start(book, official, month(2010, 1), month(2021, 6)),
                  None)
        rule = rows_rule([own], False)
    book.add_case(OFFICIAL_ON_WELFARE, official, own.program, rule)


def _official_not_in_office(book: CaseBook, joined_after: bool) -> None:
    rng = book.rng
    household, official = _family(book, 35, 55)
    made = book.make_dibao(household, _old_start(book))
    if joined_after:  # the household left DIBAO before the post was taken up
        _end_all(made, rng.randint(month(2023, 3), month(2023, 9)))
        _official(book, official, first_day(rng.randint(month(2024, 1), month(2024, 4))), None)
    else:
        start = _career_start(book, official, month(2009, 1), month(2015, 12))
        _official(book, official, start, random_day(rng, date(2017, 1, 1), date(2021, 12, 31)))
    pin(*made)
    book.add_trap(OFFICIAL_ON_WELFARE, official, DIBAO)


def relative_of_cadre(book: CaseBook) -> None:
    """DIBAO for a village cadre's household while in office; traps: before and after office.
    Where the cadre is paid too, that is an OFFICIAL_ON_WELFARE trap (cadres are not officials
    for that model)."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_cadre_household_paid, book, index % 3))
    for index in range(book.traps_wanted):
        book.attempt(partial(_cadre_not_in_office, book, elected_after=index % 2 == 1))


def _cadre_household_paid(book: CaseBook, variant: int) -> None:
    rng = book.rng
    household, cadre = _family(book, 30, 62)
    made = book.make_dibao(household, _old_start(book),
                           _everyone if variant == 1 else _all_but(cadre))
    if variant == 2:  # elected during the two years
        elected = rng.randint(month(2023, 3), month(2024, 6))
        _cadre(book, cadre, first_day(elected), None)
        keep = from_month(elected)
    else:
        _cadre(book, cadre, _career_start(book, cadre, month(2012, 1), month(2021, 1)), None)
        keep = from_month(0)
    for enrollment in made:
        book.add_case(RELATIVE_OF_CADRE, enrollment.person, enrollment.program,
                      rows_rule([enrollment], False, keep))
        if enrollment.person is cadre:
            book.add_trap(OFFICIAL_ON_WELFARE, cadre, enrollment.program)


def _cadre_not_in_office(book: CaseBook, elected_after: bool) -> None:
    rng = book.rng
    household, cadre = _family(book, 38, 62)
    made = book.make_dibao(household, _old_start(book), _all_but(cadre))
    if elected_after:  # the household left DIBAO before the election
        _end_all(made, rng.randint(month(2023, 2), month(2023, 9)))
        _cadre(book, cadre, first_day(rng.randint(month(2024, 1), month(2024, 6))), None)
    else:
        start = _career_start(book, cadre, month(2005, 1), month(2014, 12))
        _cadre(book, cadre, start, random_day(rng, date(2018, 1, 1), date(2021, 12, 31)))
    pin(*made)
    for enrollment in made:
        book.add_trap(RELATIVE_OF_CADRE, enrollment.person, enrollment.program)


_CARS = ("小型轿车", "小型越野客车")
_TRUCKS = ("轻型货车", "中型货车")
_VEHICLES = {"car": _CARS, "truck": _TRUCKS, "scrapped": _CARS, "deregistered": _TRUCKS,
             "motorcycle": ("普通二轮摩托车",), "tricycle": ("三轮汽车",), "tractor": ("拖拉机",)}


def _asset(book: CaseBook, owner: Person, kind: str) -> None:
    world, rng = book.world, book.rng
    grown_up = first_day(month_of(owner.birth) + 12 * 18)
    registered = random_day(rng, max(date(2014, 1, 1), grown_up), date(2021, 12, 31))
    if kind in _VEHICLES:
        status = {"scrapped": "报废", "deregistered": "注销"}.get(kind, "正常")
        world.add_vehicle(Vehicle(owner, world.registries.new_plate(rng),
                                  rng.choice(_VEHICLES[kind]), registered, status))
        return
    status = rng.choice(ACTIVE_BUSINESS if kind == "company" else CLOSED_BUSINESS)
    # A closed company closed before the household's payments: it counts in no paid month.
    closed = None if status in ACTIVE_BUSINESS else random_day(rng, registered,
                                                                 LAST_BACKGROUND_CLOSURE)
    world.add_business(Business(credit_code(rng, world.county.area_code),
                                company_name(rng, world.county, owner), owner,
                                rng.choice((10, 30, 50, 100)), registered, status, closed))


def asset_owner_on_welfare(book: CaseBook) -> None:
    """DIBAO for a household owning a car or running a company; traps: motorcycles,
    tricycles, tractors, scrapped or deregistered cars, closed companies."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_owner_paid, book, ("car", "truck", "company")[index % 3]))
    kinds = ("motorcycle", "tricycle", "tractor", "scrapped", "deregistered", "closed")
    for index in range(book.traps_wanted):
        book.attempt(partial(_owner_of_no_account, book, kinds[index % len(kinds)]))


def _owner_paid(book: CaseBook, kind: str) -> None:
    """Every DIBAO payee of the household is a case, whoever owns the asset."""
    household, owner = _family(book, 22, 60, size=1 if kind == "car" else 2)
    made = book.make_dibao(household, _old_start(book),
                           _everyone if kind == "car" else _all_but(owner))
    _asset(book, owner, kind)
    for enrollment in made:
        book.add_case(ASSET_OWNER_ON_WELFARE, enrollment.person, enrollment.program,
                      rows_rule([enrollment], False))


def _owner_of_no_account(book: CaseBook, kind: str) -> None:
    household, owner = _family(book, 22, 60, size=1)
    made = book.make_dibao(household, _old_start(book))
    _asset(book, owner, kind)
    pin(*made)
    for enrollment in made:
        book.add_trap(ASSET_OWNER_ON_WELFARE, enrollment.person, enrollment.program)
