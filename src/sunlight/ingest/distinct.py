"""Every column of a chunk of files normalised and checked once per distinct input, in DuckDB.

The files' data rows are stacked, each column as integer codes into its distinct cell texts
(the readers deliver them dictionary-encoded). The normalisers of normalise.sql then run over
the distinct texts only, checks included, and the rows keep nothing but their codes: what a
row is and whether it has a problem is looked up by code (numpy), never recomputed per row.
A column whose outputs read another column's (a period is a year or a month depending on the
program) is computed once per distinct combination of its text with that column's.
"""

from __future__ import annotations

import atexit
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sunlight.contract.catalog import Catalog
from sunlight.contract.datasets import Column, Dataset
from sunlight.ingest import normalise
from sunlight.ingest.normalise import Check, Output
from sunlight.ingest.rows import DeliveredFile


@dataclass
class StackedRows:
    """The data rows of every file of a chunk, one after the other."""

    file_index: np.ndarray  # int32: which file of the chunk
    source_row: np.ndarray  # int32: the row number as a person counts it
    field_count: np.ndarray  # int32: cells in the row
    width: np.ndarray  # int32: cells in the file's header row
    row_text: pa.ChunkedArray  # the line as delivered, for a misshapen CSV row
    codes: dict[str, np.ndarray]  # column → per row, its index into texts[column]
    texts: dict[str, pa.Array]  # column → each distinct text once (null: a missing column)

    @property
    def height(self) -> int:
        return len(self.file_index)

    def delivered_text(self, column: str, at: np.ndarray) -> pa.Array:
        """The cells of a column at some rows, as delivered."""
        return self.texts[column].take(pa.array(self.codes[column][at]))


def _used_texts(cells: pa.DictionaryArray) -> tuple[np.ndarray, pa.Array]:
    """Codes and the texts they point to, keeping only texts some row has: a file's dictionary
    also holds the texts of its title, header and totals rows.

    The cells of a missing column (null) point to a null text of their own.
    """
    texts = cells.dictionary
    if cells.null_count:
        codes = cells.indices.fill_null(len(texts)).to_numpy()
        texts = pa.concat_arrays([texts, pa.nulls(1, pa.string())])
    else:
        codes = cells.indices.to_numpy()
    used = np.bincount(codes, minlength=len(texts)) > 0
    if used.all():
        return codes, texts
    renumbered = (np.cumsum(used, dtype=np.int32) - 1)[codes]
    return renumbered, texts.filter(pa.array(used))


def _concat(delivered: list[DeliveredFile], name: str) -> pa.ChunkedArray:
    return pa.chunked_array([chunk for f in delivered for chunk in f.data.column(name).chunks],
                            type=delivered[0].data.schema.field(name).type)


def stack(delivered: list[DeliveredFile], dataset: Dataset) -> StackedRows:
    """The files' data rows stacked; each column's dictionaries merged into one."""
    heights = [f.data.num_rows for f in delivered]
    file_index = np.repeat(np.arange(len(delivered), dtype=np.int32), heights)
    widths = np.array([f.width for f in delivered], dtype=np.int32)
    codes, texts = {}, {}
    for column in dataset.columns:
        cells = _concat(delivered, normalise.raw(column)).combine_chunks()
        codes[column.name], texts[column.name] = _used_texts(cells)
    return StackedRows(
        file_index=file_index,
        source_row=np.asarray(_concat(delivered, "source_row"), dtype=np.int32),
        field_count=np.asarray(_concat(delivered, "field_count"), dtype=np.int32),
        width=widths[file_index], row_text=_concat(delivered, "row_text"),
        codes=codes, texts=texts)


@dataclass
class Distinct:
    """One column's outputs and check results, one row per distinct input."""

    column: Column
    codes: np.ndarray  # per data row: its row of `table`
    table: pa.Table  # every output; check_<i> and detail_<i> (where it fails) per check
    checks: list[Check]

    def output(self, name: str, at: np.ndarray | None = None) -> pa.ChunkedArray:
        """An output at some rows (all rows when `at` is None)."""
        codes = self.codes if at is None else self.codes[at]
        return self.table.column(name).take(pa.array(codes))

    def failed(self, index: int) -> np.ndarray:
        """Per distinct input: whether check `index` fails."""
        return np.asarray(self.table.column(f"check_{index}"), dtype=bool)

    def any_failed(self) -> np.ndarray:
        failed = np.zeros(self.table.num_rows, dtype=bool)
        for index in range(len(self.checks)):
            failed |= self.failed(index)
        return failed


def _combinations(parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's combination of codes as one code, and for each combination a row that has it."""
    combined = parts[0]
    for codes in parts[1:]:
        key = combined.astype(np.int64) * (int(codes.max(initial=0)) + 1) + codes
        combined = pc.dictionary_encode(pa.array(key)).indices.to_numpy()
    first = np.empty(int(combined.max(initial=-1)) + 1, dtype=np.int64)
    first[combined[::-1]] = np.arange(len(combined) - 1, -1, -1)  # the earliest row wins
    return combined, first


# Each distinct input's number, which keeps the results in input order. Not a name any
# canonical column takes (duty_roster has a column `unit`): the normalisers' own prefix.
_UNIT = "sl_unit"


def _staged_select(relation: str, outputs: list[Output], join: str = "") -> str:
    """Wrap `relation` in one SELECT per stage, each adding that stage's outputs."""
    for stage in sorted({o.stage for o in outputs}):
        exprs = ", ".join(f"CAST({o.sql} AS {o.sql_type}) AS {o.name}"
                          for o in outputs if o.stage == stage)
        joined = join if stage == 2 else ""
        relation = f"SELECT prior.*, {exprs} FROM ({relation}) AS prior {joined}"
    return relation


def _distinct_sql(column: Column, outputs: list[Output], checks: list[Check],
                  from_text: bool, carried: list[str]) -> str:
    """Over `distinct_input`: the outputs, after the cleaned text when starting from the text;
    per check whether it fails and, where it does, what the finding says. Of the input, only
    `sl_unit` and the `carried` columns are kept: every text returned costs a copy."""
    relation = "SELECT * FROM distinct_input"
    if from_text:
        relation = (f"SELECT *, {normalise.clean_sql(column)} AS {normalise.clean(column)} "
                    f"FROM distinct_input")
    catalog_join = ("LEFT JOIN catalog_spellings AS catalog "
                    "ON catalog.spelling = prior.clean_program" if column.kind == "program"
                    else "")
    relation = _staged_select(relation, outputs, catalog_join)
    results = [_UNIT, *carried, *(o.name for o in outputs)]
    for i, chk in enumerate(checks):
        results += [f"coalesce({chk.condition}, FALSE) AS check_{i}",
                    f"CASE WHEN {chk.condition} THEN {chk.detail} END AS detail_{i}"]
    return f"SELECT {', '.join(results)} FROM ({relation})"


# DuckDB's relation API (con.sql) binds a query twice, once to make the relation and once to
# run it, and binding the normaliser macros costs several milliseconds. The DB-API binds
# once but copies the result once more: it is used for the many small inputs, where planning
# is most of the cost.
_PLANNING_BOUND = 50_000  # inputs
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result makes an extra copy",
                        category=UserWarning)


def _query(con: duckdb.DuckDBPyConnection, sql: str, inputs: dict[str, Any]) -> pa.Table:
    height = len(next(iter(inputs.values())))
    con.register("distinct_input", pa.table({_UNIT: np.arange(height), **inputs}))
    try:
        result = (con.execute(sql).to_arrow_table() if height < _PLANNING_BOUND
                  else con.sql(sql).to_arrow_table())
        assert result is not None  # a SELECT always has a result
        table = result.combine_chunks()
    finally:
        con.unregister("distinct_input")
    # DuckDB keeps the order of the input through projections; an ORDER BY would cost a
    # sort of every text, so the order is only checked, and restored if a join changed it.
    unit = table.column(_UNIT).to_numpy()
    if np.any(unit[1:] < unit[:-1]):
        table = table.take(pa.array(np.argsort(unit, kind="stable")))
    return table


def _evaluate_column(con: duckdb.DuckDBPyConnection, column: Column, rows: StackedRows,
                     read: dict[str, Distinct]) -> Distinct:
    """A column's outputs and checks per distinct input; `read` holds the outputs of other
    columns that it reads, by output name."""
    outputs, checks = normalise.outputs(column), normalise.checks(column)
    own = rows.codes[column.name]
    texts = {normalise.raw(column): rows.texts[column.name]}
    if not read:
        sql = _distinct_sql(column, outputs, checks, True, [])
        return Distinct(column, own, _query(con, sql, texts), checks)
    # The stages before the first output that reads another column depend on the text alone:
    # they run once per text, the rest once per combination with the outputs read.
    split = min(o.stage for o in outputs if o.reads)
    early, late = [o for o in outputs if o.stage < split], [o for o in outputs if o.stage >= split]
    carried = [*texts, normalise.clean(column)]  # the later stages may read them
    per_text = _query(con, _distinct_sql(column, early, [], True, carried), texts)
    others = list({other.column.name: other for other in read.values()}.values())
    codes, first = _combinations([own, *(other.codes for other in others)])
    inputs = {name: per_text.column(name).take(pa.array(own[first]))
              for name in per_text.column_names if name != _UNIT}
    for name, other in read.items():
        inputs[name] = other.output(name, first)
    table = _query(con, _distinct_sql(column, late, checks, False, [o.name for o in early]),
                   inputs)
    return Distinct(column, codes, table, checks)


def evaluate(con: duckdb.DuckDBPyConnection, dataset: Dataset, catalog: Catalog,
             rows: StackedRows) -> dict[str, Distinct]:
    """Every column of the dataset, normalised and checked per distinct input."""
    con.register("catalog_spellings", _catalog_table(catalog))
    owner = {o.name: c.name for c in dataset.columns for o in normalise.outputs(c)}
    done: dict[str, Distinct] = {}
    try:
        # A column that reads others comes after them.
        for column in sorted(dataset.columns, key=lambda c: bool(normalise.reads(c))):
            read = {name: done[owner[name]] for name in normalise.reads(column)}
            done[column.name] = _evaluate_column(con, column, rows, read)
    finally:
        con.unregister("catalog_spellings")
    return {column.name: done[column.name] for column in dataset.columns}


def _catalog_table(catalog: Catalog) -> pa.Table:
    spellings = catalog.name_index
    periods = {p.code: p.period for p in catalog.programs}
    subjects = {p.code: p.subject for p in catalog.programs}
    # Typed: inferring types from Python values tries importing pandas and dateutil each time.
    return pa.table({
        "spelling": pa.array(list(spellings), pa.string()),
        "code": pa.array(list(spellings.values()), pa.string()),
        "period": pa.array([periods[code] for code in spellings.values()], pa.string()),
        "subject": pa.array([subjects[code] for code in spellings.values()], pa.string()),
    })


_idle: list[duckdb.DuckDBPyConnection] = []
_idle_lock = threading.Lock()


@contextmanager
def connection(threads: int) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection with the normaliser macros, lent for the block: an idle one of the
    process, else a new one (a connection and its macros cost some 20 ms, too much to pay per
    chunk or per application).

    Lent, not kept per thread: a thread of an event loop's shared pool may end while the
    interpreter exits, and closing a connection it held then aborts the process ("exception not
    rethrown"). The idle ones are closed at exit, by the main thread; one that failed is closed
    at once rather than lent again.
    """
    with _idle_lock:
        con = _idle.pop() if _idle else None
    if con is None:
        con = duckdb.connect()
        normalise.install_macros(con)
    try:
        con.execute(f"SET threads = {int(threads)}" if threads else "RESET threads")
        yield con
    except BaseException:
        con.close()
        raise
    with _idle_lock:
        _idle.append(con)


@atexit.register
def _close_idle() -> None:
    with _idle_lock:
        while _idle:
            _idle.pop().close()
