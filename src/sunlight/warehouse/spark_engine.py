"""The distributed engine: Apache Spark reading the warehouse's Parquet files.

The models' SQL is DuckDB's dialect; each statement is transpiled by sqlglot to Spark SQL
(`spark_sql.py` adds what sqlglot does not say alike). PySpark is an optional extra
(`sunlight[spark]`): it is imported only inside this module's functions, so the package
imports without it, and only here (tests/test_layers.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pyarrow as pa

from sunlight.contract.canonical import table_columns
from sunlight.settings import Settings
from sunlight.warehouse.engine import EngineError, EngineFailed
from sunlight.warehouse.spark_sql import to_spark
from sunlight.warehouse.spill import spill_folder

if TYPE_CHECKING:
    from pyspark import SparkContext
    from pyspark.sql import DataFrame, SparkSession

MISSING = ("Spark is not installed: from Sunlight's checkout, `bash scripts/install.sh spark` "
           "(PySpark into .venv, and Debian's openjdk-17-jre-headless when run as root)")
NO_JAVA = ("Spark needs a Java 17 or newer runtime: check `java -version` and JAVA_HOME "
           "(Debian: apt-get install openjdk-17-jre-headless)")
CONNECT_MISSING = ("sc:// needs PySpark's Spark Connect client: pip install "
                   "'pyspark[connect]' (grpcio, grpcio-status, googleapis-common-protos, pandas)")


@dataclass(frozen=True)
class SparkOptions:
    """Where Spark runs and how large it is; from the settings, the CLI may change `master`."""

    master: str = "local[2]"
    driver_memory: str = "2g"
    executor_memory: str = "2g"
    shuffle_partitions: int = 8

    @classmethod
    def of(cls, settings: Settings, master: str | None = None) -> SparkOptions:
        return cls(master or settings.spark_master, settings.spark_driver_memory,
                   settings.spark_executor_memory, settings.spark_shuffle_partitions)


def start_session(options: SparkOptions, local_dir: Path) -> SparkSession:
    """A Spark session on `options.master` (the process's context, made at first use) as
    `options` say; a new Spark Connect session for an `sc://` master."""
    try:
        from pyspark import SparkContext
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise EngineError(MISSING) from error
    if options.master.startswith("sc://"):
        return _connect(options.master)
    _refuse_another_master(SparkContext._active_spark_context, options.master)
    config = {
        "spark.driver.memory": options.driver_memory,
        "spark.executor.memory": options.executor_memory,
        "spark.sql.shuffle.partitions": str(options.shuffle_partitions),
        "spark.default.parallelism": str(options.shuffle_partitions),
        "spark.ui.enabled": "false",  # its web UI would take a port (4040 up) per run
        "spark.ui.showConsoleProgress": "false",
        "spark.local.dir": str(local_dir),
        # Dates and date-times are local time without a zone, in DuckDB as in the files.
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
    }
    if options.master.startswith("local"):  # nothing outside this machine talks to it
        config |= {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
    builder = SparkSession.builder.master(options.master).appName("sunlight")
    for key, value in config.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as error:  # no Java, a master that does not answer: said, not a trace
        hint = f"; {NO_JAVA}" if "JAVA_GATEWAY_EXITED" in str(error) else ""
        raise EngineError(f"Spark could not start ({options.master}): {error}{hint}") from error
    session.sparkContext.setLogLevel("ERROR")
    _quiet_failed_queries(session)
    return session


def _quiet_failed_queries(session: SparkSession) -> None:
    """A statement Spark refuses is logged whole (plan and Java stack, as JSON) before the
    error reaches us; the engine raises it as an EngineError, so the log says it once more."""
    jvm = session.sparkContext._jvm
    assert jvm is not None
    levels = jvm.org.apache.logging.log4j.Level
    configurator = jvm.org.apache.logging.log4j.core.config.Configurator
    configurator.setLevel("SQLQueryContextLogger", levels.OFF)
    # Kept: "Initial job has not accepted any resources", a cluster whose workers cannot give
    # the executors the memory asked for, which would otherwise wait without a word.
    configurator.setLevel("org.apache.spark.scheduler.TaskSchedulerImpl", levels.WARN)


def _refuse_another_master(running: SparkContext | None, master: str) -> None:
    """A process has one Spark context: `getOrCreate` would hand back the one running, on
    whatever master it was started, and the models would run there instead."""
    if running is not None and running.master != master:
        raise EngineError(f"this process already runs Spark on {running.master}, not {master}: "
                          "Spark allows one master a process; run it in a process of its own")


def _connect(master: str) -> SparkSession:
    try:
        from pyspark.sql.connect.session import SparkSession as ConnectSession
    except (ImportError, SystemExit) as error:
        # SystemExit: PySpark takes a process whose __main__ has no file (`python -c`, a
        # pytest-xdist worker) for its doctest runner and, Connect's packages missing, exits
        # with 0 there, as if the command had succeeded.
        raise EngineError(CONNECT_MISSING) from error
    try:
        # Never getOrCreate: it returns the session already active, whatever its address. And
        # the Connect builder, not the classic one's remote(): that marks the whole process as
        # Spark Connect (SPARK_CONNECT_MODE_ENABLED), after which no local session starts.
        # Typed as the classic session: the engine uses only the API both offer.
        session = cast("SparkSession", ConnectSession.builder.remote(master).create())
    except Exception as error:
        raise EngineError(f"Spark Connect could not reach {shown_address(master)}: {error}"
                          ) from error
    return session


def shown_address(master: str) -> str:
    """A Spark Connect address as an error may print it: without its parameters
    (`sc://host:15002/;token=…;user_id=…`), which may carry a secret."""
    return master.split("/;", 1)[0]


class SparkEngine:
    """Tables of a Spark session of their own; implements `sunlight.warehouse.engine.Engine`.

    Each engine is a new session over the same Spark context: its temporary views are its
    own, the JVM and executors are shared (one start, seconds, per process).
    """

    dialect = "spark"

    def __init__(self, session: SparkSession) -> None:
        self.spark = session.newSession() if hasattr(session, "sparkContext") else session
        self._cached: dict[str, DataFrame] = {}

    def register_files(self, name: str, files: Sequence[Path], dataset: str) -> None:
        if files:
            self.register_parquet(name, files)
            return
        _check_name(name)
        columns = ", ".join(f"CAST(NULL AS {to_spark_type(column.sql_type)}) AS {column.name}"
                            for column in table_columns(dataset))
        self._view(name, self._sql(f"SELECT {columns} WHERE false"))

    def register_parquet(self, name: str, files: Sequence[Path]) -> None:
        _check_name(name)
        if not files:
            raise ValueError(f"no Parquet files for table {name}")
        # The manifest's files, never a folder: a file being written is not read. Their
        # schemas merged by column name (DuckDB's union_by_name): a batch written before a
        # column was added still reads, its cells of that column null.
        paths = [local_uri(path) for path in files]
        stacked = self._guard(
            # Each path as written: `[`, `*` or `{` in a SUNLIGHT_HOME is no glob pattern.
            lambda: self.spark.read.option("mergeSchema", "true")
            .option("__globPaths__", "false").parquet(*paths))
        self._view(name, stacked)

    def register_table(self, name: str, table: pa.Table) -> None:
        _check_name(name)
        frame = self._guard(lambda: self.spark.createDataFrame(_spark_ready(table)))
        self._view(name, frame)

    def materialise(self, name: str, sql: str) -> None:
        _check_name(name)
        frame = self._sql(sql)
        if hasattr(frame, "localCheckpoint"):  # computed now, once, its lineage cut
            frame = self._guard(lambda: frame.localCheckpoint(eager=True))
        self._view(name, frame)

    def create_view(self, name: str, sql: str) -> None:
        _check_name(name)
        self._view(name, self._sql(sql))

    def query(self, sql: str) -> pa.Table:
        frame = self._sql(sql)
        return _duckdb_types(self._guard(frame.toArrow))

    def query_batches(self, sql: str, rows: int) -> pa.RecordBatchReader:
        frame = self._sql(sql)
        empty = self._guard(lambda: frame.limit(0).toArrow())
        return pa.RecordBatchReader.from_batches(_duckdb_types(empty).schema,
                                                 self._batches(frame, empty.schema, rows))

    def _batches(self, frame: DataFrame, schema: pa.Schema,
                 rows: int) -> Iterator[pa.RecordBatch]:
        # The driver holds one partition at a time (toLocalIterator), never the whole answer.
        from pyspark.sql.types import TimestampType

        chunk: list[dict[str, Any]] = []
        # PySpark gives a TIMESTAMP (with local time zone, not _NTZ) naive in this process's
        # zone: such columns are put back in UTC, the session's zone, as toArrow gives them.
        zoned = {field.name for field in frame.schema.fields
                 if isinstance(field.dataType, TimestampType)}
        answer = self._guard(frame.toLocalIterator)
        # Each partition is computed as it is read: a lost executor fails here, guarded too.
        while (row := self._guard(lambda: next(answer, None))) is not None:
            chunk.append(_utc_row(row.asDict(recursive=True), zoned))
            if len(chunk) == rows:
                yield _spark_batch(chunk, schema)
                chunk = []
        if chunk:
            yield _spark_batch(chunk, schema)

    def query_few(self, sql: str) -> pa.Table:
        return self.query(sql)

    @contextmanager
    def one_thread(self) -> Iterator[None]:
        yield  # Spark's tasks are spread by its scheduler; nothing to narrow here

    def close(self) -> None:
        for frame in self._cached.values():
            self._guard(frame.unpersist)
        self._cached.clear()
        for view in self._guard(lambda: self.spark.catalog.listTables()):
            if view.isTemporary:
                self.spark.catalog.dropTempView(view.name)

    def _sql(self, sql: str) -> DataFrame:
        statement = to_spark(sql)
        frame: DataFrame = self._guard(lambda: self.spark.sql(statement))
        return frame

    def _view(self, name: str, frame: DataFrame) -> None:
        self._guard(lambda: frame.createOrReplaceTempView(name))

    def _guard(self, step: Any) -> Any:
        """Run `step`; Spark's errors become the interface's."""
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException

        try:
            return step()
        except (PySparkException, Py4JError) as error:
            text = _message(error)
            if "OutOfMemoryError" in text:
                raise MemoryError(text) from error
            if _statements_fault(error, text):
                raise EngineError(text) from error
            raise EngineFailed(text) from error


_FILES_GONE = frozenset({"PATH_NOT_FOUND", "FAILED_READ_FILE.FILE_NOT_EXIST"})
"""Spark's analysis errors that say a warehouse file is missing: the warehouse's fault."""


_VALUE_FAULTS = ("SparkArithmeticException", "SparkNumberFormatException",
                 "SparkDateTimeException", "SparkIllegalArgumentException",
                 "SparkArrayIndexOutOfBoundsException")
"""Root causes of a job aborted by the statement's own values (a bad cast, a division by
zero in a task): the statement's fault, as DuckDB's refusal of the same would be."""


def _statements_fault(error: Exception, root_cause: str) -> bool:
    """Whether Spark refused the statement itself (it does not parse or bind, or its values
    do not compute), not the run: a job aborted, an executor or the connection lost."""
    from pyspark import errors

    if isinstance(error, errors.AnalysisException) and error.getCondition() in _FILES_GONE:
        return False
    if any(fault in root_cause for fault in _VALUE_FAULTS):
        return True
    return isinstance(error, errors.AnalysisException | errors.ArithmeticException
                      | errors.ArrayIndexOutOfBoundsException | errors.DateTimeException
                      | errors.IllegalArgumentException | errors.NumberFormatException
                      | errors.UnsupportedOperationException)


def _message(error: Exception) -> str:
    """Spark's message without the plan it prints after it (pages of it); for an error of
    the JVM, its root cause's."""
    java = getattr(error, "java_exception", None)
    if java is not None:
        while java.getCause() is not None:
            java = java.getCause()
        text = str(java.toString())
    else:
        text = str(error)
    return text.split("\n'", 1)[0].split("\n+-", 1)[0].split("\n\tat ", 1)[0].strip()


def local_uri(path: Path) -> str:
    """A warehouse file as `file:///…`, absolute: a path without a scheme is read from the
    cluster's default file system, HDFS on most YARN clusters, and a relative one from the
    executor's folder. Not `Path.as_uri()`: Hadoop would not decode its %-escapes (a 中文 or
    spaced SUNLIGHT_HOME)."""
    return "file://" + str(path.resolve())


def to_spark_type(sql_type: str) -> str:
    """A canonical column's SQL type (DuckDB's names) as Spark names it."""
    return {"VARCHAR": "STRING", "TIMESTAMP": "TIMESTAMP_NTZ", "INTEGER": "INT",
            "HUGEINT": "DECIMAL(38,0)"}.get(sql_type.upper(), sql_type)


def _spark_ready(table: pa.Table) -> pa.Table:
    """Arrow types Spark takes: dictionaries decoded, large strings as strings."""
    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if pa.types.is_large_string(column.type):
            column = column.cast(pa.string())
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def _utc_row(values: dict[str, Any], zoned: set[str]) -> dict[str, Any]:
    """A row from `toLocalIterator` with its `zoned` date-times, naive in this process's
    local zone, in UTC."""
    return {name: value.astimezone(UTC) if name in zoned and isinstance(value, datetime)
            else value for name, value in values.items()}


def _spark_batch(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.RecordBatch:
    """Rows of a Spark answer as the Arrow batch `query` would have given."""
    table = _duckdb_types(pa.Table.from_pylist(rows, schema=schema)).combine_chunks()
    return table.to_batches()[0]  # rows is never empty: one batch


def _duckdb_types(table: pa.Table) -> pa.Table:
    """Spark's Arrow as DuckDB's engine returns it: date-times without a zone (the session's
    zone is UTC, so the wall clock is kept), strings not large."""
    fields = []
    for field in table.schema:
        kind = field.type
        if pa.types.is_timestamp(kind) and kind.tz is not None:
            kind = pa.timestamp(kind.unit)
        elif pa.types.is_large_string(kind):
            kind = pa.string()
        fields.append(field.with_type(kind))
    return table.cast(pa.schema(fields))


def _check_name(name: str) -> None:
    if not name.isidentifier():
        raise ValueError(f"not a table name: {name!r}")


def engine_for(settings: Settings, master: str | None = None) -> SparkEngine:
    """A Spark engine as a deployment's settings size it, on `master` if given."""
    options = SparkOptions.of(settings, master)
    return SparkEngine(start_session(options, spill_folder(settings.engine_temp_dir)))
