"""Cells an attacker (or a careless export) puts in a delivery: each costs its row a finding
with file, row and reason, never the whole delivery, and is reported as delivered."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ingest.test_batch import GOOD, HEADER, findings_of, prepare, rows_of, with_cell
from tests.ingest.test_companies import HEADCOUNT_HEADER, PAYMENT_HEADER, payment


@pytest.mark.parametrize("written", [
    "610327197408242911",  # an ID number whose GB 32100 check fails
    "610327198502150057",  # an ID number that passes GB 32100's check as well
    "11010519491231002X",  # an ID number ending in X
])
def test_an_id_number_delivered_as_a_credit_code_is_reported(tmp_path: Path, written: str):
    batch = prepare(tmp_path, [PAYMENT_HEADER, payment(written)], "enterprise_payments")
    [row] = rows_of(batch)
    assert row["credit_code"] == written  # kept and analysed: the portal masks it
    assert (2, "warning", "credit_code_looks_like_id", written) in findings_of(batch)


@pytest.mark.parametrize("written", [
    "621700187888666367",  # a bank account: its birth date 18788866 is no day
    "9161032700CY9RKELX",  # a company's code
    "610327207408242918",  # the layout of an ID, born in 2074
])
def test_a_code_that_cannot_be_an_id_number_is_not_reported_as_one(tmp_path: Path,
                                                                    written: str):
    batch = prepare(tmp_path, [PAYMENT_HEADER, payment(written)], "enterprise_payments")
    assert "credit_code_looks_like_id" not in [f[2] for f in findings_of(batch)]


@pytest.mark.parametrize("written", ["1,000,000,000,000人", "3,000,000,000", "9999999999"])
def test_a_headcount_no_integer_holds_rejects_its_row_alone(tmp_path: Path, written: str):
    rows = [HEADCOUNT_HEADER, ["9161032700CY9RKELX", "某公司", "2024-01", written],
            ["9161032700CY9RKELX", "某公司", "2024-02", "999,999,999"]]
    batch = prepare(tmp_path, rows, "insured_headcount")
    assert [(r["month"].month, r["insured_count"]) for r in rows_of(batch)] == [(2, 999999999)]
    assert findings_of(batch) == [(2, "rejected", "bad_headcount", written)]


def test_an_amount_no_payment_reaches_rejects_its_row(tmp_path: Path):
    rows = [HEADER, with_cell("金额(元)", "99,999,999,999,999"),
            with_cell("金额(元)", "9999999999.99"), GOOD]
    batch = prepare(tmp_path, rows)
    assert [str(r["amount"]) for r in rows_of(batch)] == ["9999999999.99", "500.00"]
    assert findings_of(batch) == [(2, "rejected", "amount_too_large", "99,999,999,999,999")]


def test_a_place_or_name_too_long_is_reported_and_kept(tmp_path: Path):
    township = "城关" * 40
    rows = [HEADER, with_cell("乡镇", township), GOOD]
    batch = prepare(tmp_path, rows)
    assert [r["township"] for r in rows_of(batch)] == [township, "东南镇"]
    assert findings_of(batch) == [(2, "warning", "text_too_long", township)]
    company = "陇县" + "某" * 300
    batch = prepare(tmp_path, [PAYMENT_HEADER, ["留工补贴", "9161032700CY9RKELX", company,
                                                "2024-01", "5000", "2703012345678901234",
                                                "10", "2024-02-05", "城关镇"]],
                    "enterprise_payments")
    assert [f[2] for f in findings_of(batch)] == ["text_too_long"]


def test_a_huge_cell_is_kept_in_its_finding_only_as_its_beginning(tmp_path: Path):
    huge = "6103" + "9" * 2_000_000  # a 2 MB "ID number"
    batch = prepare(tmp_path, [HEADER, with_cell("身份证号", huge), GOOD])
    [(row, severity, reason, value)] = findings_of(batch)
    assert (row, severity, reason) == (2, "rejected", "bad_id")
    assert value == huge[:200] + "…"
    assert len(rows_of(batch)) == 1
