"""The duty models (contract §6) as an analyst runs them month by month: a later roster
extends the open warning of a post, a unit and a person, and the export says it in days."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import update
from typer.testing import CliRunner

from sunlight.appdb.database import database_url, make_engine
from sunlight.appdb.tables import Warning
from sunlight.cli.app import app
from sunlight.contract.cases import CLOSED
from tests.conftest import Cell, write_csv

runner = CliRunner()
OFFICER = "610327198704227710"
ROSTER: list[Cell] = ["日期", "班次", "单位", "岗位", "角色", "身份证号", "姓名", "警号"]
CHECKS: list[Cell] = ["核查时间", "单位", "身份证号", "姓名", "核查结果"]
UNIT, POST = "交警大队", "G85千阳卡口"


def roster(day: str, *, leader: bool = True) -> list[list[Cell]]:
    """A date of the unit: its checkpoint staffed by day only, its leader on call if `leader`."""
    rows: list[list[Cell]] = [[day, "白班", UNIT, POST, "值班民警", OFFICER, "李亮波", "610672"]]
    if leader:
        rows.append([day, "全天", UNIT, "", "带班领导", "610327197207118765", "王建军",
                     "610101"])
    return rows


def deliver(tmp_path: Path, month: str, days: list[list[Cell]],
            checks: list[list[Cell]]) -> None:
    folder = tmp_path / month
    write_csv(folder / "duty_roster" / f"{month}排班.csv", [ROSTER, *days])
    write_csv(folder / "duty_checks" / f"{month}点名.csv", [CHECKS, *checks])
    if month == "1月":
        write_csv(folder / "posts" / "站点.csv", [["单位", "岗位", "勤务要求"],
                                                  [UNIT, POST, "24小时"]])
    result = runner.invoke(app, ["ingest", str(folder)])
    assert result.exit_code == 0, result.output


def exported(tmp_path: Path) -> dict[str, dict[str, str]]:
    out = tmp_path / "warnings.csv"
    assert runner.invoke(app, ["warnings", "export", "--format", "csv", str(out)]).exit_code == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        return {row["model"]: row for row in csv.DictReader(handle)}


def test_a_later_roster_extends_each_open_duty_warning(tmp_path: Path, home: Path):
    deliver(tmp_path, "1月", [*roster("2024-01-30"), *roster("2024-01-31", leader=False)],
            [["2024-01-31 10:00", UNIT, OFFICER, "李亮波", "不在岗"]])
    runner.invoke(app, ["detect", "--models", "DUTY_ABSENT,LEADER_ABSENT,POST_UNCOVERED"])
    before = exported(tmp_path)
    assert {model: (row["subject_id"], row["period_from"], row["period_to"])
            for model, row in before.items()} == {
        "DUTY_ABSENT": (OFFICER, "2024-01-31", "2024-01-31"),
        "LEADER_ABSENT": (UNIT, "2024-01-31", "2024-01-31"),
        "POST_UNCOVERED": (f"{UNIT}/{POST}", "2024-01-30", "2024-01-31")}
    assert {row["amount"] for row in before.values()} == {""}

    deliver(tmp_path, "2月", [*roster("2024-02-01", leader=False), *roster("2024-02-02")],
            [["2024-02-02 19:59", UNIT, OFFICER, "李亮波", "不在岗"]])
    result = runner.invoke(app, ["detect", "--models",
                                 "DUTY_ABSENT,LEADER_ABSENT,POST_UNCOVERED"])
    assert "0 new, 3 changed" in result.output
    after = exported(tmp_path)
    assert {model: (row["warning_id"], row["period_from"], row["period_to"])
            for model, row in after.items()} == {
        model: (row["warning_id"], row["period_from"], "2024-02-01" if model == "LEADER_ABSENT"
                else "2024-02-02")
        for model, row in before.items()}
    assert "4天共4个班次" in after["POST_UNCOVERED"]["explanation"]
    assert "2次不在岗" in after["DUTY_ABSENT"]["explanation"]


def close_every_warning() -> None:
    engine = make_engine(database_url())
    with engine.begin() as connection:
        connection.execute(update(Warning).values(status=CLOSED))
    engine.dispose()


def test_after_january_is_closed_february_raises_a_warning_of_february_alone(
        tmp_path: Path, home: Path):
    january = [*roster("2024-01-30"), *roster("2024-01-31", leader=False)]
    deliver(tmp_path, "1月", january, [["2024-01-31 10:00", UNIT, OFFICER, "李亮波", "不在岗"]])
    runner.invoke(app, ["detect", "--models", "DUTY_ABSENT,LEADER_ABSENT,POST_UNCOVERED"])
    close_every_warning()
    # February's roster comes with January's again, in a file of another name.
    deliver(tmp_path, "2月", [*january, *roster("2024-02-01", leader=False),
                             *roster("2024-02-02")],
            [["2024-02-02 19:59", UNIT, OFFICER, "李亮波", "不在岗"]])
    result = runner.invoke(app, ["detect", "--models",
                                 "DUTY_ABSENT,LEADER_ABSENT,POST_UNCOVERED"])
    assert "3 raised again" in result.output, result.output
    out = tmp_path / "warnings.csv"
    assert runner.invoke(app, ["warnings", "export", "--format", "csv", str(out)]).exit_code == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted((row["model"], row["status"], row["period_from"], row["period_to"])
                  for row in rows) == [
        ("DUTY_ABSENT", "closed", "2024-01-31", "2024-01-31"),
        ("DUTY_ABSENT", "open", "2024-02-02", "2024-02-02"),
        ("LEADER_ABSENT", "closed", "2024-01-31", "2024-01-31"),
        ("LEADER_ABSENT", "open", "2024-02-01", "2024-02-01"),
        ("POST_UNCOVERED", "closed", "2024-01-30", "2024-01-31"),
        ("POST_UNCOVERED", "open", "2024-02-01", "2024-02-02")]
    [post] = [row for row in rows if row["model"] == "POST_UNCOVERED" and row["status"] == "open"]
    assert post["explanation"].endswith(
        "（其中2024年1月30日至2024年1月31日的情况已在此前的预警中办结，"
        "本预警涉及2024年2月1日至2024年2月2日。）")
