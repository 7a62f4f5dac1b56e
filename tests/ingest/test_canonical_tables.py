"""Ingestion writes exactly the canonical tables the contract declares (contract/canonical.yaml):
the engine, the models and publication read a table's shape from there, not from ingest."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sunlight.contract.canonical import LINEAGE_COLUMNS, data_columns, table_columns
from sunlight.contract.datasets import DATASETS
from sunlight.ingest import normalise
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from tests.ingest.test_batch import GOOD, HEADER, prepare


@pytest.mark.parametrize("code", list(DATASETS))
def test_the_normalisers_write_the_contracts_columns_with_their_types(code: str):
    written = [(output.name, output.sql_type) for column in DATASETS[code].columns
               for output in normalise.outputs(column) if output.written]
    assert written == [(c.name, c.sql_type) for c in data_columns(code)]


def test_a_staged_file_has_the_canonical_columns_in_order_lineage_last(tmp_path: Path):
    batch = prepare(tmp_path, [HEADER, GOOD])
    names = pq.read_schema(batch.table_path).names
    assert names == [c.name for c in table_columns("payments")]
    assert names[-len(LINEAGE_COLUMNS):] == ["source_file_hash", "source_file", "source_sheet",
                                             "source_row"]


def test_a_dataset_never_delivered_reads_as_an_empty_table_of_its_columns():
    engine = DuckDBEngine()
    try:
        engine.register_files("deaths", [], "deaths")
        empty = engine.query("SELECT * FROM deaths")
    finally:
        engine.close()
    assert empty.num_rows == 0
    assert empty.column_names == [c.name for c in table_columns("deaths")]
