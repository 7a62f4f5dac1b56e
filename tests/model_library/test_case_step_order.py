"""CASE_STEP_ORDER (contract §6): 强制措施 before 立案 (or with none) in a 刑事 case, 办结 or
立案 before 受理, compared by date; steps in order or on the same day are not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.model_library.police import case, deliver, judged

AS_OF = dt.date(2024, 3, 1)


def test_steps_out_of_order_fire_steps_in_order_or_on_one_day_do_not(tmp_path: Path,
                                                                     home: Path):
    deliver(tmp_path, "案件.csv", "police_cases", [
        case("M-before", "刑事", "2024-01-10 09:00", filed="2024-01-15 09:00",
             measures="2024-01-12 21:00"),
        case("M-unfiled", "刑事", "2024-01-10 09:00", measures="2024-01-11 10:00"),
        # The same day, 强制措施 in the morning and 立案 at night: in order by date.
        case("M-same-day", "刑事", "2024-01-10 09:00", filed="2024-01-11 23:00",
             measures="2024-01-11 06:00"),
        case("M-after", "刑事", "2024-01-10 09:00", filed="2024-01-11", measures="2024-01-12"),
        # Only a 刑事 case's 强制措施 needs its 立案 first.
        case("G-measures", "行政", "2024-01-10 09:00", measures="2024-01-11 10:00",
             closed="2024-01-20"),
        case("G-closed-before", "行政", "2024-01-10 09:00", closed="2024-01-09 17:00"),
        case("G-closed-same-day", "行政", "2024-01-10 09:00", closed="2024-01-10 08:00"),
        case("X-filed-before", "刑事", "2024-01-10 09:00", filed="2024-01-08 09:00"),
        case("X-filed-same-day", "刑事", "2024-01-10 09:00", filed="2024-01-10 07:00"),
    ])
    found = judged("CASE_STEP_ORDER", AS_OF)
    assert sorted(found) == ["G-closed-before", "M-before", "M-unfiled", "X-filed-before"]
    assert found["M-before"].explanation == (
        "城关派出所办理的刑事案件M-before（主办民警刘建军）于2024年1月10日受理，办案环节顺序倒置"
        "1处：强制措施（2024年1月12日）早于立案（2024年1月15日）（按2024年3月1日判断）。")
    assert found["M-unfiled"].facts["disorder"] == "于2024年1月11日采取强制措施，但未立案"
    assert found["G-closed-before"].facts["disorder"] == "办结（2024年1月9日）早于受理"
    assert found["X-filed-before"].facts["disorder"] == "立案（2024年1月8日）早于受理"
    every = found["M-before"]
    assert (every.subject_kind, every.period_from, every.unit, every.money, every.amount) == (
        "case", "2024-01-10", "城关派出所", False, 0)


def test_every_inversion_of_one_case_is_said_in_one_warning(tmp_path: Path, home: Path):
    deliver(tmp_path, "案件.csv", "police_cases", [
        case("X", "刑事", "2024-01-10 09:00", filed="2024-01-08", measures="2024-01-07",
             closed="2024-01-09")])
    [warning] = judged("CASE_STEP_ORDER", AS_OF).values()
    assert warning.facts["disorder_count"] == "3"
    assert warning.facts["disorder"] == ("强制措施（2024年1月7日）早于立案（2024年1月8日）；"
                                         "立案（2024年1月8日）早于受理；办结（2024年1月9日）早于受理")
    assert len(warning.evidence) == 1


def test_a_case_delivered_again_in_order_is_judged_by_the_later_row(tmp_path: Path, home: Path):
    deliver(tmp_path, "案件_1月.csv", "police_cases", [
        case("X1", "刑事", "2024-01-10 09:00", measures="2024-01-11 10:00")])
    assert list(judged("CASE_STEP_ORDER", AS_OF)) == ["X1"]
    deliver(tmp_path, "案件_2月.csv", "police_cases", [
        case("X1", "刑事", "2024-01-10 09:00", filed="2024-01-11 08:00",
             measures="2024-01-11 10:00")])
    assert judged("CASE_STEP_ORDER", AS_OF) == {}


def test_at_an_earlier_as_of_date_later_steps_and_cases_have_not_happened(tmp_path: Path,
                                                                          home: Path):
    deliver(tmp_path, "案件.csv", "police_cases", [
        # 强制措施 on 30 January, 立案 only on 5 February: at 31 January, measures with no 立案.
        case("M-unfiled-yet", "刑事", "2024-01-29 09:00", filed="2024-02-05",
             measures="2024-01-30"),
        # 立案 on 1 February, the day after: at 31 January nothing is out of order yet.
        case("M-filed-later", "刑事", "2024-01-29 09:00", filed="2024-02-01",
             measures="2024-02-03"),
        # Received after 31 January (its 立案 is before its 受理): it does not exist yet.
        case("X-unborn", "刑事", "2024-02-10 09:00", filed="2024-01-08 09:00"),
    ])
    found = judged("CASE_STEP_ORDER", dt.date(2024, 1, 31))
    assert sorted(found) == ["M-unfiled-yet"]
    assert found["M-unfiled-yet"].facts["disorder"] == "于2024年1月30日采取强制措施，但未立案"
    # By 10 February the 立案 came after the 强制措施, and the case received that day exists.
    assert sorted(judged("CASE_STEP_ORDER", dt.date(2024, 2, 10))) == ["M-unfiled-yet",
                                                                        "X-unborn"]
