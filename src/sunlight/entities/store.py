"""Reading and writing the index's tables in bulk, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

import pyarrow as pa
from sqlalchemy import Connection, Index, Table, text

from sunlight.appdb.bulk import delete_ids
from sunlight.appdb.entity_tables import Entity, EntityLink, EntityPayment, EntityWarning
from sunlight.appdb.tables import Base
from sunlight.entities.changes import STORED_LINKS_SCHEMA, STORED_SCHEMA

_INDEXED = (Entity, EntityLink)
_CHUNK = 500
"""Keys a DELETE names at once (SQLite binds at most 32,766 parameters)."""


def stored_entities(connection: Connection) -> pa.Table:
    """(id, kind, key, ref, digest, name, township) of every stored entity."""
    return _read(connection, "SELECT id, kind, key, ref, digest, name, township FROM entities",
                 STORED_SCHEMA)


def stored_links(connection: Connection) -> pa.Table:
    """Every stored link, its details as the text stored."""
    return _read(connection, "SELECT id, source_id, target_id, kind, role, "
                             "CAST(details AS TEXT) FROM entity_links", STORED_LINKS_SCHEMA)


def _read(connection: Connection, query: str, schema: pa.Schema) -> pa.Table:
    # The driver's own cursor: hundreds of thousands of rows, no Row object each.
    cursor = connection.connection.cursor()
    try:
        cursor.execute(query)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return pa.table([pa.array(column, field.type) for column, field in
                     zip(columns, schema, strict=True)], schema=schema)


def clear(connection: Connection) -> None:
    """Empty the index's tables: a truncation, no foreign key cascading row by row."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("TRUNCATE entity_warnings, entity_links, entities"))
        return
    for model in (EntityWarning, EntityLink, Entity):  # no WHERE: SQLite truncates
        connection.execute(cast(Table, model.__table__).delete())


@contextmanager
def without_indexes(connection: Connection,
                    models: tuple[type[Base], ...] = _INDEXED) -> Iterator[None]:
    """Drop the secondary indexes of entities and links (or `models`) for a bulk load, then
    build them once (in the caller's transaction: a failed build leaves them as they were)."""
    indexes = [index for model in models for index in _indexes(model)]
    for index in indexes:
        index.drop(connection)
    yield
    for index in indexes:
        index.create(connection)


def _indexes(model: type[Base]) -> list[Index]:
    return sorted(cast(Table, model.__table__).indexes, key=lambda index: str(index.name))


def delete_entities(connection: Connection, entity_ids: pa.Array | pa.ChunkedArray) -> None:
    delete_ids(connection, cast(Table, Entity.__table__), entity_ids)


def delete_links(connection: Connection, link_ids: pa.Array | pa.ChunkedArray) -> None:
    delete_ids(connection, cast(Table, EntityLink.__table__), link_ids)


def move_sequences(connection: Connection) -> None:
    """On PostgreSQL, entity and link ids are given by the build: move the sequences past
    them."""
    if connection.dialect.name == "postgresql":
        for table in ("entities", "entity_links"):
            connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"coalesce(max(id), 0) + 1, false) FROM {table}"))


def clear_payments(connection: Connection) -> None:
    """Empty the table of payment runs (written whole by a build over the whole warehouse)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("TRUNCATE entity_payments"))
        return
    connection.execute(cast(Table, EntityPayment.__table__).delete())


def delete_payments_of(connection: Connection, persons: pa.Array | pa.ChunkedArray) -> None:
    """Delete the payment runs of these persons (keys), a chunk of keys at a time, by the
    index on `person`."""
    table = cast(Table, EntityPayment.__table__)
    keys = persons.to_pylist()
    for start in range(0, len(keys), _CHUNK):
        connection.execute(table.delete().where(table.c.person.in_(keys[start:start + _CHUNK])))


_RUNS_ENDING = pa.schema([("id", pa.int64()), ("person", pa.string()), ("account", pa.string()),
                          ("program", pa.string()), ("last", pa.string()),
                          ("amount", pa.string()), ("rows", pa.int64())])
_MONTH = re.compile(r"\d{4}-\d{2}")


def runs_ending(connection: Connection, months: list[str]) -> pa.Table:
    """The stored payment runs whose last period is one of `months` (YYYY-MM, checked: they
    are written into the query, which the driver's own cursor runs)."""
    if not all(_MONTH.fullmatch(month) for month in months):
        raise ValueError(f"not a month: {months}")
    listed = ", ".join(f"'{month}'" for month in months) or "NULL"
    return _read(connection, f"SELECT id, person, account, program, last, amount, rows "
                             f"FROM entity_payments WHERE last IN ({listed})", _RUNS_ENDING)
