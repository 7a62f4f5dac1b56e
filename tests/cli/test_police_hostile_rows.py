"""A bureau's files with hostile rows (contract §6): a roster dated 1900-01-01 or 2100-12-31,
a post named by a million characters. Each is a reported bad row; detection stays bounded."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from sunlight.cli.app import app
from tests.conftest import Cell, write_csv

runner = CliRunner()
ROSTER: list[Cell] = ["日期", "班次", "单位", "岗位", "角色", "身份证号", "姓名", "警号"]
UNIT, POST = "交警大队", "G85千阳卡口"
OFFICER = "610327198704227710"


def on_duty(day: str, post: str = POST) -> list[Cell]:
    return [day, "白班", UNIT, post, "值班民警", OFFICER, "李亮波", "610672"]


def quality(tmp_path: Path) -> list[tuple[str, str, str, str]]:
    out = tmp_path / "q.csv"
    assert runner.invoke(app, ["quality", "export", "--format", "csv", str(out)]).exit_code == 0
    with out.open(encoding="utf-8") as handle:
        return [(r["row"], r["severity"], r["reason"], r["value"][:20])
                for r in csv.DictReader(handle)]


def warnings(tmp_path: Path) -> list[dict[str, str]]:
    out = tmp_path / "warnings.csv"
    assert runner.invoke(app, ["warnings", "export", "--format", "csv", str(out)]).exit_code == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_roster_row_of_1900_or_2100_is_reported_and_stretches_no_post(tmp_path: Path,
                                                                          home: Path):
    folder = tmp_path / "delivery"
    write_csv(folder / "posts" / "站点.csv", [["单位", "岗位", "勤务要求", "停用日期"],
                                               [UNIT, POST, "白班", "2100-12-31"],
                                               [UNIT, "八渡卡口", "白班", ""]])
    write_csv(folder / "duty_roster" / "补录.csv", [
        ROSTER, on_duty("1900-01-01"), on_duty("2024-01-30"), on_duty("2024-02-01"),
        on_duty("2100-12-31")])
    result = runner.invoke(app, ["ingest", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(quality(tmp_path)) == [
        ("2", "rejected", "implausible_date", "1900-01-01"),
        # A post "active to 2100" is a post still active: kept, its date empty.
        ("2", "warning", "implausible_date", "2100-12-31"),
        ("5", "rejected", "implausible_date", "2100-12-31")]

    runner.invoke(app, ["detect", "--models", "POST_UNCOVERED"])
    gaps = {(w["subject_id"], w["period_from"], w["period_to"]) for w in warnings(tmp_path)}
    # The roster runs from 30 January to 1 February: the 31st is the post's only gap.
    assert gaps == {(f"{UNIT}/{POST}", "2024-01-31", "2024-01-31"),
                    (f"{UNIT}/八渡卡口", "2024-01-30", "2024-02-01")}


def test_a_post_named_by_a_million_characters_is_reported_and_detection_runs(
        tmp_path: Path, home: Path):
    folder = tmp_path / "delivery"
    huge = "卡" * 1_000_000
    write_csv(folder / "posts" / "站点.csv", [["单位", "岗位", "勤务要求"],
                                               [UNIT, huge, "24小时"], [UNIT, POST, "白班"]])
    write_csv(folder / "duty_roster" / "排班.csv", [
        ROSTER, on_duty("2024-01-30"), on_duty("2024-02-01"), on_duty("2024-02-01", huge)])
    result = runner.invoke(app, ["ingest", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(quality(tmp_path)) == [("2", "rejected", "key_too_long", "卡" * 20),
                                         ("4", "rejected", "key_too_long", "卡" * 20)]

    result = runner.invoke(app, ["detect", "--models", "POST_UNCOVERED"])
    assert result.exit_code == 1, result.output  # warnings raised, none failed
    assert [(w["subject_id"], w["period_from"]) for w in warnings(tmp_path)] == [
        (f"{UNIT}/{POST}", "2024-01-31")]


def test_warnings_show_names_a_police_warnings_rows_in_chinese(tmp_path: Path, home: Path):
    folder = tmp_path / "delivery"
    write_csv(folder / "posts" / "站点.csv", [["单位", "岗位", "勤务要求"], [UNIT, POST, "白班"]])
    write_csv(folder / "duty_roster" / "排班.csv", [ROSTER, on_duty("2024-01-30"),
                                                    on_duty("2024-02-01")])
    assert runner.invoke(app, ["ingest", str(folder)]).exit_code == 0
    runner.invoke(app, ["detect", "--models", "POST_UNCOVERED"])
    [warning] = warnings(tmp_path)
    shown = runner.invoke(app, ["warnings", "show", warning["warning_id"]], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    evidence = shown.output.split("evidence", 1)[1].split("history", 1)[0]
    assert "问题记录" in evidence and "paid" not in evidence
