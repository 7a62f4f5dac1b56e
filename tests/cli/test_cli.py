"""The `sunlight` command as a county IT person uses it."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
import python_calamine
from typer.testing import CliRunner

from sunlight import __version__
from sunlight.cli.app import app
from sunlight.cli.exit_codes import BAD_INPUT
from tests.conftest import write_csv

runner = CliRunner()
HEADER = ["项目名称", "身份证号", "姓名", "所属期", "金额", "银行账号"]
ROWS = [HEADER, ["低保", "610327197106050172", "王芳", "2024-03", "500", "6217493730820689217"],
        ["低保", "6.10327E+17", "李四", "2024-03", "500", "6217493730820689218"]]


def test_ingest_quality_and_export(tmp_path: Path, home: Path):
    write_csv(tmp_path / "delivery" / "payments" / "三月.csv", ROWS)
    result = runner.invoke(app, ["ingest", str(tmp_path / "delivery")])
    assert result.exit_code == 0, result.output
    assert "Ingested 1 file(s), 2 data rows (1 rejected)" in result.output
    again = runner.invoke(app, ["ingest", str(tmp_path / "delivery")])
    assert again.exit_code == 0 and "no-op" in again.output
    summary = runner.invoke(app, ["quality"])
    assert "payments" in summary.output and "500.00" in summary.output
    out = tmp_path / "q.csv"
    assert runner.invoke(app, ["quality", "export", "--format", "csv", str(out)]).exit_code == 0
    with out.open(encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [
            ["dataset", "file", "sheet", "row", "severity", "reason", "value"],
            ["payments", "三月.csv", "", "3", "rejected", "bad_id", "6.10327E+17"]]
    xlsx = tmp_path / "q.xlsx"
    assert runner.invoke(app, ["quality", "export", "--format", "xlsx", str(xlsx)]).exit_code == 0
    sheet = python_calamine.CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0)
    head, finding = sheet.to_python()
    assert head == ["数据集", "文件", "工作表", "行号", "处理", "列", "问题", "原值"]
    assert finding[1:6] == ["三月.csv", "", 3.0, "拒收（未纳入分析）", "身份证号"]
    assert finding[6].startswith("身份证号无法识别") and finding[7] == "6.10327E+17"


def test_one_file_with_its_dataset(tmp_path: Path, home: Path):
    path = write_csv(tmp_path / "x.csv", ROWS)
    result = runner.invoke(app, ["ingest", "--dataset", "payments", str(path)])
    assert result.exit_code == 0, result.output


def test_a_missing_required_column_is_refused_with_exit_2(tmp_path: Path, home: Path):
    path = write_csv(tmp_path / "x.csv", [row[:5] for row in ROWS])
    result = runner.invoke(app, ["ingest", "--dataset", "payments", str(path)])
    assert result.exit_code == BAD_INPUT
    assert "x.csv" in result.output and "payments" in result.output
    assert "account" in result.output and "银行账号" in result.output
    assert "Nothing was written" in result.output
    assert not (home / "warehouse" / "manifest.json").exists()


def test_unknown_dataset_is_refused(tmp_path: Path, home: Path):
    path = write_csv(tmp_path / "x.csv", ROWS)
    result = runner.invoke(app, ["ingest", "--dataset", "salaries", str(path)])
    assert result.exit_code == BAD_INPUT and "unknown dataset" in result.output


def test_a_county_catalog_of_its_own(tmp_path: Path, home: Path, monkeypatch):
    default = Path(__file__).resolve().parents[2] / "src/sunlight/contract/catalog.yaml"
    catalog = tmp_path / "county-catalog.yaml"
    catalog.write_text(default.read_text("utf-8").replace(
        "aliases: [低保, 农村低保]", "aliases: [低保, 农村低保, 城乡低保]"), "utf-8")
    monkeypatch.setenv("SUNLIGHT_CATALOG", str(catalog))
    rows = [HEADER, ["城乡低保", "610327197106050172", "王芳", "2024-03", "500",
                     "6217493730820689217"]]
    result = runner.invoke(app, ["ingest", "--dataset", "payments",
                                 str(write_csv(tmp_path / "x.csv", rows))])
    assert result.exit_code == 0, result.output
    out = tmp_path / "q.csv"
    runner.invoke(app, ["quality", "export", str(out)])
    assert "unknown_program" not in out.read_text("utf-8")


def test_a_broken_county_catalog_is_refused(tmp_path: Path, home: Path, monkeypatch):
    catalog = tmp_path / "bad.yaml"
    catalog.write_text("programs: []\nextra: 1\n", "utf-8")
    monkeypatch.setenv("SUNLIGHT_CATALOG", str(catalog))
    result = runner.invoke(app, ["ingest", "--dataset", "payments",
                                 str(write_csv(tmp_path / "x.csv", ROWS))])
    assert result.exit_code == BAD_INPUT and "bad.yaml" in result.output


def test_generate_refuses_to_overwrite_a_real_delivery(tmp_path: Path):
    write_csv(tmp_path / "delivery" / "payments" / "real.csv", ROWS)
    result = runner.invoke(app, ["generate", "--out", str(tmp_path), "--persons", "500"])
    assert result.exit_code == BAD_INPUT and "not written by the generator" in result.output
    assert (tmp_path / "delivery" / "payments" / "real.csv").exists()


def test_generate_writes_a_bureau_alone(tmp_path: Path):
    result = runner.invoke(app, ["generate", "--out", str(tmp_path), "--bureau-only",
                                 "--posts", "12", "--cases", "100", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "delivery").iterdir()} == {
        "posts", "duty_roster", "duty_checks", "police_cases", "inspection_findings"}
    assert "officers" in result.output and (tmp_path / "truth.csv").is_file()


def test_files_ingestion_cannot_read_are_listed_as_skipped(tmp_path: Path, home: Path):
    write_csv(tmp_path / "delivery" / "payments" / "三月.csv", ROWS)
    (tmp_path / "delivery" / "payments" / "三月.et").write_bytes(b"WPS")
    (tmp_path / "delivery" / "payments" / "说明.txt").write_text("三月份数据，共两行。")
    (tmp_path / "delivery" / "payments" / "~$三月.xlsx").write_bytes(b"excel lock file")
    result = runner.invoke(app, ["ingest", str(tmp_path / "delivery")])
    assert result.exit_code == 0, result.output
    assert "skipped: payments/三月.et (not a data file: only .csv/" in result.output
    assert "skipped: payments/说明.txt (not a data file" in result.output  # a note, not a table
    assert "skipped: payments/~$三月.xlsx (an Excel lock file" in result.output


@pytest.mark.parametrize(("given", "hint"), [
    ("county", "Did you mean"),  # the folder holding the delivery
    ("county/delivery/payments", "the folder of one dataset"),
    ("nowhere", "does not exist"),
])
def test_the_wrong_folder_is_refused_with_what_was_probably_meant(
        tmp_path: Path, home: Path, given: str, hint: str):
    write_csv(tmp_path / "county" / "delivery" / "payments" / "三月.csv", ROWS)
    result = runner.invoke(app, ["ingest", str(tmp_path / given)])
    assert result.exit_code == BAD_INPUT and hint in result.output, result.output
    if hint == "Did you mean":
        assert str(tmp_path / "county" / "delivery") in result.output.replace("\n", "")


def test_ingesting_the_same_delivery_again_says_so_in_one_line(tmp_path: Path, home: Path):
    for month, period in (("三月", "2024-03"), ("四月", "2024-04")):
        write_csv(tmp_path / "delivery" / "payments" / f"{month}.csv",
                  [HEADER, ["低保", "610327197106050172", "王芳", period, "500", "6217"]])
    runner.invoke(app, ["ingest", str(tmp_path / "delivery")])
    again = runner.invoke(app, ["ingest", str(tmp_path / "delivery")])
    assert "no-op" not in again.output.split("Ingested")[0]  # no line per file
    assert "2 already ingested (2 of them the very files ingested before: no-op)" in (
        again.output.replace("\n", " "))


def test_delivered_text_never_becomes_a_live_formula_in_the_xlsx_report(
        tmp_path: Path, home: Path):
    rows = [HEADER, ["低保", "610327197106050172", "王芳", "2024-03", "=HYPERLINK(\"x\")",
                     "6217493730820689217"]]
    path = write_csv(tmp_path / "f.csv", rows)
    assert runner.invoke(app, ["ingest", "--dataset", "payments", str(path)]).exit_code == 0
    out = tmp_path / "q.xlsx"
    assert runner.invoke(app, ["quality", "export", str(out)]).exit_code == 0  # format from name
    import zipfile

    sheet = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "HYPERLINK" in sheet


def test_a_command_imports_only_what_it_runs():
    # Spawned ingest workers run this module as their __main__: each import costs them.
    script = ("import atexit, sys\n"
              "atexit.register(lambda: print(sorted(m for m in ('uvicorn', 'duckdb', "
              "'sqlalchemy') if m in sys.modules)))\n"
              "sys.argv = ['sunlight', 'version']\n"
              "from sunlight.cli.app import main\n"
              "main()\n")
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=False)
    assert ran.returncode == 0, ran.stderr
    version, imported = ran.stdout.splitlines()
    assert version == __version__ and imported == "[]"


def test_detect_on_sqlite_imports_no_postgresql_driver_spark_or_excel_writer(tmp_path: Path):
    # What `sunlight detect` needs on the embedded database, and no more: each costs its start.
    script = ("import atexit, sys\n"
              "atexit.register(lambda: print(sorted(m for m in ('psycopg', 'xlsxwriter', "
              "'pyarrow.compute', 'pyspark', 'sqlglot.dialects.spark') "
              "if m in sys.modules)))\n"
              "sys.argv = ['sunlight', 'detect']\n"
              "from sunlight.cli.app import main\n"
              "main()\n")
    env = {**os.environ, "SUNLIGHT_HOME": str(tmp_path)}
    env.pop("SUNLIGHT_DATABASE_URL", None)
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, check=False)
    assert ran.returncode == BAD_INPUT, ran.stderr  # nothing ingested: refused, as it says
    assert "nothing to run" in ran.stderr
    assert ran.stdout.splitlines()[-1] == "[]"


def test_python_dash_m_sunlight_is_the_sunlight_command():
    result = subprocess.run([sys.executable, "-m", "sunlight", "--help"], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "ingest" in result.stdout and "screen" in result.stdout
