"""The shared police sample bureau-small (contract §6) ingested whole: each of its bad rows
rejected with the same dataset, file and row, its non-data rows not data, its re-delivered
records read as delivered last. The roster alone is held in test_bureau_small_roster.py."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter

import pytest

from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.models.runner import base_relations
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
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    ingest(warehouse, plan_delivery(BUREAU / "delivery"), workers=2)
    return warehouse


def listed(name: str) -> list[dict[str, str]]:
    with (BUREAU / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_file_of_the_delivery_is_ingested(warehouse: Warehouse) -> None:
    delivered = {(path.parent.name, path.name) for path in (BUREAU / "delivery").glob("*/*")}
    assert {(b.dataset, b.file_name) for b in warehouse.batches()} == delivered
    assert all(b.data["counts"]["accepted"] > 0 for b in warehouse.batches())


def test_every_bad_row_is_rejected_and_nothing_readable(warehouse: Warehouse) -> None:
    rejected = {(f[0], f[1], int(f[3]), f[5]): f[6] for f in findings(warehouse)
                if f[4] == "rejected"}
    bad = {(b["dataset"], b["file"], int(b["row"]), b["reason"]) for b in listed("bad_rows.csv")}
    assert bad <= set(rejected)
    # The roll calls' CSV repeats the workbook's impossible time (row 117), which bad_rows.csv
    # does not list: it is rejected all the same, and nothing else is.
    assert {key: value for key, value in rejected.items() if key not in bad} == {
        ("duty_checks", "网上点名记录.csv", 117, "bad_datetime"): "2024-02-30 25:61"}


def test_title_header_blank_and_total_rows_are_not_data(warehouse: Warehouse) -> None:
    # non_data_rows.csv lists the rows of one file per dataset (not the second roll-call and
    # findings files): those files' counts are held to it.
    expected = Counter((n["dataset"], n["file"], n["kind"]) for n in listed("non_data_rows.csv"))
    files = {(dataset, file) for dataset, file, _ in expected}
    counted = Counter({(b.dataset, b.file_name, kind): b.data["counts"][kind]
                       for b in warehouse.batches() if (b.dataset, b.file_name) in files
                       for kind in ("title", "header", "blank", "total")
                       if b.data["counts"][kind]})
    assert counted == expected


def test_every_value_is_one_the_contract_names(warehouse: Warehouse) -> None:
    # Only the rejected rows are findings: every choice, date and ID reads as the contract says.
    assert [f for f in findings(warehouse) if f[4] != "rejected"] == []


def relation(warehouse: Warehouse, name: str, sql: str) -> list[dict[str, object]]:
    engine = DuckDBEngine(threads=1)
    try:
        open_warehouse(engine, warehouse)
        engine.create_view(name, dict(base_relations())[name])
        return engine.query(sql).to_pylist()
    finally:
        engine.close()


def test_a_finding_in_both_ledgers_is_read_from_the_one_delivered_last(
        warehouse: Warehouse) -> None:
    # DC20240001-30 are in both ledgers; within one ingest the path sorting last (the .xlsx)
    # is delivered last, so each is its row there. The others are in one ledger only.
    rows = relation(warehouse, "inspection_finding",
                    "SELECT finding_no, source_file, rectified_on FROM inspection_finding")
    source = {row["finding_no"]: row["source_file"] for row in rows}
    assert len(rows) == len(source) == 43
    assert {source[f"DC2024{n:04}"] for n in range(1, 36)} == {"督察发现问题台账.xlsx"}
    assert {source[f"DC2024{n}"] for n in range(9030, 9034)} == {"督察发现问题台账.csv"}
    rectified = {row["finding_no"]: row["rectified_on"] for row in rows}
    assert (rectified["DC20249031"], rectified["DC20249032"]) == (None, dt.date(2024, 1, 31))


def test_the_cases_and_roll_calls_keep_their_times(warehouse: Warehouse) -> None:
    [case] = relation(warehouse, "police_case",
                      "SELECT * FROM police_case WHERE case_no = 'A20240100001'")
    assert (case["received_at"], case["filed_at"], case["measures_at"], case["closed_at"]) == (
        dt.datetime(2024, 1, 20, 14, 28), dt.datetime(2024, 1, 26, 18, 28),
        dt.datetime(2024, 1, 31, 19, 28), None)
    engine = DuckDBEngine(threads=1)
    try:
        open_warehouse(engine, warehouse)
        times = engine.query("SELECT count(*) AS n, count(DISTINCT hour(checked_at)) AS hours "
                             "FROM duty_checks").to_pylist()
    finally:
        engine.close()
    assert times[0]["hours"] > 12  # roll calls at every hour: their times of day were read
