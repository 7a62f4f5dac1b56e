"""Townships and villages of the background: names the core county does not use."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sunlight.synth.geography import County, township_stems, village_names

TOWNSHIP_PERSONS = 100_000
"""Residents of a background township (the last takes the rest)."""
VILLAGES_PER_TOWNSHIP = 25


@dataclass(frozen=True)
class BackgroundTownship:
    index: int
    """Counted from 0 over the background; household numbers carry it."""
    name: str
    villages: tuple[str, ...]
    persons: int


def plan_townships(rng: np.random.Generator, core: County, persons: int
                   ) -> list[BackgroundTownship]:
    """Townships of about TOWNSHIP_PERSONS residents, named apart from the core's."""
    count = max(1, -(-persons // TOWNSHIP_PERSONS))
    used_stems = {t.name[:-1] for t in core.townships}
    stems = [s for s in township_stems() if s not in used_stems]
    used_villages = {v.name for t in core.townships for v in t.villages}
    villages = [v for v in village_names() if v not in used_villages]
    if count > len(stems) or count * VILLAGES_PER_TOWNSHIP > len(villages):
        raise ValueError(f"{persons:,} background residents need more township and village "
                         "names than the generator has")
    stems = [stems[i] for i in rng.permutation(len(stems))[:count]]
    order = rng.permutation(len(villages))[:count * VILLAGES_PER_TOWNSHIP]
    sizes = [persons // count + (1 if i < persons % count else 0) for i in range(count)]
    return [BackgroundTownship(
        index=i, name=stem + "镇", persons=sizes[i],
        villages=tuple(villages[j] for j in order[i * VILLAGES_PER_TOWNSHIP:
                                                  (i + 1) * VILLAGES_PER_TOWNSHIP]))
        for i, stem in enumerate(stems)]
