"""The as-of date a run judges steps not yet taken at (contract §6): given, or the latest date
in police_cases, else in inspection_findings; read by the models as `run_context`, with the
time limits as `time_limits`, and carried by their warnings as the fact `as_of`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.clock import local_today
from sunlight.contract.catalog import load_catalog
from sunlight.contract.time_limits import load_time_limits
from sunlight.models.registry import Model, load_model
from sunlight.models.run_values import AsOf
from sunlight.models.runner import DetectionResult, detect
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from tests.conftest import Cell, write_csv

CASE_HEADER: list[Cell] = ["案件编号", "办案单位", "案件类别", "受理时间", "立案时间", "办结时间"]
FINDING_HEADER: list[Cell] = ["问题编号", "被督察单位", "发现日期", "问题类别", "整改期限"]

# A model of this test alone: open cases whose 办结 limit passed before the as-of date.
OPEN_TOO_LONG_YAML = """\
code: OPEN_TOO_LONG
name_zh: 超期未办结
finds: Open cases past their limit of closing at the as-of date.
severity: low
inputs: [police_cases]
policy_basis: 测试依据
explanation: "{name}受理后{days}天未办结。"
screening_note: 请核对案件办理情况。
facts: {days: 天数}
"""

OPEN_TOO_LONG_SQL = """\
SELECT c.case_no AS subject, '' AS program, strftime(c.received_at, '%Y-%m-%d') AS period,
       CAST(1 AS DECIMAL(18, 2)) AS amount, 'police_cases' AS source_dataset,
       c.source_file, c.source_sheet, c.source_row,
       CAST(date_diff('day', CAST(c.received_at AS DATE), r.as_of) AS VARCHAR) AS fact_days
FROM police_case AS c
JOIN time_limits AS l ON l.category = c.category AND l.step = 'closed_at'
CROSS JOIN run_context AS r
WHERE c.closed_at IS NULL AND date_diff('day', CAST(c.received_at AS DATE), r.as_of) > l.days
"""


def open_too_long(folder: Path) -> Model:
    (folder / "open_too_long.yaml").write_text(OPEN_TOO_LONG_YAML, encoding="utf-8")
    (folder / "open_too_long.sql").write_text(OPEN_TOO_LONG_SQL, encoding="utf-8")
    return load_model(folder, "open_too_long", "test")


def ingest(path: Path, dataset: str) -> None:
    result = CliRunner().invoke(app, ["ingest", "--dataset", dataset, str(path)])
    assert result.exit_code == 0, result.output


def run(model: Model, as_of: dt.date | None = None) -> DetectionResult:
    engine = DuckDBEngine()
    try:
        return detect(engine, Warehouse(Settings().warehouse_dir), load_catalog(), [model],
                      as_of=as_of, time_limits=load_time_limits())
    finally:
        engine.close()


@pytest.fixture
def cases(tmp_path: Path, home: Path) -> Path:
    # 行政 cases may take 30 days to close. The latest date anywhere is A3's 立案, 3月20日.
    ingest(write_csv(tmp_path / "案件.csv", [
        CASE_HEADER,
        ["A1", "城关派出所", "行政", "2024-02-01 09:00", "", ""],
        ["A2", "城关派出所", "行政", "2024-02-19 16:00", "", ""],
        ["A3", "东风派出所", "刑事", "2024-03-18 08:00", "2024-03-20 23:10", ""],
    ]), "police_cases")
    return tmp_path


def test_by_default_cases_are_judged_at_the_latest_date_of_the_cases(cases: Path,
                                                                     tmp_path: Path) -> None:
    ingest(write_csv(tmp_path / "问题.csv", [
        FINDING_HEADER, ["DC1", "城关派出所", "2024-04-01", "值守", "2024-05-31"]]),
        "inspection_findings")
    result = run(open_too_long(tmp_path))
    assert result.as_of == AsOf(dt.date(2024, 3, 20), "police_cases")
    # A1: 48 days open; A2: 30 days, the last day of its limit.
    assert [(d.subject, d.facts["days"], d.facts["as_of"]) for d in result.detections] == [
        ("A1", "48", "2024-03-20")]


def test_a_model_of_police_data_alone_carries_the_date_without_reading_it(cases: Path,
                                                                          tmp_path: Path) -> None:
    (tmp_path / "listed.yaml").write_text(OPEN_TOO_LONG_YAML.replace(
        "OPEN_TOO_LONG", "LISTED").replace("{days}天未办结", "已受理").replace(
        "facts: {days: 天数}\n", ""), encoding="utf-8")
    (tmp_path / "listed.sql").write_text(
        "SELECT case_no AS subject, '' AS program, '2024-02-01' AS period, 1 AS amount, "
        "'police_cases' AS source_dataset, source_file, source_sheet, source_row "
        "FROM police_case WHERE case_no = 'A1'", encoding="utf-8")
    result = run(load_model(tmp_path, "listed", "test"))
    assert [d.facts["as_of"] for d in result.detections] == ["2024-03-20"]


def test_a_given_as_of_date_judges_instead(cases: Path, tmp_path: Path) -> None:
    result = run(open_too_long(tmp_path), as_of=dt.date(2024, 3, 21))
    assert result.as_of == AsOf(dt.date(2024, 3, 21), "given")
    assert sorted((d.subject, d.facts["as_of"]) for d in result.detections) == [
        ("A1", "2024-03-21"), ("A2", "2024-03-21")]


def test_without_cases_the_latest_date_of_the_findings_is_the_default(tmp_path: Path,
                                                                      home: Path) -> None:
    ingest(write_csv(tmp_path / "问题.csv", [
        FINDING_HEADER, ["DC1", "城关派出所", "2024-04-01", "值守", "2024-05-31"],
        ["DC2", "城关派出所", "2024-04-09", "值守", "2024-04-30"]]), "inspection_findings")
    assert run(open_too_long(tmp_path)).as_of == AsOf(dt.date(2024, 5, 31),
                                                      "inspection_findings")


def test_without_police_data_there_is_no_as_of_date(tmp_path: Path, home: Path) -> None:
    assert run(open_too_long(tmp_path)).as_of == AsOf(None, "")


def test_detect_takes_and_prints_the_as_of_date(cases: Path) -> None:
    result = CliRunner().invoke(app, ["detect", "--as-of", "2024-04-01"])
    assert "As-of date: 2024-04-01 (given with --as-of)" in result.output
    result = CliRunner().invoke(app, ["detect"])
    assert "As-of date: 2024-03-20 (the latest date in police_cases)" in result.output
    refused = CliRunner().invoke(app, ["detect", "--as-of", "2024-02-30"])
    assert refused.exit_code == 2 and "YYYY-MM-DD" in refused.output


def test_a_default_after_today_is_capped_at_today_with_a_note(tmp_path: Path,
                                                              home: Path) -> None:
    # A case received next month (ingest reports dates beyond a year ahead as bad rows).
    today = local_today()
    next_month = today + dt.timedelta(days=30)
    ingest(write_csv(tmp_path / "案件.csv", [
        CASE_HEADER,
        ["A1", "城关派出所", "行政", "2024-02-01 09:00", "", ""],
        ["A9", "城关派出所", "行政", f"{next_month.isoformat()} 09:00", "", ""]]), "police_cases")
    assert run(open_too_long(tmp_path)).as_of == AsOf(today, "police_cases", next_month)
    result = CliRunner().invoke(app, ["detect"])
    assert f"As-of date: {today.isoformat()}" in result.output
    assert next_month.isoformat() in result.output and "judged as of today" in result.output


@pytest.mark.parametrize("given", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_an_as_of_date_outside_the_dates_ingest_reads_is_refused(cases: Path,
                                                                  given: str) -> None:
    refused = CliRunner().invoke(app, ["detect", "--as-of", given])
    assert refused.exit_code == 2 and "outside the dates ingest reads" in refused.output
    with pytest.raises(ValueError, match="outside"):
        run(open_too_long(cases), as_of=dt.date.fromisoformat(given))
