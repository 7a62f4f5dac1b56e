"""The shared sample's pending batch screens as its screen_truth.csv says."""

from __future__ import annotations

import csv

from sunlight.screening.core import screen_file, screen_rows
from sunlight.screening.verdicts import ScreeningResult
from sunlight.settings import Settings
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
