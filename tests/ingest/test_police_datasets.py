"""Section 6's posts, duty checks, police cases and inspection findings (网上督察) as
departments deliver them, and the date-times of roll calls and case steps in every form."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import Cell
from tests.ingest.test_batch import findings_of, prepare, rows_of

OFFICER = "610327197508163532"
CHECK_HEADER: list[Cell] = ["点名时间", "单位", "站点", "身份证号", "姓名", "点名结果", "核查方式"]
NIGHT = dt.datetime(2024, 2, 10, 21, 35)


def check_row(checked_at: Cell) -> list[Cell]:
    return [checked_at, "交警大队", "G85千阳卡口", OFFICER, "叶成民", "不在岗", "视频点名"]


@pytest.mark.parametrize("written", [
    "2024-02-10 21:35", "2024/2/10 21:35:00", "2024年2月10日 21:35", "2024年2月10日21时35分",
    "2024-02-10T21:35:00", " 2024-02-10  21:35 ", "２０２４－０２－１０　２１：３５",
])
def test_a_roll_call_time_is_read_in_every_written_form(tmp_path: Path, written: str):
    batch = prepare(tmp_path, [CHECK_HEADER, check_row(written)], "duty_checks")
    [row] = rows_of(batch)
    assert row["checked_at"] == NIGHT
    assert findings_of(batch) == []


def test_an_excel_date_time_cell_and_a_serial_number_are_read(tmp_path: Path):
    # The typed cell as the reader gives it, and the serial a sheet formatted as a number shows.
    rows: list[list[Cell]] = [CHECK_HEADER, check_row(NIGHT), check_row(45332.8993055556)]
    batch = prepare(tmp_path, rows, "duty_checks", xlsx=True, titles=("网上督察点名记录",))
    assert [r["checked_at"] for r in rows_of(batch)] == [NIGHT, NIGHT]
    assert findings_of(batch) == []


def test_a_roll_call_without_its_time_of_day_is_kept_at_midnight_and_reported(tmp_path: Path):
    batch = prepare(tmp_path, [CHECK_HEADER, check_row("2024年2月10日")], "duty_checks")
    [row] = rows_of(batch)
    assert row["checked_at"] == dt.datetime(2024, 2, 10, 0, 0)
    assert [(f[1], f[2]) for f in findings_of(batch)] == [("warning", "datetime_without_time")]


@pytest.mark.parametrize("written", ["2024-02-30 25:61", "2024-02-10 24:10", "下午三点",
                                     "2924-02-10 21:35"])
def test_an_unreadable_roll_call_time_rejects_the_row_with_its_text(tmp_path: Path, written: str):
    batch = prepare(tmp_path, [CHECK_HEADER, check_row("2024-02-10 08:00"), check_row(written)],
                    "duty_checks")
    assert [r["source_row"] for r in rows_of(batch)] == [2]
    [(row, severity, reason, value)] = findings_of(batch)
    assert (row, severity, reason, value) == (3, "rejected", "bad_datetime", written)


CASE_HEADER: list[Cell] = ["案件编号", "办案单位", "案件类别", "主办民警身份证号", "主办民警",
                           "受理时间", "立案时间", "强制措施时间", "办结时间", "办理状态"]


def test_a_case_keeps_its_steps_and_an_unreadable_optional_step_is_kept_empty(tmp_path: Path):
    rows: list[list[Cell]] = [
        CASE_HEADER,
        ["A20240100001", "城关派出所", "刑事", OFFICER, "叶成民", "2024-01-20 14:28",
         "2024/1/26 18:28:00", "2024年1月31日 19:28", "", "办理中"],
        ["A20240100002", "城关派出所", "行政", "", "", "2024-01-05", "", "", "2024-01-0x",
         "已办结"],
        ["", "城关派出所", "涉疫", "", "", "2024-01-08 18:18", "", "", "", "办理中"],
    ]
    batch = prepare(tmp_path, rows, "police_cases")
    kept = {r["case_no"]: r for r in rows_of(batch)}
    assert set(kept) == {"A20240100001", "A20240100002"}
    first = kept["A20240100001"]
    assert (first["received_at"], first["filed_at"], first["measures_at"], first["closed_at"]) == (
        dt.datetime(2024, 1, 20, 14, 28), dt.datetime(2024, 1, 26, 18, 28),
        dt.datetime(2024, 1, 31, 19, 28), None)
    # A case step's day is what its limit counts: a bare date is no doubt there.
    second = kept["A20240100002"]
    assert (second["received_at"], second["closed_at"]) == (dt.datetime(2024, 1, 5), None)
    assert [(f[0], f[1], f[2], f[3]) for f in findings_of(batch)] == [
        (3, "warning", "bad_datetime", "2024-01-0x"), (4, "rejected", "missing_required", "")]


def test_posts_and_findings_read_their_dates_choices_and_messy_headers(tmp_path: Path):
    posts: list[list[Cell]] = [
        [" 单位 ", "卡口名称", "类型", "值守要求", "启用日期", "停用日期"],
        ["交警大队", "S212温水卡口", "卡口", "24小时", "2024.1.15", ""],
        ["城关派出所", "户籍窗口", "窗口", "白班", "", dt.date(2024, 1, 31)],
        ["城关派出所", "后门", "门岗", "夜班", "", ""],
    ]
    batch = prepare(tmp_path, posts, "posts", xlsx=True, titles=("执勤站点及卡口",))
    assert [(r["post"], r["coverage"], r["active_from"], r["active_to"])
            for r in rows_of(batch)] == [
        ("S212温水卡口", "24小时", dt.date(2024, 1, 15), None),
        ("户籍窗口", "白班", None, dt.date(2024, 1, 31)),
        ("后门", "夜班", None, None)]
    assert sorted((f[1], f[2]) for f in findings_of(batch)) == [
        ("warning", "unknown_value"), ("warning", "unknown_value")]  # 门岗, 夜班
    findings: list[list[Cell]] = [
        ["问题描述", "督察人员", "被督察单位", "问题类别", "问题编号", "整改完成日期", "发现日期",
         "整改期限"],
        ["执法记录仪未开启", "姜督察", "城关派出所", "防护", "DC20240001", "2024.2.3", "2024.1.28",
         "2024年2月4日"],
        ["值班记录不全", "熊督察", "交警大队", "执法", "DC20240003", "", "2024.1.23", "20240222"],
    ]
    [done, open_] = rows_of(prepare(tmp_path / "f", findings, "inspection_findings"))
    assert (done["finding_no"], done["found_on"], done["rectify_by"], done["rectified_on"]) == (
        "DC20240001", dt.date(2024, 1, 28), dt.date(2024, 2, 4), dt.date(2024, 2, 3))
    assert (open_["rectify_by"], open_["rectified_on"]) == (dt.date(2024, 2, 22), None)


def test_a_police_date_outside_the_platforms_years_is_a_reported_bad_row(tmp_path: Path):
    # Required dates reject their row; an optional step is kept empty (the case stays open).
    cases: list[list[Cell]] = [
        CASE_HEADER,
        ["A1", "城关派出所", "行政", "", "", "1900-01-01", "", "", "", "办理中"],
        ["A2", "城关派出所", "行政", "", "", "2024-01-05", "", "", "2099-01-09 10:00", "已办结"],
        ["A3", "城关派出所", "行政", "", "", "2000-01-01", "", "", "", "办理中"]]
    batch = prepare(tmp_path / "c", cases, "police_cases")
    assert [(r["case_no"], r["closed_at"]) for r in rows_of(batch)] == [("A2", None), ("A3", None)]
    assert [f[:3] for f in findings_of(batch)] == [(2, "rejected", "implausible_date"),
                                                    (3, "warning", "implausible_date")]
    findings: list[list[Cell]] = [
        ["问题编号", "被督察单位", "发现日期", "问题类别", "整改期限", "整改完成日期"],
        ["DC1", "城关派出所", "1999-12-31", "防护", "2024-02-04", ""],
        ["DC2", "城关派出所", "2024-01-28", "防护", "2024-02-04", "1900-01-01"]]
    batch = prepare(tmp_path / "f", findings, "inspection_findings")
    assert [(r["finding_no"], r["rectified_on"]) for r in rows_of(batch)] == [("DC2", None)]
    assert [f[:3] for f in findings_of(batch)] == [(2, "rejected", "implausible_date"),
                                                    (3, "warning", "implausible_date")]


def test_a_case_number_or_unit_longer_than_any_name_rejects_its_row(tmp_path: Path):
    cases: list[list[Cell]] = [
        CASE_HEADER,
        ["A" * 61, "城关派出所", "行政", "", "", "2024-01-05", "", "", "", "办理中"],
        ["A2", "所" * 201, "行政", "", "", "2024-01-05", "", "", "", "办理中"],
        ["A" * 60, "所" * 200, "行政", "", "", "2024-01-05", "", "", "", "办理中"]]
    batch = prepare(tmp_path, cases, "police_cases")
    assert [r["case_no"] for r in rows_of(batch)] == ["A" * 60]
    assert [f[:3] for f in findings_of(batch)] == [(2, "rejected", "key_too_long"),
                                                    (3, "rejected", "key_too_long")]
