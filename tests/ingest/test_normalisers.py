"""Every normaliser of contract section 1 on every format the contract lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pyarrow as pa
import pytest

from sunlight.contract.datasets import dataset
from sunlight.ingest import distinct, normalise

VALID_ID = "61032719761107276X"  # its check character is X
VALID_ID_DIGIT = "610327197106050172"


def evaluate(duck: duckdb.DuckDBPyConnection, expression: str, value: str | None) -> object:
    row = duck.execute(f"SELECT {expression}", [value]).fetchone()
    assert row is not None
    return row[0]


def id_outputs(duck: duckdb.DuckDBPyConnection, text: str) -> dict[str, object]:
    """What ingestion makes of a delivered ID: the residents' ID column's own query."""
    column = next(c for c in dataset("residents").columns if c.name == "id_number")
    sql = distinct._distinct_sql(column, normalise.outputs(column), normalise.checks(column),
                                 True, [])
    row = distinct._query(duck, sql, {normalise.raw(column): pa.array([text], pa.string())})
    return row.to_pylist()[0]


def canonical_id(duck: duckdb.DuckDBPyConnection, text: str) -> object:
    return id_outputs(duck, text)["id_number"]


@pytest.mark.parametrize(("written", "expected"), [
    ("610327197106050172", "610327197106050172"),
    ("61032719761107276x", VALID_ID),
    ("６１０３２７１９７１０６０５０１７２", VALID_ID_DIGIT),
    ("610327 1971 0605 0172", VALID_ID_DIGIT),
    (" 610327197106050172\u3000", VALID_ID_DIGIT),
    ("'610327197106050172", VALID_ID_DIGIT),
    ("610327710605017", VALID_ID_DIGIT),  # 15-digit form: '19' inserted, check computed
])
def test_id_forms_become_the_canonical_18_characters(duck, written, expected):
    assert canonical_id(duck, written) == expected


@pytest.mark.parametrize(("written", "defect"), [
    ("6.10327E+17", "scientific notation"),
    ("6.10327197106050e+17", "scientific notation"),
    ("610327197106050000", "lost its last digits"),
    ("61032719710605017", "17 characters"),
    ("6103271971060501722", "19 characters"),
    ("61032719710605A172", "18 characters"),
])
def test_unreadable_ids_say_why(duck, written, defect):
    outputs = id_outputs(duck, written)
    assert outputs["id_number"] is None or "lost" in defect
    reason = outputs["id_number_defect"]
    assert isinstance(reason, str) and defect in reason


def test_a_wrong_check_digit_is_readable_but_flagged(duck):
    wrong = id_outputs(duck, VALID_ID_DIGIT[:17] + "5")
    assert wrong["id_number_defect"] is None and wrong["id_number_checksum_ok"] is False
    assert id_outputs(duck, VALID_ID)["id_number_checksum_ok"] is True


@pytest.mark.parametrize(("written", "expected"), [
    ("王芳", "王芳"),
    (" 王 芳 ", "王芳"),
    ("王\u3000芳", "王芳"),
    ("阿依古丽·买买提", "阿依古丽·买买提"),
    ("阿依古丽 · 买买提", "阿依古丽·买买提"),
    ("阿依古丽•买买提", "阿依古丽·买买提"),
    ("阿依古丽．买买提", "阿依古丽·买买提"),
    ("  ", None),
])
def test_names(duck, written, expected):
    assert evaluate(duck, "sl_name(?::VARCHAR)", written) == expected


@pytest.mark.parametrize("written", [
    "2024-03-05", "2024/3/5", "2024.3.5", "20240305", "2024年3月5日", "2024年03月05号",
    "2024-03-05 00:00:00", "２０２４-０３-０５", " 2024 - 3 - 5 ",
])
def test_dates(duck, written):
    assert evaluate(duck, "sl_date(sl_clean_date(?::VARCHAR))", written) == dt.date(2024, 3, 5)


@pytest.mark.parametrize("written",
                         ["2023-02-30", "2024-13-01", "2024/3", "三月五日", "05/03/2024"])
def test_bad_dates_are_not_guessed(duck, written):
    assert evaluate(duck, "sl_date(sl_clean_date(?::VARCHAR))", written) is None


@pytest.mark.parametrize("written", [
    "2024-03", "2024/3", "202403", "2024年3月", "2024.3", "2024-03-17", "2024年3月31日",
    "2024/03/01",
])
def test_months(duck, written):
    assert evaluate(duck, "sl_month(sl_clean_date(?::VARCHAR))", written) == dt.date(2024, 3, 1)


@pytest.mark.parametrize("written", ["2024-13", "202413", "2024", "3月"])
def test_bad_months(duck, written):
    assert evaluate(duck, "sl_month(sl_clean_date(?::VARCHAR))", written) is None


@pytest.mark.parametrize(("written", "expected"), [
    ("2024", 2024), ("2024年", 2024), ("2024年度", 2024), ("24", None), ("2024-03", None),
])
def test_years(duck, written, expected):
    assert evaluate(duck, "sl_year(sl_clean_date(?::VARCHAR))", written) == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("1050.00", Decimal("1050.00")),
    ("1,050.00", Decimal("1050.00")),
    ("1,050.00元", Decimal("1050.00")),
    ("６０.００", Decimal("60.00")),
    ("６０.００元", Decimal("60.00")),
    ("￥300", Decimal("300.00")),
    ("442.04999999999995", Decimal("442.05")),
    ("12,345,678.5", Decimal("12345678.50")),
    ("1050.", Decimal("1050.00")),
    ("-100", Decimal("-100.00")),
    ("442.045", None),  # half a fen is not an amount
    ("340,5", None),  # a comma that is no thousands separator
    ("1,0,5,0", None),
    ("一百元", None),
    ("12..5", None),
])
def test_amounts(duck, written, expected):
    assert evaluate(duck, "sl_amount(sl_clean_number(?::VARCHAR))", written) == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("12.5", Decimal("12.5")), ("12.5亩", Decimal("12.5")), ("１２.５亩", Decimal("12.5")),
    ("1,234.5亩", Decimal("1234.5")), ("4.21000000000001", Decimal("4.21")),
    ("-3", None), ("十亩", None), ("4,21", None),
])
def test_areas(duck, written, expected):
    assert evaluate(duck, "sl_area(sl_clean_number(?::VARCHAR))", written) == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("一级", 1), ("二级", 2), ("三级", 3), ("四级", 4), ("1", 1), ("4", 4), ("2级", 2),
    ("五级", None), ("重度", None),
])
def test_disability_levels(duck, written, expected):
    assert evaluate(duck, "sl_level(sl_squeeze(?::VARCHAR))", written) == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("6217493730820689217", "6217493730820689217"),
    ("6217 4937 3082 0689 217", "6217493730820689217"),
    ("'6217493730820689217", "6217493730820689217"),
    ("6.21749E+18", None),
    ("abc", None),
])
def test_accounts(duck, written, expected):
    assert evaluate(duck, "sl_account(sl_clean_account(?::VARCHAR))", written) == expected
