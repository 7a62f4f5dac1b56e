"""A large answer read from the embedded engine in batches: the same rows as read whole, in
batches no larger than asked, and an engine error as such (Spark's: test_spark_parity.py)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.engine import EngineError


def test_an_answer_read_in_batches_is_the_answer_read_whole() -> None:
    engine = DuckDBEngine()
    try:
        engine.materialise("people", "SELECT i AS id, 'name ' || i AS name, "
                                     "CAST(i AS DECIMAL(12, 2)) AS paid FROM range(10) t(i)")
        query = "SELECT * FROM people ORDER BY id DESC"
        batches = list(engine.query_batches(query, 4))
        whole = engine.query(query)
        empty = engine.query_batches("SELECT * FROM people WHERE false", 4)
        assert empty.schema == whole.schema and list(empty) == []
    finally:
        engine.close()
    assert max(batch.num_rows for batch in batches) <= 4
    assert pa.Table.from_batches(batches) == whole


def test_a_query_the_engine_refuses_is_an_engine_error() -> None:
    engine = DuckDBEngine()
    try:
        with pytest.raises(EngineError, match="no_such_table"):
            list(engine.query_batches("SELECT * FROM no_such_table", 4))
    finally:
        engine.close()
