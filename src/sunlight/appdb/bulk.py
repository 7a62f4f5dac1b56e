"""Many rows into one table at once, below the ORM and Core's per-row bookkeeping.

A detection run may write hundreds of thousands of evidence rows. Values are converted by
the columns' own SQLAlchemy types, then sent by COPY on PostgreSQL (psycopg would send an
executemany row by row, five times slower) and by the driver's executemany on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

import psycopg
from sqlalchemy import Connection, Table

from sunlight.appdb.tables import Base


def insert_rows(
    connection: Connection, model: type[Base], names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert rows of values for the columns `names`, in that order."""
    table = cast(Table, model.__table__)
    values = _converted(connection, table, names, rows)
    if not values:
        return
    quote = connection.dialect.identifier_preparer
    into = f"{quote.format_table(table)} ({', '.join(quote.quote(name) for name in names)})"
    if connection.dialect.name == "postgresql":
        _copy(connection, f"COPY {into} FROM STDIN", values)
    else:
        assert connection.dialect.paramstyle == "qmark", connection.dialect.name
        connection.exec_driver_sql(
            f"INSERT INTO {into} VALUES ({', '.join('?' for _ in names)})", values)


def _converted(
    connection: Connection, table: Table, names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> list[tuple[Any, ...]]:
    """The values as Core would bind them: through each column type's processor, if any."""
    dialect = connection.dialect
    processors = [(i, processor) for i, name in enumerate(names)
                  if (processor := table.c[name].type.dialect_impl(dialect)
                      .bind_processor(dialect))]
    if not processors:
        return [tuple(row) for row in rows]
    values = []
    for row in rows:
        converted = list(row)
        for i, processor in processors:
            converted[i] = processor(converted[i])
        values.append(tuple(converted))
    return values


def _copy(connection: Connection, statement: str, values: list[tuple[Any, ...]]) -> None:
    driver = cast(psycopg.Connection[Any], connection.connection.driver_connection)
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in values:
            copy.write_row(row)
