"""EXCLUSIVE_PROGRAMS: one person paid by two mutually exclusive programs for one period."""

from __future__ import annotations

from tests.models.county import County, Run, assert_explains, basis, evidence, figures, months, paid

county = County()

# 低保 January to June, 特困 from April: April to June overlap, and 低保 is the smaller side.
both = county.person("钱玉梅", born="1949-09-19")
dibao = county.pay(both, "低保", months("2024-01", "2024-06"), 500)
tekun = county.pay(both, "特困供养", months("2024-04", "2024-09"), 1000)

# Where 特困 is the smaller side over the overlap, 特困 is what was paid twice.
tekun_smaller = county.person("蒋国庆", born="1944-10-01")
county.pay(tekun_smaller, "低保", months("2024-05", "2024-07"), 700)
small_tekun = county.pay(tekun_smaller, "特困人员救助供养", "2024-06", 300)

# Moved from 低保 to 特困 at the end of March: the periods do not overlap.
switched = county.person("沈宝山", born="1947-12-24")
county.pay(switched, "低保", months("2024-01", "2024-03"), 500)
county.pay(switched, "特困供养", months("2024-04", "2024-06"), 1000)

# 低保 and 高龄补贴 together are allowed.
not_exclusive = county.person("吕翠花", born="1935-05-20")
county.pay(not_exclusive, "低保", months("2024-01", "2024-03"), 500)
county.pay(not_exclusive, "高龄补贴", months("2024-01", "2024-03"), 100)


run = county.fixture("EXCLUSIVE_PROGRAMS")


def test_overlapping_exclusive_programs_fire_once_for_the_overlap(run: Run):
    found = run.one(both)
    assert figures(found) == ("DIBAO", "2024-04", "2024-06", "1500.00")
    assert_explains(found, "钱玉梅", "农村最低生活保障", "特困人员救助供养",
                    "2024年4月至2024年6月", "1,500.00")


def test_evidence_is_both_sides_of_the_overlap(run: Run):
    assert evidence(run.one(both)) == paid(dibao[3:]) | basis(tekun[:3])


def test_the_smaller_side_is_what_was_paid_twice(run: Run):
    found = run.one(tekun_smaller)
    assert figures(found) == ("DIBAO", "2024-06", "2024-06", "300.00")
    assert {row for row, role in evidence(found) if role == "paid"} == set(small_tekun)


def test_periods_that_do_not_overlap_do_not_fire(run: Run):
    assert not run.fired(switched)


def test_programs_that_do_not_exclude_each_other_do_not_fire(run: Run):
    assert not run.fired(not_exclusive)
