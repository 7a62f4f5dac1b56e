"""`sunlight models`, `detect` and `warnings` as an analyst uses them, on a tiny delivery."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sunlight
from sunlight.cli.app import app
from sunlight.cli.exit_codes import BAD_INPUT, ENGINE_FAILED, OK, WARNINGS
from sunlight.warehouse.engine import EngineFailed
from tests.conftest import write_csv

runner = CliRunner()
PAYEE = "610327197106050172"
HEADER = ["项目名称", "身份证号", "姓名", "所属期", "发放日期", "金额", "银行账号"]
# The same March paid twice: a DUPLICATE_PAYMENT; April once.
PAYMENTS = [HEADER,
            ["低保", PAYEE, "王芳", "2024-03", "2024-03-10", "500", "6217493730820689217"],
            ["低保", PAYEE, "王芳", "2024-03", "2024-03-25", "500", "6217493730820689217"],
            ["低保", PAYEE, "王芳", "2024-04", "2024-04-10", "500", "6217493730820689217"]]


def ingest_payments(tmp_path: Path, rows: list[list[str]] = PAYMENTS) -> None:
    write_csv(tmp_path / "delivery" / "payments" / "低保发放.csv", rows)
    assert runner.invoke(app, ["ingest", str(tmp_path / "delivery")]).exit_code == 0


def test_models_lists_every_model_with_its_parameters(home: Path):
    result = runner.invoke(app, ["models"])
    assert result.exit_code == 0
    for shown in ("DECEASED_PAID", "死亡后仍领取", "FUNDS_WITHHELD", "threshold_share = 0.05",
                  "tolerance_mu = 0.5", "min_persons = 3"):
        assert shown in result.output


def test_detect_with_nothing_ingested_says_what_to_do(home: Path):
    result = runner.invoke(app, ["detect"])
    assert result.exit_code == BAD_INPUT
    assert "sunlight ingest" in result.output


def test_an_unknown_model_code_is_refused(home: Path):
    result = runner.invoke(app, ["detect", "--models", "DECEASED_PAID,NO_SUCH_MODEL"])
    assert result.exit_code == BAD_INPUT and "NO_SUCH_MODEL" in result.output


def test_models_without_their_data_are_skipped_and_the_rest_run(tmp_path: Path, home: Path):
    ingest_payments(tmp_path)
    result = runner.invoke(app, ["detect"])
    assert result.exit_code == WARNINGS, result.output
    skipped = [line for line in result.output.splitlines() if "skipped" in line]
    assert any("DECEASED_PAID" in line and "deaths or residents" in line for line in skipped)
    assert any("UNREGISTERED_PAYEE" in line and "residents" in line for line in skipped)
    assert "1 new" in result.output and "W-" in result.output
    # Every person and account paid, indexed for the entity pages; not again for the same data.
    assert "Entity index: built" in result.output and "1 account" in result.output
    assert "Entity index: unchanged" in runner.invoke(app, ["detect"]).output


@pytest.mark.parametrize("damage", ["gone", "truncated"])
def test_a_warehouse_file_gone_is_the_engines_failure_and_nothing_is_stored(
        tmp_path: Path, home: Path, damage: str):
    ingest_payments(tmp_path)
    [written] = (home / "warehouse" / "payments").glob("*.parquet")
    if damage == "gone":
        written.unlink()
    else:
        written.write_bytes(written.read_bytes()[:100])
    result = runner.invoke(app, ["detect"])
    assert result.exit_code == ENGINE_FAILED, result.output
    assert "the engine failed" in result.output and written.name in result.output
    assert "Nothing was stored" in result.output and "refused" not in result.output
    assert "No warnings" in runner.invoke(app, ["warnings", "list"]).output


def test_an_engine_failing_on_the_index_says_the_stored_warnings_stand(
        tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch):
    ingest_payments(tmp_path)

    def disk_full(*_: object, **__: object) -> None:
        raise EngineFailed("IO Error: could not write to the spill file (disk full)")

    monkeypatch.setattr("sunlight.detect.rebuild_index", disk_full)
    result = runner.invoke(app, ["detect"])
    assert result.exit_code == ENGINE_FAILED, result.output
    assert "1 new" in result.output and "disk full" in result.output
    assert "The warnings above stand" in result.output
    assert "Nothing was stored" not in result.output
    assert "DUPLICATE_PAYMENT" in runner.invoke(app, ["warnings", "list"]).output


def test_warnings_are_exported_as_the_contract_says_and_shown_with_evidence(
        tmp_path: Path, home: Path):
    ingest_payments(tmp_path)
    runner.invoke(app, ["detect", "--models", "DUPLICATE_PAYMENT"])
    out = tmp_path / "warnings.csv"
    assert runner.invoke(app, ["warnings", "export", "--format", "csv", str(out)]).exit_code == 0
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["warning_id", "model", "id_number", "name", "account", "program",
                             "township", "village", "period_from", "period_to", "amount",
                             "severity", "status", "explanation",
                             "subject_kind", "subject_id", "subject_name"]
    [warning] = rows
    assert (warning["subject_kind"], warning["subject_id"], warning["subject_name"]) == (
        "person", PAYEE, "王芳")
    assert (warning["model"], warning["id_number"], warning["program"], warning["period_from"],
            warning["period_to"], warning["amount"], warning["status"]) == (
        "DUPLICATE_PAYMENT", PAYEE, "DIBAO", "2024-03", "2024-03", "500.00", "open")
    assert "王芳" in warning["explanation"] and "500.00元" in warning["explanation"]
    shown = runner.invoke(app, ["warnings", "show", warning["warning_id"]])
    assert shown.exit_code == 0
    # The second March payment is the one at risk (row 3 counting the header); row 2 is why.
    assert "低保发放.csv" in shown.output and " 3 " in shown.output and " 2 " in shown.output


def test_detect_again_on_the_same_data_changes_nothing(tmp_path: Path, home: Path):
    ingest_payments(tmp_path)
    assert runner.invoke(app, ["detect"]).exit_code == WARNINGS
    again = runner.invoke(app, ["detect"])
    assert again.exit_code == OK and "0 new, 0 changed, 1 unchanged" in again.output


def test_new_data_extends_the_open_warning_and_records_the_change(tmp_path: Path, home: Path):
    ingest_payments(tmp_path)
    runner.invoke(app, ["detect"])
    may = [HEADER, ["低保", PAYEE, "王芳", "2024-04", "2024-05-02", "500",
                    "6217493730820689217"]]
    write_csv(tmp_path / "may" / "payments" / "五月补发.csv", may)
    assert runner.invoke(app, ["ingest", str(tmp_path / "may")]).exit_code == 0
    result = runner.invoke(app, ["detect"])
    assert result.exit_code == WARNINGS and "0 new, 1 changed" in result.output
    listed = runner.invoke(app, ["warnings", "list", "--model", "duplicate_payment"])
    assert "2024-03..2024-04" in listed.output and "1,000.00" in listed.output
    warning_id = next(word for word in listed.output.split() if word.startswith("W-"))
    shown = runner.invoke(app, ["warnings", "show", warning_id])
    assert "period_to: 2024-03 → 2024-04" in shown.output


def test_showing_an_unknown_warning_is_refused(home: Path):
    result = runner.invoke(app, ["warnings", "show", "W-NOSUCHWARNIN"])
    assert result.exit_code == BAD_INPUT


def test_a_deployment_sets_its_own_parameters(tmp_path: Path, home: Path,
                                              monkeypatch: pytest.MonkeyPatch):
    ingest_payments(tmp_path)
    own = tmp_path / "parameters.yaml"
    own.write_text("SHARED_ACCOUNT:\n  min_persons: 1\n  min_households: 1\n", encoding="utf-8")
    monkeypatch.setenv("SUNLIGHT_DETECTION_PARAMETERS", str(own))
    listed = runner.invoke(app, ["models"])
    assert "min_persons = 1 (default 3)" in listed.output
    result = runner.invoke(app, ["detect", "--models", "SHARED_ACCOUNT"])
    assert result.exit_code == WARNINGS and "1 new" in result.output


@pytest.mark.parametrize(("text", "problem"), [
    ("NO_SUCH:\n  x: 1\n", "NO_SUCH: no such model"),
    ("SHARED_ACCOUNT:\n  min_people: 1\n", "SHARED_ACCOUNT.min_people: no such parameter"),
    ("SHARED_ACCOUNT:\n  min_persons: many\n", "expected a number"),
    ("OFFICIAL_ON_WELFARE:\n  programs: DIBAO\n", "expected a list"),
    ("SHARED_ACCOUNT: [\n", "line 2: not valid YAML"),
])
def test_a_wrong_parameters_file_is_refused_naming_the_file(
        tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch, text: str, problem: str):
    ingest_payments(tmp_path)
    own = tmp_path / "parameters.yaml"
    own.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SUNLIGHT_DETECTION_PARAMETERS", str(own))
    result = runner.invoke(app, ["detect"])
    assert result.exit_code == BAD_INPUT
    assert str(own) in result.output and problem in result.output


def test_payments_of_programs_the_catalog_does_not_know_are_counted_not_dropped(
        tmp_path: Path, home: Path):
    rows = [*PAYMENTS, ["危房改造补助", PAYEE, "王芳", "2024-03", "2024-03-10", "9000",
                        "6217493730820689217"]]
    ingest_payments(tmp_path, rows)
    result = runner.invoke(app, ["detect"])
    assert "1 payment rows name a program the catalog does not know" in result.output


def test_running_some_models_scores_their_warnings_as_a_full_run_does(tmp_path: Path, home: Path):
    # The duplicate's payee is also paid under a name the registry does not hold: two models
    # fire on one person, which raises both scores. Running one model alone must not lower
    # its warning's score, nor count as a change.
    ingest_payments(tmp_path)
    residents = [["公民身份号码", "姓名", "户号", "乡镇", "村"],
                 [PAYEE, "王方", "H1", "城关镇", "东关村"]]
    write_csv(tmp_path / "registry" / "residents" / "户籍.csv", residents)
    assert runner.invoke(app, ["ingest", str(tmp_path / "registry")]).exit_code == 0
    assert runner.invoke(app, ["detect"]).exit_code == WARNINGS
    alone = runner.invoke(app, ["detect", "--models", "DUPLICATE_PAYMENT"])
    assert alone.exit_code == OK and "0 new, 0 changed, 1 unchanged" in alone.output


def test_a_run_whose_sql_is_kept_never_loads_the_sql_parser(tmp_path: Path, home: Path):
    """sqlglot costs a twentieth of a second to import: parsing is kept in the cache, so a
    second run, in a process of its own as a user's, does without it."""
    ingest_payments(tmp_path)
    probe = ("import sys\nfrom sunlight.cli.app import main\nsys.argv = ['sunlight', 'detect']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('sqlglot' in sys.modules, file=sys.stderr)\n")
    env = {**os.environ, "PYTHONPATH": str(Path(sunlight.__file__).parents[1])}
    loaded = [subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                             text=True, timeout=300).stderr.strip().splitlines()[-1]
              for _ in range(2)]
    assert loaded == ["True", "False"]
