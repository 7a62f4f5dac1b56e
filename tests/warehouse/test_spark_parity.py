"""The Spark engine: every model gives the same warnings on Spark as on DuckDB, to the evidence
row, over a generated county; `sunlight detect --engine spark` writes the same export.

Needs PySpark and Java: skipped without them, failed when CI is set (the test command installs
both). One Spark session for the module: it takes seconds to start.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
import time
import types
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.contract.canonical import table_columns
from sunlight.contract.catalog import load_catalog
from sunlight.models.detection import Detection
from sunlight.models.registry import load_library
from sunlight.models.runner import DetectionResult, detect
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.engine import EngineError, EngineFailed
from sunlight.warehouse.spark_engine import SparkEngine, SparkOptions, start_session
from sunlight.warehouse.store import Warehouse

PERSONS, SEED = 1500, 11
runner = CliRunner()
# Generates and ingests a county, starts Spark (under pytest-xdist on the worker of the other
# Spark test: tests/scheduling.py).
pytestmark = pytest.mark.slow


def _spark_missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "PySpark is not installed (bash scripts/install.sh spark)"
    if shutil.which("java") is None:
        return "no Java runtime on PATH for Spark (Debian: openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if reason := _spark_missing():
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set: the Spark parity test must run)")
        pytest.skip(reason)
    session = start_session(SparkOptions(master="local[2]", shuffle_partitions=2),
                            tmp_path_factory.mktemp("spark-local"))
    yield session
    session.stop()


@pytest.fixture(scope="module")
def county_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated county, ingested: its SUNLIGHT_HOME (copy it before writing to it)."""
    root = tmp_path_factory.mktemp("spark-county")
    home = root / "home"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SUNLIGHT_HOME", str(home))
        env.delenv("SUNLIGHT_CATALOG", raising=False)
        made = runner.invoke(app, ["generate", "--out", str(root / "county"), "--persons",
                                   str(PERSONS), "--seed", str(SEED), "--format", "csv"])
        assert made.exit_code == 0, made.output
        ingested = runner.invoke(app, ["ingest", str(root / "county" / "delivery")])
        assert ingested.exit_code == 0, ingested.output
    return home


def _detect(engine: Any, home: Path) -> DetectionResult:
    library = list(load_library().values())
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    try:
        return detect(engine, warehouse, load_catalog(), library)
    finally:
        engine.close()


@pytest.fixture(scope="module")
def on_duckdb(county_home: Path) -> DetectionResult:
    return _detect(DuckDBEngine(), county_home)


@pytest.fixture(scope="module")
def on_spark(spark: Any, county_home: Path) -> DetectionResult:
    return _detect(SparkEngine(spark), county_home)


def by_key(detections: list[Detection]) -> dict[tuple[str, str, str], Detection]:
    return {d.key: d for d in detections}


def test_the_county_raises_every_model_of_the_library(on_duckdb: DetectionResult):
    # Parity over a model that raises nothing would prove nothing of it.
    assert {d.model for d in on_duckdb.detections} == set(load_library())


def test_every_model_gives_the_same_warnings_on_spark(on_duckdb: DetectionResult,
                                                      on_spark: DetectionResult):
    assert on_spark.models_run == on_duckdb.models_run
    assert on_spark.as_of == on_duckdb.as_of
    assert on_spark.unknown_program_rows == on_duckdb.unknown_program_rows
    duck, spark = by_key(on_duckdb.detections), by_key(on_spark.detections)
    assert sorted(spark) == sorted(duck)  # the same warnings: model, subject, program
    for key, expected in duck.items():
        # Periods, amounts, facts, people, evidence rows (dataset, file, sheet, row, role).
        assert spark[key] == expected, key
    assert [d.explanation for d in on_spark.detections] == \
        [d.explanation for d in on_duckdb.detections]


def test_detect_on_spark_writes_the_same_export_as_on_duckdb(
        spark: Any, county_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SUNLIGHT_SPARK_SHUFFLE_PARTITIONS", "2")
    exports = {}
    for engine in ("duckdb", "spark"):
        home = tmp_path / engine
        shutil.copytree(county_home, home)
        monkeypatch.setenv("SUNLIGHT_HOME", str(home))
        detected = runner.invoke(app, ["detect", "--engine", engine]
                                 + (["--spark-master", "local[2]"] if engine == "spark" else []))
        assert detected.exit_code == 1, detected.output  # 1: warnings were raised
        exports[engine] = tmp_path / f"{engine}.csv"
        done = runner.invoke(app, ["warnings", "export", str(exports[engine])])
        assert done.exit_code == 0, done.output
    assert exports["spark"].read_text("utf-8") == exports["duckdb"].read_text("utf-8")


def test_a_spark_master_without_the_spark_engine_is_refused(home: Path):
    done = runner.invoke(app, ["detect", "--spark-master", "local[2]"])
    assert done.exit_code == 2 and "--engine spark" in done.output


def test_a_spark_master_that_cannot_be_reached_is_refused_saying_why(
        county_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    shutil.copytree(county_home, tmp_path / "home")
    monkeypatch.setenv("SUNLIGHT_HOME", str(tmp_path / "home"))
    # Port 1 answers nothing; without Spark Connect's packages the command names them.
    done = runner.invoke(app, ["detect", "--engine", "spark", "--spark-master", "sc://127.0.0.1:1"])
    assert done.exit_code == 2, done.output
    assert "Spark unavailable" in done.output
    assert "pyspark[connect]" in done.output or "could not reach sc://127.0.0.1:1" in done.output


def test_another_master_in_a_process_running_spark_is_refused_not_swapped_for_it(
        spark: Any, tmp_path: Path):
    # Spark has one context a process: asked for a cluster, it would hand back local[2].
    with pytest.raises(EngineError, match=re.escape(
            "already runs Spark on local[2], not spark://127.0.0.1:1")):
        start_session(SparkOptions(master="spark://127.0.0.1:1"), tmp_path)
    again = start_session(SparkOptions(master="local[2]", shuffle_partitions=2), tmp_path)
    assert again.sparkContext.master == "local[2]"


def test_spark_connect_missing_is_said_where_pyspark_would_end_the_process_instead(
        spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # A process started as `python -c`, as a pytest-xdist worker is: its __main__ has no file,
    # and PySpark, taking it for its doctest runner, exits with 0 on importing Spark Connect
    # without its packages (pandas, here).
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    monkeypatch.setitem(sys.modules, "pandas", None)
    for name in [name for name in sys.modules if name.startswith("pyspark.sql.connect")]:
        monkeypatch.delitem(sys.modules, name)
    with pytest.raises(EngineError, match=re.escape("pyspark[connect]")):
        start_session(SparkOptions(master="sc://127.0.0.1:1"), tmp_path)


def test_files_of_two_shapes_read_as_one_table_by_name(spark: Any, tmp_path: Path):
    older, newer = tmp_path / "a.parquet", tmp_path / "b.parquet"
    pq.write_table(pa.table({"id_number": ["1"], "name": ["甲"]}), older)
    pq.write_table(pa.table({"name": ["乙"], "id_number": ["2"], "sex": ["女"]}), newer)
    engine = SparkEngine(spark)
    try:
        engine.register_parquet("people", [older, newer])
        rows = engine.query("SELECT id_number, name, sex FROM people ORDER BY id_number")
    finally:
        engine.close()
    assert rows.to_pylist() == [{"id_number": "1", "name": "甲", "sex": None},
                                {"id_number": "2", "name": "乙", "sex": "女"}]


def test_a_folder_named_like_a_pattern_is_read_as_named(spark: Any, tmp_path: Path):
    # `[1]` and `*` are glob patterns to Hadoop: the manifest's file, not what they match.
    folder = tmp_path / "县[1]*"
    folder.mkdir()
    pq.write_table(pa.table({"id_number": ["1"]}), folder / "a.parquet")
    pq.write_table(pa.table({"id_number": ["2"]}), tmp_path / "县1x.parquet")
    engine = SparkEngine(spark)
    try:
        engine.register_parquet("people", [folder / "a.parquet"])
        rows = engine.query("SELECT id_number FROM people")
    finally:
        engine.close()
    assert rows.to_pylist() == [{"id_number": "1"}]


def test_a_dataset_without_files_is_an_empty_table_of_its_canonical_columns(spark: Any):
    spark_engine, duck = SparkEngine(spark), DuckDBEngine()
    try:
        for engine in (spark_engine, duck):
            engine.register_files("payments", [], "payments")
        on_spark = spark_engine.query("SELECT * FROM payments")
        on_duck = duck.query("SELECT * FROM payments")
    finally:
        spark_engine.close()
        duck.close()
    assert on_spark.num_rows == 0
    assert on_spark.column_names == [column.name for column in table_columns("payments")]
    assert on_spark.schema == on_duck.schema  # dates, decimals, strings typed alike


def test_a_warehouse_file_gone_is_the_engines_failure_not_the_statements(spark: Any,
                                                                         tmp_path: Path):
    engine = SparkEngine(spark)
    try:
        with pytest.raises(EngineFailed, match=r"gone\.parquet"):
            engine.register_parquet("payments", [tmp_path / "gone.parquet"])
        with pytest.raises(EngineError) as refused:  # the SQL's own fault
            engine.query("SELECT no_such_column FROM range(1)")
        assert not isinstance(refused.value, EngineFailed)
    finally:
        engine.close()


def test_a_query_spark_refuses_is_an_engine_error_naming_the_cause(spark: Any):
    engine = SparkEngine(spark)
    try:
        with pytest.raises(EngineError, match="no_such_table"):
            engine.query("SELECT * FROM no_such_table")
    finally:
        engine.close()


def test_an_answer_read_in_batches_is_the_answer_read_whole(
        spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")  # a county server's zone: UTC+8
    time.tzset()
    people = tmp_path / "people.parquet"
    pq.write_table(pa.table({"id_number": [str(i) for i in range(7)],
                             "paid": pa.array([i * 100 for i in range(7)], pa.decimal128(12, 2)),
                             "on": pa.array([date(2024, 1, i + 1) for i in range(7)]),
                             "at": pa.array([datetime(2024, 1, i + 1) for i in range(7)],
                                            pa.timestamp("us")),
                             "stamped": pa.array([datetime(2024, 1, i + 1) for i in range(7)],
                                                 pa.timestamp("us", tz="UTC"))}), people)
    query = "SELECT * FROM people ORDER BY id_number"
    spark_engine, duck = SparkEngine(spark), DuckDBEngine()
    try:
        for engine in (spark_engine, duck):
            engine.register_parquet("people", [people])
        batches = list(spark_engine.query_batches(query, 3))
        empty = spark_engine.query_batches("SELECT * FROM people WHERE false", 3)
        whole = duck.query(query)
    finally:
        spark_engine.close()
        duck.close()
    monkeypatch.delenv("TZ")
    time.tzset()
    assert [batch.num_rows for batch in batches] == [3, 3, 1]
    # Spark's answers carry date-times without their zone (the session's, UTC); DuckDB's
    # keeps a zoned column's zone. The instants are the same.
    whole = whole.set_column(4, "stamped", whole.column("stamped").cast(pa.timestamp("us")))
    assert pa.Table.from_batches(batches).combine_chunks() == whole.combine_chunks()
    assert empty.schema == whole.schema and list(empty) == []
