"""ID numbers, bank cards and names for whole arrays of people at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sunlight.synth.ids import BACKGROUND_BANK_PREFIX
from sunlight.synth.names import ERAS, given_names, surname_table

_EPOCH_DAY = date(1900, 1, 1)
EPOCH = np.datetime64(_EPOCH_DAY, "D")
DAYS = int((np.datetime64("2026-01-01", "D") - EPOCH).astype(np.int64))
SLOTS = 500
"""Sequence numbers per birth day and sex: 000..998 for women, 001..999 for men (GB 11643)."""
_WEIGHTS = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)
_CHECK = np.array(list("10X98765432"))
NEIGHBOUR_AREAS = ("610304", "610322", "610323", "610324", "610326", "610328", "610329",
                   "610330", "610331", "610302", "610303")
"""Other counties of the prefecture: residents born there keep their birthplace's code. A huge
county fills the 500 numbers of a birth day and sex of its own code, and spills into these."""


class IdSlots:
    """Hands out GB 11643 ID numbers: per birth day and sex the next free sequence number,
    skipping those the core county took, so no ID is issued twice."""

    def __init__(self, area_code: str, taken: Iterable[str]) -> None:
        self._areas = np.array([int(a) for a in (area_code, *NEIGHBOUR_AREAS)], dtype=np.int64)
        self._next = np.zeros(DAYS * 2, dtype=np.int64)
        core: dict[int, list[int]] = defaultdict(list)
        for id_number in taken:
            group = _group_of(id_number, area_code)
            if group is not None:
                sequence = int(id_number[14:17])
                core[group * 2 + sequence % 2].append(sequence // 2)
        depth = max((len(ks) for ks in core.values()), default=0)
        self._taken = np.full((DAYS * 2, depth), SLOTS, dtype=np.int16)
        self._free = np.full(DAYS * 2, SLOTS, dtype=np.int64)
        for group, ks in core.items():
            self._taken[group, :len(ks)] = sorted(ks)
            self._free[group] -= len(set(ks))

    def issue(self, births: np.ndarray, male: np.ndarray) -> pa.Array:
        """One new ID per person, in the order given."""
        group = (births - EPOCH).astype(np.int64) * 2 + male
        rank = _rank_within(group) + self._next[group]
        self._next += np.bincount(group, minlength=self._next.size)
        slot = rank
        for column in range(self._taken.shape[1]):  # the r-th slot the core left free
            slot = slot + (self._taken[group, column] <= slot)
        beyond = np.maximum(rank - self._free[group], 0)  # numbered on in the next codes
        area = np.where(slot < SLOTS, 0, 1 + beyond // SLOTS)
        slot = np.where(slot < SLOTS, slot, beyond % SLOTS)
        if area.size and area.max() >= self._areas.size:
            raise ValueError(f"more than {SLOTS * self._areas.size:,} residents of one sex "
                             "born on one day: too many persons for the prefecture's ID numbers")
        ymd = _yyyymmdd(births)
        body = (self._areas[area] * 10**8 + ymd) * 1000 + slot * 2 + male
        total = np.zeros(body.size, dtype=np.int64)
        for position, weight in enumerate(_WEIGHTS):
            total += (body // 10 ** (16 - position)) % 10 * weight
        return pc.binary_join_element_wise(pc.cast(pa.array(body), pa.string()),
                                           pa.array(_CHECK[total % 11]), "")


def _group_of(id_number: str, area_code: str) -> int | None:
    """Days from EPOCH to the birth an ID encodes; None for one no background ID can equal
    (another area, another length, no real date: a case's broken ID)."""
    if len(id_number) != 18 or not id_number[:17].isdigit() or id_number[:6] != area_code:
        return None
    try:
        day = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None
    days = (day - _EPOCH_DAY).days
    return days if 0 <= days < DAYS else None


def _rank_within(group: np.ndarray) -> np.ndarray:
    """Each element's rank among the equal elements before it."""
    order = np.argsort(group, kind="stable")
    ordered = group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(ordered)) + 1] if ordered.size else ordered
    run = np.repeat(starts, np.diff(np.r_[starts, ordered.size]))
    rank = np.empty_like(group)
    rank[order] = np.arange(group.size) - run
    return rank


def _yyyymmdd(days: np.ndarray) -> np.ndarray:
    years = days.astype("M8[Y]")
    months = days.astype("M8[M]")
    year = years.astype(np.int64) + 1970
    month = (months - years.astype("M8[M]")).astype(np.int64) + 1
    day = (days - months.astype("M8[D]")).astype(np.int64) + 1
    ymd: np.ndarray = year * 10000 + month * 100 + day
    return ymd


def accounts(first: int, count: int, salt: int) -> pa.Array:
    """Bank cards of households `first`..`first + count - 1` of the background: a bijection of
    the household's number onto 13 digits, so no two households share a card."""
    number = (np.arange(first, first + count, dtype=np.int64) * 7_919_113 + salt) % 10**13
    digits = pc.utf8_lpad(pc.cast(pa.array(number), pa.string()), 13, "0")
    return pc.binary_join_element_wise(BACKGROUND_BANK_PREFIX, digits, "")


def names(rng: np.random.Generator, surname_of: np.ndarray, male: np.ndarray,
          births: np.ndarray) -> pa.Array:
    """Surname (given per person by `surname_of`) and a given name of the person's era and sex."""
    surnames, _ = surname_table()
    surname = pa.array(surnames).take(pa.array(surname_of))
    years = births.astype("M8[Y]").astype(np.int64) + 1970
    pool_of = np.where(years < 1962, 0, np.where(years < 1995, 1, 2)) * 2 + male
    pools = [given_names(era, sex) for era in ERAS for sex in ("女", "男")]
    sizes = np.array([len(p) for p in pools])
    offsets = np.r_[0, np.cumsum(sizes)[:-1]]
    pick = offsets[pool_of] + (rng.random(male.size) * sizes[pool_of]).astype(np.int64)
    given = pa.array([g for p in pools for g in p]).take(pa.array(pick))
    return pc.binary_join_element_wise(surname, given, "")


def surname_draws(rng: np.random.Generator, count: int) -> np.ndarray:
    _, weights = surname_table()
    p = np.array(weights, dtype=float)
    return rng.choice(p.size, size=count, p=p / p.sum())
