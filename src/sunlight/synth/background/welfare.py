"""The background's programs: who is on which roster, and the payments month by month.

Every roster starts before the approvals data begin (`LAST_UNAPPROVED_START`), amounts are at
the catalog's standard, each household is paid to its own card, and payments stop with the
month (annual programs: the year) of death, so no model has anything to say about them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sunlight.synth.background.residents import RECENT, Residents
from sunlight.synth.background.text import months_of
from sunlight.synth.periods import FIRST_PAID, LAST_PAID, LAST_UNAPPROVED_START, PAID_YEARS, month
from sunlight.synth.programs import CANJI_HULI, DIBAO, DILI, GAOLING, TEKUN, Standards

ROSTER_FROM = month(2009, 1)
"""The earliest start month a background roster shows."""


@dataclass
class Roster:
    program: str
    person: np.ndarray
    start: np.ndarray
    end: np.ndarray
    """The month the roster ends (the month of death), or -1 while enrolled."""
    monthly: np.ndarray | None = None
    """Fen per month in each paid year, shape (persons, years), for fixed monthly amounts."""
    declared: np.ndarray | None = None
    """Declared area in hundredths of a mu (area-based programs)."""


@dataclass
class Paid:
    """A roster's payments: one row per person and period."""

    program: str
    person: np.ndarray
    period: np.ndarray
    """Month; January for an annual program's year."""
    fen: np.ndarray


@dataclass
class Holdings:
    """What the registries say that the programs rely on."""

    poor: np.ndarray
    """Per household: on DIBAO or TEKUN (no official, cadre or car is drawn from one)."""
    dibao: np.ndarray
    tekun: np.ndarray
    """Per household."""
    certified: np.ndarray
    """Per person: the disability level on a valid certificate, 0 for none."""
    cert_issued: np.ndarray
    farmland: np.ndarray
    """Per household: registered 耕地 in hundredths of a mu."""


def _start(rng: np.random.Generator, earliest: np.ndarray) -> np.ndarray:
    """A start month between `earliest` (at least ROSTER_FROM) and LAST_UNAPPROVED_START."""
    low = np.maximum(earliest, ROSTER_FROM)
    start: np.ndarray = low + (rng.random(low.size)
                               * (LAST_UNAPPROVED_START - low + 1)).astype(np.int64)
    return start


def _end(people: Residents, person: np.ndarray) -> np.ndarray:
    died = people.death[person]
    return np.where(np.isnat(died), -1, months_of(died))


def _lowest_standard(standards: Standards, code: str) -> int:
    """The program's standard (fen) in the month it is lowest: fixed amounts stay within it."""
    return min(standards.max_fen(code, m) for m in range(FIRST_PAID, LAST_PAID + 1))


def rosters(rng: np.random.Generator, people: Residents, holdings: Holdings,
            standards: Standards) -> list[Roster]:
    alive = people.alive_on(RECENT[0])
    birth_month = months_of(people.birth)
    out = []
    # Members born since the approvals data began would need a chain: they are left off.
    settled = alive & (birth_month < LAST_UNAPPROVED_START)
    for code, members in ((DIBAO, holdings.dibao), (TEKUN, holdings.tekun)):
        person = np.flatnonzero(members[people.household] & settled)
        top = _lowest_standard(standards, code) // 1000
        # Tens of yuan below the standard, raised by 20 yuan the next year within it.
        first = rng.integers(top // 2, top + 1, person.size) * 1000
        monthly = np.stack([first, np.minimum(first + 2000, top * 1000)], axis=1)
        out.append(Roster(code, person, _start(rng, birth_month[person] + 1),
                          _end(people, person), monthly=monthly))
    eighty = birth_month + 80 * 12
    person = np.flatnonzero(alive & (eighty <= LAST_UNAPPROVED_START))
    out.append(Roster(GAOLING, person, np.maximum(eighty[person], ROSTER_FROM),
                      _end(people, person)))
    person = np.flatnonzero(alive & np.isin(holdings.certified, (1, 2)))
    care = _lowest_standard(standards, CANJI_HULI)
    out.append(Roster(CANJI_HULI, person, _start(rng, months_of(holdings.cert_issued[person]) + 1),
                      _end(people, person),
                      monthly=np.tile([care * 8 // 10, care * 9 // 10], (person.size, 1))))
    person = people.head[alive[people.head]]
    out.append(Roster(DILI, person, _start(rng, np.full(person.size, month(2015, 1))),
                      _end(people, person),
                      declared=holdings.farmland[people.household[person]]))
    return out


def payments(people: Residents, roster: Roster, standards: Standards) -> Paid:
    """Monthly programs from January 2023 to the month of death or December 2024; annual ones
    each year up to the year of death."""
    died = months_of(people.death[roster.person])
    if standards.is_annual(roster.program):
        years = np.array([month(y, 1) for y in PAID_YEARS])
        last = np.minimum(LAST_PAID, died // 12 * 12)
        count = (last[:, None] >= years[None, :]).sum(axis=1)  # years are consecutive
        index = np.repeat(np.arange(roster.person.size), count)
        period = years[0] + 12 * (np.arange(index.size) - np.repeat(np.cumsum(count) - count,
                                                                     count))
        assert roster.declared is not None
        rate = np.array([standards.rate_fen(roster.program, y) for y in PAID_YEARS])
        fen = (rate[period // 12 - PAID_YEARS[0]] * roster.declared[index] + 50) // 100
        return Paid(roster.program, roster.person[index], period, fen)
    last = np.minimum(LAST_PAID, died)
    count = last - FIRST_PAID + 1
    index = np.repeat(np.arange(roster.person.size), count)
    period = FIRST_PAID + np.arange(index.size) - np.repeat(np.cumsum(count) - count, count)
    if roster.monthly is not None:
        fen = roster.monthly[index, period // 12 - PAID_YEARS[0]]
    else:  # 高龄补贴: a third of the standard from 80, two thirds from 90, all from 100
        age = (period - months_of(people.birth[roster.person[index]])) // 12
        top = np.array([standards.max_fen(GAOLING, m) for m in range(FIRST_PAID, LAST_PAID + 1)])
        thirds = np.where(age >= 100, 3, np.where(age >= 90, 2, 1))
        fen = np.round(top[period - FIRST_PAID] * thirds / 3 / 100).astype(np.int64) * 100
    return Paid(roster.program, roster.person[index], period, fen)
