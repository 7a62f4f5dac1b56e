"""The shared police sample's duty rosters (bureau-small, contract §6): read whole, every role
and shift as delivered, its non-data rows not data. Its other datasets are issue 11's."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.quality.report import findings
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from sunlight.warehouse.tables import open_warehouse
from tests.samples.golden_ids import SAMPLES

BUREAU = SAMPLES / "bureau-small"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    if not BUREAU.is_dir():
        pytest.skip(f"the shared sample bureau-small is not beside this checkout ({BUREAU})")
    home = tmp_path_factory.mktemp("home")
    delivery = home / "delivery" / "duty_roster"
    delivery.mkdir(parents=True)
    for path in (BUREAU / "delivery" / "duty_roster").iterdir():
        (delivery / path.name).symlink_to(path)
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    ingest(warehouse, plan_delivery(home / "delivery"), workers=2)
    return warehouse


def listed(name: str) -> list[dict[str, str]]:
    with (BUREAU / name).open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["dataset"] == "duty_roster"]


def test_every_roster_row_is_read_and_none_rejected(warehouse: Warehouse) -> None:
    assert listed("bad_rows.csv") == []
    assert [f for f in findings(warehouse) if f[4] == "rejected"] == []
    assert sum(b.data["counts"]["accepted"] for b in warehouse.batches()) > 0


def test_title_header_blank_and_total_rows_are_not_data(warehouse: Warehouse) -> None:
    counted = Counter({(b.file_name, kind): b.data["counts"][kind]
                       for b in warehouse.batches()
                       for kind in ("title", "header", "blank", "total")
                       if b.data["counts"][kind]})
    assert counted == Counter((n["file"], n["kind"]) for n in listed("non_data_rows.csv"))


def test_police_roles_and_every_shift_are_kept(warehouse: Warehouse) -> None:
    engine = DuckDBEngine(threads=1)
    try:
        open_warehouse(engine, warehouse)
        kept = engine.query("SELECT DISTINCT role, shift FROM duty_roster").to_pylist()
        numbered = engine.query("SELECT count(*) AS n FROM duty_roster WHERE role <> '辅警' "
                                "AND police_number IS NULL").to_pylist()
    finally:
        engine.close()
    assert {r["role"] for r in kept} == {"带班领导", "值班民警", "辅警"}
    assert {r["shift"] for r in kept} == {"白班", "夜班", "全天"}
    assert numbered == [{"n": 0}]  # every officer's 警号 read, number cells included
    assert [f for f in findings(warehouse) if f[5] == "unknown_value"] == []


