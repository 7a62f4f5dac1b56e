"""CASE_OVERDUE (contract §6): a step later than its time limit, or not taken and the limit
passed before the as-of date; calendar days between dates, times of day ignored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sunlight.contract.time_limits import load_time_limits
from tests.model_library.police import HANDLER, case, deliver, judged

AS_OF = dt.date(2024, 3, 1)


def test_a_step_later_than_its_limit_fires_one_on_its_last_day_does_not(tmp_path: Path,
                                                                        home: Path):
    deliver(tmp_path, "案件.csv", "police_cases", [
        # 刑事: 立案 within 7 days. Times of day do not count: 7 days and 15 hours is in time.
        case("X7", "刑事", "2024-01-03 08:00", filed="2024-01-10 23:00"),
        case("X8", "刑事", "2024-01-03 23:50", filed="2024-01-11 00:10"),
        # 行政: 办结 within 30 days.
        case("G30", "行政", "2024-01-01 09:00", closed="2024-01-31 18:00"),
        case("G31", "行政", "2024-01-01 09:00", closed="2024-02-01 08:00"),
        # 涉疫: 办结 within 15 days, and that alone (no 立案 limit).
        case("Y15", "涉疫", "2024-01-05 10:00", closed="2024-01-20 10:00"),
        case("Y16", "涉疫", "2024-01-05 10:00", filed="2024-02-20", closed="2024-01-21 10:00"),
    ])
    found = judged("CASE_OVERDUE", AS_OF)
    assert sorted(found) == ["G31", "X8", "Y16"]
    late = found["X8"]
    assert (late.period_from, late.period_to, late.amount, late.money) == (
        "2024-01-03", "2024-01-03", 0, False)
    assert (late.subject_kind, late.unit, late.id_number, late.program) == (
        "case", "城关派出所", "", "")
    assert late.subject_name == "案件X8（刑事，城关派出所）"
    assert late.explanation == (
        "城关派出所办理的刑事案件X8（主办民警刘建军）于2024年1月3日受理，1个环节超过时限："
        "立案应在受理后7天内完成（最迟2024年1月10日），实际于2024年1月11日立案，用时8天，"
        "超期1天（按2024年3月1日判断）。")
    assert [(p.id_number, p.role) for p in late.people] == [(HANDLER, "handler")]
    assert [(r.dataset, r.file, r.row, r.role) for r in late.evidence] == [
        ("police_cases", "案件.csv", 3, "paid")]
    assert "元" not in found["G31"].explanation and "用时31天，超期1天" in found["G31"].explanation


def test_a_step_not_taken_is_judged_at_the_as_of_date(tmp_path: Path, home: Path):
    deliver(tmp_path, "案件.csv", "police_cases", [
        case("X-open-7", "刑事", "2024-02-23 09:00"),  # 7 days before 3月1日: not yet passed
        case("X-open-8", "刑事", "2024-02-22 09:00"),
        case("G-open-30", "行政", "2024-01-31 09:00"),
        case("G-open-31", "行政", "2024-01-30 09:00"),
        # Its 立案 was in time; 刑事 cases have no 办结 limit.
        case("X-filed", "刑事", "2023-10-01 09:00", filed="2023-10-02"),
    ])
    found = judged("CASE_OVERDUE", AS_OF)
    assert sorted(found) == ["G-open-31", "X-open-8"]
    assert found["X-open-8"].facts["overdue"] == (
        "立案应在受理后7天内完成（最迟2024年2月29日），截至2024年3月1日仍未立案，已过8天，超期1天")
    assert found["X-open-8"].facts["as_of"] == "2024-03-01"
    # A day later, the case at the last day of its limit is overdue too.
    assert sorted(judged("CASE_OVERDUE", AS_OF + dt.timedelta(days=1))) == [
        "G-open-30", "G-open-31", "X-open-7", "X-open-8"]


def test_by_default_the_as_of_date_is_the_latest_date_of_the_cases(tmp_path: Path, home: Path):
    deliver(tmp_path, "案件.csv", "police_cases", [
        case("G-open", "行政", "2024-01-01 09:00"),
        case("G-late", "行政", "2024-01-05 09:00", closed="2024-02-10 09:00")])
    found = judged("CASE_OVERDUE")
    assert sorted(found) == ["G-late", "G-open"]
    assert "截至2024年2月10日仍未办结，已过40天，超期10天" in found["G-open"].explanation


def test_a_case_delivered_again_closed_is_judged_by_the_later_row(tmp_path: Path, home: Path):
    deliver(tmp_path, "案件_1月.csv", "police_cases", [
        case("G1", "行政", "2024-01-02 09:00"), case("G2", "行政", "2024-01-02 09:00")])
    assert sorted(judged("CASE_OVERDUE", AS_OF)) == ["G1", "G2"]
    deliver(tmp_path, "案件_2月.csv", "police_cases", [
        case("G1", "行政", "2024-01-02 09:00", closed="2024-01-30 17:00"),
        case("G2", "行政", "2024-01-02 09:00", closed="2024-02-20 17:00")])
    found = judged("CASE_OVERDUE", AS_OF)
    assert sorted(found) == ["G2"]
    assert [(r.file, r.row) for r in found["G2"].evidence] == [("案件_2月.csv", 3)]
    assert "实际于2024年2月20日办结，用时49天，超期19天" in found["G2"].explanation


def test_a_deployments_own_time_limits_change_what_is_overdue(tmp_path: Path, home: Path):
    deliver(tmp_path, "案件.csv", "police_cases", [
        case("X4", "刑事", "2024-01-01 09:00", filed="2024-01-05 09:00"),
        case("G40", "行政", "2024-01-01 09:00", closed="2024-02-10 09:00"),
        case("Y20", "涉疫", "2024-01-01 09:00", closed="2024-01-21 09:00")])
    assert sorted(judged("CASE_OVERDUE", AS_OF)) == ["G40", "Y20"]
    own = tmp_path / "时限.yaml"
    own.write_text("limits:\n"
                   "  - {category: 刑事, step: filed_at, days: 3}\n"
                   "  - {category: 行政, step: closed_at, days: 60}\n"
                   "  - {category: 涉疫, step: closed_at, days: 20}\n"
                   "  - {category: 涉疫, step: filed_at, days: 1}\n", encoding="utf-8")
    found = judged("CASE_OVERDUE", AS_OF, load_time_limits(own))
    assert sorted(found) == ["X4", "Y20"]
    assert found["X4"].facts["overdue"].startswith("立案应在受理后3天内完成")
    # Y20 has not been filed (立案) at all: judged at the as-of date, beside its 办结 in time.
    assert found["Y20"].facts["overdue_count"] == "1"
    assert "截至2024年3月1日仍未立案，已过60天，超期59天" in found["Y20"].facts["overdue"]


def test_at_an_earlier_as_of_date_later_steps_and_cases_have_not_happened(tmp_path: Path,
                                                                          home: Path):
    deliver(tmp_path, "案件.csv", "police_cases", [
        # 涉疫 closed on 11 February, 5 days late; at 31 January its limit (6 February) is ahead.
        case("Y-late", "涉疫", "2024-01-22 09:00", closed="2024-02-11 10:00"),
        # Closed after 31 January, its limit (14 January) already passed: open and overdue.
        case("Y-open", "涉疫", "2023-12-30 09:00", closed="2024-02-02 10:00"),
        case("G-later", "行政", "2023-02-01 09:00", closed="2023-02-10 09:00"),  # in the past
        case("G-future", "行政", "2023-12-01 09:00"),  # received, open, overdue...
        case("G-unborn", "行政", "2024-02-01 09:00"),  # ...and one not yet received
    ])
    found = judged("CASE_OVERDUE", dt.date(2024, 1, 31))
    assert sorted(found) == ["G-future", "Y-open"]
    assert found["Y-open"].facts["overdue"] == (
        "办结应在受理后15天内完成（最迟2024年1月14日），截至2024年1月31日仍未办结，已过32天，"
        "超期17天")
