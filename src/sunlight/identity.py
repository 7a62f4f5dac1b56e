"""Who is who: the person key is the canonical 18-character ID; names compare by a name key.

Two written names are the same name when they differ only by spaces, character width, the
form of the `·` in minority names, or traditional against simplified characters. The name
key is the name with all of that taken out; ingestion already removes spaces, width and dot
forms, and the key repeats that so it holds for any text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import opencc
import pyarrow as pa

from sunlight.text import squeeze

_DOTS = re.compile("[.．・•‧∙⋅･]")


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def name_key(name: str) -> str:
    """The form two names are compared in."""
    plain = _DOTS.sub("·", squeeze(name))
    return str(_to_simplified().convert(plain))


def name_keys(names: Iterable[str | None]) -> pa.Table:
    """A table (name, name_key) for every distinct name given, for the models to join."""
    distinct = sorted({name for name in names if name})
    return pa.table({"name": pa.array(distinct, pa.string()),
                     "name_key": pa.array([name_key(n) for n in distinct], pa.string())})
