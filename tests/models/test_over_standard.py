"""OVER_STANDARD: a payment above the catalog standard (area-based: rate × declared area)."""

from __future__ import annotations

from tests.models.county import County, Run, assert_explains, basis, evidence, figures, months, paid

county = County()

# 低保 at most 700 a month: 750 in March.
over = county.person("朱德明", born="1953-03-13")
dibao = county.pay(over, "低保", months("2024-01", "2024-04"), 700)
over_march = county.pay(over, "低保", "2024-03", 750, file="三月补充.csv")

# 高龄补贴 at most 300: 350 for three months.
over_many = county.person("许凤英", born="1930-06-06")
gaoling = county.pay(over_many, "高龄补贴", months("2024-01", "2024-03"), 350)

# 地力补贴 105 元 per declared 亩: 10 亩 declared, 1100 paid.
area_over = county.person("何永福", born="1962-07-07")
declared_ten = county.enroll(area_over, "地力补贴", "2023-01", declared_area="10")
dili = county.pay(area_over, "地力补贴", "2024", "1100.00")

# Exactly at the standard.
at_standard = county.person("吴淑珍", born="1958-12-01")
county.pay(at_standard, "低保", months("2024-01", "2024-03"), "700.00")

# 禁牧 7.5 × 13.33 亩 = 99.975: 99.98 is that rounded to the fen.
rounding = county.person("郑海涛", born="1970-02-14")
county.enroll(rounding, "禁牧补助", "2023-01", declared_area="13.33")
county.pay(rounding, "禁牧补助", "2024", "99.98")

# 地力 105 × 2.345 亩 = 246.225: 246.23 is rounding too.
rounding_dili = county.person("王小燕", born="1975-04-30")
county.enroll(rounding_dili, "地力补贴", "2023-01", declared_area="2.345")
county.pay(rounding_dili, "地力补贴", "2024", "246.23")

# One fen over the rounded standard is over.
cent_over = county.person("谢长江", born="1968-08-18")
county.enroll(cent_over, "禁牧补助", "2023-01", declared_area="13.33")
jinmu = county.pay(cent_over, "禁牧补助", "2024", "99.99")



def test_a_month_above_the_standard_fires_for_the_excess(run: Run):
    found = run.one(over)
    assert figures(found) == ("DIBAO", "2024-03", "2024-03", "50.00")
    assert evidence(found) == paid(over_march)
    assert_explains(found, "朱德明", "700.00元", "2024年3月", "50.00")


def test_several_months_above_the_standard_make_one_warning(run: Run):
    found = run.one(over_many)
    assert figures(found) == ("GAOLING", "2024-01", "2024-03", "150.00")
    assert evidence(found) == paid(gaoling)
    assert_explains(found, "300.00元", "3期")


def test_area_program_above_rate_times_declared_area_fires(run: Run):
    found = run.one(area_over)
    assert figures(found) == ("DILI", "2024", "2024", "50.00")
    assert evidence(found) == paid(dili) | basis(declared_ten)
    assert_explains(found, "105", "10", "=1,050.00元")


def test_exactly_the_standard_does_not_fire(run: Run):
    assert not run.fired(at_standard)


def test_rounding_to_the_fen_does_not_fire(run: Run):
    assert not run.fired(rounding)
    assert not run.fired(rounding_dili)


def test_one_fen_above_the_rounded_standard_fires(run: Run):
    found = run.one(cent_over)
    assert figures(found) == ("JINMU", "2024", "2024", "0.01")
    assert paid(jinmu) <= evidence(found)


# -- contract v1.1, section 5 ---------------------------------------------------------------
# 留工补贴 at most 500 元 per claimed worker: 9 claimed, 5,000 paid (4,500 allowed).
liugong_over = county.company("陇县多发建材有限公司", county.person("多发", born="1970-01-09"))
liugong_over_paid = county.pay_company(liugong_over, "留工补贴", "2024-01", 5000, claimed=9)
# Exactly 500 per claimed worker; no claimed headcount (nothing to hold it to).
liugong_exact = county.company("陇县足额农机有限公司", county.person("足额", born="1970-01-10"))
county.pay_company(liugong_exact, "留工补贴", "2024-01", "4500.00", claimed=9)
liugong_unclaimed = county.company("陇县未报商贸有限公司", county.person("未报", born="1970-01-11"))
county.pay_company(liugong_unclaimed, "留工补贴", "2024-01", 9000)

# 农民工临时生活补助 at most 1,000 元 a year: 1,200 is over, 1,000 is not.
migrant_over = county.person("外出", born="1990-02-02")
county.pay(migrant_over, "农民工临时生活补助", "2024", 1200)
migrant_at = county.person("返乡", born="1990-03-03")
county.pay(migrant_at, "农民工临时生活补助", "2024", 1000)

# 社区值班补助 is paid per roster day: its standard is DUTY_ALLOWANCE_UNEARNED's alone.
on_duty = county.person("值班", born="1985-04-04")
county.pay(on_duty, "社区值班补助", "2024-02", 3000)

run = county.fixture("OVER_STANDARD")


def test_a_company_paid_above_its_claimed_workers_standard_fires_on_the_company(run: Run):
    found = run.one(liugong_over)
    assert figures(found) == ("LIUGONG", "2024-01", "2024-01", "500.00")
    assert evidence(found) == paid(liugong_over_paid)
    assert (found.subject_kind, found.subject_name) == ("company", "陇县多发建材有限公司")
    assert liugong_over.rep and found.id_number == liugong_over.rep.id
    assert_explains(found, "陇县多发建材有限公司", "每名申报职工500.00元", "9人", "=4,500.00元")


def test_a_company_at_its_standard_or_without_a_claimed_headcount_does_not_fire(run: Run):
    assert not run.fired(liugong_exact) and not run.fired(liugong_unclaimed)


def test_the_migrant_workers_aid_is_held_to_its_yearly_standard(run: Run):
    assert figures(run.one(migrant_over)) == ("LINSHI_NONGMINGONG", "2024", "2024", "200.00")
    assert not run.fired(migrant_at)


def test_a_duty_allowance_is_not_judged_here(run: Run):
    assert not run.fired(on_duty)
