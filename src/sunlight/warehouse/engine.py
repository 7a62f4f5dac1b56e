"""Running SQL over the warehouse: the interface every engine implements.

Models never import an engine: they are SQL in DuckDB's dialect that the runner hands to
whichever engine it was given. `duckdb_engine.py` holds the embedded implementation;
`spark_engine.py` reads the same Parquet files with Spark and runs the same SQL transpiled by
sqlglot (`Engine.dialect` says which dialect it speaks).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

import pyarrow as pa


class EngineError(RuntimeError):
    """A statement the engine could not run; the message is the engine's own."""


class EngineFailed(EngineError):
    """The engine failed while running a statement that was not at fault: a warehouse file it
    could not read, a cluster's worker or connection lost, an interruption. The same statement
    may run another time; the warehouse or the cluster, not the SQL, needs looking at."""


class Engine(Protocol):
    """What the warehouse's readers need of an engine: tables in, SQL run, Arrow out."""

    dialect: str

    def register_files(self, name: str, files: Sequence[Path], dataset: str) -> None:
        """Expose a dataset's Parquet files as table `name`; no files gives an empty table of
        the dataset's canonical columns."""

    def register_parquet(self, name: str, files: Sequence[Path]) -> None:
        """Expose Parquet files of one shape (at least one file) as table `name`."""

    def register_table(self, name: str, table: pa.Table) -> None:
        """Expose an in-memory Arrow table (the program catalog, name keys) as `name`."""

    def materialise(self, name: str, sql: str) -> None:
        """Compute a query once and keep it as table `name` for the queries that follow."""

    def create_view(self, name: str, sql: str) -> None:
        """Name a query `name`; each query that reads it computes what it needs of it."""

    def query(self, sql: str) -> pa.Table:
        """Run a query written in DuckDB's dialect and return its rows; EngineError if the
        engine cannot."""

    def query_batches(self, sql: str, rows: int) -> pa.RecordBatchReader:
        """`query`'s rows in batches of at most `rows`, each computed or fetched as it is
        read: for answers too large to hold at once (a province's entity index). Read it to
        the end before the engine's next statement."""

    def query_few(self, sql: str) -> pa.Table:
        """`query` for an answer small beside the work of planning it, planned as cheaply as
        the engine can: a model's rows, one application's screening (a few dozen queries)."""

    def one_thread(self) -> AbstractContextManager[None]:
        """Run the statements inside on one thread: for many small statements (a month's
        entity index) handing work between threads costs more than it saves."""

    def close(self) -> None: ...
