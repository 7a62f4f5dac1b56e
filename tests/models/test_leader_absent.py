"""LEADER_ABSENT: a unit that rosters leaders, on a date it rosters anyone, has no 带班领导 on
its roster, or every leader rostered that date was found 不在岗 during their shift."""

from __future__ import annotations

import pytest

from tests.models.county import County, Person, Run, assert_explains, basis, evidence, paid

county = County()
LEADER, OFFICER = "带班领导", "值班民警"


def staff(name: str, born: str) -> Person:
    return county.person(name, born, registered=False)


# 城关派出所 rosters its leader on most dates.
CHENGGUAN = "城关派出所"
chief = staff("王建军", "1972-03-03")
deputy = staff("刘志强", "1975-10-10")
officer = staff("张伟", "1988-08-18")
for day in ("2024-02-01", "2024-02-02", "2024-02-03", "2024-02-04", "2024-02-05",
            "2024-02-06"):
    county.on_duty(officer, day, "白班", OFFICER, CHENGGUAN, post="值班室")
county.on_duty(chief, "2024-02-01", "全天", LEADER, CHENGGUAN, police_number="610101")
county.check(chief, "2024-02-01 10:00", CHENGGUAN, result="在岗")
county.on_duty(chief, "2024-02-02", "全天", LEADER, CHENGGUAN, police_number="610101")
# 3 February: officers only, no leader.
unled = [county.on_duty(deputy, "2024-02-03", "夜班", OFFICER, CHENGGUAN, post="值班室")]
# 4 February: the only leader found absent during his 全天, and 在岗 later that day.
chief_4 = county.on_duty(chief, "2024-02-04", "全天", LEADER, CHENGGUAN, police_number="610101")
chief_absent_4 = county.check(chief, "2024-02-04 15:30", CHENGGUAN, method="视频点名")
county.check(chief, "2024-02-04 18:00", CHENGGUAN, result="在岗")
# 5 February: found absent at 21:00, after his 白班 ended.
county.on_duty(chief, "2024-02-05", "白班", LEADER, CHENGGUAN, police_number="610101")
county.check(chief, "2024-02-05 21:00", CHENGGUAN)
# 6 February: a 夜班 leader found absent at 02:00 of the 7th, a date nobody is rostered.
chief_6 = county.on_duty(chief, "2024-02-06", "夜班", LEADER, CHENGGUAN, police_number="610101")
chief_absent_6 = county.check(chief, "2024-02-07 02:00", CHENGGUAN, method="定位")

# 东风派出所: two leaders on one date, one found absent; one leader on another, found 在岗.
DONGFENG = "东风派出所"
first, second = staff("李红", "1977-07-07"), staff("陈刚", "1981-01-01")
county.on_duty(first, "2024-02-01", "白班", LEADER, DONGFENG)
county.on_duty(second, "2024-02-01", "夜班", LEADER, DONGFENG)
county.check(first, "2024-02-01 09:00", DONGFENG)
county.on_duty(second, "2024-02-02", "全天", LEADER, DONGFENG)
county.check(second, "2024-02-02 09:00", DONGFENG, result="在岗")

# 巡特警大队: both leaders of a date found absent during their shifts.
PATROL = "巡特警大队"
day_lead, night_lead = staff("周斌", "1976-04-04"), staff("吴磊", "1979-09-19")
patrol_rows = [county.on_duty(day_lead, "2024-02-02", "白班", LEADER, PATROL),
               county.on_duty(night_lead, "2024-02-02", "夜班", LEADER, PATROL)]
patrol_checks = [county.check(night_lead, "2024-02-02 23:10", PATROL),
                 county.check(day_lead, "2024-02-02 09:40", PATROL)]

# A community's duty room never rosters a leader.
COMMUNITY = "东风村委会"
county.on_duty(staff("赵敏", "1990-05-01"), "2024-02-01")
county.on_duty(staff("钱芳", "1991-06-02"), "2024-02-02")

run = county.fixture("LEADER_ABSENT")


def test_a_unit_warns_once_for_its_dates_without_a_leader_on_duty(run: Run):
    found = run.one(CHENGGUAN)
    assert (found.subject_kind, found.subject_name, found.id_number, found.program) == (
        "unit", CHENGGUAN, "", "")
    assert (found.period_from, found.period_to) == ("2024-02-03", "2024-02-06")
    assert (found.facts["dates"], found.facts["dates_unled"], found.facts["dates_absent"]) == (
        "3", "1", "2")


def test_a_date_without_a_leader_rostered_shows_that_dates_roster(run: Run):
    rows = {(e.dataset, e.row, e.role) for e in run.one(CHENGGUAN).evidence
            if e.period == "2024-02-03"}
    assert {(row.dataset, row.row, "paid") for row in unled} <= rows
    assert {role for _, _, role in rows} == {"paid"} and len(rows) == 2
    assert_explains(run.one(CHENGGUAN), "2024年2月3日排班2人，无带班领导")


def test_the_only_leader_found_absent_during_his_shift_leaves_the_date_uncovered(run: Run):
    found = run.one(CHENGGUAN)
    assert evidence(found) >= paid(chief_absent_4, chief_absent_6) | basis(chief_4, chief_6)
    assert_explains(found, "城关派出所有3天领导带班缺位",
                    "2024年2月4日带班领导王建军（警号610101，全天）2月4日15:30视频点名核查不在岗",
                    "2024年2月6日带班领导王建军（警号610101，夜班）2月7日02:00定位核查不在岗")


def test_dates_with_a_leader_not_found_absent_in_his_shift_are_not_uncovered(run: Run):
    dates = {e.period for e in run.one(CHENGGUAN).paid_rows()}
    assert dates == {"2024-02-03", "2024-02-04", "2024-02-06"}


def test_a_date_whose_every_leader_was_found_absent_is_uncovered(run: Run):
    found = run.one(PATROL)
    assert (found.period_from, found.period_to) == ("2024-02-02", "2024-02-02")
    assert evidence(found) == paid(patrol_checks) | basis(patrol_rows)
    assert_explains(found, "吴磊（夜班）2月2日23:10核查不在岗，周斌（白班）2月2日09:40核查不在岗")


@pytest.mark.parametrize("unit", [DONGFENG, COMMUNITY],
                         ids=["one of two leaders absent", "never rosters a leader"])
def test_a_leader_on_duty_or_a_unit_without_leaders_does_not_fire(run: Run, unit: str):
    assert not run.fired(unit)
