"""Building the search box's tables from the entity index.

`index_terms` after every build of the index: one pass over `entities`, each key reversed,
and for each distinct (name, township) its characters and adjacent pairs. Rows are appended
with the tables' indexes dropped, and the indexes built afterwards in one sort by the
database: far cheaper than keeping them up to date row by row in random order.

`update_terms` after a build that wrote only what changed: only the keys of new and vanished
entities, and the names an entity took or left, move.

`refresh_warned` after a detection run that left the index as it was but changed the
entities' warnings: only the rows of names whose warned state changed move.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Executable, Index, bindparam, delete, select, text, update
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

NAME_MARKS = "·•・‧∙. \u3000"
"""Marks between the parts of a name (艾买提·阿西木) that people type or leave out at will:
names are indexed, and searched for, without them."""
_NO_MARKS = str.maketrans("", "", NAME_MARKS)
GRAM_COLUMNS = ("gram", "lead", "warned", "name", "township")
KEY_COLUMNS = ("entity_id", "reversed_key")
INDEXES: tuple[Index, ...] = (GRAM_INDEX, KEY_INDEX)
Place = tuple[str, str]
"""A name as borne in a township."""
_CHUNK_ROWS = 50_000


def index_terms(bind: Connection | Session, rows: int = _CHUNK_ROWS) -> None:
    """(Re)build the search tables from the entities as they stand now in the database."""
    connection = bind.connection() if isinstance(bind, Session) else bind
    keys = select(Entity.id, Entity.key)
    places = select(Entity.name, Entity.township).where(Entity.name != "").distinct()
    write_terms(connection, _chunks(connection, keys, rows), _chunks(connection, places, rows))


def write_terms(connection: Connection, keys: Iterable[Sequence[tuple[int, str]]],
                places: Iterable[Sequence[Place]]) -> None:
    """Write the search tables again from the entities' (id, key) and their distinct
    (name, township) pairs, each given a chunk at a time; whether a name is warned is read
    from the entities (only the warned ones: few)."""
    _empty(connection)
    warned = _warned_places(connection)
    for index in INDEXES:
        index.drop(connection)
    for some_keys in keys:
        insert_rows(connection, SearchKey, KEY_COLUMNS,
                    [(entity_id, key[::-1]) for entity_id, key in some_keys])
    for some_places in places:
        insert_rows(connection, SearchGram, GRAM_COLUMNS,
                    _gram_rows({place: int(place in warned) for place in some_places}))
    insert_rows(connection, SearchWarned, ("name", "township"), sorted(warned))
    for index in INDEXES:
        index.create(connection)


def _chunks(connection: Connection, query: Executable, rows: int) -> Iterator[list[Any]]:
    """The query's rows as tuples, `rows` at a time."""
    # The option on the statement: on the connection it would stay for what follows.
    for chunk in connection.execute(query, execution_options={"yield_per": rows}).partitions():
        yield [tuple(row) for row in chunk]


def update_terms(bind: Connection | Session, new_keys: Sequence[tuple[int, str]],
                 vanished: Sequence[int], places: Iterable[Place]) -> None:
    """After a build that kept the other entities under their ids: the keys of the new
    entities added and of the vanished ones removed, and the rows of the (name, township)
    pairs that an entity took or left made again from the entities as they stand. Then
    warned flags as refresh_warned brings them."""
    connection = bind.connection() if isinstance(bind, Session) else bind
    if vanished:
        connection.execute(delete(SearchKey).where(SearchKey.entity_id == bindparam("i")),
                           [{"i": entity_id} for entity_id in vanished])
    insert_rows(connection, SearchKey, KEY_COLUMNS,
                [(entity_id, key[::-1]) for entity_id, key in new_keys])
    moved = sorted(set(places))
    if moved:
        _drop_places(connection, moved)
        borne = _borne(connection, moved)
        insert_rows(connection, SearchGram, GRAM_COLUMNS, _gram_rows(borne))
        insert_rows(connection, SearchWarned, ("name", "township"),
                    sorted(place for place, warned in borne.items() if warned))
    refresh_warned(connection)


def _drop_places(connection: Connection, places: Sequence[Place]) -> None:
    """Every gram row (warned or not) and search_warned row of these pairs."""
    connection.execute(
        delete(SearchGram).where(
            SearchGram.gram == bindparam("g"), SearchGram.lead == bindparam("l"),
            SearchGram.name == bindparam("n"), SearchGram.township == bindparam("t")),
        [{"g": gram, "l": int(name.startswith(gram)), "n": name, "t": township}
         for name, township in places for gram in grams(name)])
    connection.execute(delete(SearchWarned).where(
        SearchWarned.name == bindparam("n"), SearchWarned.township == bindparam("t")),
        [{"n": name, "t": township} for name, township in places])


def _borne(connection: Connection, places: Sequence[Place]) -> dict[Place, int]:
    """Those of the pairs some entity bears now, and whether one of them is warned."""
    wanted = set(places)
    names = sorted({name for name, _ in places})
    borne: dict[Place, int] = {}
    for start in range(0, len(names), 500):  # by the entities' index on name
        for name, township, warnings in connection.execute(
                select(Entity.name, Entity.township, Entity.warnings)
                .where(Entity.name.in_(names[start:start + 500]))):
            if (name, township) in wanted:
                borne[name, township] = max(int(warnings > 0), borne.get((name, township), 0))
    return borne


def refresh_warned(bind: Connection | Session) -> int:
    """Bring the gram rows' `warned` in line with the entities' warnings; returns how many
    (name, township) pairs changed."""
    connection = bind.connection() if isinstance(bind, Session) else bind
    now = _warned_places(connection)
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


def _warned_places(connection: Connection) -> set[Place]:
    """The (name, township) pairs of entities with a warning standing (by a partial index)."""
    return {(name, township) for name, township in connection.execute(
        select(Entity.name, Entity.township).where(Entity.warnings > 0, Entity.name != "")
        .distinct())}


def _set_warned(connection: Connection, places: Iterable[Place], warned: int) -> None:
    rows = [{"g": gram, "l": int(plain_name(name).startswith(gram)), "w": 1 - warned,
             "n": name, "t": township, "to": warned}
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
        plain = plain_name(name)
        for gram in grams(name):
            yield gram, int(plain.startswith(gram)), warned, name, township


def plain_name(name: str) -> str:
    """The name without the marks between its parts (NAME_MARKS), as search compares it."""
    return name.translate(_NO_MARKS)


def grams(name: str) -> set[str]:
    """Every character of the plain name and every pair of adjacent characters."""
    plain = plain_name(name)
    return set(plain) | {plain[i:i + 2] for i in range(len(plain) - 1)}
