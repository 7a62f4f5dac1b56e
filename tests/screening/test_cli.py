"""`sunlight screen`: exit 0 when every row passes, 1 when any is held or unreadable, 2 when the
file is refused; the CSV in §7's columns and the batch's order, the xlsx held rows first."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.cli.exit_codes import BAD_INPUT, OK, WARNINGS
from sunlight.contract.vocabulary import VERDICT_COLUMN_ZH, VERDICT_ZH
from sunlight.screening.verdicts import VERDICT_COLUMNS
from tests.conftest import write_csv
from tests.screening.conftest import BATCH


@pytest.fixture
def in_county(county_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SUNLIGHT_HOME", str(county_home))
    monkeypatch.delenv("SUNLIGHT_DATABASE_URL", raising=False)
    return county_home


def _batch_rows() -> list[list[str]]:
    with BATCH.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _screen(*arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["screen", *arguments])
    return result.exit_code, result.output


def test_a_batch_that_passes_exits_0(in_county: Path, tmp_path: Path) -> None:
    clean = write_csv(tmp_path / "clean.csv", _batch_rows()[:6])  # continuing payees
    code, output = _screen("--dataset", "payments", str(clean), "--out",
                           str(tmp_path / "v.csv"))
    assert code == OK, output
    assert "5 rows" in output and "0 held" in output


def test_a_held_batch_exits_1_with_the_contract_columns_in_batch_order(
        in_county: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "verdicts.csv"
    code, output = _screen("--dataset", "payments", str(BATCH), "--out", str(out))
    assert code == WARNINGS, output
    assert "row 450: hold (DECEASED_PAID)" in output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == VERDICT_COLUMNS
    assert [int(r["row"]) for r in rows] == list(range(2, len(_batch_rows()) + 1))
    assert rows[0]["verdict"] == "pass" and rows[0]["amount"] == "340.00"
    duplicate = next(r for r in rows if r["row"] == "454")
    assert duplicate["verdict"] == "hold" and duplicate["models"] == "DUPLICATE_PAYMENT"


def test_the_xlsx_heads_in_chinese_and_puts_held_rows_first(
        in_county: Path, tmp_path: Path) -> None:
    out = tmp_path / "verdicts.xlsx"
    code, output = _screen(str(BATCH), "--out", str(out))
    assert code == WARNINGS, output
    book = CalamineWorkbook.from_path(str(out))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == [VERDICT_COLUMN_ZH[name] for name in VERDICT_COLUMNS]
    verdicts = [row[6] for row in rows[1:]]
    held = verdicts.count(VERDICT_ZH["hold"])
    assert held == 19 and set(verdicts[:held]) == {VERDICT_ZH["hold"]}
    assert set(verdicts[held:]) == {VERDICT_ZH["pass"]}
    assert [row[0] for row in rows[1:held + 1]] == sorted(row[0] for row in rows[1:held + 1])
    assert rows[1][3] == "高龄补贴" and rows[1][7] == "死亡后仍领取"
    models = book.get_sheet_by_index(1).to_python()
    named = {row[0] for row in models[3:]}
    assert {"死亡后仍领取", "重复发放", "一卡多人"} <= named
    assert all(row[3] for row in models[3:])  # each with its policy basis


def test_a_file_ingestion_would_refuse_exits_2_with_the_reason(
        in_county: Path, tmp_path: Path) -> None:
    wrong = write_csv(tmp_path / "名单.csv", [["序号", "备注"], ["1", "无"]])
    out = tmp_path / "v.csv"
    code, output = _screen(str(wrong), "--out", str(out))
    assert code == BAD_INPUT
    assert "refused:" in output and "名单.csv" in output
    assert not out.exists()


def test_an_unknown_kind_of_batch_exits_2(in_county: Path, tmp_path: Path) -> None:
    code, output = _screen("--dataset", "residents", str(BATCH), "--out",
                           str(tmp_path / "v.csv"))
    assert code == BAD_INPUT and "payments" in output
