"""DUPLICATE_PAYMENT: one person, one program, one period, paid more than once."""

from __future__ import annotations

from tests.models.county import County, Run, assert_explains, basis, evidence, figures, months, paid

county = County()

# March paid in the March file and again in the back-pay file a month later.
twice = county.person("马文斌", born="1952-04-04")
first_march = county.pay(twice, "低保", months("2024-01", "2024-03"), 500, file="一季度.csv",
                         paid_on="2024-03-25")
again_march = county.pay(twice, "低保", "2024-03", 500, file="补发.csv", paid_on="2024-04-15")

# May paid three times: two of them are too many.
thrice = county.person("韩秀兰", born="1938-08-08")
may = county.pay(thrice, "高龄补贴", ["2024-05", "2024-05", "2024-05"], 300)

# The same month written three ways is still the same month.
written_differently = county.person("冯志明", born="1957-01-15")
spelled = county.pay(written_differently, "低保", ["2024-06", "2024年6月", "202406"], 420)

# An annual program paid twice for one year.
annual = county.person("邓丽君", born="1966-11-11")
dili = county.pay(annual, "地力补贴", ["2024", "2024"], "1050.00")

# Two different months paid on the same day (back pay with the current month) is no duplicate.
same_day = county.person("曹建设", born="1961-02-02")
county.pay(same_day, "低保", ["2024-01", "2024-02"], 500, paid_on="2024-02-26")

# One month paid by two different programs is no duplicate either.
two_programs = county.person("彭桂英", born="1936-03-03")
county.pay(two_programs, "低保", "2024-03", 500)
county.pay(two_programs, "高龄补贴", "2024-03", 100)

# Paid, reversed by the bank (冲正, the same amount negative), paid again: once in the end.
reversed_once = county.person("严冲正", born="1949-09-09")
county.pay(reversed_once, "低保", ["2024-07", "2024-07"], 500)
county.pay(reversed_once, "低保", "2024-07", -500, paid_on="2024-07-20")

# A reversal cancels one payment, not every further one.
reversed_thrice = county.person("鲁多发", born="1948-08-18")
thrice_paid = county.pay(reversed_thrice, "低保", ["2024-08", "2024-08", "2024-08"], 500)
county.pay(reversed_thrice, "低保", "2024-08", -500)


def test_a_month_paid_twice_fires_for_the_second_payment(run: Run):
    found = run.one(twice)
    assert figures(found) == ("DIBAO", "2024-03", "2024-03", "500.00")
    assert_explains(found, "马文斌", "2024年3月", "重复发放", "500.00")


def test_evidence_is_the_further_payment_beside_the_first(run: Run):
    assert evidence(run.one(twice)) == paid(again_march) | basis(first_march[2])


def test_every_payment_after_the_first_is_at_risk(run: Run):
    found = run.one(thrice)
    assert figures(found) == ("GAOLING", "2024-05", "2024-05", "600.00")
    assert evidence(found) == paid(may[1:]) | basis(may[0])
    assert_explains(found, "2笔", "600.00")


def test_a_period_written_in_other_forms_is_the_same_period(run: Run):
    found = run.one(written_differently)
    assert figures(found) == ("DIBAO", "2024-06", "2024-06", "840.00")
    assert evidence(found) == paid(spelled[1:]) | basis(spelled[0])


def test_an_annual_program_paid_twice_for_one_year_fires(run: Run):
    found = run.one(annual)
    assert figures(found) == ("DILI", "2024", "2024", "1050.00")
    assert evidence(found) == paid(dili[1]) | basis(dili[0])


def test_two_periods_paid_on_the_same_day_do_not_fire(run: Run):
    assert not run.fired(same_day)


def test_one_period_of_two_programs_does_not_fire(run: Run):
    assert not run.fired(two_programs)


def test_a_payment_reversed_and_paid_again_is_paid_once(run: Run):
    assert not run.fired(reversed_once)


def test_a_reversal_cancels_one_payment_and_the_rest_stay_duplicates(run: Run):
    found = run.one(reversed_thrice)
    assert figures(found) == ("DIBAO", "2024-08", "2024-08", "500.00")


# -- contract v1.1, section 5: companies --------------------------------------------------
# A company paid 留工补贴 twice for January (once in the January file, once in February's).
company_twice = county.company("陇县重发建材有限公司", county.person("重发", born="1974-04-04"))
company_january = county.pay_company(company_twice, "留工补贴", "2024-01", 4000, claimed=8,
                                     file="留工补贴_1月.csv", paid_on="2024-01-25")
company_again = county.pay_company(company_twice, "留工补贴", "2024-01", 4000, claimed=8,
                                   file="留工补贴_2月.csv", paid_on="2024-02-25")
# Two months paid on the same day is no duplicate for a company either.
company_two_months = county.company("陇县两月农机有限公司",
                                    county.person("两月", born="1974-05-05"))
county.pay_company(company_two_months, "留工补贴", ["2024-01", "2024-02"], 4000, claimed=8,
                   paid_on="2024-02-20")
# The migrant workers' aid paid twice in one year.
migrant = county.person("打工", born="1988-08-08")
migrant_paid = county.pay(migrant, "农民工临时生活补助", ["2024", "2024"], 1000)

run = county.fixture("DUPLICATE_PAYMENT")


def test_a_company_paid_twice_for_one_month_fires_on_the_company(run: Run):
    found = run.one(company_twice)
    assert figures(found) == ("LIUGONG", "2024-01", "2024-01", "4000.00")
    assert evidence(found) == paid(company_again) | basis(company_january)
    assert (found.subject_kind, found.subject_name) == ("company", "陇县重发建材有限公司")
    assert [p.role for p in found.people] == ["legal_rep"]
    assert_explains(found, "陇县重发建材有限公司", "2024年1月", "4,000.00")


def test_a_company_paid_two_months_on_one_day_does_not_fire(run: Run):
    assert not run.fired(company_two_months)


def test_a_person_paid_the_yearly_aid_twice_fires(run: Run):
    found = run.one(migrant)
    assert figures(found) == ("LINSHI_NONGMINGONG", "2024", "2024", "1000.00")
    assert found.subject_kind == "person"
