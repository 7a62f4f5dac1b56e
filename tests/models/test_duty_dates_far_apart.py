"""A roster row dated 1900 (a typo, or a hostile file: ingestion accepts 1900–2100) stretches
the roster's range over 124 years (contract §6). The duty models must still say exactly which
dates are concerned, returning a bounded number of rows, not one per date per post."""

from __future__ import annotations

from datetime import date

from sunlight.contract.catalog import load_catalog
from sunlight.models.registry import load_library
from sunlight.models.runner import detect, select
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from tests.models.county import County, Run, assert_explains

county = County()
UNIT = "交警大队"
POSTS = 40
"""Enough that one row per date per post (1.8 million) would take gigabytes and minutes."""
officer = county.person("杨军", "1984-04-14", registered=False)
leader = county.person("王建军", "1972-07-11", registered=False)

# The typo: a duty-room row of 1900 (no post, no leader that date).
county.on_duty(officer, "1900-01-01", "全天", "值班民警", UNIT)
for number in range(POSTS):
    extra = {"active_from": "1900-01-01"} if number == 1 else {}
    county.post(UNIT, f"卡口{number:02d}", file="站点.csv", **extra)
    for day in ("2024-03-01", "2024-03-02", "2024-03-03"):
        # 卡口00 lacks the 白班 of 2 March: its night is rostered alone that date.
        shift = "夜班" if number == 0 and day == "2024-03-02" else "全天"
        county.on_duty(officer, day, shift, "值班民警", UNIT, post=f"卡口{number:02d}")
for day in ("2024-03-01", "2024-03-02", "2024-03-03"):
    county.on_duty(leader, day, "全天", "带班领导", UNIT)
county.check(officer, "2024-03-02 10:00", UNIT, post="卡口01")

run = county.fixture("POST_UNCOVERED", "LEADER_ABSENT", "DUTY_ABSENT")
BEFORE = (date(2024, 3, 1) - date(1900, 1, 1)).days
"""The dates from 1 January 1900 to 29 February 2024, which nobody is rostered at a post."""
ROSTER_ROWS = 1 + POSTS * 3 + 3


def test_each_post_is_uncovered_from_1900_counted_exactly(run: Run):
    found = run.one(f"{UNIT}/卡口05")
    assert (found.period_from, found.period_to) == ("1900-01-01", "2024-02-29")
    assert (found.facts["dates"], found.facts["shifts"]) == (str(BEFORE), str(2 * BEFORE))
    assert_explains(found, f"{BEFORE}天共{2 * BEFORE}个班次",
                    "1900年1月1日白班、夜班；1900年1月2日白班、夜班", f"等{BEFORE}天")
    gap = run.one(f"{UNIT}/卡口00")
    assert (gap.period_from, gap.period_to) == ("1900-01-01", "2024-03-02")
    assert (gap.facts["dates"], gap.facts["shifts"]) == (str(BEFORE + 1), str(2 * BEFORE + 1))
    assert run.one(f"{UNIT}/卡口01").period_from == "1900-01-01"  # active from 1900
    assert len(run.detections) == POSTS + 2  # every post, the unit, the officer


def test_the_models_return_rows_bounded_by_the_rows_delivered(run: Run):
    # One row per stretch of dates staffed alike (at most two per date rostered), never one
    # per date: 40 posts over 124 years would be 1.8 million rows here.
    assert run.outcome("POST_UNCOVERED").rows <= 2 * POSTS
    assert run.outcome("LEADER_ABSENT").rows <= ROSTER_ROWS
    assert run.outcome("DUTY_ABSENT").rows <= 2


def test_the_explanation_names_only_the_dates_asked_for(run: Run):
    fewer = detect(DuckDBEngine(), run.warehouse, load_catalog(),
                   select(load_library(), ["POST_UNCOVERED"]),
                   overrides={"POST_UNCOVERED": {"shown": 1}})
    [found] = [d for d in fewer.detections if d.subject == f"{UNIT}/卡口00"]
    assert found.facts["occasions"] == f"1900年1月1日白班、夜班；等{BEFORE + 1}天"
