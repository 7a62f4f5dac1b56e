"""The people of one background township, as arrays: households, ages, deaths."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sunlight.synth.background.identity import IdSlots, accounts, names, surname_draws
from sunlight.synth.background.places import BackgroundTownship

NAT = np.datetime64("NaT", "D")
RELATIONS = ("户主", "配偶", "子", "女", "母亲", "父亲")
_SIZES = np.arange(1, 7)
_SIZE_SHARES = np.array([0.14, 0.22, 0.22, 0.22, 0.12, 0.08])
_REFERENCE_YEAR = 2024
RECENT = (np.datetime64("2023-01-01"), np.datetime64("2024-12-20"))
"""Deaths in the payment years (payments stop with the month, or year, of death)."""
EARLIER = (np.datetime64("2010-01-01"), np.datetime64("2022-06-30"))


@dataclass
class Residents:
    """One township's residents (person arrays) and households (household arrays)."""

    township: BackgroundTownship
    id_number: pa.Array
    name: pa.Array
    male: np.ndarray
    birth: np.ndarray
    """datetime64[D]."""
    relation: np.ndarray
    """Index into RELATIONS; 0 is the head."""
    household: np.ndarray
    """Index of the person's household."""
    death: np.ndarray
    """datetime64[D], NaT for the living."""
    household_id: pa.Array
    account: pa.Array
    """The household's card: every member is paid to it."""
    village: np.ndarray
    """Index into township.villages, per household."""
    head: np.ndarray
    """Index of each household's head."""

    def alive_on(self, day: np.datetime64) -> np.ndarray:
        alive: np.ndarray = np.isnat(self.death) | (self.death >= day)
        return alive


def build_residents(rng: np.random.Generator, township: BackgroundTownship, slots: IdSlots,
                    first_household: int, salt: int) -> Residents:
    sizes = _household_sizes(rng, township.persons)
    households = sizes.size
    head = np.r_[0, np.cumsum(sizes)[:-1]]
    household = np.repeat(np.arange(households), sizes)
    position = np.arange(township.persons) - head[household]
    age, male = _ages_and_sexes(rng, sizes, household, position)
    relation = np.where(position >= 4, position, np.where(position >= 2, 3 - male, position))
    latest = ((_REFERENCE_YEAR - 1970 - age).astype("M8[Y]").astype("M8[D]")
              + np.timedelta64(364, "D"))
    birth = latest - rng.integers(0, 365, township.persons).astype("m8[D]")
    death = _deaths(rng, age, birth, position == 0, sizes[household] == 1)
    id_number = slots.issue(birth, male.astype(np.int64))
    family = surname_draws(rng, households)
    own = surname_draws(rng, township.persons)
    # Children and a male head carry the family's surname; spouses and mothers their own.
    inherits = (relation >= 2) & (relation != 4) | ((position == 0) & male)
    surname_of = np.where(inherits, family[household], own)
    village = np.arange(households) * len(township.villages) // households
    sequence = np.arange(households) - np.searchsorted(village, village)
    # 户号 5TTTVVSSSSS: the core's begin with 3, so none is shared.
    household_id = pc.cast(pa.array(5 * 10**10 + township.index * 10**7 + village * 10**5
                                    + sequence), pa.string())
    return Residents(township, id_number, names(rng, surname_of, male, birth), male, birth,
                     relation, household, death, household_id,
                     accounts(first_household, households, salt), village, head)


def _household_sizes(rng: np.random.Generator, persons: int) -> np.ndarray:
    sizes = rng.choice(_SIZES, size=persons // 2 + 8, p=_SIZE_SHARES)
    ends = np.cumsum(sizes)
    keep = int(np.searchsorted(ends, persons)) + 1
    sizes = sizes[:keep]
    sizes[-1] -= int(ends[keep - 1]) - persons
    return sizes


def _ages_and_sexes(rng: np.random.Generator, sizes: np.ndarray, household: np.ndarray,
                    position: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ages on the reference day and sexes by place in the household: head, spouse, two
    children, then the head's mother and father."""
    count = sizes.size
    elder = (rng.random(count) < 0.3) & (sizes < 5)
    head_age = np.where(elder, np.minimum(104, 60 + rng.exponential(10, count).astype(int)),
                        rng.integers(24, 59, count))
    head_male = rng.random(count) < 0.85
    persons = position.size
    base = head_age[household]
    age = np.select(
        [position == 0, position == 1, position <= 3, position == 4],
        [base, np.maximum(20, base + rng.integers(-4, 4, persons)),
         np.maximum(0, base - 22 - rng.integers(0, 15, persons)),
         np.minimum(104, base + rng.integers(20, 33, persons))],
        np.minimum(104, base + rng.integers(22, 35, persons)))
    male = np.select([position == 0, position == 1, position <= 3, position == 4],
                     [head_male[household], ~head_male[household], rng.random(persons) < 0.5,
                      np.zeros(persons, bool)], np.ones(persons, bool))
    return age, male


def _chance(age: np.ndarray, recent: bool) -> np.ndarray:
    bands = ((85, 0.14, 0.10), (80, 0.08, 0.06), (70, 0.03, 0.03), (60, 0.01, 0.012))
    chance = np.full(age.size, 0.001)
    for low, in_window, before in reversed(bands):
        chance[age >= low] = in_window if recent else before
    return chance


def _deaths(rng: np.random.Generator, age: np.ndarray, birth: np.ndarray, is_head: np.ndarray,
            alone: np.ndarray) -> np.ndarray:
    """Deaths in the payment years, and earlier ones of members who are not a family's head."""
    born = birth + np.timedelta64(30, "D")
    death = np.full(age.size, NAT)
    recent = (born < RECENT[1]) & (rng.random(age.size) < _chance(age, True))
    earlier = (~recent & (~is_head | alone) & (born < EARLIER[1])
               & (rng.random(age.size) < _chance(age, False)))
    for chosen, (first, last) in ((recent, RECENT), (earlier, EARLIER)):
        start = np.maximum(born[chosen], first)
        span = (last - start).astype(np.int64) + 1
        death[chosen] = start + (rng.random(span.size) * span).astype(np.int64).astype("m8[D]")
    return death
