"""Building the search box's tables from the entity index: run after every index build.

One pass over `entities`: each key reversed, and for each distinct (name, township) its
characters and adjacent pairs. Rows are appended with the tables' indexes dropped, and the
indexes built afterwards in one sort by the database: far cheaper than keeping them up to
date row by row in random order.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, Index, delete, select, text
from sqlalchemy.orm import Session

from sunlight.appdb.bulk import insert_rows
from sunlight.appdb.entity_tables import Entity
from sunlight.appdb.search_tables import GRAM_INDEX, KEY_INDEX, SearchGram, SearchKey

GRAM_COLUMNS = ("gram", "lead", "warned", "name", "township")
KEY_COLUMNS = ("entity_id", "reversed_key")
INDEXES: tuple[Index, ...] = (GRAM_INDEX, KEY_INDEX)


def index_terms(bind: Connection | Session) -> None:
    """(Re)build search_grams and search_keys from the entities as they stand now."""
    connection = bind.connection() if isinstance(bind, Session) else bind
    _empty(connection)
    names: dict[tuple[str, str], int] = {}
    keys = []
    for entity_id, key, name, township, warnings in connection.execute(
            select(Entity.id, Entity.key, Entity.name, Entity.township, Entity.warnings)):
        keys.append((entity_id, key[::-1]))
        if name:
            warned = int(warnings > 0)
            names[name, township] = max(warned, names.get((name, township), 0))
    for index in INDEXES:
        index.drop(connection)
    insert_rows(connection, SearchKey, KEY_COLUMNS, keys)
    insert_rows(connection, SearchGram, GRAM_COLUMNS, _gram_rows(names))
    for index in INDEXES:
        index.create(connection)


def _empty(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("TRUNCATE search_grams, search_keys"))
    else:  # SQLite empties a table without a WHERE at once
        connection.execute(delete(SearchGram))
        connection.execute(delete(SearchKey))


def _gram_rows(names: dict[tuple[str, str], int]) -> Iterator[tuple[str, int, int, str, str]]:
    for (name, township), warned in names.items():
        for gram in grams(name):
            yield gram, int(name.startswith(gram)), warned, name, township


def grams(name: str) -> set[str]:
    """Every character of the name and every pair of adjacent characters."""
    return set(name) | {name[i:i + 2] for i in range(len(name) - 1)}
