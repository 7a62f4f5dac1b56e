"""Who is who: the person key is the canonical 18-character ID; names compare by a name key.

Two written names are the same name when they differ only by spaces, character width, the
form of the `·` in minority names, or traditional against simplified characters. The name
key is the name with all of that taken out; ingestion already removes spaces, width and dot
forms, and the key repeats that so it holds for any text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path

import opencc
import pyarrow as pa

from sunlight import text
from sunlight.text import squeeze

_DOTS = re.compile("[.．・•‧∙⋅･]")


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def name_key(name: str) -> str:
    """The form two names are compared in."""
    plain = _DOTS.sub("·", squeeze(name))
    return str(_to_simplified().convert(plain))


@cache
def name_key_version() -> str:
    """What `name_key` is made by (this module, the text rules it applies, OpenCC's version):
    a key of the name alone, so keys made under the same version agree."""
    digest = hashlib.sha256(str(getattr(opencc, "__version__", "")).encode())
    for module in (__file__, text.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()


def name_keys(names: Iterable[str | None]) -> pa.Table:
    """A table (name, name_key) for every distinct name given, for the models to join."""
    distinct = sorted({name for name in names if name})
    return pa.table({"name": pa.array(distinct, pa.string()),
                     "name_key": pa.array([name_key(n) for n in distinct], pa.string())})


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_FORM = re.compile(r"\d{17}[\dX]")


def id_number_valid(id_number: str) -> bool:
    """Whether an 18-character ID (upper-case X) is well formed: a real birth date and the
    GB 11643 check character (a slip of one digit fails it)."""
    if not _ID_FORM.fullmatch(id_number):
        return False
    try:
        date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return False
    total = sum(int(c) * w for c, w in zip(id_number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == id_number[17]
