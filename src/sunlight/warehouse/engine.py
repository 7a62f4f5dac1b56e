"""Running SQL over the warehouse: one small interface, one class per engine.

Models never import an engine: they are SQL in DuckDB's dialect that the runner hands to
whichever engine it was given. A Spark engine (a later issue) reads the same Parquet files
and takes the same SQL transpiled by sqlglot (`Engine.dialect` says which dialect it speaks).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import duckdb
import pyarrow as pa
import sqlglot

from sunlight.contract.datasets import DATASETS, Dataset
from sunlight.ingest import normalise
from sunlight.settings import Settings
from sunlight.warehouse.spill import spill_folder
from sunlight.warehouse.store import BatchRecord, Warehouse

LINEAGE_COLUMNS = (
    ("source_file_hash", "VARCHAR"),
    ("source_file", "VARCHAR"),
    ("source_sheet", "VARCHAR"),
    ("source_row", "INTEGER"),
)


class Engine(Protocol):
    """What the models need of an engine: tables in, SQL run, Arrow out."""

    dialect: str

    def register_files(self, name: str, files: Sequence[Path], dataset: Dataset) -> None:
        """Expose Parquet files as table `name`; no files gives an empty table of the dataset."""

    def register_table(self, name: str, table: pa.Table) -> None:
        """Expose an in-memory Arrow table (the program catalog, name keys) as `name`."""

    def materialise(self, name: str, sql: str) -> None:
        """Compute a query once and keep it as table `name` for the queries that follow."""

    def create_view(self, name: str, sql: str) -> None:
        """Name a query `name`; each query that reads it computes what it needs of it."""

    def query(self, sql: str) -> pa.Table:
        """Run a query written in DuckDB's dialect and return its rows."""

    def close(self) -> None: ...


def canonical_columns(dataset: Dataset) -> list[tuple[str, str]]:
    """The columns (name, SQL type) of a dataset's table in the warehouse."""
    written = [(o.name, o.sql_type) for c in dataset.columns for o in normalise.outputs(c)
               if o.written]
    return written + list(LINEAGE_COLUMNS)


class DuckDBEngine:
    """The embedded engine: DuckDB reading the warehouse's Parquet files in place."""

    dialect = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None,
                 temp_directory: Path | None = None) -> None:
        self.con = duckdb.connect(":memory:")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = {_literal(memory_limit)}")
        if temp_directory:
            temp_directory.mkdir(parents=True, exist_ok=True)
            self.con.execute(f"SET temp_directory = {_literal(str(temp_directory))}")
        self._arrow: dict[str, pa.Table] = {}

    def register_files(self, name: str, files: Sequence[Path], dataset: Dataset) -> None:
        _check_name(name)
        if files:
            paths = ", ".join(_literal(str(path)) for path in files)
            # union_by_name: a batch written before a column was added still reads.
            self.con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM "
                             f"read_parquet([{paths}], union_by_name = true)")
            return
        columns = ", ".join(f"{column} {sql_type}" for column, sql_type
                            in canonical_columns(dataset))
        self.con.execute(f"CREATE OR REPLACE TABLE {name} ({columns})")

    def register_table(self, name: str, table: pa.Table) -> None:
        _check_name(name)
        self._arrow[name] = table  # DuckDB scans the Arrow table in place: keep it alive
        self.con.register(name, table)

    def materialise(self, name: str, sql: str) -> None:
        _check_name(name)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def create_view(self, name: str, sql: str) -> None:
        _check_name(name)
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def query(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def close(self) -> None:
        self.con.close()


def open_warehouse(engine: Engine, warehouse: Warehouse) -> set[str]:
    """Register every dataset of the contract as a table; returns the datasets that have rows.

    Also `batches` (file_hash, dataset, file_name, delivered): the order files were ingested
    in, so that "the latest registry row" means the latest delivered, not the last file name.
    """
    batches = warehouse.batches()  # one read of the manifest for every dataset
    present = set()
    for code, dataset in DATASETS.items():
        files = warehouse.table_files(code, batches)
        engine.register_files(code, files, dataset)
        if files:
            present.add(code)
    engine.register_table("batches", batches_table(batches))
    return present


def batches_table(batches: list[BatchRecord]) -> pa.Table:
    """The committed batches in ingestion order (`delivered` counts from 1)."""
    return pa.table({
        "file_hash": pa.array([b.file_hash for b in batches], pa.string()),
        "dataset": pa.array([b.dataset for b in batches], pa.string()),
        "file_name": pa.array([b.file_name for b in batches], pa.string()),
        "delivered": pa.array(range(1, len(batches) + 1), pa.int32()),
    })


def _check_name(name: str) -> None:
    if not name.isidentifier():
        raise ValueError(f"not a table name: {name!r}")


def _literal(text: str) -> str:
    return sqlglot.exp.Literal.string(text).sql("duckdb")


def engine_for(settings: Settings) -> DuckDBEngine:
    """The embedded engine as a deployment's settings size it."""
    return DuckDBEngine(memory_limit=settings.engine_memory,
                        temp_directory=spill_folder(settings.engine_temp_dir))
