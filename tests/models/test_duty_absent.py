"""DUTY_ABSENT: a duty check during one of the person's rostered shifts found them 不在岗."""

from __future__ import annotations

import pytest

from tests.models.county import County, Person, Run, assert_explains, basis, evidence, paid

county = County()
UNIT = "城关派出所"


def officer(name: str, born: str) -> Person:
    return county.person(name, born, registered=False)


# A night shift runs to 08:00 of the next date: a check at 02:10 that date is in it.
night = officer("张卫东", "1985-03-12")
night_row = county.on_duty(night, "2024-02-10", "夜班", "值班民警", UNIT, post="值班室",
                           police_number="610321")
night_check = county.check(night, "2024-02-11 02:10", UNIT, post="值班室", method="视频点名")

# A shift covers from its start, inclusive, to its end, exclusive.
edges = officer("李建国", "1979-07-01")
county.on_duty(edges, "2024-02-10", "夜班", "值班民警", UNIT)
starts = county.check(edges, "2024-02-10 20:00", UNIT)
county.check(edges, "2024-02-11 08:00", UNIT)  # the night has ended

# A 全天 row covers the whole of its date.
whole_day = officer("王秀兰", "1990-11-23")
whole_row = county.on_duty(whole_day, "2024-02-12", "全天", "辅警", UNIT)
late = county.check(whole_day, "2024-02-12 23:30", UNIT)
county.check(whole_day, "2024-02-13 00:30", UNIT)  # the next date: no shift of hers

# Checked outside every shift of theirs: a 白班 ends at 20:00.
off_duty = officer("赵刚", "1982-05-05")
county.on_duty(off_duty, "2024-02-10", "白班", "值班民警", UNIT)
county.check(off_duty, "2024-02-10 21:00", UNIT)
county.check(off_duty, "2024-02-10 07:59", UNIT)

# Someone else was checked: the rostered one is not absent, the one checked was on no shift.
rostered = officer("孙丽", "1988-01-30")
county.on_duty(rostered, "2024-02-10", "白班", "值班民警", UNIT)
stranger = officer("钱勇", "1975-09-09")
county.check(stranger, "2024-02-10 10:00", UNIT)

# Found 在岗.
present = officer("周敏", "1992-04-04")
county.on_duty(present, "2024-02-10", "白班", "辅警", UNIT)
county.check(present, "2024-02-10 10:00", UNIT, result="在岗")

# The check and the roster row name different posts; or the check names a post and the row
# none (a leader on call), which is no contradiction.
moved = officer("吴强", "1980-12-12")
county.on_duty(moved, "2024-02-10", "白班", "辅警", "交警大队", post="G85千阳卡口")
county.check(moved, "2024-02-10 11:00", "交警大队", post="S212温水卡口")
on_call = officer("郑华", "1970-02-02")
county.on_duty(on_call, "2024-02-10", "全天", "带班领导", "交警大队", police_number="610009")
on_call_check = county.check(on_call, "2024-02-10 11:00", "交警大队", post="G85千阳卡口")

# Rostered at one unit, checked at another.
elsewhere = officer("冯军", "1983-08-08")
county.on_duty(elsewhere, "2024-02-10", "白班", "值班民警", UNIT)
county.check(elsewhere, "2024-02-10 11:00", "东风派出所")

# Absent three times on two dates: one warning, every check counted and named.
often = officer("陈静", "1986-06-16")
often_rows = [county.on_duty(often, "2024-02-14", "白班", "值班民警", UNIT, police_number="610555"),
              county.on_duty(often, "2024-02-20", "全天", "值班民警", UNIT, police_number="610555")]
often_checks = [county.check(often, "2024-02-14 09:15", UNIT, method="人脸打卡"),
                county.check(often, "2024-02-14 15:40", UNIT, method="视频点名"),
                county.check(often, "2024-02-20 22:05", UNIT, method="定位")]

# A check within two rows of the person (a 全天 and a 白班 of one date): one absence.
twice_rostered = officer("何平", "1991-10-10")
both_rows = [county.on_duty(twice_rostered, "2024-02-15", "全天", "值班民警", UNIT),
             county.on_duty(twice_rostered, "2024-02-15", "白班", "值班民警", UNIT)]
both_check = county.check(twice_rostered, "2024-02-15 10:30", UNIT)

run = county.fixture("DUTY_ABSENT")


def test_a_check_after_midnight_falls_in_the_night_shift_of_the_date_before(run: Run):
    found = run.one(night)
    assert (found.period_from, found.period_to) == ("2024-02-11", "2024-02-11")
    assert evidence(found) == paid(night_check) | basis(night_row)
    assert (found.subject_kind, found.subject_name, found.id_number) == (
        "person", "张卫东", night.id)
    assert_explains(found, "张卫东（警号610321）", "1次不在岗",
                    "2024年2月11日02:10（视频点名，2月10日夜班，城关派出所值班室）")
    # Each row of its own date: the check of the 11th, the night shift of the 10th.
    assert sorted((e.dataset, e.period) for e in found.evidence) == [
        ("duty_checks", "2024-02-11"), ("duty_roster", "2024-02-10")]


def test_a_shift_holds_its_start_and_not_its_end(run: Run):
    found = run.one(edges)
    assert evidence(found) >= paid(starts) and found.facts["absences"] == "1"


def test_a_whole_day_row_covers_its_date_to_midnight(run: Run):
    found = run.one(whole_day)
    assert (found.period_from, found.period_to) == ("2024-02-12", "2024-02-12")
    assert evidence(found) >= paid(late) and found.facts["absences"] == "1"


@pytest.mark.parametrize("who", [off_duty, rostered, stranger, present, moved, elsewhere],
                         ids=["outside every shift", "someone else checked",
                              "checked but not rostered", "在岗", "another post",
                              "another unit"])
def test_no_absence_during_a_shift_of_theirs_does_not_fire(run: Run, who: Person):
    assert not run.fired(who)


def test_a_check_naming_a_post_finds_someone_rostered_with_none(run: Run):
    assert evidence(run.one(on_call)) >= paid(on_call_check)


def test_one_warning_per_person_counts_and_names_every_check(run: Run):
    found = run.one(often)
    assert (found.period_from, found.period_to, found.program) == (
        "2024-02-14", "2024-02-20", "")
    assert evidence(found) == paid(often_checks) | basis(often_rows)
    assert found.facts["absences"] == "3"
    assert_explains(found, "陈静（警号610555）", "3次不在岗",
                    "2024年2月14日09:15（人脸打卡，2月14日白班，城关派出所）",
                    "2024年2月14日15:40（视频点名，2月14日白班，城关派出所）",
                    "2024年2月20日22:05（定位，2月20日全天，城关派出所）")


def test_a_check_within_two_rows_of_the_person_is_one_absence_naming_both(run: Run):
    found = run.one(twice_rostered)
    assert evidence(found) == paid(both_check) | basis(both_rows)
    assert found.facts["absences"] == "1"
    assert_explains(found, "2024年2月15日10:30（2月15日全天、2月15日白班，城关派出所）")
