"""POST_UNCOVERED: a shift a post's coverage requires has nobody rostered at that post, on a
date within the post's active period and the roster's date range."""

from __future__ import annotations

import pytest

from sunlight.contract.catalog import load_catalog
from sunlight.models.registry import load_library
from sunlight.models.runner import detect, select
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from tests.models.county import County, Run, assert_explains, evidence, paid

county = County()
TRAFFIC, STATION = "交警大队", "城关派出所"
DAYS = ("2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04")
guard = county.person("杨军", "1984-04-14", registered=False)


def staffed(unit: str, post: str, shift: str, days: tuple[str, ...] = DAYS) -> None:
    for day in days:
        county.on_duty(guard, day, shift, "值班民警", unit, post=post)


# The roster's range is 1–4 March: the community's duty room is on it at both ends.
county.on_duty(guard, "2024-03-01", unit="东风村委会")
county.on_duty(guard, "2024-03-04", unit="东风村委会")

# A 24-hour checkpoint without its night shift of 2 March.
night_gap = county.post(TRAFFIC, "G85千阳卡口", file="站点.csv")
staffed(TRAFFIC, "G85千阳卡口", "白班")
staffed(TRAFFIC, "G85千阳卡口", "夜班", ("2024-03-01", "2024-03-03", "2024-03-04"))

# A 24-hour post held by 全天 rows alone; a 白班 post without any night.
county.post(TRAFFIC, "S212温水卡口", file="站点.csv")
staffed(TRAFFIC, "S212温水卡口", "全天")
county.post(STATION, "户籍窗口", "白班", file="站点.csv")
staffed(STATION, "户籍窗口", "白班")

# Active from 3 March, staffed from then; active to 2 March, staffed till then.
county.post(TRAFFIC, "固关检查站", active_from="2024-03-03", file="站点.csv")
staffed(TRAFFIC, "固关检查站", "全天", ("2024-03-03", "2024-03-04"))
county.post(TRAFFIC, "八渡收费站卡口", active_to="2024-03-02", file="站点.csv")
staffed(TRAFFIC, "八渡收费站卡口", "全天", ("2024-03-01", "2024-03-02"))
# Active to 3 March (inclusive), staffed till the 2nd: the 3rd is a gap, the 4th is not.
last_day = county.post(STATION, "值班室", "白班", active_to="2024-03-03", file="站点.csv")
staffed(STATION, "值班室", "白班", ("2024-03-01", "2024-03-02"))

# Only rows without a post (a leader on call) and rows of another post: nobody at this one.
never = county.post(STATION, "东关卡口", "白班", file="站点.csv")
for day in DAYS:
    county.on_duty(guard, day, "全天", "带班领导", STATION)

# Listed active, then re-delivered deactivated from 2 March: the later row is the post.
county.post(TRAFFIC, "高速出口", file="站点.csv")
staffed(TRAFFIC, "高速出口", "全天", ("2024-03-01", "2024-03-02"))
county.post(TRAFFIC, "高速出口", active_to="2024-03-02", file="站点_更新.csv")

# A `/` inside a name: unit 交警大队/东's post 西 and unit 交警大队's post 东/西 are two posts,
# each with a gap of its own; a post named like an address keeps its name.
for unit, post, gap in ((f"{TRAFFIC}/东", "西", "2024-03-02"), (TRAFFIC, "东/西", "2024-03-03"),
                        (TRAFFIC, "http://卡口", "2024-03-04")):
    county.post(unit, post, "白班", file="站点.csv")
    staffed(unit, post, "白班", tuple(day for day in DAYS if day != gap))

run = county.fixture("POST_UNCOVERED")


def test_a_missing_night_shift_of_a_24_hour_post_fires_for_its_date(run: Run):
    found = run.one(f"{TRAFFIC}/G85千阳卡口")
    assert (found.subject_kind, found.subject_name, found.id_number, found.program) == (
        "post", "交警大队 G85千阳卡口", "", "")
    assert (found.period_from, found.period_to) == ("2024-03-02", "2024-03-02")
    assert evidence(found) == paid(night_gap)
    assert_explains(found, "交警大队G85千阳卡口（勤务要求24小时）", "1天共1个班次",
                    "2024年3月2日夜班")


def test_a_post_nobody_names_is_uncovered_every_date_of_the_roster(run: Run):
    found = run.one(f"{STATION}/东关卡口")
    assert (found.period_from, found.period_to) == ("2024-03-01", "2024-03-04")
    assert evidence(found) == paid(never)
    assert (found.facts["dates"], found.facts["shifts"]) == ("4", "4")
    assert_explains(found, "4天共4个班次", "2024年3月1日白班", "2024年3月4日白班")


def test_the_last_active_date_is_judged(run: Run):
    found = run.one(f"{STATION}/值班室")
    assert (found.period_from, found.period_to) == ("2024-03-03", "2024-03-03")
    assert evidence(found) == paid(last_day)


@pytest.mark.parametrize("post", [
    "S212温水卡口", "户籍窗口", "固关检查站", "八渡收费站卡口", "高速出口"],
    ids=["全天 rows", "白班 coverage", "before active", "after active", "re-delivered"])
def test_a_post_staffed_whenever_it_is_active_does_not_fire(run: Run, post: str):
    unit = STATION if post == "户籍窗口" else TRAFFIC
    assert not run.fired(f"{unit}/{post}")


def test_only_the_roster_range_is_judged(run: Run):
    # The community's rows set the range to 1–4 March; no post is judged after it.
    assert max(d.period_to for d in run.detections) == "2024-03-04"
    assert min(d.period_from for d in run.detections) == "2024-03-01"


def test_the_explanation_names_the_first_dates_and_counts_them_all(run: Run):
    fewer = detect(DuckDBEngine(), run.warehouse, load_catalog(),
                   select(load_library(), ["POST_UNCOVERED"]),
                   overrides={"POST_UNCOVERED": {"shown": 2}})
    [found] = [d for d in fewer.detections if d.subject == f"{STATION}/东关卡口"]
    assert_explains(found, "4天共4个班次", "2024年3月1日白班；2024年3月2日白班；等4天")
    assert "3月3日" not in found.explanation


def test_a_slash_in_a_unit_or_post_name_keeps_two_posts_apart(run: Run):
    found = {d.subject: (d.subject_name, d.period_from) for d in run.detections}
    assert found[f"{TRAFFIC}／东/西"] == (f"{TRAFFIC}/东 西", "2024-03-02")
    assert found[f"{TRAFFIC}/东／西"] == (f"{TRAFFIC} 东/西", "2024-03-03")
    assert found[f"{TRAFFIC}/http:／／卡口"] == (f"{TRAFFIC} http://卡口", "2024-03-04")
