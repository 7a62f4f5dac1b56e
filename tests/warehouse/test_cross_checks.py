"""Checks across files: a death dated before the birth its ID encodes is reported, not dropped."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.ingest.pipeline import ingest
from sunlight.quality.report import findings
from sunlight.warehouse.store import Warehouse
from tests.conftest import write_csv
from tests.models.county import make_id

BORN_1950 = make_id("1950-06-18", 1)
BORN_1962 = make_id("1962-03-05", 2)
BORN_1971 = make_id("1971-06-05", 3)
IMPOSSIBLE = make_id("1960-02-30", 4)  # not a real date: no birth to hold a death against


def delivered(tmp_path: Path, warehouse: Warehouse) -> None:
    deaths = write_csv(tmp_path / "火化记录.csv", [
        ["身份证号", "姓名", "死亡日期", "信息来源"],
        [BORN_1950, "杨树林", "1924-05-10", "火化"],  # before 1950: a slip
        [BORN_1950, "杨树林", "2024-05-10", "公安注销"],
        [IMPOSSIBLE, "俞某某", "1950-01-01", "火化"],
        [BORN_1971, "王芳", "1971-06-05", "医学证明"]])  # died the day they were born
    residents = write_csv(tmp_path / "户籍.csv", [
        ["公民身份号码", "姓名", "户号", "乡镇", "村", "人员状态", "注销日期"],
        [BORN_1950, "杨树林", "1", "东南镇", "北村", "死亡", "2024-05-12"],
        [BORN_1962, "李四", "2", "东南镇", "北村", "死亡", "1962-02-28"]])  # the month before
    ingest(warehouse, [(deaths, "deaths"), (residents, "residents")])


def test_a_death_before_the_birth_in_the_id_is_a_warning_with_file_row_and_value(
        tmp_path: Path, warehouse: Warehouse) -> None:
    delivered(tmp_path, warehouse)
    found = [f for f in findings(warehouse) if f[5] == "death_before_birth"]
    assert found == [
        ("deaths", "火化记录.csv", "", 2, "warning", "death_before_birth", "1924-05-10"),
        ("residents", "户籍.csv", "", 3, "warning", "death_before_birth", "1962-02-28")]


def test_a_slip_before_birth_does_not_make_the_true_dates_conflict(
        tmp_path: Path, warehouse: Warehouse) -> None:
    delivered(tmp_path, warehouse)
    assert [f for f in findings(warehouse) if f[5] == "death_date_conflict"] == []


def test_the_upload_of_the_file_reports_its_own_cross_findings(
        tmp_path: Path, warehouse: Warehouse) -> None:
    delivered(tmp_path, warehouse)
    hashes = {b.file_name: b.file_hash for b in warehouse.batches()}
    # Its own rows' findings and those across files, in row order.
    assert [(f[3], *f[5:]) for f in findings(warehouse, hashes["火化记录.csv"])] == [
        (2, "death_before_birth", "1924-05-10"), (4, "id_birth_date", IMPOSSIBLE)]
    assert [f[5:] for f in findings(warehouse, hashes["户籍.csv"])] == [
        ("death_before_birth", "1962-02-28")]


def test_quality_export_lists_it(tmp_path: Path, warehouse: Warehouse) -> None:
    delivered(tmp_path, warehouse)
    out = tmp_path / "quality.csv"
    assert CliRunner().invoke(app, ["quality", "export", str(out)]).exit_code == 0
    with out.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["reason"] == "death_before_birth"]
    assert [(r["file"], r["row"], r["severity"], r["value"]) for r in rows] == [
        ("火化记录.csv", "2", "warning", "1924-05-10"), ("户籍.csv", "3", "warning", "1962-02-28")]
