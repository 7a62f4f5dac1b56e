"""OFFICIAL_ON_WELFARE: a 公务员/事业单位/财政供养 person paid 低保 or 特困 during their tenure."""

from __future__ import annotations

from tests.models.county import County, Run, assert_explains, basis, evidence, figures, months, paid

county = County()

# A civil servant in office since 2015 on 低保.
civil_servant = county.person("黄志伟", born="1980-04-12")
office = county.official(civil_servant, "公务员", "2015-07-01", employer="陇县财政局",
                         post="科员")
dibao = county.pay(civil_servant, "低保", months("2024-01", "2024-03"), 500)

# A teacher (事业单位) on 特困.
teacher = county.person("罗静", born="1988-08-28")
county.official(teacher, "事业单位", "2012-09-01", employer="城关中学")
tekun = county.pay(teacher, "特困供养", months("2024-05", "2024-06"), 900)

# On the public payroll (财政供养) until 15 February: January and February are in office.
left_in_february = county.person("梁海", born="1964-03-03")
county.official(left_in_february, "财政供养", "2000-01-01", "2024-02-15", employer="水利站")
county.pay(left_in_february, "低保", months("2024-01", "2024-04"), 500)

# Joined on 10 March: March and April are in office.
joined_in_march = county.person("宋佳", born="1996-06-06")
county.official(joined_in_march, "事业单位", "2024-03-10", employer="卫生院")
county.pay(joined_in_march, "低保", months("2024-01", "2024-04"), 400)

# Retired in June 2023: 2024 payments are after the tenure.
retired = county.person("唐振华", born="1962-01-01")
county.official(retired, "公务员", "1985-07-01", "2023-06-30", employer="民政局")
county.pay(retired, "低保", months("2024-01", "2024-03"), 500)

# A village cadre is RELATIVE_OF_CADRE's concern, not this model's.
cadre = county.person("许大勇", born="1970-10-10")
county.official(cadre, "村干部", "2021-01-01", post="村委会主任", village="东风村")
county.pay(cadre, "低保", months("2024-01", "2024-03"), 500)

# Officials may draw other programs (高龄补贴 of a civil servant's old age is beside the point).
other_program = county.person("冯建军", born="1975-05-05")
county.official(other_program, "公务员", "2000-01-01", employer="交通局")
county.pay(other_program, "地力补贴", "2024", "525.00")


run = county.fixture("OFFICIAL_ON_WELFARE")


def test_a_civil_servant_on_dibao_fires(run: Run):
    found = run.one(civil_servant)
    assert figures(found) == ("DIBAO", "2024-01", "2024-03", "1500.00")
    assert evidence(found) == paid(dibao) | basis(office)
    assert_explains(found, "黄志伟", "陇县财政局", "公务员", "2015年7月1日", "1,500.00")


def test_a_public_institution_employee_on_tekun_fires(run: Run):
    found = run.one(teacher)
    assert figures(found) == ("TEKUN", "2024-05", "2024-06", "1800.00")
    assert paid(tekun) <= evidence(found)
    assert_explains(found, "事业单位", "城关中学")


def test_only_the_periods_in_office_fire(run: Run):
    left = run.one(left_in_february)
    assert figures(left) == ("DIBAO", "2024-01", "2024-02", "1000.00")
    joined = run.one(joined_in_march)
    assert figures(joined) == ("DIBAO", "2024-03", "2024-04", "800.00")


def test_a_tenure_ended_before_the_period_does_not_fire(run: Run):
    assert not run.fired(retired)


def test_a_village_cadre_does_not_fire(run: Run):
    assert not run.fired(cadre)


def test_other_programs_do_not_fire(run: Run):
    assert not run.fired(other_program)
