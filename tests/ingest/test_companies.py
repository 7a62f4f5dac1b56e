"""Section 5's company datasets as departments deliver them: the unified social credit code
cleaned and checked (GB 32100), headcounts read as whole numbers, messy files read whole."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from sunlight.contract.catalog import load_catalog
from sunlight.contract.datasets import dataset
from sunlight.ingest.batch import prepare_file
from sunlight.warehouse.batch import StagedBatch
from tests.conftest import Cell, write_csv, write_xlsx
from tests.ingest.test_batch import findings_of, prepare, rows_of

# Codes whose check character is right (GB 32100), the first two as the shared sample county's
# business registry has them.
CODE = "9161032700CY9RKELX"
OTHER_CODE = "916103273CMUYJKAWD"
MADE_UP_CODE = "91610327MA6X00001R"

PAYMENT_HEADER = ["项目名称", "统一社会信用代码", "企业名称", "所属期", "金额", "对公账号",
                  "申报人数", "发放日期", "乡镇"]
HEADCOUNT_HEADER = ["统一社会信用代码", "单位名称", "所属期", "参保人数"]
BUSINESS_HEADER = ["统一社会信用代码", "企业名称", "法定代表人身份证号", "法定代表人", "登记状态"]
REP = "610327197106050172"


def payment(code: Cell = CODE, claimed: Cell = "10") -> list[Cell]:
    return ["留工补贴", code, "陇县某某建材有限公司", "2024-01", "5000", "2703012345678901234",
            claimed, "2024-02-05", "城关镇"]


def code_findings(batch: StagedBatch) -> list[tuple[int, str, str, str]]:
    return [f for f in findings_of(batch) if "code" in f[2]]


@pytest.mark.parametrize("written", [
    CODE, CODE.lower(), f" {CODE[:8]} {CODE[8:]}\u3000", f"'{CODE}",
    "".join(chr(ord(c) + 0xFEE0) for c in CODE),  # full width
])
def test_a_credit_code_is_cleaned_as_ids_are(tmp_path: Path, written: str):
    batch = prepare(tmp_path, [PAYMENT_HEADER, payment(written)], "enterprise_payments")
    [row] = rows_of(batch)
    assert (row["credit_code"], row["credit_code_checksum_ok"]) == (CODE, True)
    assert code_findings(batch) == []


@pytest.mark.parametrize("code", [CODE, OTHER_CODE, MADE_UP_CODE])
def test_a_right_check_character_passes(tmp_path: Path, code: str):
    batch = prepare(tmp_path, [HEADCOUNT_HEADER, [code, "某公司", "2024-01", "12"]],
                    "insured_headcount")
    assert [r["credit_code_checksum_ok"] for r in rows_of(batch)] == [True]
    assert code_findings(batch) == []


@pytest.mark.parametrize("written", [
    MADE_UP_CODE[:17] + "M",  # another check character
    CODE[:9] + "I" + CODE[10:],  # I is not of the code's alphabet
])
def test_a_failing_check_character_is_kept_and_reported(tmp_path: Path, written: str):
    batch = prepare(tmp_path, [PAYMENT_HEADER, payment(written)], "enterprise_payments")
    [row] = rows_of(batch)
    assert (row["credit_code"], row["credit_code_checksum_ok"]) == (written, False)
    assert code_findings(batch) == [(2, "warning", "credit_code_checksum", written)]


@pytest.mark.parametrize(("written", "why"), [
    (CODE[:16], "16 characters after cleaning, expected 18"),
    (CODE + "0", "19 characters after cleaning, expected 18"),
    (9.16103270012345e17, "turned into a number"),  # an all-digit code Excel stored as a number
])
def test_a_code_not_of_18_characters_rejects_a_row_that_needs_it(tmp_path: Path, written: Cell,
                                                                  why: str):
    rows: list[list[Cell]] = [HEADCOUNT_HEADER, [OTHER_CODE, "某公司", "2024-01", "12"],
                              [written, "某公司", "2024-01", "12"]]
    path = write_xlsx(tmp_path / "参保人数.xlsx", rows)
    (tmp_path / "staging").mkdir()
    batch = prepare_file(path, dataset("insured_headcount"), load_catalog(), tmp_path / "staging")
    assert [r["credit_code"] for r in rows_of(batch)] == [OTHER_CODE]
    [(row, severity, reason, _)] = code_findings(batch)
    assert (row, severity, reason) == (3, "rejected", "bad_credit_code")
    assert why in _details(batch)[0]


def test_a_business_without_a_readable_code_is_kept_with_a_warning(tmp_path: Path):
    batch = prepare(tmp_path, [BUSINESS_HEADER,
                               ["", "陇县甲合作社", REP, "王芳", "存续"],
                               [CODE[:12], "陇县乙合作社", REP, "王芳", "注销"],
                               [CODE, "陇县丙合作社", REP, "王芳", "存续"]], "businesses")
    assert [(r["company"], r["credit_code"]) for r in rows_of(batch)] == [
        ("陇县甲合作社", None), ("陇县乙合作社", None), ("陇县丙合作社", CODE)]
    assert code_findings(batch) == [(2, "warning", "no_credit_code", ""),
                                    (3, "warning", "no_credit_code", CODE[:12])]
    empty, short = _details(batch)
    assert "no unified social credit code" in empty and "12 characters" in short
    assert all("cannot be joined to a company's payments" in d for d in (empty, short))


@pytest.mark.parametrize(("written", "count"), [
    ("12", 12), ("12人", 12), (" 12 人", 12), ("１２", 12), ("1,200", 1200), ("0", 0), (12, 12),
    ("12.0", 12), ("12.00人", 12), ("1,200.0", 1200),
])
def test_headcounts_are_whole_numbers_of_people(tmp_path: Path, written: Cell, count: int):
    rows: list[list[Cell]] = [HEADCOUNT_HEADER, [CODE, "某公司", "2024-01", written]]
    batch = prepare(tmp_path, rows, "insured_headcount", xlsx=True)
    assert [r["insured_count"] for r in rows_of(batch)] == [count]
    assert findings_of(batch) == []


@pytest.mark.parametrize("written", ["12.5", "12.05", "12.", "-3", "十二", "约12", "12-15",
                                     "1,20"])
def test_an_unreadable_headcount_is_reported_not_guessed(tmp_path: Path, written: str):
    batch = prepare(tmp_path, [PAYMENT_HEADER, payment(claimed=written)], "enterprise_payments")
    assert rows_of(batch) == []
    assert [f[:3] for f in findings_of(batch) if f[2] != "unknown_program"] == [
        (2, "rejected", "bad_headcount")]


def test_a_payment_without_a_claimed_headcount_is_kept(tmp_path: Path):
    batch = prepare(tmp_path, [PAYMENT_HEADER, payment(claimed="")], "enterprise_payments")
    assert [r["claimed_headcount"] for r in rows_of(batch)] == [None]


def test_a_messy_enterprise_payments_file_is_read_whole(tmp_path: Path):
    # GBK, the other synonyms, units and spaces in the headers, amounts with 元 and commas.
    rows: list[list[Cell]] = [
        ["补贴项目", " 信用代码 ", "单位名称", "所属年月", " 补贴金额(元) ", "银行账号", "留工人数",
         "发放日期", "乡镇"],
        ["稳岗留工补贴", CODE.lower(), "陇县郭家种养殖专业合作社", "2024/1", "13,500.00元",
         "619191034100393081", "27人", "2024.2.5", "固关镇"],
        ["", "", "", "", "", "", "", "", ""],
        ["合计", "", "", "", "13,500.00", "", "27", "", ""],
    ]
    path = write_csv(tmp_path / "留工补贴发放明细.csv", rows, encoding="gbk")
    (tmp_path / "staging").mkdir()
    batch = prepare_file(path, dataset("enterprise_payments"), load_catalog(),
                         tmp_path / "staging")
    assert (batch.counts.accepted, batch.counts.blank, batch.counts.total) == (1, 1, 1)
    [row] = rows_of(batch)
    assert (row["credit_code"], row["company"], row["period"], row["amount"],
            row["claimed_headcount"], row["paid_on"], row["account"]) == (
        CODE, "陇县郭家种养殖专业合作社", "2024-01", Decimal("13500.00"), 27,
        dt.date(2024, 2, 5), "619191034100393081")


def test_an_insured_headcount_workbook_with_titles_and_totals_is_read_whole(tmp_path: Path):
    rows: list[list[Cell]] = [
        ["统 一社会信用代码", "单位名称", "缴费年月", " 在职参保人数 "],
        [CODE, "陇县郭家种养殖专业合作社", dt.date(2023, 12, 15), "58"],
        [OTHER_CODE, "陇县杜家商贸有限公司", "2024年1月", 31],
        ["", "总计", "", "89"],
    ]
    batch = prepare(tmp_path, rows, "insured_headcount", xlsx=True,
                    titles=("陇县参保单位月度参保人数", "填报单位：陇县"))
    assert (batch.counts.title, batch.counts.header, batch.counts.total) == (2, 1, 1)
    assert [(r["credit_code"], r["month"], r["insured_count"]) for r in rows_of(batch)] == [
        (CODE, dt.date(2023, 12, 1), 58), (OTHER_CODE, dt.date(2024, 1, 1), 31)]


def test_rejected_money_of_company_payments_is_totalled(tmp_path: Path):
    batch = prepare(tmp_path, [PAYMENT_HEADER, payment(CODE[:10]), payment()],
                    "enterprise_payments")
    assert batch.rejected_amount == "5000.00"


def _details(batch: StagedBatch) -> list[str]:
    return [r[0] for r in duckdb.execute(
        f"SELECT detail FROM '{batch.findings_path}' WHERE reason LIKE '%code%' ORDER BY row"
    ).fetchall()]


def test_a_header_under_merged_group_cells_is_found(tmp_path: Path):
    path = tmp_path / "参保人数.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    sheet.merge_range(0, 0, 0, 1, "参保单位")  # group cells over the header, merged
    sheet.merge_range(0, 2, 0, 3, "参保情况")
    for column, text in enumerate(HEADCOUNT_HEADER):
        sheet.write_string(1, column, text)
    for column, text in enumerate([CODE, "某公司", "2024-01", "12人"]):
        sheet.write_string(2, column, text)
    book.close()
    (tmp_path / "staging").mkdir()
    batch = prepare_file(path, dataset("insured_headcount"), load_catalog(), tmp_path / "staging")
    assert (batch.counts.title, batch.counts.header, batch.counts.accepted) == (1, 1, 1)
    assert [r["insured_count"] for r in rows_of(batch)] == [12]


def test_a_company_program_is_found_by_its_names(tmp_path: Path):
    rows: list[list[Cell]] = [PAYMENT_HEADER, payment()]
    rows.append(["稳岗留工补贴", *payment()[1:]])
    batch = prepare(tmp_path, rows, "enterprise_payments")
    assert [r["program_code"] for r in rows_of(batch)] == ["LIUGONG", "LIUGONG"]
    assert findings_of(batch) == []


def test_a_program_paying_the_other_kind_of_subject_is_kept_and_reported(tmp_path: Path):
    company = prepare(tmp_path / "company", [PAYMENT_HEADER, ["农村低保", *payment()[1:]]],
                      "enterprise_payments")
    assert [r["program_code"] for r in rows_of(company)] == ["DIBAO"]
    assert [f[:3] for f in findings_of(company)] == [(2, "warning", "program_wrong_subject")]
    person = prepare(tmp_path / "person", [
        ["项目名称", "身份证号", "姓名", "所属期", "金额", "银行账号"],
        ["留工补贴", REP, "王芳", "2024-01", "500", "6217493730820689217"],
        ["农村低保", REP, "王芳", "2024-01", "500", "6217493730820689217"]])
    assert [f[:3] for f in findings_of(person)] == [(2, "warning", "program_wrong_subject")]
