"""One file → canonical rows and findings: title/total rows, every bad input's reason and row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from sunlight.contract.catalog import load_catalog
from sunlight.contract.datasets import dataset
from sunlight.ingest.batch import prepare_file
from sunlight.synth.ids import check_char
from sunlight.warehouse.batch import StagedBatch
from tests.conftest import Cell, write_csv, write_xlsx

HEADER = ["项目名称", "身份证号", "姓名", "所属期", "发放日期", "金额(元)", "银行账号",
          "乡镇", "村"]
GOOD = ["农村低保", "610327197106050172", "王芳", "2024-03", "2024/3/15", "500.00",
        "6217493730820689217", "东南镇", "北岭村"]


def prepare(tmp_path: Path, rows: list[list[Cell]], code: str = "payments",
            xlsx: bool = False, titles: tuple[str, ...] = ()) -> StagedBatch:
    name = f"{code}.xlsx" if xlsx else f"{code}.csv"
    path = (write_xlsx(tmp_path / name, rows, titles=titles) if xlsx
            else write_csv(tmp_path / name, rows))
    staging = tmp_path / "staging"
    staging.mkdir(exist_ok=True)
    return prepare_file(path, dataset(code), load_catalog(), staging)


def rows_of(batch: StagedBatch) -> list[dict[str, Any]]:
    cursor = duckdb.execute(f"SELECT * FROM '{batch.table_path}' ORDER BY source_row")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def findings_of(batch: StagedBatch) -> list[tuple[int, str, str, str]]:
    return [tuple(r) for r in duckdb.execute(  # type: ignore[misc]
        f"SELECT row, severity, reason, value FROM '{batch.findings_path}' ORDER BY row, reason"
    ).fetchall()]


def with_cell(column: str, value: Cell) -> list[Cell]:
    row: list[Cell] = list(GOOD)
    row[HEADER.index(column)] = value
    return row


def test_a_clean_row_becomes_canonical_with_lineage(tmp_path: Path):
    batch = prepare(tmp_path, [HEADER, GOOD])
    [row] = rows_of(batch)
    assert row["program_code"] == "DIBAO" and row["period"] == "2024-03"
    assert row["period_start"] == dt.date(2024, 3, 1) and row["period_end"] == dt.date(2024, 3, 31)
    assert row["amount"] == Decimal("500.00") and row["paid_on"] == dt.date(2024, 3, 15)
    assert row["id_number_checksum_ok"] is True
    assert (row["source_file"], row["source_sheet"], row["source_row"]) == ("payments.csv", "", 2)
    assert row["source_file_hash"] == batch.file_hash
    assert findings_of(batch) == []


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("身份证号", "6.10327E+17", "bad_id"),
    ("身份证号", "61032719710605", "bad_id"),
    ("发放日期", "2023-02-30", "bad_date"),
    ("所属期", "2024-13", "bad_month"),
    ("所属期", "2024", "bad_month"),  # a monthly program needs a month
    ("金额(元)", "五百", "bad_amount"),
    ("银行账号", "6.21749E+18", "bad_account"),
    ("姓名", "  ", "missing_required"),
    ("项目名称", "", "missing_required"),
])
def test_each_bad_input_is_rejected_with_its_reason_and_row(tmp_path, column, value, reason):
    batch = prepare(tmp_path, [HEADER, GOOD, with_cell(column, value), GOOD])
    assert findings_of(batch) == [(3, "rejected", reason, value)]
    assert [r["source_row"] for r in rows_of(batch)] == [2, 4]
    assert (batch.counts.accepted, batch.counts.rejected) == (2, 1)


def test_rejected_payment_money_is_totalled(tmp_path: Path):
    batch = prepare(tmp_path, [HEADER, with_cell("身份证号", "123"), with_cell("身份证号", "x")])
    assert batch.rejected_amount == "1000.00"


def test_a_failed_check_digit_is_kept_and_reported(tmp_path: Path):
    batch = prepare(tmp_path, [HEADER, with_cell("身份证号", "610327197106050175")])
    assert findings_of(batch) == [(2, "warning", "id_checksum", "610327197106050175")]
    assert rows_of(batch)[0]["id_number_checksum_ok"] is False
    assert (batch.counts.accepted, batch.counts.doubtful) == (1, 1)


def test_an_id_whose_birth_date_is_not_real_is_kept_and_reported(tmp_path: Path):
    body = "61032720240230001"  # 30 February
    written = body + check_char(body)
    batch = prepare(tmp_path, [HEADER, with_cell("身份证号", written), GOOD])
    assert findings_of(batch) == [(2, "warning", "id_birth_date", written)]
    assert (batch.counts.accepted, batch.counts.doubtful) == (2, 1)


def test_an_unknown_program_is_kept_and_reported(tmp_path: Path):
    batch = prepare(tmp_path, [HEADER, with_cell("项目名称", "危房改造补助")])
    assert findings_of(batch) == [(2, "warning", "unknown_program", "危房改造补助")]
    assert rows_of(batch)[0]["program_code"] is None


def test_annual_programs_take_a_year_period(tmp_path: Path):
    annual = with_cell("项目名称", "耕地地力保护补贴")
    annual[HEADER.index("所属期")] = "2024年"
    batch = prepare(tmp_path, [HEADER, annual])
    row = rows_of(batch)[0]
    assert (row["program_code"], row["period"]) == ("DILI", "2024")
    assert row["period_end"] == dt.date(2024, 12, 31)


def test_title_totals_and_blank_rows_are_not_data(tmp_path: Path):
    rows: list[list[Cell]] = [HEADER, GOOD, [None] * 9, GOOD, ["合 计", *[None] * 4, 1000.0]]
    batch = prepare(tmp_path, rows, xlsx=True, titles=("陇县2024年3月低保发放花名册", "单位：元"))
    counts = batch.counts
    assert (counts.title, counts.header, counts.blank, counts.total) == (2, 1, 1, 1)
    assert [r["source_row"] for r in rows_of(batch)] == [4, 6]
    assert findings_of(batch) == []


def test_a_note_under_the_totals_is_reported_not_dropped(tmp_path: Path):
    rows: list[list[Cell]] = [HEADER, GOOD, ["合计", *[None] * 4, "500"],
                              ["制表人：张三", None, None, "审核人：李四"],
                              [None, "610327197604252594", "李四", None, None, None, None]]
    batch = prepare(tmp_path, rows)
    assert {r for r, severity, _, _ in findings_of(batch) if severity == "rejected"} == {4, 5}
    assert batch.counts.rejected == 2


def test_excel_cells_date_and_number(tmp_path: Path):
    row: list[Cell] = [*GOOD[:3], dt.date(2024, 3, 1), dt.date(2024, 3, 15), 500.0, *GOOD[6:]]
    batch = prepare(tmp_path, [HEADER, row, with_cell("身份证号", 6.10327197106050e17)],
                    xlsx=True)
    [good] = rows_of(batch)
    assert (good["period"], good["paid_on"], good["amount"]) == (
        "2024-03", dt.date(2024, 3, 15), Decimal("500.00"))
    assert findings_of(batch) == [(3, "rejected", "bad_id", "6.1032719710605e+17")]


def test_residents_birth_date_comes_from_the_id_when_absent(tmp_path: Path):
    header = ["公民身份号码", "姓名", "户号", "乡镇", "村", "出生日期"]
    rows: list[list[Cell]] = [header, ["610327197106050172", "王芳", "1", "东南镇", "北村", ""],
                              ["610327197604252594", "李四", "1", "东南镇", "北村", "1976/4/25"]]
    births = [r["birth_date"] for r in rows_of(prepare(tmp_path, rows, code="residents"))]
    assert births == [dt.date(1971, 6, 5), dt.date(1976, 4, 25)]


def prepare_text(tmp_path: Path, lines: list[str]) -> StagedBatch:
    path = tmp_path / "payments.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    staging = tmp_path / "staging"
    staging.mkdir()
    return prepare_file(path, dataset("payments"), load_catalog(), staging)


def test_a_row_wider_than_its_header_is_rejected_not_realigned(tmp_path: Path):
    wide = ",".join([*GOOD[:2], "王,芳", *GOOD[3:]])
    batch = prepare_text(tmp_path, [",".join(HEADER), ",".join(GOOD), wide, ",".join(GOOD)])
    assert findings_of(batch) == [(3, "rejected", "bad_row_shape", wide)]
    assert batch.rejected_amount == "0.00"  # its amount cell may hold anything


def test_a_stray_quote_does_not_swallow_the_rows_after_it(tmp_path: Path):
    stray = ",".join([*GOOD[:2], '"王芳', *GOOD[3:]])
    batch = prepare_text(tmp_path, [",".join(HEADER), ",".join(GOOD), stray,
                                    *[",".join(GOOD)] * 5])
    assert batch.counts.data == 7
    assert [r["source_row"] for r in rows_of(batch)] == [2, 4, 5, 6, 7, 8]
    assert {(r, why) for r, _, why, _ in findings_of(batch)} >= {(3, "short_row")}
    assert batch.counts.rejected == 1


def test_a_short_row_is_padded_and_reported(tmp_path: Path):
    batch = prepare_text(tmp_path, [",".join(HEADER), ",".join(GOOD[:7])])
    assert findings_of(batch) == [(2, "warning", "short_row", ",".join(GOOD[:7]))]
    assert rows_of(batch)[0]["township"] is None


def test_a_file_with_a_header_and_no_rows_is_an_empty_batch(tmp_path: Path):
    batch = prepare(tmp_path, [HEADER, [None] * 9])
    assert batch.counts.data == 0 and rows_of(batch) == [] and findings_of(batch) == []
