"""The person models on the Spring-Festival programs (contract v1.1 section 5): 农民工临时生活补助
(LINSHI_NONGMINGONG, annual, at most 1,000 元, from 16) and 社区值班补助 (ZHIBAN, monthly, paid
per roster day, a standard OVER_STANDARD leaves to DUTY_ALLOWANCE_UNEARNED)."""

from __future__ import annotations

import pytest

from sunlight.models.detection import Detection
from tests.models.county import (
    County,
    Person,
    Run,
    assert_explains,
    basis,
    evidence,
    figures,
    paid,
)
from tests.models.county import (
    Row as SourceRow,
)

LINSHI, ZHIBAN = "农民工临时生活补助", "社区值班补助"
MODELS = ("OVER_STANDARD", "INELIGIBLE_AGE", "OFFICIAL_ON_WELFARE", "DUPLICATE_PAYMENT",
          "DECEASED_PAID", "PAID_BEFORE_BIRTH", "UNREGISTERED_PAYEE", "NAME_MISMATCH",
          "SHARED_ACCOUNT")

county = County()

# -- 农民工临时生活补助 ------------------------------------------------------------------------

# Paid 1,200 for 2024: 200 over the standard. Paid exactly 1,000: within it.
over_linshi = county.person("田国强", born="1985-02-02")
over_linshi_paid = county.pay(over_linshi, LINSHI, "2024", 1200)
at_standard = county.person("牛志刚", born="1986-03-03")
county.pay(at_standard, "临时生活补助", "2024", 1000)

# Turns 16 only in 2025, paid for 2024; turns 16 in December 2024, paid for 2024 (qualifies).
fifteen = county.person("苗小龙", born="2009-03-01")
fifteen_paid = county.pay(fifteen, LINSHI, "2024", 500)
sixteen_in_december = county.person("石小飞", born="2008-12-15")
county.pay(sixteen_in_december, LINSHI, "2024", 500)

# A civil servant in office all 2024; one who joined on 1 December 2024 (in office that year);
# one who left at the end of 2023; a village cadre (RELATIVE_OF_CADRE's concern).
civil_servant = county.person("段宏伟", born="1979-09-09")
office = county.official(civil_servant, "公务员", "2010-07-01", employer="陇县人社局")
civil_servant_paid = county.pay(civil_servant, LINSHI, "2024", 1000)
joined_in_december = county.person("白晓东", born="1990-10-10")
county.official(joined_in_december, "事业单位", "2024-12-01", employer="城关中学")
county.pay(joined_in_december, LINSHI, "2024", 1000)
left_before = county.person("龙建业", born="1970-01-20")
county.official(left_before, "财政供养", "2000-01-01", "2023-12-31", employer="水利站")
county.pay(left_before, LINSHI, "2024", 1000)
village_cadre = county.person("贺长青", born="1972-05-05")
county.official(village_cadre, "村干部", "2021-01-01", post="村委会委员")
county.pay(village_cadre, LINSHI, "2024", 1000)

# Paid twice for 2024; paid for 2023 and for 2024 (two periods, no duplicate).
twice_a_year = county.person("季永红", born="1983-04-04")
first_2024 = county.pay(twice_a_year, LINSHI, "2024", 600, file="linshi_first.csv",
                        paid_on="2024-01-25")
again_2024 = county.pay(twice_a_year, LINSHI, "2024", 600, file="linshi_again.csv",
                        paid_on="2024-02-08")
two_years = county.person("易国平", born="1984-05-05")
county.pay(two_years, LINSHI, ["2023", "2024"], 800)

# Died in 2023, paid for 2024; died in March 2024, paid for 2024 (the year of death is due).
died_before = county.person("文德海", born="1960-06-06")
died_before_row = county.death(died_before, "2023-06-10")
died_before_paid = county.pay(died_before, LINSHI, "2024", 1000)
died_in_year = county.person("骆春生", born="1961-07-07")
county.death(died_in_year, "2024-03-15")
county.pay(died_in_year, LINSHI, "2024", 1000)

# -- 社区值班补助 --------------------------------------------------------------------------------

# Paid 3,000 for one month: OVER_STANDARD has no standard for it (per roster day).
big_duty_pay = county.person("付明亮", born="1975-08-08")
county.pay(big_duty_pay, ZHIBAN, "2024-02", 3000)

# A 14-year-old paid a duty allowance: the program sets no age, so INELIGIBLE_AGE is silent.
young_on_duty = county.person("江小波", born="2010-01-01")
county.pay(young_on_duty, "值班补助", "2024-02", 100)

# A public-institution employee on duty: officials may draw it.
official_on_duty = county.person("谷丽华", born="1982-08-18")
county.official(official_on_duty, "事业单位", "2015-01-01", employer="街道办")
county.pay(official_on_duty, ZHIBAN, "2024-02", 300)

# February paid twice; January and February each once.
duty_twice = county.person("蒋卫东", born="1978-03-03")
duty_first = county.pay(duty_twice, ZHIBAN, "2024-02", 300, file="zhiban_feb.csv",
                        paid_on="2024-03-05")
duty_again = county.pay(duty_twice, ZHIBAN, "2024-02", 300, file="zhiban_back.csv",
                        paid_on="2024-03-20")
duty_two_months = county.person("温海涛", born="1979-04-04")
county.pay(duty_two_months, ZHIBAN, ["2024-01", "2024-02"], 200)

# Died in January 2024, paid for February; died on 20 February, paid for February.
duty_died_before = county.person("侯永福", born="1958-05-05")
county.death(duty_died_before, "2024-01-15")
duty_died_before_paid = county.pay(duty_died_before, ZHIBAN, "2024-02", 200)
duty_died_in_month = county.person("邱德胜", born="1959-06-06")
county.death(duty_died_in_month, "2024-02-20")
county.pay(duty_died_in_month, ZHIBAN, "2024-02", 200)

# -- both programs ------------------------------------------------------------------------------

# Paid for periods before their birth: 2024 for one born in 2025, February 2024 for one born
# in March 2024.
unborn_linshi = county.person("安小宝", born="2025-02-01")
unborn_linshi_paid = county.pay(unborn_linshi, LINSHI, "2024", 500)
unborn_duty = county.person("孔小贝", born="2024-03-10")
unborn_duty_paid = county.pay(unborn_duty, ZHIBAN, "2024-02", 100)

# IDs the registry does not hold.
ghost_worker = county.person("常无名", born="1988-08-08", registered=False)
ghost_worker_paid = county.pay(ghost_worker, LINSHI, "2024", 1000)
ghost_on_duty = county.person("甘无名", born="1987-07-07", registered=False)
ghost_on_duty_paid = county.pay(ghost_on_duty, ZHIBAN, "2024-02", 200)

# Paid under another name than the registry's.
renamed_worker = county.person("陶建国", born="1981-01-11")
county.pay(renamed_worker, LINSHI, "2024", 1000, name="陶建军")
renamed_on_duty = county.person("房秀英", born="1980-02-12")
county.pay(renamed_on_duty, ZHIBAN, "2024-02", 200, name="房秀芳")

# One card paid for three persons of three households, by both programs.
SHARED_CARD = "6228480000000000777"
card_holders = [county.person(name, born=born) for name, born in (
    ("鲁大成", "1976-01-01"), ("鲁二成", "1977-02-02"), ("鲁三成", "1978-03-03"))]
county.pay(card_holders[0], LINSHI, "2024", 1000, account=SHARED_CARD)
county.pay(card_holders[1], LINSHI, "2024", 1000, account=SHARED_CARD)
county.pay(card_holders[2], ZHIBAN, "2024-02", 300, account=SHARED_CARD)


run = county.fixture(*MODELS)


def one(run: Run, model: str, who: Person | str) -> Detection:
    """The one detection of `model` about `who`."""
    found = [d for d in run.of(who) if d.model == model]
    assert len(found) == 1, f"{model} on {who}: {[d.model for d in run.of(who)]}"
    return found[0]


def test_linshi_over_its_yearly_standard_fires_for_the_excess(run: Run):
    found = one(run, "OVER_STANDARD", over_linshi)
    assert figures(found) == ("LINSHI_NONGMINGONG", "2024", "2024", "200.00")
    assert evidence(found) == paid(over_linshi_paid)
    assert_explains(found, "农民工临时生活补助", "每期最高1,000.00元", "200.00")


def test_zhiban_is_never_over_standard_here(run: Run):
    """Its standard counts roster days, which only DUTY_ALLOWANCE_UNEARNED reads."""
    assert [d for d in run.detections if d.model == "OVER_STANDARD"
            and d.program == "ZHIBAN"] == []
    assert run.of(big_duty_pay) == []


def test_linshi_paid_before_sixteen_fires(run: Run):
    found = one(run, "INELIGIBLE_AGE", fifteen)
    assert figures(found) == ("LINSHI_NONGMINGONG", "2024", "2024", "500.00")
    assert evidence(found) == paid(fifteen_paid)
    assert_explains(found, "16", "2025年3月")


def test_an_official_on_linshi_fires_any_day_of_the_year_in_office(run: Run):
    found = one(run, "OFFICIAL_ON_WELFARE", civil_servant)
    assert figures(found) == ("LINSHI_NONGMINGONG", "2024", "2024", "1000.00")
    assert evidence(found) == paid(civil_servant_paid) | basis(office)
    assert_explains(found, "陇县人社局", "公务员", "农民工临时生活补助")
    assert one(run, "OFFICIAL_ON_WELFARE", joined_in_december).amount == 1000


def test_duplicates_in_one_year_and_in_one_month_fire(run: Run):
    yearly = one(run, "DUPLICATE_PAYMENT", twice_a_year)
    assert figures(yearly) == ("LINSHI_NONGMINGONG", "2024", "2024", "600.00")
    assert evidence(yearly) == paid(again_2024) | basis(first_2024)
    monthly = one(run, "DUPLICATE_PAYMENT", duty_twice)
    assert figures(monthly) == ("ZHIBAN", "2024-02", "2024-02", "300.00")
    assert evidence(monthly) == paid(duty_again) | basis(duty_first)


def test_payments_after_death_fire_by_year_and_by_month(run: Run):
    yearly = one(run, "DECEASED_PAID", died_before)
    assert figures(yearly) == ("LINSHI_NONGMINGONG", "2024", "2024", "1000.00")
    assert evidence(yearly) == paid(died_before_paid) | basis(died_before_row)
    monthly = one(run, "DECEASED_PAID", duty_died_before)
    assert figures(monthly) == ("ZHIBAN", "2024-02", "2024-02", "200.00")


@pytest.mark.parametrize(("model", "who", "rows", "program", "period"), [
    ("PAID_BEFORE_BIRTH", unborn_linshi, unborn_linshi_paid, "LINSHI_NONGMINGONG", "2024"),
    ("PAID_BEFORE_BIRTH", unborn_duty, unborn_duty_paid, "ZHIBAN", "2024-02"),
    ("UNREGISTERED_PAYEE", ghost_worker, ghost_worker_paid, "LINSHI_NONGMINGONG", "2024"),
    ("UNREGISTERED_PAYEE", ghost_on_duty, ghost_on_duty_paid, "ZHIBAN", "2024-02"),
], ids=["before-birth-linshi", "before-birth-zhiban", "unregistered-linshi",
        "unregistered-zhiban"])
def test_payee_checks_fire_on_both_programs(run: Run, model: str, who: Person,
                                            rows: list[SourceRow], program: str, period: str):
    found = one(run, model, who)
    assert (found.program, found.period_from, found.period_to) == (program, period, period)
    assert paid(rows) <= evidence(found)


@pytest.mark.parametrize(("who", "program", "written"), [
    (renamed_worker, "LINSHI_NONGMINGONG", "陶建军"), (renamed_on_duty, "ZHIBAN", "房秀芳")])
def test_a_payee_under_another_name_fires_on_both_programs(run: Run, who: Person,
                                                           program: str, written: str):
    found = one(run, "NAME_MISMATCH", who)
    assert found.program == program
    assert_explains(found, written, who.name)


def test_one_card_for_three_households_across_both_programs_fires(run: Run):
    found = one(run, "SHARED_ACCOUNT", SHARED_CARD)
    assert {p.id_number for p in found.people} >= {p.id for p in card_holders}
    assert_explains(found, LINSHI, ZHIBAN)


@pytest.mark.parametrize("who", [
    at_standard, sixteen_in_december, left_before, village_cadre, two_years, died_in_year,
    young_on_duty, official_on_duty, duty_two_months, duty_died_in_month],
    ids=["linshi-at-standard", "sixteen-in-the-year", "official-who-left-before",
         "village-cadre", "linshi-two-years", "died-in-the-paid-year", "zhiban-sets-no-age",
         "official-on-duty", "zhiban-two-months", "died-in-the-paid-month"])
def test_look_alikes_raise_nothing(run: Run, who: Person):
    assert [d.model for d in run.of(who)] == []
