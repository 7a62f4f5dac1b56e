"""Canonical rows of each dataset, in the column order of the contract (`DATASETS`).

Values stay typed here (dates, months, fen, hundredths of a mu); `messiness` decides how a file
writes them. A row says whether it may be written with noise and whether it may be made
unreadable: rows that are evidence for the truth file are neither.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sunlight.synth.approvals import ApprovalStep
from sunlight.synth.messiness import Raw, Value
from sunlight.synth.payments import Payment
from sunlight.synth.people import ALIVE, DEAD, HEAD, DeathRecord, Person
from sunlight.synth.periods import Month
from sunlight.synth.programs import AREA_BASED, Enrollment
from sunlight.synth.registries import CADRE, Business, Cert, Official, Parcel, Vehicle
from sunlight.synth.subsidies import AUXILIARY, OFFICER, Grant, Shift
from sunlight.synth.world import World


@dataclass(slots=True)
class Row:
    values: tuple[Value, ...]
    noisy: bool = True
    """May carry a randomly odd ID or name."""
    spare: bool = False
    """May be made unreadable (it is evidence of nothing)."""
    payment: Payment | None = None


def _id(person: Person, written: str | None = None) -> Value:
    return Raw(written) if written and written != person.id_number else person.id_number


def residents(world: World, people: Iterable[Person]) -> list[Row]:
    return [Row((p.id_number, p.name, p.sex, p.birth, p.household.hid, p.relation,
                 p.household.township_name, p.household.village.name, p.status, p.status_date),
                noisy=id(p) not in world.claimed)
            for p in people]


def strangers(world: World, rng: random.Random, rows: list[Row], count: int) -> list[Row]:
    """Registry rows of people no other file mentions: these are the ones made unreadable."""
    made = []
    for _ in range(count if rows else 0):
        template = rows[rng.randrange(len(rows))].values
        sex = rng.choice("男女")
        birth = date(rng.randint(1950, 2000), 1, 1) + timedelta(days=rng.randrange(365))
        id_number = world.ids.new(birth, sex)
        while not id_number[-1].isdigit():  # an ID ending in X would stay text in Excel
            id_number = world.ids.new(birth, sex)
        household = f"{str(template[4])[:3]}99{rng.randrange(10000):04d}"
        name = world.names.full(world.names.surname(), sex, birth.year)
        made.append(Row((id_number, name, sex, birth, household, HEAD, template[6], template[7],
                         ALIVE, None), noisy=False, spare=True))
    return made


def deaths(world: World, records: Iterable[DeathRecord]) -> list[Row]:
    sources: dict[int, int] = {}
    for record in world.population.death_records:
        sources[id(record.person)] = sources.get(id(record.person), 0) + 1
    rows = []
    for record in records:
        person = record.person
        known_elsewhere = sources[id(person)] > 1 or person.status == DEAD
        free = id(person) not in world.claimed
        rows.append(Row((person.id_number, person.name, record.day, record.source),
                        noisy=free, spare=free and known_elsewhere))
    return rows


def certs(world: World, records: Iterable[Cert]) -> list[Row]:
    return [Row((c.person.id_number, c.person.name, c.category, c.level, c.issued, c.status),
                noisy=id(c.person) not in world.claimed)
            for c in records]


def officials(world: World, records: Iterable[Official]) -> list[Row]:
    return [Row((o.person.id_number, o.person.name, o.category, o.post, o.employer, o.township,
                 o.village if o.category == CADRE else None, o.start, o.end),
                noisy=id(o.person) not in world.claimed)
            for o in records]


def vehicles(world: World, records: Iterable[Vehicle]) -> list[Row]:
    rows = []
    for v in records:
        free = id(v.owner) not in world.claimed and not v.owner.household.poor
        rows.append(Row((v.owner.id_number, v.owner.name, v.plate, v.vehicle_type, v.registered,
                         v.status), noisy=free, spare=free))
    return rows


def businesses(world: World, records: Iterable[Business]) -> list[Row]:
    return [Row((b.credit_code, b.company, b.rep.id_number, b.rep.name, b.capital * 100, b.founded,
                 b.status, b.status_date), noisy=id(b.rep) not in world.claimed)
            for b in records]


def enterprise_payments(world: World, grants: Iterable[Grant]) -> list[Row]:
    rows = []
    for g in grants:
        b = g.business
        code: Value = Raw(g.code_text) if g.code_text else b.credit_code
        rows.append(Row((g.program, code, b.company, g.period, g.amount, b.account, g.claimed,
                         g.paid_on, b.rep.household.township_name),
                        noisy=not g.pinned, spare=not g.pinned))
    return rows


def insured_headcount(world: World, months: Iterable[tuple[Business, Month]]) -> list[Row]:
    rows = []
    for business, m in months:
        free = id(business) not in world.pinned_companies
        rows.append(Row((business.credit_code, business.company, m,
                         world.insured[business][m]), noisy=free, spare=free))
    return rows


def duty_roster(world: World, shifts: Iterable[Shift]) -> list[Row]:
    """Only the rows of police officers on the beat may go unread: a committee's rows are what
    its allowance is paid on, and a leader's row is what keeps the station's day led."""
    rows = []
    for s in shifts:
        spare = not s.pinned and s.role in (OFFICER, AUXILIARY)
        rows.append(Row((s.day, s.shift, s.unit, s.post, s.role, s.person.id_number,
                         s.person.name, s.police_number), noisy=not s.pinned, spare=spare))
    return rows


def land(world: World, parcels: Iterable[Parcel]) -> list[Row]:
    enrolled = {(id(e.person.household), e.program) for e in world.enrollments
                if e.program in AREA_BASED}
    program_of = {p.land_type: p.code for p in world.catalog.programs if p.land_type}
    rows = []
    for parcel in parcels:
        household = parcel.holder.household
        free = id(parcel.holder) not in world.claimed and (
            id(household), program_of[parcel.land_type]) not in enrolled
        rows.append(Row((parcel.holder.id_number, parcel.holder.name, household.township_name,
                         household.village.name, parcel.land_type, parcel.area),
                        noisy=free, spare=free))
    return rows


def enrollments(world: World, records: Iterable[Enrollment]) -> list[Row]:
    rows = []
    for e in records:
        person, free = e.person, not e.pinned and id(e.person) not in world.claimed
        # Only enrollments that ended before the two years may go unread: an enrollment
        # missing beside its payments would leave the approval check guessing its start.
        spare = free and not world.months_of(e)
        rows.append(Row((e.program, _id(person, e.id_text), person.name,
                         person.household.township_name, person.household.village.name, e.start,
                         e.end, e.declared), noisy=free, spare=spare))
    return rows


def payments(world: World, records: Iterable[Payment]) -> list[Row]:
    rows = []
    for p in records:
        person = p.enrollment.person
        free = not p.enrollment.pinned and id(person) not in world.claimed
        name: Value = p.name if free else Raw(p.name)
        rows.append(Row((p.enrollment.program, _id(person, p.id_text), name, p.period, p.paid_on,
                         p.amount, p.account, p.township, p.village),
                        noisy=free, spare=free, payment=p))
    return rows


def allocations(rows: Iterable[tuple[str, int, str, int, date]]) -> list[Row]:
    return [Row(values) for values in rows]


def approvals(world: World, steps: Iterable[ApprovalStep]) -> list[Row]:
    return [Row((s.program, s.person.id_number, s.step, s.day, s.handler, s.opinion),
                noisy=s.rejected, spare=s.rejected)
            for s in steps]
