"""The county's public-security bureau: its stations are the townships', its officers the
county's residents, its months January and February 2024 (the Spring Festival's)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from sunlight.synth.bureau import Recruit, build_bureau, county_shape
from sunlight.synth.cases.book import CaseBook
from sunlight.synth.cases.police_duty import inject_duty_cases
from sunlight.synth.cases.police_steps import inject_step_cases
from sunlight.synth.holiday import holds_office, police_station
from sunlight.synth.ids import IdFactory
from sunlight.synth.names import NameFactory
from sunlight.synth.people import MOVED, Person
from sunlight.synth.police import Bureau, Officer, Period
from sunlight.synth.programs import ZHIBAN
from sunlight.synth.subsidies import COMMUNITY_WORKER
from sunlight.synth.world import World

COUNTY_MONTHS = Period(date(2024, 1, 1), date(2024, 2, 29))
STATIONS = 3
"""Townships whose station the bureau's supervision covers (the county seat's first)."""


def county_bureau(world: World, book: CaseBook, seed: int) -> Bureau:
    """The bureau built and its section-6 cases injected, after every other roster row is
    known (a post with no 启用日期 must be covered from the first of them)."""
    rng = random.Random(f"{seed}/bureau")  # the county's own dice stay as they were
    stations = tuple(police_station(t) for t in world.county.townships[:STATIONS])
    roster_from = min((s.day for s in world.roster), default=None)
    bureau = build_bureau(rng, county_shape(stations), COUNTY_MONTHS,
                          residents(world, book, rng), roster_from)
    community = next((s.unit for s in world.roster if s.role == COMMUNITY_WORKER), None)
    inject_police_cases(book, bureau, rng, community)
    return bureau


def inject_police_cases(book: CaseBook, bureau: Bureau, rng: random.Random,
                        community_unit: str | None = None) -> None:
    inject_duty_cases(book, bureau, community_unit)
    inject_step_cases(book, bureau, rng)


def residents(world: World, book: CaseBook, rng: random.Random) -> Recruit:
    """Officers from working-age residents on no other roster, paid no duty allowance and
    holding no other office; newcomers from outside once the county runs short."""
    on_roster = {id(s.person) for s in world.roster}
    pool = [p for p in world.population.people
            if 22 <= p.age <= 55 and p.death is None and p.status != MOVED
            and book.free(p.household) and not p.household.poor and id(p) not in on_roster
            and not world.enrollments_of(p, ZHIBAN) and not holds_office(world, p)]
    rng.shuffle(pool)
    return recruiter(rng, world.ids, world.names, iter(pool))


def recruiter(rng: random.Random, ids: IdFactory, names: NameFactory,
              people: Iterator[Person]) -> Recruit:
    numbers: set[str] = set()

    def recruit(sworn: bool) -> Officer:
        person = next(people, None)
        number = None
        while sworn and (number is None or number in numbers):
            number = f"{rng.randint(100000, 999999)}"
        if number:
            numbers.add(number)
        if person is not None:
            return Officer(person.id_number, person.name, number, person)
        birth = date(rng.randint(1968, 2001), rng.randint(1, 12), rng.randint(1, 28))
        sex = rng.choice("男男男女")
        return Officer(ids.new(birth, sex), names.full(names.surname(), sex, birth.year), number)

    return recruit
