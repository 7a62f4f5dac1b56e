"""Batch cases of conflicts: officials, cadres' households and asset owners on 低保."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sunlight.synth.batch.picks import Picker, adult, has_assets, offices_in
from sunlight.synth.batch.rows import BATCH_MONTH, HOLD, PASS, BatchRow
from sunlight.synth.cases.book import need
from sunlight.synth.people import Household, Person
from sunlight.synth.programs import DIBAO
from sunlight.synth.registries import ACTIVE_BUSINESS, CADRE, CAR_TYPES, Official
from sunlight.synth.welfare import dibao_amounts
from sunlight.synth.world import World

OFFICIAL_ON_WELFARE, RELATIVE_OF_CADRE = "OFFICIAL_ON_WELFARE", "RELATIVE_OF_CADRE"
ASSET_OWNER_ON_WELFARE = "ASSET_OWNER_ON_WELFARE"


def _dibao(pick: Picker, person: Person, expect: str, model: str, note: str) -> BatchRow:
    return BatchRow(DIBAO, person, BATCH_MONTH, dibao_amounts(pick.world, pick.rng)[1],
                    person.household.account, expect, model if expect == HOLD else "", note)


def _office_household(world: World, wanted: Callable[[Official], bool]
                      ) -> Callable[[Household], bool]:
    """A household whose one office is of the wanted kind, with no car or company in use,
    and an adult besides the office holder."""
    def fits(household: Household) -> bool:
        offices = offices_in(world, household)
        return (not household.poor and len(offices) == 1 and wanted(offices[0])
                and not has_assets(world, household)
                and adult(household, but=offices[0].person) is not None)

    return fits


def official(pick: Picker) -> list[BatchRow]:
    """An official in office paid 低保; trap: one whose tenure ended before the batch."""
    world, rows = pick.world, []
    for expect in (HOLD, PASS):
        household = pick.household(_office_household(
            world, lambda o: o.category != CADRE and o.end is None
            and o.person.death is None and o.person.status != "迁出"),
            "an official in office")
        office = offices_in(world, household)[0]
        note = f"{office.category} in office"
        if expect == PASS:
            office.end = date(2024, 11, 30)
            note = f"{office.category}, left office 2024-11-30"
        rows.append(_dibao(pick, office.person, expect, OFFICIAL_ON_WELFARE, note))
    return rows


def relative(pick: Picker) -> list[BatchRow]:
    """A member of a serving cadre's household paid 低保; trap: a former cadre's household."""
    world, rows = pick.world, []
    for expect, serving in ((HOLD, True), (PASS, False)):
        household = pick.household(_office_household(world, _cadre(serving)),
                                   "a cadre's household")
        office = offices_in(world, household)[0]
        member = need(adult(household, but=office.person), "a cadre's relative")
        note = (f"household of a serving {office.post}" if serving
                else f"household of a {office.post} who left office {office.end}")
        rows.append(_dibao(pick, member, expect, RELATIVE_OF_CADRE, note))
    return rows


def _owning(world: World, owns: Callable[[Household], bool]) -> Callable[[Household], bool]:
    """A household with no office, no welfare and an adult, owning what `owns` asks."""
    return lambda h: (not h.poor and not offices_in(world, h) and adult(h) is not None
                      and owns(h))


def _cadre(serving: bool) -> Callable[[Official], bool]:
    return lambda office: office.category == CADRE and (office.end is None) == serving


def asset_owner(pick: Picker) -> list[BatchRow]:
    """A household with a car in use, or a running company; traps: a motorcycle or a
    scrapped car, a deregistered company."""
    world, rows = pick.world, []
    kinds: tuple[tuple[str, str, Callable[[Household], bool]], ...] = (
        (HOLD, "a car in use", lambda h: any(
            v.vehicle_type in CAR_TYPES and v.status == "正常" for v in world.vehicles_of(h))
         and not world.businesses_of(h)),
        (HOLD, "a running company", lambda h: not world.vehicles_of(h) and any(
            b.status in ACTIVE_BUSINESS for b in world.businesses_of(h))),
        (PASS, "only a motorcycle, tricycle, tractor or scrapped car", lambda h: bool(
            world.vehicles_of(h)) and not has_assets(world, h) and not world.businesses_of(h)),
        (PASS, "only a deregistered company", lambda h: bool(world.businesses_of(h))
         and not has_assets(world, h) and not world.vehicles_of(h)),
    )
    for expect, note, owns in kinds:
        household = pick.household(_owning(world, owns), f"a household with {note}")
        member = need(adult(household), "an adult")
        rows.append(_dibao(pick, member, expect, ASSET_OWNER_ON_WELFARE, note))
    return rows
