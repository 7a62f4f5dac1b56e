"""Arrays of numbers as the text a department's CSV export holds."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_FIRST_YEAR, _LAST_YEAR = 1900, 2030
_LABELS = pa.array([f"{y:04d}-{m:02d}" for y in range(_FIRST_YEAR, _LAST_YEAR + 1)
                    for m in range(1, 13)])


def month_labels(months: np.ndarray) -> pa.Array:
    """`2024-03` for months counted as year * 12 + month - 1 (`synth.periods.Month`)."""
    return _LABELS.take(pa.array(months - _FIRST_YEAR * 12))


def months_of(days: np.ndarray) -> np.ndarray:
    """The Month of each datetime64[D] (NaT gives a very large month: never reached)."""
    months = days.astype("M8[M]").astype(np.int64) + 1970 * 12
    return np.where(np.isnat(days), np.iinfo(np.int64).max // 2, months)


def first_days(months: np.ndarray) -> np.ndarray:
    return (months - 1970 * 12).astype("M8[M]").astype("M8[D]")


def dates(days: np.ndarray) -> pa.Array:
    """ISO dates, empty where NaT."""
    return pa.array(days.astype("M8[D]"), type=pa.date32(), from_pandas=True)


def yuan(fen: np.ndarray) -> pa.Array:
    """`530.00` for 53000 fen."""
    whole = pc.cast(pa.array(fen // 100), pa.string())
    cents = pc.utf8_lpad(pc.cast(pa.array(fen % 100), pa.string()), 2, "0")
    return pc.binary_join_element_wise(whole, cents, ".")


def hundredths(values: np.ndarray) -> pa.Array:
    """An area in hundredths of a mu as `6.33`."""
    return yuan(values)


def repeat(text: str, count: int) -> pa.Array:
    return pa.repeat(pa.scalar(text), count)


def choose(texts: Sequence[str], index: np.ndarray) -> pa.Array:
    """texts[index] for every index: Arrow copies the bytes, no Python string per row."""
    return pa.array(texts, pa.string()).take(pa.array(index))
