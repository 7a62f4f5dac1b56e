"""Building the search box's tables from the entity index.

`index_terms` after every build of the index: one pass over `entities`, each key reversed,
and for each distinct (name, township) its characters and adjacent pairs. Rows are appended
with the tables' indexes dropped, and the indexes built afterwards in one sort by the
database: far cheaper than keeping them up to date row by row in random order.

`refresh_warned` after a detection run that left the index as it was but changed the
entities' warnings: only the rows of names whose warned state changed move.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Connection, Index, bindparam, delete, select, text, update
from sqlalchemy.orm import Session

from sunlight.appdb.bulk import insert_rows
from sunlight.appdb.entity_tables import Entity
from sunlight.appdb.search_tables import (
    GRAM_INDEX,
    KEY_INDEX,
    SearchGram,
    SearchKey,
    SearchWarned,
)

GRAM_COLUMNS = ("gram", "lead", "warned", "name", "township")
KEY_COLUMNS = ("entity_id", "reversed_key")
INDEXES: tuple[Index, ...] = (GRAM_INDEX, KEY_INDEX)
Place = tuple[str, str]
"""A name as borne in a township."""


def index_terms(bind: Connection | Session) -> None:
    """(Re)build the search tables from the entities as they stand now."""
    connection = bind.connection() if isinstance(bind, Session) else bind
    _empty(connection)
    names: dict[Place, int] = {}
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
    insert_rows(connection, SearchWarned, ("name", "township"),
                [place for place, warned in names.items() if warned])
    for index in INDEXES:
        index.create(connection)


def refresh_warned(bind: Connection | Session) -> int:
    """Bring the gram rows' `warned` in line with the entities' warnings; returns how many
    (name, township) pairs changed."""
    connection = bind.connection() if isinstance(bind, Session) else bind
    now: set[Place] = {(name, township) for name, township in connection.execute(
        select(Entity.name, Entity.township).where(Entity.warnings > 0, Entity.name != "")
        .distinct())}
    before: set[Place] = {(name, township) for name, township in connection.execute(
        select(SearchWarned.name, SearchWarned.township))}
    _set_warned(connection, now - before, 1)
    _set_warned(connection, before - now, 0)
    if before - now:
        connection.execute(delete(SearchWarned).where(
            SearchWarned.name == bindparam("n"), SearchWarned.township == bindparam("t")),
            [{"n": name, "t": township} for name, township in before - now])
    insert_rows(connection, SearchWarned, ("name", "township"), sorted(now - before))
    return len(now ^ before)


def _set_warned(connection: Connection, places: Iterable[Place], warned: int) -> None:
    rows = [{"g": gram, "l": int(name.startswith(gram)), "w": 1 - warned, "n": name,
             "t": township, "to": warned}
            for name, township in places for gram in grams(name)]
    if rows:
        connection.execute(
            update(SearchGram).where(
                SearchGram.gram == bindparam("g"), SearchGram.lead == bindparam("l"),
                SearchGram.warned == bindparam("w"), SearchGram.name == bindparam("n"),
                SearchGram.township == bindparam("t"))
            .values(warned=bindparam("to")), rows)


def _empty(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("TRUNCATE search_grams, search_keys, search_warned"))
    else:  # SQLite empties a table without a WHERE at once
        for table in (SearchGram, SearchKey, SearchWarned):
            connection.execute(delete(table))


def _gram_rows(names: dict[Place, int]) -> Iterator[tuple[str, int, int, str, str]]:
    for (name, township), warned in names.items():
        for gram in grams(name):
            yield gram, int(name.startswith(gram)), warned, name, township


def grams(name: str) -> set[str]:
    """Every character of the name and every pair of adjacent characters."""
    return set(name) | {name[i:i + 2] for i in range(len(name) - 1)}
