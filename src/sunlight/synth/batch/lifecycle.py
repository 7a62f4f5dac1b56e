"""Batch cases of life and eligibility: dead, not yet born, too young, without a certificate."""

from __future__ import annotations

from datetime import date

from sunlight.synth.batch.picks import Picker, living, unenrolled
from sunlight.synth.batch.rows import BATCH_MONTH, HOLD, PASS, BatchRow, regular
from sunlight.synth.cases.birth import newborn, young_family
from sunlight.synth.cases.book import need
from sunlight.synth.people import HEAD, Person, record_death
from sunlight.synth.periods import LAST_PAID, day_in, month_label, month_of, year_of
from sunlight.synth.programs import CANJI_HULI, DIBAO, GAOLING
from sunlight.synth.registries import VALID, Cert
from sunlight.synth.welfare import dibao_amounts, disability_amounts

DECEASED_PAID, PAID_BEFORE_BIRTH = "DECEASED_PAID", "PAID_BEFORE_BIRTH"
INELIGIBLE_AGE, INELIGIBLE_DISABILITY = "INELIGIBLE_AGE", "INELIGIBLE_DISABILITY"
_LEVELS = "一二三四"


def deceased(pick: Picker) -> list[BatchRow]:
    """Still listed after a death in 2024; traps: a death in the batch's month, and the
    month of a death paid late (补发)."""
    world = pick.world
    dead = need(pick.book.enrollment_where(
        lambda e: not world.standards.is_annual(e.program) and not e.pinned
        and e.person.death is not None and year_of(month_of(e.person.death)) == 2024
        and month_of(e.person.death) < LAST_PAID and bool(world.months_of(e))
        and world.months_of(e)[-1] == month_of(e.person.death)),
        "a payee who died in 2024")
    pick.book.claim(dead.person.household)
    assert dead.person.death is not None
    rows = [regular(world, dead, expect=HOLD, model=DECEASED_PAID,
                    note=f"died {dead.person.death.isoformat()}")]
    in_month = pick.continuing(GAOLING, lambda e: len(world.enrollments_of(e.person)) == 1)
    _die(pick, in_month.person, date(2025, 1, pick.rng.randint(2, 15)))
    rows.append(regular(world, in_month, note="died in the batch's month"))
    late = pick.continuing(GAOLING, lambda e: len(world.enrollments_of(e.person)) == 1)
    _die(pick, late.person, day_in(LAST_PAID, pick.rng.randint(2, 18)))
    late.last_paid = LAST_PAID - 1
    rows.append(regular(world, late, LAST_PAID, note="month of death paid late (补发)"))
    return rows


def _die(pick: Picker, person: Person, day: date) -> None:
    records = record_death(pick.rng, person, day, registry=True, sources=("公安注销", "火化"))
    pick.world.population.death_records.extend(records)


def before_birth(pick: Picker) -> list[BatchRow]:
    """A newborn of December paid 低保 for November; trap: another paid for December."""
    rows = []
    for period, expect in ((LAST_PAID - 1, HOLD), (LAST_PAID, PASS)):
        household = young_family(pick.book)
        baby = newborn(pick.book, household, day_in(LAST_PAID, pick.rng.randint(1, 20)))
        amount = dibao_amounts(pick.world, pick.rng)[1]
        note = f"born {baby.birth.isoformat()}, paid for {month_label(period)}"
        rows.append(BatchRow(DIBAO, baby, period, amount, household.account, expect,
                             PAID_BEFORE_BIRTH if expect == HOLD else "", note))
    return rows


def ineligible_age(pick: Picker) -> list[BatchRow]:
    """高龄补贴 to someone who turns 80 the month after; trap: turning 80 in the batch's month."""
    world, rows = pick.world, []
    for born_month, expect in ((BATCH_MONTH - 12 * 80 + 1, HOLD), (BATCH_MONTH - 12 * 80, PASS)):
        person = pick.person(lambda p: 62 <= p.age <= 78 and p.relation in (HEAD, "配偶")
                             and p.death is None and unenrolled(world, p)
                             and not world.certs_of(p) and not world.offices_of(p)
                             and "·" not in p.name, "an elder to be 80 soon")
        _rebirth(pick, person, day_in(born_month, pick.rng.randint(1, 28)))
        amount = round(world.standards.max_fen(GAOLING, BATCH_MONTH) / 3 / 100) * 100
        rows.append(BatchRow(GAOLING, person, BATCH_MONTH, amount, person.household.account,
                             expect, INELIGIBLE_AGE if expect == HOLD else "",
                             f"born {person.birth.isoformat()}"))
    return rows


def _rebirth(pick: Picker, person: Person, born: date) -> None:
    """Give a person of no file but the registry (and land or cars) another birth date: the
    county has few people turning 80 in one given month."""
    population = pick.world.population
    del population.by_id[person.id_number]
    person.birth = born
    person.id_number = pick.world.ids.new(born, person.sex)
    population.by_id[person.id_number] = person


def ineligible_disability(pick: Picker) -> list[BatchRow]:
    """护理补贴 without a certificate, and with a certificate of level 3; trap: level 2."""
    world, rows = pick.world, []
    amount = disability_amounts(world, CANJI_HULI, (0.9, 0.9))[1]
    for level, expect in ((None, HOLD), (3, HOLD), (2, PASS)):
        person = pick.person(lambda p: 20 <= p.age <= 75 and living(p) and not world.certs_of(p)
                             and world.is_plain(p.household), "a person for a disability allowance")
        if level is not None:
            world.add_cert(Cert(person, "肢体", level, date(2016, pick.rng.randint(1, 12), 8),
                                VALID))
        note = "no certificate" if level is None else f"valid certificate, {_LEVELS[level - 1]}级"
        rows.append(BatchRow(CANJI_HULI, person, BATCH_MONTH, amount, person.household.account,
                             expect, INELIGIBLE_DISABILITY if expect == HOLD else "", note))
    return rows


