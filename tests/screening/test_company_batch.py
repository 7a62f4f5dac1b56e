"""A company program's batch (enterprise_payments) and the person programs of contract §5 are
screened as §7 says: each row held for the model that would fire on it had the batch been
ingested, a clean company passing, an unreadable credit code unreadable with its reason;
the rows held are those ingesting the batch would make evidence (test_narrowed.py holds the
verdicts narrowed to the batch's companies and people to the whole warehouse's)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select
from typer.testing import CliRunner

from sunlight.appdb.database import database_url, make_engine, session_factory
from sunlight.appdb.tables import Warning, WarningEvidence
from sunlight.cli.app import app
from sunlight.cli.exit_codes import WARNINGS
from sunlight.contract.catalog import load_catalog
from sunlight.ingest.pipeline import ingest
from sunlight.models.registry import library
from sunlight.models.runner import detect
from sunlight.screening.core import screen_file, screen_rows
from sunlight.screening.verdicts import ScreeningResult
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from tests.screening.companies import (
    COMPANY_BATCH,
    COMPANY_ROWS,
    PERSON_ROWS,
    CompanyCounty,
    clean,
    closed,
)
from tests.screening.conftest import COUNTY


def _judged(result: ScreeningResult) -> dict[int, tuple[str, tuple[str, ...]]]:
    return {v.row: (v.verdict, tuple(sorted(v.models))) for v in result.verdicts}


def test_each_company_row_is_judged_as_its_case(companies: CompanyCounty) -> None:
    result = screen_file(companies.settings, companies.company_batch, "enterprise_payments")
    assert _judged(result) == COMPANY_ROWS
    assert result.not_run == {}
    by_row = {v.row: v for v in result.verdicts}
    # The verdict names the company by its cleaned code and its name (contract §7).
    assert (by_row[2].id_number, by_row[2].name) == (clean.code, clean.name)
    assert (by_row[2].program, by_row[2].period, by_row[2].amount) == ("LIUGONG", "2025-01",
                                                                       "5000.00")
    assert closed.code in by_row[3].explanation and "2024年10月8日注销" in by_row[3].explanation
    assert "统一社会信用代码无法识别" in by_row[13].explanation
    assert "91610327ABC" in by_row[13].explanation and by_row[13].name == clean.name


def test_an_officer_reads_each_models_fixed_note(companies: CompanyCounty) -> None:
    result = screen_file(companies.settings, companies.company_batch, "enterprise_payments",
                         detail="reduced")
    held = next(v for v in result.verdicts if v.models == ("REP_IS_OFFICIAL",))
    assert "法定代表人或其家庭成员可能是在职公职人员" in held.explanation
    assert "李公明" not in held.explanation and "吴秀兰" not in held.explanation


def test_the_person_programs_of_section_5_are_screened(companies: CompanyCounty) -> None:
    result = screen_file(companies.settings, companies.person_batch)
    assert _judged(result) == PERSON_ROWS
    short = next(v for v in result.verdicts if v.row == 3)
    assert short.program == "ZHIBAN" and "2天" in short.explanation


def test_the_rows_held_are_the_rows_ingesting_would_make_evidence(
        companies: CompanyCounty, tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(companies.home, home)
    settings = Settings(home=home, database_url=None)
    result = screen_file(settings, companies.company_batch, "enterprise_payments")
    held = {v.row for v in result.verdicts if v.verdict == "hold"}
    warehouse = Warehouse(settings.warehouse_dir)
    ingest(warehouse, [(companies.company_batch, "enterprise_payments")])
    found = detect(DuckDBEngine(), warehouse, load_catalog(), list(library().values()))
    evidence = {row.row for d in found.detections for row in d.evidence
                if row.dataset == "enterprise_payments" and row.file == COMPANY_BATCH}
    assert held and evidence == held


def test_the_cli_screens_a_company_batch(companies: CompanyCounty, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUNLIGHT_HOME", str(companies.home))
    monkeypatch.delenv("SUNLIGHT_DATABASE_URL", raising=False)
    out = tmp_path / "verdicts.csv"
    result = CliRunner().invoke(app, ["screen", "--dataset", "enterprise_payments",
                                      str(companies.company_batch), "--out", str(out)])
    assert result.exit_code == WARNINGS, result.output
    assert "row 3: hold (COMPANY_INACTIVE_PAID)" in result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = {int(row["row"]): row for row in csv.DictReader(handle)}
    assert {number: row["verdict"] for number, row in rows.items()} == {
        number: verdict for number, (verdict, _) in COMPANY_ROWS.items()}
    assert (rows[2]["id_number"], rows[2]["name"]) == (clean.code, clean.name)
    book = tmp_path / "verdicts.xlsx"
    result = CliRunner().invoke(app, ["screen", "--dataset", "enterprise_payments",
                                      str(companies.company_batch), "--out", str(book)])
    assert result.exit_code == WARNINGS, result.output
    sheet = CalamineWorkbook.from_path(str(book)).get_sheet_by_index(0).to_python()
    assert sheet[0][:3] == ["行号", "统一社会信用代码", "企业名称"]
    assert sheet[1][1] == closed.code and sheet[1][3] == "留工补贴"


def test_the_samples_company_payments_are_held_as_their_warnings_say(county: Settings) -> None:
    """Screening the sample's own 留工补贴 file, already ingested, judges it as it stands: the
    rows held are the evidence rows of its warnings, and every company case of truth_v11 is
    held for its model."""
    paid = COUNTY / "delivery" / "enterprise_payments" / "留工补贴发放明细.csv"
    result = screen_file(county, paid, "enterprise_payments")
    held = {v.row for v in result.verdicts if v.verdict == "hold"}
    engine = make_engine(database_url(county))
    try:
        with session_factory(engine)() as session:
            evidence = set(session.scalars(
                select(WarningEvidence.row).join(Warning)
                .where(WarningEvidence.dataset == "enterprise_payments",
                       WarningEvidence.file == paid.name)))
    finally:
        engine.dispose()
    assert held and held == evidence
    fired = {(code, v.id_number) for v in result.verdicts for code in v.models}
    with (COUNTY / "truth_v11.csv").open(encoding="utf-8", newline="") as handle:
        cases = {(row["model"], row["subject_id"]) for row in csv.DictReader(handle)
                 if row["kind"] == "case" and row["model"].startswith(("COMPANY", "HEADCOUNT",
                                                                       "REP_"))}
    assert cases and cases <= fired


def test_json_rows_keyed_by_canonical_names_are_screened_as_a_company_batch(
        companies: CompanyCounty) -> None:
    row = {"program": "LIUGONG", "credit_code": closed.code, "company": closed.name,
           "period": "2025-01", "amount": "3000", "account": closed.account,
           "claimed_headcount": "6"}
    result = screen_rows(companies.settings, [row, {**row, "credit_code": "9161"}],
                         "enterprise_payments")
    assert [(v.row, v.verdict, v.models) for v in result.verdicts] == [
        (2, "hold", ("COMPANY_INACTIVE_PAID",)), (3, "unreadable", ())]
