"""The v1.1 sample county's whole delivery, section 5's datasets included: every file read,
every unreadable row reported as its bad_rows.csv says and no other, the registry's credit
codes passing their check, and the v1 truth (with truth_v11's rows of the
models Sunlight has) as clean as over the v1 datasets alone."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.detect import run_detection
from sunlight.models.registry import library
from sunlight.quality.report import findings
from sunlight.settings import Settings
from sunlight.synth.scorecard import read_truth, score
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from sunlight.warehouse.tables import open_warehouse
from tests.samples.golden_ids import (
    POLICE_MODELS,
    SAMPLES,
    V1_DATASETS,
    V11_MODELS,
    ingested_home,
)

COUNTY = SAMPLES / "county-6k-v11"
NEW_DATASETS = {"enterprise_payments", "insured_headcount", "duty_roster"}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ingested_home(COUNTY, tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def warehouse(home: Path) -> Warehouse:
    return Warehouse(Settings(home=home).warehouse_dir)


def listed(name: str) -> list[dict[str, str]]:
    with (COUNTY / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def query(warehouse: Warehouse, sql: str) -> list[tuple[object, ...]]:
    engine = DuckDBEngine(threads=1)
    try:
        open_warehouse(engine, warehouse)
        table = engine.query(sql)
    finally:
        engine.close()
    return list(zip(*(column.to_pylist() for column in table.columns), strict=True))


def test_every_dataset_of_the_delivery_is_ingested(warehouse: Warehouse) -> None:
    delivered = {path.name for path in (COUNTY / "delivery").iterdir()}
    assert delivered >= NEW_DATASETS
    assert {batch.dataset for batch in warehouse.batches()} == delivered


def test_every_unreadable_row_is_rejected_as_listed_and_no_other(warehouse: Warehouse) -> None:
    rejected = {(d, f, s, r): why for d, f, s, r, severity, why, _ in findings(warehouse)
                if severity == "rejected"}
    bad = {(b["dataset"], b["file"], b["sheet"], int(b["row"])): b["reason"].split(":")[0]
           for b in listed("bad_rows.csv")}
    assert rejected == bad


def test_title_header_blank_and_total_rows_are_not_data(warehouse: Warehouse) -> None:
    counted = Counter({(b.file_name, kind): b.data["counts"][kind]
                       for b in warehouse.batches()
                       for kind in ("title", "header", "blank", "total")
                       if b.data["counts"][kind]})
    expected = Counter((n["file"], n["kind"]) for n in listed("non_data_rows.csv"))
    assert expected  # the list names section 5's files only in part: no row listed is data
    assert all(counted[key] >= count for key, count in expected.items())
    v1_files = {n["file"] for n in listed("non_data_rows.csv") if n["dataset"] in V1_DATASETS}
    assert {k: v for k, v in counted.items() if k[0] in v1_files} == \
        {k: v for k, v in expected.items() if k[0] in v1_files}


def test_every_registered_credit_code_passes_its_check(warehouse: Warehouse) -> None:
    assert query(warehouse, "SELECT count(*), count(*) FILTER (credit_code_checksum_ok) "
                            "FROM businesses") == [(54, 54)]
    assert not [f for f in findings(warehouse) if f[0] == "businesses"]


def test_a_paid_code_failing_its_check_is_kept_and_reported(warehouse: Warehouse) -> None:
    failing = {f[6] for f in findings(warehouse) if f[5] == "credit_code_checksum"}
    assert failing == {"91610327ACNY6AFQY6"}
    # Codes paid in lower case and with a space are the registry's once cleaned.
    assert query(warehouse, "SELECT count(*) FROM enterprise_payments WHERE credit_code "
                            "NOT IN (SELECT credit_code FROM businesses) AND "
                            "credit_code_checksum_ok") == [(2,)]


def test_the_company_datasets_are_read_whole(warehouse: Warehouse) -> None:
    assert query(warehouse, "SELECT count(*), sum(claimed_headcount), min(period), max(period) "
                            "FROM enterprise_payments") == [(40, 1109, "2024-01", "2024-02")]
    assert query(warehouse, "SELECT count(*), count(DISTINCT credit_code), min(month), "
                            "max(month) FROM insured_headcount") == [
        (154, 31, dt.date(2023, 11, 1), dt.date(2024, 3, 1))]
    assert query(warehouse, "SELECT shift, count(*) FROM duty_roster GROUP BY shift "
                            "ORDER BY shift") == [("全天", 70), ("白班", 68)]


@pytest.fixture(scope="module")
def exported(home: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    """Every model run over the whole delivery (but police supervision's, whose datasets a
    county does not deliver), its warnings as `warnings export` writes them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUNLIGHT_HOME", str(home))
        patch.delenv("SUNLIGHT_DATABASE_URL", raising=False)
        outcomes = run_detection(Settings()).result.outcomes
        # The police models want their datasets but LEADER_ABSENT, which runs on the
        # community duty roster the county delivers and finds no unit of leaders there.
        assert {outcome.code for outcome in outcomes if not outcome.ran} == (
            POLICE_MODELS - {"LEADER_ABSENT"})
        export = tmp_path_factory.mktemp("export") / "warnings.csv"
        assert CliRunner().invoke(app, ["warnings", "export", str(export)]).exit_code == 0
    return read_truth(export)


def test_both_truths_score_clean_over_the_whole_delivery(
        exported: list[dict[str, str]]) -> None:
    """truth.csv and truth_v11.csv together: every case found as stated, no trap fired,
    nothing warned beyond them (company models matched on model and subject_id)."""
    v11 = read_truth(COUNTY / "truth_v11.csv")
    assert {t["model"] for t in v11} <= set(library())
    card = score(exported, read_truth(COUNTY / "truth.csv") + v11)
    assert card.problems == []
    assert card.found == card.cases > 0 and card.fired == 0
    assert card.traps >= sum(t["kind"] == "trap" for t in v11)


def test_every_section_5_model_finds_its_cases_on_companies_and_duty_rosters(
        exported: list[dict[str, str]]) -> None:
    cases = {(t["model"], t["subject_id"]) for t in read_truth(COUNTY / "truth_v11.csv")
             if t["kind"] == "case"}
    found = {(w["model"], w["subject_id"]) for w in exported}
    assert cases <= found
    assert {model for model, _ in cases} >= V11_MODELS


def test_a_company_warning_names_the_company_and_its_legal_representative(
        exported: list[dict[str, str]], warehouse: Warehouse) -> None:
    companies = [w for w in exported if w["subject_kind"] == "company"]
    registry = {code: rep or "" for code, rep in query(
        warehouse, "SELECT credit_code, rep_id_number FROM businesses")}
    assert companies and {w["model"] for w in companies} >= V11_MODELS - {
        "DUTY_ALLOWANCE_UNEARNED"}
    for warning in companies:
        assert len(warning["subject_id"]) == 18 and warning["name"] == warning["subject_name"]
        # contract §4: id_number is the legal representative, empty for an unknown company
        assert warning["id_number"] == registry.get(warning["subject_id"], ""), warning


def test_company_payments_resolve_to_the_catalogs_company_program(warehouse: Warehouse) -> None:
    assert query(warehouse, "SELECT DISTINCT program_code FROM enterprise_payments") == [
        ("LIUGONG",)]
    assert not [f for f in findings(warehouse)
                if f[5] in ("unknown_program", "program_wrong_subject")
                and f[0] == "enterprise_payments"]
