"""The Spring Festival's person subsidies: migrant workers' temporary aid (annual), and the duty
allowance of village committees' holiday duty, beside the duty roster of committees and police
stations.

Nothing here may satisfy a model's "fires when": aid goes to adults of 16 and over holding no
public office, at most the standard once a year; the allowance pays at most 100 yuan per day
rostered; every police station rosters a leader on every date it rosters anyone.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from sunlight.synth.geography import Township, Village
from sunlight.synth.people import MOVED, Household, Person
from sunlight.synth.periods import HOLIDAY_MONTHS, HOLIDAYS, Month, age_in, month, month_of
from sunlight.synth.programs import LINSHI, ZHIBAN, Enrollment
from sunlight.synth.registries import CADRE
from sunlight.synth.subsidies import (
    AUXILIARY,
    COMMUNITY_WORKER,
    DAY_SHIFT,
    LEADER,
    NIGHT_SHIFT,
    OFFICER,
    WHOLE_DAY,
    Shift,
)
from sunlight.synth.world import World

AID_AMOUNTS = (500, 800, 1000)
"""Yuan per person-year of the migrant workers' aid (the standard allows 1,000)."""
DAY_RATES = (50, 80, 100, 100)
"""Yuan per day on duty a village pays (the standard allows 100)."""
DUTY_ROOM = "村委会值班室"


def holiday_days(holiday: tuple[date, date]) -> list[date]:
    first, last = holiday
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def committee(village: Village) -> str:
    return f"{village.name}村民委员会"


def police_station(township: Township) -> str:
    return f"{township.name}派出所"


def migrant_aid(world: World, person: Person, year: int, yuan: int) -> Enrollment:
    """One year's aid to one person, as its own enrollment (no roster, no approval chain)."""
    period = month(year, 1)
    return world.add_enrollment(Enrollment(LINSHI, person, period, period,
                                           amounts={period: yuan * 100}))


def duty_allowance(world: World, person: Person, period: Month, fen: int) -> Enrollment:
    return world.add_enrollment(Enrollment(ZHIBAN, person, period, period,
                                           amounts={period: fen}))


def holds_office(world: World, person: Person) -> bool:
    """A public post of any time (village cadres aside)."""
    return any(o.category != CADRE for o in world.offices_of(person))


def holiday_background(world: World, free: Callable[[Household], bool]) -> None:
    _migrant_workers(world, free)
    by_village = _locals(world, free)
    _committee_duty(world, by_village)
    _police_duty(world, by_village)


def _usable(world: World, person: Person, free: Callable[[Household], bool]) -> bool:
    return (person.death is None and person.status != MOVED and free(person.household)
            and not holds_office(world, person))


def _migrant_workers(world: World, free: Callable[[Household], bool]) -> None:
    """About one working-age resident in fifty stays away over a festival and is paid aid."""
    rng = world.rng
    for person in world.population.people:
        if not 18 <= person.age <= 58 or rng.random() >= 0.04:
            continue
        if not _usable(world, person, free):
            continue
        for year in (2023, 2024):
            if age_in(person.birth, month(year, 1)) >= 17 and rng.random() < 0.5:
                migrant_aid(world, person, year, rng.choice(AID_AMOUNTS))


def _locals(world: World, free: Callable[[Household], bool]) -> dict[int, list[Person]]:
    """Adults of each village who may take duty, by id() of the village."""
    by_village: dict[int, list[Person]] = {}
    for person in world.population.people:
        if 25 <= person.age <= 58 and not person.household.poor and _usable(world, person, free):
            by_village.setdefault(id(person.household.village), []).append(person)
    return by_village


def _committee_duty(world: World, by_village: dict[int, list[Person]]) -> None:
    """Each village committee rosters one to three of its people for a few holiday days and
    pays them up to 100 yuan a day."""
    rng = world.rng
    for township in world.county.townships:
        for village in township.villages:
            people = by_village.get(id(village), [])
            workers = rng.sample(people, min(len(people), rng.randint(1, 3)))
            rate = rng.choice(DAY_RATES) * 100
            for holiday, period in zip(HOLIDAYS, HOLIDAY_MONTHS, strict=True):
                for worker in workers:
                    days = rng.sample(holiday_days(holiday), rng.randint(2, 5))
                    for day in sorted(days):
                        shift = rng.choices((DAY_SHIFT, NIGHT_SHIFT, WHOLE_DAY), (5, 3, 2))[0]
                        world.roster.append(Shift(day, shift, committee(village), DUTY_ROOM,
                                                  COMMUNITY_WORKER, worker))
                    duty_allowance(world, worker, period, rate * len(days))


def police_number(rng: random.Random) -> str:
    return f"{rng.randint(100000, 999999)}"


def _police_duty(world: World, by_village: dict[int, list[Person]]) -> None:
    """Each township's police station: a leader all day, an officer by day and one by night,
    an auxiliary by day, every day of the holiday (no allowance: that is their job)."""
    rng = world.rng
    for township in world.county.townships:
        pool = [p for v in township.villages for p in by_village.get(id(v), [])
                if not world.enrollments_of(p, ZHIBAN)]
        if len(pool) < 6:
            continue
        staff = rng.sample(pool, 6)
        numbers = {id(p): police_number(rng) for p in staff[:4]}
        leaders, officers, auxiliaries = staff[:2], staff[2:4], staff[4:]
        station = police_station(township)
        for holiday in HOLIDAYS:
            for index, day in enumerate(holiday_days(holiday)):
                for role, person, shift in _station_day(leaders, officers, auxiliaries, index):
                    world.roster.append(Shift(day, shift, station, None, role, person,
                                              numbers.get(id(person))))


def _station_day(leaders: list[Person], officers: list[Person], auxiliaries: list[Person],
                 index: int) -> Iterator[tuple[str, Person, str]]:
    yield LEADER, leaders[index % 2], WHOLE_DAY
    yield OFFICER, officers[index % 2], DAY_SHIFT
    yield OFFICER, officers[(index + 1) % 2], NIGHT_SHIFT
    yield AUXILIARY, auxiliaries[index % 2], DAY_SHIFT


def roster_days(world: World, person: Person, period: Month) -> set[date]:
    """Distinct dates with a roster row of the person in the month (a night counts for its
    start date), as the contract counts them."""
    return {s.day for s in world.roster if s.person is person and month_of(s.day) == period}
