"""The embedded engine: DuckDB reading the warehouse's Parquet files in place.

Every connection is one of this class's own: DuckDB's shared module-level connection
(`duckdb.sql`, `duckdb.execute`) would be one connection for every thread of the server.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from sunlight.contract.canonical import table_columns
from sunlight.settings import Settings
from sunlight.warehouse.engine import EngineError, EngineFailed
from sunlight.warehouse.spill import spill_folder

# query_few takes the DB-API's Arrow result on purpose (see there); DuckDB warns of its copy
# on every call, on the user's terminal.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result makes an extra copy",
                        category=UserWarning)

_SHARED = "computed"
"""The schema of a `shared` engine's tables and views."""


class DuckDBEngine:
    """An in-memory DuckDB database; implements `sunlight.warehouse.engine.Engine`."""

    dialect = "duckdb"
    _apart = False
    """Set on a connection made by `apart`: what it registers is its own."""
    _stopped = False
    """Set by `stop`: no statement runs on this connection any more."""

    def __init__(self, threads: int | None = None, memory_limit: str | None = None,
                 temp_directory: Path | None = None, shared: bool = False) -> None:
        self.con = duckdb.connect(":memory:")
        # What is computed or named is the connection's own (TEMP), ahead of the registered
        # datasets in the search path, unless `shared`: then it goes in a schema of its own,
        # as far ahead, which `sibling` connections see too.
        self._kind = "TEMP "
        if shared:
            self.con.execute(f"CREATE SCHEMA {_SHARED}")
            self.con.execute(f"SET search_path = '{_SHARED},main'")
            self._kind = f"{_SHARED}."
        # Each statement over a dataset's view binds its files again: with the footers kept
        # (checked against each file's modification time), a step that reads few rows of a
        # dataset of 45 files no longer reads 45 footers first.
        self.con.execute("SET parquet_metadata_cache = true")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = {_literal(memory_limit)}")
        if temp_directory:
            temp_directory.mkdir(parents=True, exist_ok=True)
            self.con.execute(f"SET temp_directory = {_literal(str(temp_directory))}")
        self._arrow: dict[str, pa.Table] = {}

    def register_files(self, name: str, files: Sequence[Path], dataset: str) -> None:
        if files:
            self.register_parquet(name, files)
            return
        _check_name(name)
        columns = ", ".join(f"{column.name} {column.sql_type}"
                            for column in table_columns(dataset))
        self.con.execute(f"CREATE OR REPLACE {self._dataset('TABLE', name)} ({columns})")

    def register_parquet(self, name: str, files: Sequence[Path]) -> None:
        _check_name(name)
        if not files:
            raise ValueError(f"no Parquet files for table {name}")
        paths = ", ".join(_literal(str(path)) for path in files)
        # union_by_name: a batch written before a column was added still reads.
        self._run(f"CREATE OR REPLACE {self._dataset('VIEW', name)} AS SELECT * FROM "
                  f"read_parquet([{paths}], union_by_name = true)")

    def register_table(self, name: str, table: pa.Table) -> None:
        _check_name(name)
        self._arrow[name] = table  # DuckDB scans the Arrow table in place: keep it alive
        self.con.register(name, table)

    @property
    def registered(self) -> Mapping[str, pa.Table]:
        """The in-memory tables registered so far, by name."""
        return self._arrow

    @contextmanager
    def one_thread(self) -> Iterator[None]:
        threads = self.con.execute("SELECT current_setting('threads')").fetchone()
        self.con.execute("SET threads = 1")
        try:
            yield
        finally:
            self.con.execute(f"SET threads = {int(threads[0]) if threads else 1}")

    def materialise(self, name: str, sql: str) -> None:
        self._create("TABLE", name, sql)

    def create_view(self, name: str, sql: str) -> None:
        self._create("VIEW", name, sql)

    def _create(self, kind: str, name: str, sql: str) -> None:
        """A table or view `name`, replacing whatever went by that name, either kind."""
        _check_name(name)
        statement = f"CREATE OR REPLACE {self._created(kind, name)} AS {sql}"
        self._refuse_if_stopped()
        try:
            self.con.execute(statement)
        except duckdb.CatalogException as error:
            if "trying to replace" not in str(error):  # not a view where a table goes
                raise _engine_error(error) from error
            other = "VIEW" if kind == "TABLE" else "TABLE"
            self._run(f"DROP {other} IF EXISTS {self._dropped(name)}")
            self._run(statement)
        except duckdb.Error as error:
            raise _engine_error(error) from error

    def write_parquet(self, sql: str, path: Path, metadata: Mapping[str, str]) -> None:
        """Write a query's rows to a Parquet file, `metadata` in its footer (key-value)."""
        entries = ", ".join(f"{_identifier(key)}: {_literal(value)}"
                            for key, value in metadata.items())
        self._run(f"COPY (\n{sql}\n) TO {_literal(str(path))} "
                  f"(FORMAT parquet, KV_METADATA {{{entries}}})")

    def parquet_footer_value(self, path: Path, key: str) -> str | None:
        """A key-value entry of a Parquet file's footer (`write_parquet`'s metadata); None
        when the file has none or does not read as Parquet."""
        try:
            found = self.con.execute(
                f"SELECT decode(value) FROM parquet_kv_metadata({_literal(str(path))}) "
                f"WHERE decode(key) = {_literal(key)}").fetchall()
        except duckdb.Error:
            return None
        return str(found[0][0]) if len(found) == 1 else None

    @staticmethod
    def version() -> str:
        return str(duckdb.__version__)

    def query(self, sql: str) -> pa.Table:
        self._refuse_if_stopped()
        try:
            return self.con.sql(sql).to_arrow_table()
        except duckdb.Error as error:
            raise _engine_error(error) from error

    def query_batches(self, sql: str, rows: int) -> pa.RecordBatchReader:
        # A streamed result: DuckDB computes the next rows as the reader asks for them.
        self._refuse_if_stopped()
        try:
            reader = self.con.sql(sql).to_arrow_reader(rows)
        except duckdb.Error as error:
            raise _engine_error(error) from error
        return pa.RecordBatchReader.from_batches(reader.schema, _guarded(reader))

    def query_few(self, sql: str) -> pa.Table:
        """`query` for an answer small beside the work of planning it: the DB-API binds the
        statement once where the relation API binds it twice, and the extra copy of the
        result it makes costs little at that size. A model's statement of dozens of CTEs
        binds in 10-40 ms (0.15-0.2 s over a month's 27 models at 250,000 persons); a copy of
        3 million rows costs 50 ms more, and the answer is held twice while it is made (one
        application's screening runs a dozen queries)."""
        self._refuse_if_stopped()
        try:
            result = self.con.execute(sql).to_arrow_table()
        except duckdb.Error as error:
            raise _engine_error(error) from error
        assert result is not None  # a query always has a result
        return result

    def sibling(self) -> DuckDBEngine:
        """Another connection to the same database, to query from another thread: it sees
        the tables and views of a `shared` engine, not its registered Arrow tables."""
        other = object.__new__(DuckDBEngine)
        other.con, other._kind, other._arrow = self.con.cursor(), self._kind, {}
        if self._kind != "TEMP ":
            other.con.execute(f"SET search_path = '{_SHARED},main'")
        return other

    def apart(self) -> DuckDBEngine:
        """Another connection to the same database (its memory limit, threads and spill
        folder), to work from another thread on names all its own: what it registers too is
        its own (TEMP), so it never writes a name this one reads or writes."""
        other = object.__new__(DuckDBEngine)
        other.con, other._kind, other._arrow = self.con.cursor(), "TEMP ", {}
        other._apart = True
        return other

    def _dataset(self, kind: str, name: str) -> str:
        """Where a registered dataset goes: the database's, or this connection's if apart."""
        return f"TEMP {kind} {name}" if self._apart else f"{kind} main.{name}"

    def _created(self, kind: str, name: str) -> str:
        return f"TEMP {kind} {name}" if self._kind == "TEMP " else f"{kind} {self._kind}{name}"

    def _dropped(self, name: str) -> str:
        return f"temp.{name}" if self._kind == "TEMP " else f"{self._kind}{name}"

    def _run(self, statement: str) -> None:
        self._refuse_if_stopped()
        try:
            self.con.execute(statement)
        except duckdb.Error as error:
            raise _engine_error(error) from error

    def stop(self) -> None:
        """Stop the statement running on this connection and refuse the next ones (from
        another thread: an interrupt alone is lost when none is running at that moment)."""
        self._stopped = True
        self.con.interrupt()

    def _refuse_if_stopped(self) -> None:
        if self._stopped:
            raise EngineFailed("this connection was stopped: the run it served has ended")

    def close(self) -> None:
        self.con.close()


def _guarded(reader: pa.RecordBatchReader) -> Iterator[pa.RecordBatch]:
    try:
        yield from reader
    except duckdb.Error as error:
        raise _engine_error(error) from error


def _engine_error(error: duckdb.Error) -> BaseException:
    """DuckDB's error as the interface's; memory it could not have stays a MemoryError, which
    a background job reports as the memory limit."""
    if isinstance(error, duckdb.OutOfMemoryException):
        return MemoryError(str(error))
    if isinstance(error, duckdb.InterruptException):
        return KeyboardInterrupt()  # the user stopped it: not a failure to look into
    if isinstance(error, duckdb.IOException) or (
            isinstance(error, duckdb.InvalidInputException) and _UNREADABLE.search(str(error))):
        return EngineFailed(str(error))
    return EngineError(str(error))


_UNREADABLE = re.compile(r"magic bytes|too small to be a Parquet file|Parquet file .*corrupt"
                         r"|Invalid Parquet|Could not read Parquet", re.IGNORECASE)
"""DuckDB's words for a Parquet file it cannot read: a damaged warehouse file, not bad SQL."""


def _check_name(name: str) -> None:
    if not name.isidentifier():
        raise ValueError(f"not a table name: {name!r}")


def _identifier(name: str) -> str:
    _check_name(name)
    return name


def _literal(text: str) -> str:
    """A DuckDB string literal: in SQL's own quoting a quote is doubled, nothing else."""
    return "'" + text.replace("'", "''") + "'"


def engine_for(settings: Settings) -> DuckDBEngine:
    """The embedded engine as a deployment's settings size it."""
    return DuckDBEngine(memory_limit=settings.engine_memory,
                        temp_directory=spill_folder(settings.engine_temp_dir))
