"""Building the search box's tables from the entity index: run after every index build.

One pass over `entities`: each key with its reversal, and for each distinct (name, township)
its characters and adjacent pairs. A 250,000-person county has far fewer distinct names than
entities, so the pairs stay a few rows per name.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, delete, select
from sqlalchemy.orm import Session

from sunlight.appdb.bulk import insert_rows
from sunlight.appdb.entity_tables import Entity
from sunlight.appdb.search_tables import SearchGram, SearchKey

GRAM_COLUMNS = ("gram", "lead", "warned", "name", "township")
KEY_COLUMNS = ("kind", "key", "reversed_key", "warned", "township")


def index_terms(bind: Connection | Session) -> None:
    """(Re)build search_grams and search_keys from the entities as they stand now."""
    connection = bind.connection() if isinstance(bind, Session) else bind
    connection.execute(delete(SearchGram))
    connection.execute(delete(SearchKey))
    names: dict[tuple[str, str], int] = {}
    keys = []
    for kind, key, name, township, warnings in connection.execute(
            select(Entity.kind, Entity.key, Entity.name, Entity.township, Entity.warnings)):
        warned = int(warnings > 0)
        keys.append((kind, key, key[::-1], warned, township))
        if name:
            names[name, township] = max(warned, names.get((name, township), 0))
    insert_rows(connection, SearchKey, KEY_COLUMNS, keys)
    insert_rows(connection, SearchGram, GRAM_COLUMNS, _gram_rows(names))


def _gram_rows(names: dict[tuple[str, str], int]) -> Iterator[tuple[str, int, int, str, str]]:
    for (name, township), warned in names.items():
        for gram in grams(name):
            yield gram, int(name.startswith(gram)), warned, name, township


def grams(name: str) -> set[str]:
    """Every character of the name and every pair of adjacent characters."""
    return set(name) | {name[i:i + 2] for i in range(len(name) - 1)}
