"""Who is on which program in the background: clean enrollments, before any case is injected.

Nothing here may satisfy a model's "fires when": the injected cases must be the only findings.
"""

from __future__ import annotations

import random

from sunlight.synth.people import MOVED, Household, Person, Population
from sunlight.synth.periods import (
    APPROVALS_FROM,
    FIRST_PAID,
    LAST_PAID,
    LAST_UNAPPROVED_START,
    Month,
    day_in,
    first_day,
    half_year,
    legal_start,
    month,
    month_of,
)
from sunlight.synth.programs import (
    CANJI_HULI,
    CANJI_SHENGHUO,
    DIBAO,
    DILI,
    GAOLING,
    JINMU,
    TEKUN,
    Enrollment,
    paid_periods,
)
from sunlight.synth.registries import CROPLAND, GRASSLAND, VALID
from sunlight.synth.world import World


def choose_poor(rng: random.Random, population: Population) -> tuple[list[Household], list[Person]]:
    """DIBAO households (about one in twenty) and TEKUN persons (elderly living alone)."""
    dibao, tekun = [], []
    for household in population.households:
        living = [p for p in household.members if p.alive_on(first_day(FIRST_PAID))
                  and p.status != MOVED]
        if not living:
            continue
        elderly = any(p.age >= 65 for p in living)
        if len(household.members) == 1 and living[0].age >= 60 and rng.random() < 0.2:
            tekun.append(living[0])
        elif rng.random() < (0.085 if elderly else 0.045):
            dibao.append(household)
        else:
            continue
        household.poor = True
    return dibao, tekun


def _old_or_new_start(rng: random.Random, new_share: float, oldest: Month) -> Month:
    """A start month: mostly years ago (no approval chain), sometimes recent (with one)."""
    if rng.random() < new_share:
        return rng.randint(APPROVALS_FROM, month(2024, 9))
    return rng.randint(oldest, LAST_UNAPPROVED_START)


def _steps(rng: random.Random, low: int, high: int, step: int) -> int:
    return rng.randrange(low, high + 1, step)


def enroll_background(world: World, dibao: list[Household], tekun: list[Person]) -> None:
    rng = world.rng
    for household in dibao:
        _enroll_dibao_household(world, household)
    for person in tekun:
        _enroll_tekun(world, person, _old_or_new_start(rng, 0.15, month(2010, 1)))
    _enroll_elderly(world)
    _enroll_disabled(world)
    _enroll_land(world)
    _add_back_pay(world)


def _ends(rng: random.Random, start: Month, chance: float) -> Month | None:
    """A roster end inside the two years (the family's income rose), or None."""
    if rng.random() >= chance or start > month(2024, 8):
        return None
    return rng.randint(max(start + 1, month(2023, 3)), month(2024, 10))


def dibao_amounts(world: World, rng: random.Random, low: float = 0.3) -> tuple[int, int]:
    """Per person-month, under the standard in both years (2024 is 20 yuan higher)."""
    top = min(world.standards.max_fen(DIBAO, FIRST_PAID), world.standards.max_fen(DIBAO, LAST_PAID))
    first = _steps(rng, round(top * low / 1000) * 1000, top - 4000, 1000)
    return first, min(first + 2000, top)


def _enroll_dibao_household(world: World, household: Household) -> None:
    rng = world.rng
    start = _old_or_new_start(rng, 0.2, month(2012, 1))
    end = _ends(rng, start, 0.1)
    for person in household.members:
        if _eligible_member(person, start):
            world.add_enrollment(Enrollment(DIBAO, person, start, end,
                                            base=dibao_amounts(world, rng)))


def _eligible_member(person: Person, start: Month) -> bool:
    """Born before the household joined, alive into the two years, still living here."""
    return (month_of(person.birth) < start and person.status != MOVED
            and person.alive_on(first_day(FIRST_PAID)))


def tekun_amounts(world: World, rng: random.Random) -> tuple[int, int]:
    top = min(world.standards.max_fen(TEKUN, FIRST_PAID), world.standards.max_fen(TEKUN, LAST_PAID))
    first = _steps(rng, round(top * 0.72 / 1000) * 1000, round(top * 0.92 / 1000) * 1000, 1000)
    return first, min(first + 3000, top)


def _enroll_tekun(world: World, person: Person, start: Month) -> Enrollment:
    return world.add_enrollment(Enrollment(TEKUN, person, start, None,
                                           base=tekun_amounts(world, world.rng)))


def _enroll_elderly(world: World) -> None:
    """高龄补贴 from the month of the 80th birthday (or a little later: people apply late).

    The roster still lists those who died before the two years, with the month they left."""
    rng, min_age = world.rng, world.standards.min_age(GAOLING)
    for person in world.population.people:
        eligible_from = month_of(person.birth) + 12 * min_age
        if eligible_from > LAST_PAID or person.status == MOVED or rng.random() > 0.96:
            continue
        start = legal_start(eligible_from + rng.choice((0, 0, 0, 1, 2)))
        died = month_of(person.death) if person.death is not None else None
        if died is not None and died < FIRST_PAID:
            if start < died <= LAST_UNAPPROVED_START:
                world.add_enrollment(Enrollment(GAOLING, person, start, died))
        elif start <= LAST_PAID and (died is None or start <= died):
            world.add_enrollment(Enrollment(GAOLING, person, start))


def disability_amounts(world: World, program: str, shares: tuple[float, float]
                       ) -> tuple[int, int]:
    return (round(world.standards.max_fen(program, FIRST_PAID) * shares[0] / 100) * 100,
            round(world.standards.max_fen(program, LAST_PAID) * shares[1] / 100) * 100)


def _enroll_disabled(world: World) -> None:
    """护理补贴 for valid certificates of level 1-2; 生活补贴 for holders on DIBAO or TEKUN."""
    rng = world.rng
    care = disability_amounts(world, CANJI_HULI, (0.8, 0.9))
    living = disability_amounts(world, CANJI_SHENGHUO, (0.6, 0.7))
    for cert in world.registries.certs:
        person = cert.person
        if cert.status != VALID or person.status == MOVED or not person.alive_on(
                first_day(FIRST_PAID)):
            continue
        issued = month_of(cert.issued)
        if cert.level in (1, 2) and rng.random() < 0.85:
            start = legal_start(issued + rng.randint(1, 6))
            if start <= month(2024, 10):
                world.add_enrollment(Enrollment(CANJI_HULI, person, start, base=care))
        welfare = world.enrollments_of(person, DIBAO) + world.enrollments_of(person, TEKUN)
        if welfare and rng.random() < 0.85:
            _enroll_living_allowance(world, welfare[0], issued, living)


def _enroll_living_allowance(world: World, welfare: Enrollment, issued: Month,
                             amounts: tuple[int, int]) -> None:
    """Starts once both the certificate and the welfare enrollment exist; ends with welfare."""
    start = legal_start(max(welfare.start, issued + 1))
    last = paid_periods(world.standards, welfare)
    if start < welfare.start or not last or start > last[-1]:
        return
    world.add_enrollment(Enrollment(CANJI_SHENGHUO, welfare.person, start, welfare.end,
                                    base=amounts))


def land_representative(world: World, household: Household) -> Person | None:
    """Who the household's area-based subsidy is enrolled under: the head, while alive."""
    candidates = [household.head] + [p for p in household.members[1:] if p.age >= 18]
    for person in candidates:
        if person.status != MOVED and person.death is None:
            return person
    return None


def _enroll_land(world: World) -> None:
    rng = world.rng
    for household in world.population.households:
        for land_type, program, share in ((CROPLAND, DILI, 0.93), (GRASSLAND, JINMU, 0.95)):
            registered = world.land_area(household, land_type)
            if not registered or rng.random() > share:
                continue
            holder = land_representative(world, household)
            if holder is None:
                continue
            declared = registered if rng.random() < 0.45 else int(registered *
                                                                   rng.uniform(0.9, 1.0))
            if rng.random() < 0.1:
                start = month(rng.choice((2023, 2024)), 1)
            else:
                start = rng.randint(month(2015, 1), LAST_UNAPPROVED_START)
            world.add_enrollment(Enrollment(program, holder, start, declared=max(1, declared)))


def _add_back_pay(world: World) -> None:
    """Now and then a month is paid late, on the next month's pay day (补发)."""
    rng = world.rng
    for enrollment in world.enrollments:
        if world.standards.is_annual(enrollment.program) or rng.random() > 0.01:
            continue
        periods = world.months_of(enrollment)
        pairs = [m for m in periods[:-1] if half_year(m) == half_year(m + 1)]
        if pairs:
            late = rng.choice(pairs)
            pay_day = world.pay_day(enrollment.person.household.township_name, enrollment.program)
            enrollment.paid_on = {late: day_in(late + 1, pay_day)}
