"""Many rows into one table at once, below the ORM and Core's per-row bookkeeping.

A detection run may write hundreds of thousands of evidence rows. Values are converted by
the columns' own SQLAlchemy types, then sent by COPY on PostgreSQL (psycopg would send an
executemany row by row, five times slower) and by the driver's executemany on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar, cast

import pyarrow as pa
from sqlalchemy import (
    ColumnElement,
    Connection,
    ForeignKeyConstraint,
    SQLColumnExpression,
    Table,
    UniqueConstraint,
    any_,
    bindparam,
    delete,
    func,
    select,
)
from sqlalchemy.schema import AddConstraint, DropConstraint

from sunlight.appdb.tables import Base

T = TypeVar("T")
V = TypeVar("V")


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
    import psycopg  # PostgreSQL's alone: not imported by a command on SQLite

    driver = cast(psycopg.Connection[Any], connection.connection.driver_connection)
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in values:
            copy.write_row(row)


@contextmanager
def loading(connection: Connection, model: type[Base], coming: int) -> Iterator[None]:
    """Around a bulk load of `coming` rows into the model's table: on PostgreSQL, when they
    outnumber the rows it holds (a province's first run), its secondary indexes, unique and
    foreign key constraints are dropped for the load and made again after it, in the
    caller's transaction. One sort and one join check instead of a B-tree insert and a key
    lookup per row: half the server's work. The table is then locked until the commit
    (readers wait), which a first run can afford; a monthly run adds fewer warnings and
    evidence rows than the tables hold and leaves them as they are, and adds to the
    timelines only the new month's rows of the warned persons they hold."""
    table = cast(Table, model.__table__)
    if connection.dialect.name != "postgresql" or not _outnumbered(connection, table, coming):
        yield
        return
    constraints = sorted((c for c in table.constraints
                          if isinstance(c, UniqueConstraint | ForeignKeyConstraint)),
                         key=lambda c: str(c.name))
    indexes = sorted(table.indexes, key=lambda index: str(index.name))
    for constraint in constraints:
        connection.execute(DropConstraint(constraint))
    for index in indexes:
        index.drop(connection)
    yield
    for index in indexes:
        index.create(connection)
    for constraint in constraints:  # a duplicate or a stray key fails here, as on insert
        connection.execute(AddConstraint(constraint))


def _outnumbered(connection: Connection, table: Table, coming: int) -> bool:
    """Whether the table holds fewer than `coming` rows (counting no further)."""
    held = select(func.count()).select_from(select(1).select_from(table).limit(coming)
                                            .subquery())
    return bool(coming) and (connection.execute(held).scalar_one() < coming)


def insert_batches(
    connection: Connection, model: type[Base], schema: pa.Schema,
    rows: Iterable[Sequence[Any]], batch: int = 50_000
) -> int:
    """Insert rows of values in `schema`'s column order, `batch` rows at a time through
    `insert_table`: never all the rows as Python tuples at once, nor as Arrow. Returns how
    many rows were written."""
    written = 0
    for chunk in batched(rows, batch):
        columns = zip(*chunk, strict=True)
        insert_table(connection, model, pa.table(
            [_array(values, field.type) for values, field in zip(columns, schema, strict=True)],
            schema=schema))
        written += len(chunk)
    return written


IN_LIST = 1000
"""Values a SQLite statement names at once (`among`): under its limit of bound variables."""


def among(connection: Connection, column: SQLColumnExpression[V],
          values: Iterable[V]) -> Iterator[ColumnElement[bool]]:
    """Conditions that `column` is one of `values`, one statement's each: on PostgreSQL one
    (the values as one array parameter: a province's 100,000 in a statement, not 100), on
    SQLite one per `IN_LIST` values."""
    listed = list(values)
    if not listed:
        return
    if connection.dialect.name == "postgresql":
        yield column == any_(bindparam("among", listed))  # the driver sends the list as one
        return
    for chunk in batched(listed, IN_LIST):
        yield column.in_(chunk)


def batched(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    """The rows in lists of `size` (the last shorter), read one batch ahead at most."""
    chunk: list[T] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _array(values: Sequence[Any], kind: pa.DataType) -> pa.Array:
    try:
        return pa.array(values, kind)
    except pa.ArrowInvalid:
        if not pa.types.is_decimal(kind):
            raise
    # More decimal places than the column keeps: rounded as the database would round them.
    places = Decimal(1).scaleb(-kind.scale)
    return pa.array([None if v is None else Decimal(v).quantize(places, ROUND_HALF_UP)
                     for v in values], kind)


def insert_table(connection: Connection, model: type[Base], table: pa.Table) -> None:
    """Insert an Arrow table whose columns are named as the model's, converted in Arrow.

    For hundreds of thousands of rows of integers, text, dates and decimals (a publication):
    PostgreSQL gets COPY text built column by column in Arrow, SQLite an executemany of
    values already in its storage form (dates as ISO text, decimals as floats, which NUMERIC
    affinity stores as SQLite would store the Decimal).
    """
    if table.num_rows == 0:
        return
    target = cast(Table, model.__table__)
    quote = connection.dialect.identifier_preparer
    names = table.column_names
    into = f"{quote.format_table(target)} ({', '.join(quote.quote(name) for name in names)})"
    if connection.dialect.name == "postgresql":
        _copy_table(connection, into, table)
        return
    connection.exec_driver_sql(f"INSERT INTO {into} VALUES ({', '.join('?' for _ in names)})",
                               _sqlite_rows(table))


def insert_stream(connection: Connection, model: type[Base],
                  batches: Iterable[pa.RecordBatch]) -> int:
    """`insert_table` for each of a stream of Arrow batches in turn: only one batch is held
    at a time (as Python values, on SQLite), whatever the rows in all. Returns how many rows
    were written."""
    written = 0
    for batch in batches:
        insert_table(connection, model, pa.Table.from_batches([batch]))
        written += batch.num_rows
    return written


def update_table(connection: Connection, model: type[Base], table: pa.Table) -> None:
    """Write an Arrow table's rows over the model's rows of the same `id` (its other columns
    named as the model's). Only the indexes of the columns set are touched: cheaper than
    deleting and inserting rows whose keys stay. PostgreSQL: COPY into a temporary table,
    then one UPDATE ... FROM."""
    if table.num_rows == 0:
        return
    quote = connection.dialect.identifier_preparer
    target = quote.format_table(cast(Table, model.__table__))
    names = [name for name in table.column_names if name != "id"]
    if connection.dialect.name == "postgresql":
        staged = quote.quote(f"_update_{cast(Table, model.__table__).name}")
        connection.exec_driver_sql(f"CREATE TEMP TABLE {staged} ON COMMIT DROP AS SELECT "
                                   f"{', '.join(table.column_names)} FROM {target} WITH NO DATA")
        _copy_table(connection, f"{staged} ({', '.join(table.column_names)})", table)
        connection.exec_driver_sql(
            f"UPDATE {target} AS t SET {', '.join(f'{n} = u.{n}' for n in names)} "
            f"FROM {staged} AS u WHERE t.id = u.id")
        connection.exec_driver_sql(f"DROP TABLE {staged}")
        return
    ordered = table.select([*names, "id"])
    connection.exec_driver_sql(
        f"UPDATE {target} SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
        _sqlite_rows(ordered))


def _copy_table(connection: Connection, into: str, table: pa.Table) -> None:
    """COPY an Arrow table's rows into `into` (a table and its columns, as SQL)."""
    import psycopg  # as in _copy
    import pyarrow.compute as pc  # COPY's text alone needs it: not imported on SQLite

    lines = pc.binary_join_element_wise(
        *[_copy_text(table.column(name)) for name in table.column_names], "\t")
    lines = pc.binary_join_element_wise(lines, pa.scalar(""), "\n")
    driver = cast(psycopg.Connection[Any], connection.connection.driver_connection)
    with driver.cursor() as cursor, cursor.copy(f"COPY {into} FROM STDIN") as copy:
        for chunk in lines.chunks:
            copy.write(_text_bytes(chunk))


def _sqlite_rows(table: pa.Table) -> list[tuple[Any, ...]]:
    columns = [_sqlite_values(table.column(name)) for name in table.column_names]
    return list(zip(*columns, strict=True))


def _text_bytes(chunk: pa.Array) -> memoryview:
    """The UTF-8 bytes of a string array's values, end to end, without a copy."""
    _, offsets, data = chunk.buffers()
    if offsets is None or data is None:
        return memoryview(b"")
    positions = memoryview(offsets).cast("i")  # a string array's offsets are int32
    return memoryview(data)[positions[chunk.offset]:positions[chunk.offset + len(chunk)]]


_SPECIAL = r"[\\\t\n\r]"


def _copy_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A column in COPY's text format: backslash, tab and line breaks escaped, NULL as \\N."""
    import pyarrow.compute as pc

    text = column.cast(pa.string())
    # Escaping takes four passes over the text; a look first spares them when none is needed.
    if ((pa.types.is_string(column.type) or pa.types.is_large_string(column.type))
            and pc.any(pc.match_substring_regex(text, _SPECIAL)).as_py()):
        for raw, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
            text = pc.replace_substring(text, raw, escaped)
    return pc.fill_null(text, "\\N")


def _sqlite_values(column: pa.ChunkedArray) -> list[Any]:
    # Converted in Python, not by Arrow's cast: a cast imports pyarrow.compute, a tenth of a
    # second that `sunlight detect` (its timelines) would spend on nothing else.
    kind = column.type
    values: list[Any] = column.to_pylist()
    if pa.types.is_date(kind):
        return [None if value is None else value.isoformat() for value in values]
    if pa.types.is_decimal(kind):
        return [None if value is None else float(value) for value in values]
    if not (pa.types.is_integer(kind) or pa.types.is_string(kind)
            or pa.types.is_floating(kind) or pa.types.is_boolean(kind)):
        raise TypeError(f"insert_table cannot write {kind}")
    return values


def delete_ids(connection: Connection, table: Table,
               ids: pa.Array | pa.ChunkedArray) -> None:
    """Delete the rows of `table` whose integer primary key `id` is among `ids`."""
    for condition in among(connection, table.c.id, [int(value) for value in ids.to_pylist()]):
        connection.execute(delete(table).where(condition))
