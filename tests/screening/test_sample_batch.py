"""The shared sample's pending batch screens as its screen_truth.csv says."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from sunlight.detect import run_detection
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.screening.core import screen_file, screen_rows
from sunlight.screening.verdicts import ScreeningResult
from sunlight.settings import Settings
from sunlight.warehouse.store import Warehouse
from tests.conftest import write_xlsx
from tests.screening.conftest import BATCH, screen_truth


def _against_truth(result: ScreeningResult) -> list[str]:
    truth = screen_truth()
    wrong = []
    for verdict in result.verdicts:
        expected = truth.pop(verdict.row)
        if expected["expect"] == "hold" and (verdict.verdict != "hold"
                                             or expected["model"] not in verdict.models):
            wrong.append(f"row {verdict.row}: {verdict.verdict} {verdict.models}, "
                         f"expected hold by {expected['model']} ({expected['note']})")
        if expected["expect"] == "pass" and verdict.verdict != "pass":
            wrong.append(f"row {verdict.row}: {verdict.verdict} {verdict.models}, "
                         f"expected pass ({expected['note']})")
    return wrong + [f"row {row}: no verdict" for row in truth]


def test_the_sample_batch_screens_as_its_truth_says(county: Settings) -> None:
    result = screen_file(county, BATCH)
    assert _against_truth(result) == []
    assert result.file_name == BATCH.name and result.unreadable == 0
    assert [v.row for v in result.verdicts] == sorted(v.row for v in result.verdicts)
    held = next(v for v in result.verdicts if v.row == 450)
    assert "死亡" in held.explanation and held.amount == "300.00"
    assert held.id_number and len(held.id_number) == 18 and held.period == "2025-01"


def test_the_same_rows_as_json_screen_alike(county: Settings) -> None:
    with BATCH.open(encoding="utf-8-sig", newline="") as handle:
        delivered = list(csv.DictReader(handle))
    canonical = {"项目名称": "program", "身份证号": "id_number", "姓名": "name", "所属期": "period",
                 "金额": "amount", "银行账号": "account"}
    rows = [{canonical.get(header, header): text for header, text in row.items()}
            for row in delivered]
    by_rows = screen_rows(county, rows)
    assert _against_truth(by_rows) == []
    by_file = screen_file(county, BATCH)
    assert [(v.row, v.verdict, v.models) for v in by_rows.verdicts] == [
        (v.row, v.verdict, v.models) for v in by_file.verdicts]


def test_a_stored_copy_is_screened_under_the_name_it_was_delivered_under(
        county: Settings, tmp_path: Path) -> None:
    stored = tmp_path / "upload-1.csv"
    shutil.copyfile(BATCH, stored)
    result = screen_file(county, stored, file_name=f"../../{BATCH.name}")
    assert result.file_name == BATCH.name
    assert _against_truth(result) == []


def test_the_batch_as_a_workbook_with_a_title_screens_alike(
        county: Settings, tmp_path: Path) -> None:
    with BATCH.open(encoding="utf-8-sig", newline="") as handle:
        delivered = list(csv.reader(handle))
    workbook = write_xlsx(tmp_path / "待发放清单.xlsx", delivered, titles=["2025年1月待发放清单"])
    result = screen_file(county, workbook)
    truth_rows = {v.row + 1: (v.verdict, v.models) for v in screen_file(county, BATCH).verdicts}
    assert {v.row: (v.verdict, v.models) for v in result.verdicts} == truth_rows


def test_a_batch_named_like_an_ingested_file_is_judged_by_its_own_rows(
        home_copy: Settings, tmp_path: Path) -> None:
    """Clerks send the same file name every month: last month's file, ingested under that
    name, has bad rows where this month's file has clean ones, and those must pass."""
    ingest(Warehouse(home_copy.warehouse_dir), plan_delivery(_folder_of(BATCH, tmp_path)),
           workers=1)
    run_detection(home_copy)
    with BATCH.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    clean = [[*row[:3], "2025-02", *row[4:]] for row in rows[:448]]
    # 25 blank lines first: the clean rows come to stand where the ingested file's bad rows were
    shifted = tmp_path / "next" / BATCH.name
    shifted.parent.mkdir()
    with shifted.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header] + [[""] * len(header)] * 25 + clean)

    result = screen_file(home_copy, shifted)

    assert [v.row for v in result.verdicts if v.verdict != "pass"] == []
    assert {v.row for v in result.verdicts} >= set(range(450, 473))


def _folder_of(path: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "delivered" / "payments"
    folder.mkdir(parents=True)
    shutil.copy(path, folder / path.name)
    return folder.parent
