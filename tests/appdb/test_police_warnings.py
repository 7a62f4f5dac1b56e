"""Warnings of the police models (contract §6) stored and exported: day periods, the unit,
no money; and migration 0024, which makes room for them."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.database import downgrade, upgrade
from sunlight.appdb.tables import DetectionRun, Warning
from sunlight.appdb.warnings import for_export, sync
from sunlight.contract.catalog import load_catalog
from sunlight.models.detection import Detection, EvidenceRow
from sunlight.models.registry import load_library
from sunlight.warning_export import write_csv, write_xlsx
from tests.appdb.builders import detection, run, warnings_of

UNIT = "城关派出所"
OFFICER = "610327198704227710"
CHECKS = "网上点名记录.xlsx"


def check(day: int) -> EvidenceRow:
    """The roll call of 2024-02-<day> that found the officer away, on row day + 1."""
    return EvidenceRow("duty_checks", CHECKS, "Sheet1", day + 1, "paid", f"2024-02-{day:02d}")


def absent(days: list[int]) -> Detection:
    """A person's warning of no money over the roll calls of these days of February 2024."""
    rows = tuple(check(day) for day in days)
    return Detection(
        model="DUTY_ABSENT", subject=OFFICER, program="", severity="medium",
        period_from=rows[0].period, period_to=rows[-1].period, amount=Decimal("0.00"),
        id_number=OFFICER, name="刘警官", evidence=rows, unit=UNIT, money=False,
        template="{name}在{periods_zh}的值班中{count}次被点名不在岗。", subject_name="刘警官")


def overdue_case() -> Detection:
    row = EvidenceRow("police_cases", "案件办理情况.xlsx", "Sheet1", 5, "paid", "2024-01-03")
    return Detection(
        model="CASE_OVERDUE", subject="A20240190183", program="", severity="high",
        period_from="2024-01-03", period_to="2024-01-03", amount=Decimal("0.00"),
        evidence=(row,), unit=UNIT, money=False, subject_kind="case",
        subject_name="案件A20240190183（行政，城关派出所）", template="受理于{periods_zh}。")


def test_more_roll_calls_extend_the_open_warning_under_the_same_id(session: Session):
    run(session, [absent([10, 12])], models={"DUTY_ABSENT"})
    [first] = warnings_of(session, OFFICER)
    again = run(session, [absent([10, 12])], models={"DUTY_ABSENT"})
    assert (again.new, again.changed, again.unchanged) == (0, 0, 1)
    more = run(session, [absent([10, 12, 20])], models={"DUTY_ABSENT"})
    assert (more.new, more.changed) == (0, 1)
    session.expire_all()
    [warning] = warnings_of(session, OFFICER)
    assert warning.warning_id == first.warning_id
    assert (warning.period_from, warning.period_to) == ("2024-02-10", "2024-02-20")
    assert [row.period for row in warning.evidence] == ["2024-02-10", "2024-02-12",
                                                        "2024-02-20"]
    assert (warning.unit, warning.money, warning.amount) == (UNIT, False, Decimal("0.00"))
    assert warning.explanation == "刘警官在2024年2月10日至2024年2月20日的值班中3次被点名不在岗。"


def test_a_closed_warning_is_followed_by_one_of_the_later_roll_calls(session: Session):
    run(session, [absent([10, 12])], models={"DUTY_ABSENT"})
    [first] = warnings_of(session, OFFICER)
    first.status = "closed"
    session.commit()
    report = run(session, [absent([10, 12, 20])], models={"DUTY_ABSENT"})
    assert report.reraised == 1
    successor = warnings_of(session, OFFICER)[-1]
    assert (successor.period_from, successor.period_to, successor.follows_id) == (
        "2024-02-20", "2024-02-20", first.id)


def late_finding(received: str = "2024-01-03") -> Detection:
    row = EvidenceRow("inspection_findings", "督察问题台账.xlsx", "Sheet1", 9, "paid", received)
    return replace(overdue_case(), model="RECTIFICATION_OVERDUE", subject="DC20249030",
                   subject_kind="finding", evidence=(row,), period_from=received,
                   period_to=received, subject_name="督察问题DC20249030（城关派出所，值守）")


@pytest.mark.parametrize("late", [overdue_case, late_finding], ids=["case", "finding"])
def test_a_closed_case_delivered_again_still_late_raises_nothing(session: Session, late):
    # The 督察 closed the warning on the lateness it reported; the case list (or findings
    # ledger) of next month restates the same case, still late, in a file of another name.
    # One warning per case: the lateness was dealt with, so nothing is raised again.
    first = late()
    run(session, [first], models={first.model})
    [closed] = warnings_of(session, first.subject)
    closed.status = "closed"
    session.commit()
    again = replace(first, evidence=tuple(replace(row, file="2月" + row.file)
                                          for row in first.evidence))
    report = run(session, [again], models={first.model})
    assert (report.reraised, report.unchanged) == (0, 1)
    assert len(warnings_of(session, first.subject)) == 1


def test_the_export_leaves_the_amount_of_a_warning_of_no_money_empty(session: Session,
                                                                     tmp_path: Path):
    run(session, [detection([1, 2]), absent([10]), overdue_case()],
        models={"DECEASED_PAID", "DUTY_ABSENT", "CASE_OVERDUE"})
    out = tmp_path / "warnings.csv"
    write_csv(for_export(session), out)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = {row["model"]: row for row in csv.DictReader(handle)}
    shown = {model: (row["amount"], row["period_from"], row["period_to"], row["subject_kind"],
                     row["subject_id"], row["subject_name"], row["id_number"], row["name"])
             for model, row in rows.items()}
    assert shown == {
        "DECEASED_PAID": ("1000.00", "2024-01", "2024-02", "person", detection([1]).subject,
                          "王芳", detection([1]).subject, "王芳"),
        "DUTY_ABSENT": ("", "2024-02-10", "2024-02-10", "person", OFFICER, "刘警官", OFFICER,
                        "刘警官"),
        "CASE_OVERDUE": ("", "2024-01-03", "2024-01-03", "case", "A20240190183",
                         "案件A20240190183（行政，城关派出所）", "", ""),
    }
    book_path = tmp_path / "warnings.xlsx"
    write_xlsx(for_export(session, evidence=True), book_path, load_library(), load_catalog())
    book = CalamineWorkbook.from_path(str(book_path))
    sheet = book.get_sheet_by_name("预警清单").to_python()
    at = sheet[0].index("涉及金额（元）")
    assert sorted(str(row[at]) for row in sheet[1:]) == ["", "", "1000.0"]
    evidence = book.get_sheet_by_name("证据行").to_python()
    # The roll call and the case are 问题记录 without money; the payments carry theirs.
    said = {(row[5], row[7]) for row in evidence[1:] if row[5] != "依据"}
    assert said == {("问题记录", ""), ("问题发放", 500.0)}


def test_a_run_records_the_date_it_judged_at(session: Session):
    report = sync(session, [overdue_case()], models={"CASE_OVERDUE"}, fingerprint="test",
                  as_of=date(2024, 2, 29))
    session.commit()
    assert session.get(DetectionRun, report.run_id).as_of == date(2024, 2, 29)
    plain = run(session, [detection([1])])
    assert session.get(DetectionRun, plain.run_id).as_of is None


def test_migration_0024_keeps_earlier_warnings_as_they_were(session: Session, db_url: str):
    run(session, [detection([1, 2])])
    session.close()
    downgrade(db_url, "0023")
    upgrade(db_url)
    [warning] = session.scalars(select(Warning)).all()
    assert (warning.unit, warning.money, warning.period_from, warning.period_to) == (
        "", True, "2024-01", "2024-02")
    assert session.scalars(select(DetectionRun.as_of)).all() == [None]
    # And a day now fits where a month did, on either backend.
    run(session, [replace(absent([10, 29]), subject_name="刘警官")], models={"DUTY_ABSENT"})
    assert warnings_of(session, OFFICER)[0].period_to == "2024-02-29"
