"""RECTIFICATION_OVERDUE (contract §6): not rectified by 整改期限 (rectified later, or not
rectified and the deadline before the as-of date); rectified on or before it is in time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.model_library.police import deliver, finding, judged

AS_OF = dt.date(2024, 2, 15)


def test_a_finding_rectified_late_or_not_by_a_passed_deadline_fires(tmp_path: Path,
                                                                    home: Path):
    deliver(tmp_path, "问题.csv", "inspection_findings", [
        finding("DC-late", "2024-01-10", "2024-01-31", rectified="2024-02-05"),
        finding("DC-on-day", "2024-01-10", "2024-01-31", rectified="2024-01-31"),
        finding("DC-early", "2024-01-10", "2024-01-31", rectified="2024-01-20"),
        finding("DC-open-passed", "2024-01-20", "2024-02-14"),
        # The deadline is the as-of date itself: not passed before it.
        finding("DC-open-due", "2024-01-20", "2024-02-15"),
        finding("DC-open-later", "2024-02-01", "2024-03-10"),
    ])
    found = judged("RECTIFICATION_OVERDUE", AS_OF)
    assert sorted(found) == ["DC-late", "DC-open-passed"]
    late = found["DC-late"]
    assert late.explanation == (
        "东风派出所于2024年1月10日被督察发现值守类问题DC-late（带班领导未在岗，督察人员白督察），"
        "整改期限2024年1月31日，实际于2024年2月5日整改完成，超期5天（按2024年2月15日判断）。")
    assert (late.subject_kind, late.subject_name, late.unit, late.period_from, late.period_to,
            late.money, late.amount, late.id_number) == (
        "finding", "督察问题DC-late（东风派出所，值守）", "东风派出所", "2024-01-10",
        "2024-01-10", False, 0, "")
    assert [(r.dataset, r.file, r.row) for r in late.evidence] == [
        ("inspection_findings", "问题.csv", 2)]
    assert found["DC-open-passed"].facts["lateness"] == "截至2024年2月15日仍未整改完成，已超期1天"
    assert found["DC-open-passed"].facts["days_late"] == "1"


def test_a_finding_delivered_again_rectified_is_judged_by_the_later_row(tmp_path: Path,
                                                                        home: Path):
    deliver(tmp_path, "问题_1月.csv", "inspection_findings", [
        finding("DC1", "2024-01-10", "2024-01-31"), finding("DC2", "2024-01-10", "2024-01-31")])
    assert sorted(judged("RECTIFICATION_OVERDUE", AS_OF)) == ["DC1", "DC2"]
    deliver(tmp_path, "问题_2月.csv", "inspection_findings", [
        finding("DC1", "2024-01-10", "2024-01-31", rectified="2024-01-30"),
        finding("DC2", "2024-01-10", "2024-01-31", rectified="2024-02-03")])
    found = judged("RECTIFICATION_OVERDUE", AS_OF)
    assert sorted(found) == ["DC2"]
    assert found["DC2"].facts["lateness"] == "实际于2024年2月3日整改完成，超期3天"
    assert [(r.file, r.row) for r in found["DC2"].evidence] == [("问题_2月.csv", 3)]


def test_without_cases_the_findings_are_judged_at_their_own_latest_date(tmp_path: Path,
                                                                        home: Path):
    deliver(tmp_path, "问题.csv", "inspection_findings", [
        finding("DC-open", "2024-01-10", "2024-01-31"),
        finding("DC-last", "2024-02-01", "2024-03-10", rectified="2024-03-01")])
    found = judged("RECTIFICATION_OVERDUE")
    assert sorted(found) == ["DC-open"]
    assert found["DC-open"].facts["as_of"] == "2024-03-10"


def test_at_an_earlier_as_of_date_later_findings_and_rectifications_have_not_happened(
        tmp_path: Path, home: Path):
    deliver(tmp_path, "问题.csv", "inspection_findings", [
        # Rectified on 20 February, 5 days late: at 10 February, open and past its deadline.
        finding("DC-rectified-later", "2024-01-10", "2024-02-05", rectified="2024-02-20"),
        # Rectified late, but after 10 February: at that date its deadline is still ahead.
        finding("DC-not-due", "2024-01-10", "2024-02-12", rectified="2024-02-14"),
        # Found after 10 February with a deadline before it (a slip): not found yet.
        finding("DC-unborn", "2024-02-11", "2024-01-31"),
    ])
    found = judged("RECTIFICATION_OVERDUE", dt.date(2024, 2, 10))
    assert sorted(found) == ["DC-rectified-later"]
    assert found["DC-rectified-later"].facts["lateness"] == (
        "截至2024年2月10日仍未整改完成，已超期5天")
