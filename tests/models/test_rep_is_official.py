"""REP_IS_OFFICIAL: a company paid by a company program whose legal representative is, or
shares a 户号 with, an official in office during the paid month."""

from __future__ import annotations

import pytest

from tests.models.county import (
    Company,
    County,
    Run,
    assert_explains,
    basis,
    evidence,
    figures,
    paid,
)

county = County()

# The representative is himself a civil servant.
teacher = county.person("秦海", born="1996-10-02")
office = county.official(teacher, "公务员", "2020-09-01", employer="天成镇人民政府", post="干事")
own = county.company("陇县槐峪建材有限公司", teacher)
own_paid = county.pay_company(own, "留工补贴", "2024-01", 9000, claimed=18)

# His wife, of his household, works at a public institution.
husband = county.person("刘贵", born="1978-01-25", household="H-LIU")
wife = county.person("李桂香", born="1980-03-03", household="H-LIU")
county.official(wife, "事业单位", "2015-03-01", employer="固关镇中心小学", post="教师")
family = county.company("陇县下家苗木专业合作社", husband)
county.pay_company(family, "留工补贴", "2024-01", 9000, claimed=18)

# Took office on the last day of the paid month: in office on a day of it.
late = county.person("晚到", born="1985-05-05")
county.official(late, "财政供养", "2024-01-31", employer="县财政局")
late_firm = county.company("陇县晚到商贸有限公司", late)
county.pay_company(late_firm, "留工补贴", "2024-01", 1000, claimed=2)

# Left office before the paid month; a village cadre only.
retired = county.person("退休", born="1960-06-06")
county.official(retired, "公务员", "2000-01-01", "2023-12-31", employer="县民政局")
retired_firm = county.company("陇县退休商贸有限公司", retired)
county.pay_company(retired_firm, "留工补贴", "2024-01", 1000, claimed=2)
cadre = county.person("村官", born="1970-07-07")
county.official(cadre, "村干部", "2021-01-01", post="村委会主任", village="东风村")
cadre_firm = county.company("陇县村官农机有限公司", cadre)
county.pay_company(cadre_firm, "留工补贴", "2024-01", 1000, claimed=2)

run = county.fixture("REP_IS_OFFICIAL")


def test_a_representative_who_is_an_official_fires_for_the_payment(run: Run):
    found = run.one(own)
    assert figures(found) == ("LIUGONG", "2024-01", "2024-01", "9000.00")
    assert evidence(found) == paid(own_paid) | basis(office, own.row)
    assert found.subject_kind == "company" and found.id_number == teacher.id
    assert_explains(found, "陇县槐峪建材有限公司", "秦海", "本人", "天成镇人民政府",
                    "公务员", "9,000.00")


def test_the_representative_and_the_official_are_among_the_people_it_concerns(run: Run):
    assert {(p.id_number, p.role) for p in run.one(own).people} == {
        (teacher.id, "legal_rep"), (teacher.id, "official")}
    assert {(p.name, p.role) for p in run.one(family).people} == {
        ("李桂香", "official"), ("刘贵", "legal_rep")}


def test_an_official_of_the_representatives_household_fires(run: Run):
    found = run.one(family)
    assert figures(found) == ("LIUGONG", "2024-01", "2024-01", "9000.00")
    assert_explains(found, "刘贵", "同户成员", "李桂香", "固关镇中心小学", "事业单位")


def test_one_day_in_office_in_the_month_is_enough(run: Run):
    assert figures(run.one(late_firm)) == ("LIUGONG", "2024-01", "2024-01", "1000.00")


@pytest.mark.parametrize("company", [retired_firm, cadre_firm],
                         ids=["tenure over before the month", "村干部 only"])
def test_no_overlapping_tenure_or_a_village_cadre_does_not_fire(run: Run, company: Company):
    assert not run.fired(company)
