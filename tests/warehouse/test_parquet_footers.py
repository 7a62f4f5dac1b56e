"""The engine keeps Parquet footers between statements; a file written again is read anew."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sunlight.warehouse.duckdb_engine import DuckDBEngine

TOTAL = "SELECT count(*) AS n, sum(amount) AS total FROM paid"


def test_a_file_written_again_under_its_name_is_read_as_it_is_now(tmp_path: Path) -> None:
    path = tmp_path / "paid.parquet"
    pq.write_table(pa.table({"amount": [100, 200]}), path)
    engine = DuckDBEngine(threads=1)
    try:
        engine.register_parquet("paid", [path])
        before = engine.query(TOTAL).to_pylist()
        # More rows and another column: a footer kept from the first read would misread it.
        pq.write_table(pa.table({"amount": list(range(1000)), "note": ["x"] * 1000}), path)
        engine.register_parquet("paid", [path])
        after = engine.query(TOTAL).to_pylist()
    finally:
        engine.close()
    assert (before, after) == ([{"n": 2, "total": 300}], [{"n": 1000, "total": 499500}])


def test_a_home_whose_path_holds_quotes_and_backslashes_is_read_and_written(
        tmp_path: Path) -> None:
    """Paths go into DuckDB's SQL as string literals: a quote doubled, a backslash as is."""
    folder = tmp_path / "O'Brien\\县 数据"
    folder.mkdir()
    path = folder / "paid.parquet"
    pq.write_table(pa.table({"amount": [100, 200]}), path)
    engine = DuckDBEngine(threads=1)
    try:
        engine.register_parquet("paid", [path])
        engine.write_parquet(TOTAL, folder / "total's.parquet", {"key": "it's"})
        key = engine.parquet_footer_value(folder / "total's.parquet", "key")
        total = engine.query(TOTAL).to_pylist()
    finally:
        engine.close()
    assert (total, key) == ([{"n": 2, "total": 300}], "it's")
