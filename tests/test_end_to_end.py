"""The demo pipeline on a small generated county: generate → ingest → quality export."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunlight.cli.app import app

runner = CliRunner()


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("county")
    result = runner.invoke(app, ["generate", "--out", str(out), "--persons", "2500",
                                 "--seed", "11"])
    assert result.exit_code == 0, result.output
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_injected_bad_row_is_reported_and_no_good_row_rejected(
        county: Path, home: Path, tmp_path: Path):
    result = runner.invoke(app, ["ingest", str(county / "delivery")])
    assert result.exit_code == 0, result.output
    export = tmp_path / "quality.csv"
    assert runner.invoke(app, ["quality", "export", "--format", "csv", str(export)]).exit_code == 0
    rejected = {(r["dataset"], r["file"], r["sheet"], r["row"])
                for r in read_csv(export) if r["severity"] == "rejected"}
    injected = {(b["dataset"], b["file"], b["sheet"], b["row"])
                for b in read_csv(county / "bad_rows.csv")}
    assert injected, "the generator injected no bad rows"
    assert rejected == injected


def test_demo_runs_end_to_end(home: Path):
    result = runner.invoke(app, ["demo", "--persons", "1500", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "payments" in result.output and "数据质量" in result.output
    assert (home / "warehouse" / "manifest.json").exists()


def test_demo_does_not_delete_a_countys_own_data(tmp_path: Path, home: Path):
    from tests.conftest import write_csv

    rows = [["项目名称", "身份证号", "姓名", "所属期", "金额", "银行账号"],
            ["低保", "610327197106050172", "王芳", "2024-03", "500", "6217493730820689217"]]
    path = write_csv(tmp_path / "real.csv", rows)
    assert runner.invoke(app, ["ingest", "--dataset", "payments", str(path)]).exit_code == 0
    result = runner.invoke(app, ["demo", "--persons", "500"])
    assert result.exit_code == 2 and "--replace-existing" in result.output
    assert "real.csv" in (home / "warehouse" / "manifest.json").read_text("utf-8")
