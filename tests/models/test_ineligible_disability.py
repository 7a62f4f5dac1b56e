"""INELIGIBLE_DISABILITY: a disability program paying someone without a valid certificate of
a qualifying level (护理补贴: 一级 or 二级; 生活补贴: any level)."""

from __future__ import annotations

from tests.models.county import County, Run, assert_explains, basis, evidence, figures, months, paid

county = County()
HULI = "重度残疾人护理补贴"
SHENGHUO = "困难残疾人生活补贴"

# A 三级 certificate does not qualify for the 护理补贴.
level_three = county.person("覃永刚", born="1972-03-08")
cert_three = county.certificate(level_three, "三级")
huli = county.pay(level_three, HULI, months("2024-01", "2024-03"), 100)

# No certificate at all.
no_cert = county.person("黎美玲", born="1985-10-10")
no_cert_paid = county.pay(no_cert, HULI, months("2024-02", "2024-03"), 100)

# A cancelled 一级 certificate.
cancelled = county.person("龙光明", born="1966-06-26")
cert_cancelled = county.certificate(cancelled, "一级", status="注销")
cancelled_paid = county.pay(cancelled, SHENGHUO, "2024-04", 80)

# Valid and of a qualifying level: written 二级, or as the digit 1.
level_two = county.person("蒙秀英", born="1959-02-22")
county.certificate(level_two, "二级", status="有效")
county.pay(level_two, HULI, months("2024-01", "2024-03"), 100)
level_digit = county.person("韦国强", born="1978-09-09")
county.certificate(level_digit, "1", status="有效")
county.pay(level_digit, HULI, months("2024-01", "2024-03"), 100)

# The 生活补贴 takes any level: 四级 qualifies (she is on 低保, as the program requires).
level_four = county.person("莫小红", born="1981-12-12")
county.certificate(level_four, "四级", status="有效")
county.pay(level_four, "低保", months("2024-01", "2024-03"), 500)
county.pay(level_four, SHENGHUO, months("2024-01", "2024-03"), 80)

# An old cancelled 三级 certificate beside a new valid 一级 one.
renewed = county.person("陆建军", born="1963-07-17")
county.certificate(renewed, "三级", status="注销", issue_date="2015-03-01")
county.certificate(renewed, "一级", status="有效", issue_date="2022-05-01")
county.pay(renewed, HULI, months("2024-01", "2024-03"), 100)

# Not a disability program.
no_cert_on_dibao = county.person("甘丽丽", born="1970-01-31")
county.pay(no_cert_on_dibao, "低保", months("2024-01", "2024-03"), 500)


run = county.fixture("INELIGIBLE_DISABILITY")


def test_a_level_the_program_does_not_cover_fires(run: Run):
    found = run.one(level_three)
    assert figures(found) == ("CANJI_HULI", "2024-01", "2024-03", "300.00")
    assert evidence(found) == paid(huli) | basis(cert_three)
    assert_explains(found, "覃永刚", "3级", "1、2级", "300.00")


def test_no_certificate_fires(run: Run):
    found = run.one(no_cert)
    assert figures(found) == ("CANJI_HULI", "2024-02", "2024-03", "200.00")
    assert evidence(found) == paid(no_cert_paid)
    assert_explains(found, "无残疾人证")


def test_a_cancelled_certificate_fires(run: Run):
    found = run.one(cancelled)
    assert figures(found) == ("CANJI_SHENGHUO", "2024-04", "2024-04", "80.00")
    assert evidence(found) == paid(cancelled_paid) | basis(cert_cancelled)
    assert_explains(found, "已注销")


def test_a_valid_certificate_of_a_qualifying_level_does_not_fire(run: Run):
    assert not run.fired(level_two)
    assert not run.fired(level_digit)
    assert not run.fired(level_four)


def test_a_valid_certificate_beside_a_cancelled_one_does_not_fire(run: Run):
    assert not run.fired(renewed)


def test_programs_without_a_disability_condition_do_not_fire(run: Run):
    assert not run.fired(no_cert_on_dibao)
