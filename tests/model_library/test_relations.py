"""The shared relations the models read: one row per person, from the registry delivered last."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.contract.catalog import load_catalog
from sunlight.models.registry import load_library
from sunlight.models.runner import prepare
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from tests.conftest import write_csv

HEADER = ["公民身份号码", "姓名", "户号", "乡镇", "村"]
PERSON = "610327197106050172"


def test_a_person_is_read_from_the_registry_file_ingested_last(tmp_path: Path, home: Path):
    # September is delivered before October; by file name `9月` would sort last.
    for month, household in (("9月", "H-OLD"), ("10月", "H-NEW")):
        path = write_csv(tmp_path / f"户籍人口_{month}.csv",
                         [HEADER, [PERSON, "王芳", household, "城关镇", "东关村"]])
        result = CliRunner().invoke(app, ["ingest", "--dataset", "residents", str(path)])
        assert result.exit_code == 0, result.output
    engine = DuckDBEngine()
    prepare(engine, Warehouse(Settings().warehouse_dir), load_catalog(),
            [load_library()["UNREGISTERED_PAYEE"]])
    person = engine.query("SELECT id_number, household_id, source_file FROM person").to_pylist()
    assert person == [{"id_number": PERSON, "household_id": "H-NEW",
                       "source_file": "户籍人口_10月.csv"}]
