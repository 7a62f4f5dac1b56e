"""Cases of birth: paid for months before the birth the payee's ID encodes (PAID_BEFORE_BIRTH).

The payees are newborns added to a household of the county: the roster put the baby on the
household's 低保 (or had the family's cropland subsidy registered in the baby's name) from
before it was born. Traps: paid from the birth month; an annual subsidy for the birth year;
an ID whose encoded date is not a real date (a quality finding, not this model).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from sunlight.synth.cases.book import CaseBook, before, need, pin, rows_rule, supply
from sunlight.synth.ids import check_char
from sunlight.synth.people import MOVED, Household, Person
from sunlight.synth.periods import FIRST_PAID, LAST_PAID, Month, day_in, month, month_of, year_of
from sunlight.synth.programs import DIBAO, DILI, Enrollment
from sunlight.synth.welfare import dibao_amounts

PAID_BEFORE_BIRTH = "PAID_BEFORE_BIRTH"


def paid_before_birth(book: CaseBook) -> None:
    """Two monthly cases for each annual one; traps in turn: the birth month, the birth year
    of an annual subsidy, an ID whose date is not real."""
    for index in range(book.cases_wanted):
        if index % 3 == 2:
            book.attempt(partial(_annual_before_birth_year, book))
        else:
            book.attempt(partial(_monthly_before_birth, book))
    for index in range(book.traps_wanted):
        trap = (_from_birth_month, _annual_in_birth_year, _impossible_id_date)[index % 3]
        book.attempt(partial(trap, book))


def young_family(book: CaseBook) -> Household:
    """A household with nothing to its name whose head could be a newborn's parent."""
    household = need(book.plain_household(lambda h: 22 <= h.head.age <= 42
                                           and "·" not in h.head.name),
                     "a young household for a newborn")
    book.claim(household)
    return household


def newborn(book: CaseBook, household: Household, born: date,
             id_for: Callable[[date, str], str] | None = None) -> Person:
    """A baby added to the household and the registry, its ID from `id_for(born, sex)` (a new
    valid one unless given)."""
    world, rng = book.world, book.rng
    sex = rng.choice("男女")
    population = world.population
    baby = Person(id_number=(id_for or world.ids.new)(born, sex),
                  name=world.names.full(household.head.name[0], sex, born.year), sex=sex,
                  birth=born, relation="子" if sex == "男" else "女", household=household,
                  order=len(population.people))
    household.members.append(baby)
    population.people.append(baby)
    population.by_id[baby.id_number] = baby
    world.claimed.add(id(baby))
    return baby


def _on_dibao(book: CaseBook, household: Household, start: Month) -> None:
    """The household's members already born put on 低保 from `start`."""
    book.make_dibao(household, start, include=lambda p: p.status != MOVED)


def _dibao_from(book: CaseBook, baby: Person, start: Month) -> Enrollment:
    world = book.world
    return world.add_enrollment(Enrollment(DIBAO, baby, start,
                                           base=dibao_amounts(world, book.rng)))


def _monthly_before_birth(book: CaseBook) -> None:
    """The household on 低保 from `start`; the baby, born some months later, from `start` too."""
    rng = book.rng
    household = young_family(book)
    start = rng.randint(FIRST_PAID + 1, month(2024, 6))
    born = min(LAST_PAID, start + rng.randint(1, 6))
    _on_dibao(book, household, start)
    baby = newborn(book, household, day_in(born, rng.randint(1, 28)))
    enrollment = _dibao_from(book, baby, start)
    book.add_case(PAID_BEFORE_BIRTH, baby, DIBAO,
                  rows_rule([enrollment], False, before(month_of(baby.birth))))


def _from_birth_month(book: CaseBook) -> None:
    """Born late in a month and put on the household's 低保 from that very month."""
    rng = book.rng
    household = young_family(book)
    start = rng.randint(FIRST_PAID + 1, month(2024, 6))
    born = start + rng.randint(1, 6)
    _on_dibao(book, household, start)
    baby = newborn(book, household, day_in(born, rng.randint(25, 31)))
    pin(_dibao_from(book, baby, born))
    book.add_trap(PAID_BEFORE_BIRTH, baby, DIBAO)


def _cropland_to_newborn(book: CaseBook, born: date, start: Month) -> tuple[Person, Enrollment]:
    """A household's cropland subsidy registered in its newborn's name from `start`."""
    held = supply(book, DILI, lambda e: e.person.status != MOVED and e.person.death is None
                  and 22 <= e.person.household.head.age <= 60)
    household = held.person.household
    book.claim(household)
    baby = newborn(book, household, born)
    book.world.remove_enrollment(held)
    enrollment = book.world.add_enrollment(Enrollment(
        DILI, baby, start, declared=held.declared, account=held.account))
    return baby, enrollment


def _annual_before_birth_year(book: CaseBook) -> None:
    born = day_in(month(2024, book.rng.randint(1, 12)), book.rng.randint(1, 28))
    baby, enrollment = _cropland_to_newborn(book, born, FIRST_PAID)
    book.add_case(PAID_BEFORE_BIRTH, baby, DILI, rows_rule(
        [enrollment], True, lambda p: year_of(p.period) < born.year))


def _annual_in_birth_year(book: CaseBook) -> None:
    """Born in January (after the 1st: the year began before the birth), the cropland subsidy
    of that year paid in the baby's name. Annual rosters start in January, or the subsidy
    would be paid before its county approval (APPROVAL_SKIPPED)."""
    born = day_in(month(2024, 1), book.rng.randint(5, 28))
    baby, enrollment = _cropland_to_newborn(book, born, month_of(born))
    pin(enrollment)
    book.add_trap(PAID_BEFORE_BIRTH, baby, DILI)


def _impossible_id_date(book: CaseBook) -> None:
    """A newborn whose registered ID reads the 30th of February; on 低保 from before that."""
    rng = book.rng
    household = young_family(book)
    start = rng.randint(FIRST_PAID + 1, month(2023, 12))
    _on_dibao(book, household, start)
    baby = newborn(book, household, date(2024, 2, 28), partial(_impossible_id, book))
    pin(_dibao_from(book, baby, start))
    book.add_trap(PAID_BEFORE_BIRTH, baby, DIBAO)


def _impossible_id(book: CaseBook, born: date, sex: str) -> str:
    """An ID whose check character is right but whose birth date reads the 30th of the
    month `born` is in (a February: no such day), its sequence odd for a boy."""
    area, parity = book.world.county.area_code, 1 if sex == "男" else 0
    while True:
        sequence = book.rng.randrange(0, 500) * 2 + parity
        body = f"{area}{born:%Y%m}30{sequence:03d}"
        id_number = body + check_char(body)
        if book.world.ids.reserve(id_number):
            return id_number
