"""`sunlight detect` and `warnings export` against each app database, as a deployment sets it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunlight.cli.app import app
from tests.conftest import write_csv

runner = CliRunner()
HEADER = ["项目名称", "身份证号", "姓名", "所属期", "金额", "银行账号"]
PAYEE = "610327197106050172"


def test_detection_stores_and_exports_through_the_configured_database(
        tmp_path: Path, home: Path, empty_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SUNLIGHT_DATABASE_URL", empty_url)
    rows = [HEADER] + [["低保", PAYEE, "王芳", "2024-03", "100", "6217493730820689217"]] * 2
    write_csv(tmp_path / "delivery" / "payments" / "低保.csv", rows)
    assert runner.invoke(app, ["ingest", str(tmp_path / "delivery")]).exit_code == 0
    assert runner.invoke(app, ["detect"]).exit_code == 1
    assert runner.invoke(app, ["detect"]).exit_code == 0  # the same data: nothing changes
    out = tmp_path / "warnings.csv"
    assert runner.invoke(app, ["warnings", "export", str(out)]).exit_code == 0
    with out.open(encoding="utf-8") as handle:
        [warning] = list(csv.DictReader(handle))
    assert (warning["model"], warning["id_number"], warning["amount"]) == (
        "DUPLICATE_PAYMENT", PAYEE, "100.00")
    assert not (home / "sunlight.db").exists()  # nothing went to the embedded default
