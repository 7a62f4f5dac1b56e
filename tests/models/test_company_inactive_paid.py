"""COMPANY_INACTIVE_PAID: a company program paying a company closed before the paid month."""

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
    months,
    paid,
)

county = County()

# Deregistered in November 2023, paid 留工补贴 for January 2024.
owner = county.person("杜建国", born="1976-10-12")
closed = county.company("陇县杜家建材有限公司", owner, "注销", status_date="2023-11-16")
closed_paid = county.pay_company(closed, "留工补贴", "2024-01", 9500, claimed=19)

# Revoked, the registry giving no date: paid all the same, and that fires too.
revoked = county.company("陇县安堡种养殖专业合作社", county.person("安大成", born="1977-02-24"),
                         "吊销")
county.pay_company(revoked, "留工补贴", "2024-01", 3500, claimed=7)

# Closed on 10 February: January is before, February the month of closure, March after.
mid_spring = county.company("陇县刘家农机服务有限公司", county.person("刘农", born="1985-01-04"),
                            "注销", status_date="2024-02-10")
spring = county.pay_company(mid_spring, "留工补贴", months("2024-01", "2024-03"), 5000,
                            claimed=10)

# Closed on the first day of the paid month: the month is not before the closure.
first_day = county.company("陇县初一商贸有限公司", county.person("初一", born="1980-01-01"),
                           "注销", status_date="2024-01-01")
county.pay_company(first_day, "留工补贴", "2024-01", 1000, claimed=2)

# Closed after the paid month; companies in business.
later = county.company("陇县后来商贸有限公司", county.person("后来", born="1981-01-01"),
                       "注销", status_date="2024-03-05")
county.pay_company(later, "留工补贴", months("2024-01", "2024-02"), 1000, claimed=2)
going = county.company("陇县存续建材有限公司", county.person("存续", born="1982-01-01"), "存续")
county.pay_company(going, "留工补贴", "2024-01", 1000, claimed=2)
in_business = county.company("陇县在业农机有限公司", county.person("在业", born="1983-01-01"),
                             "在业")
county.pay_company(in_business, "留工补贴", "2024-01", 1000, claimed=2)

# The registry restates a company: 存续 in its first row, 注销 in the row delivered after it.
restated_rep = county.person("重述", born="1984-01-01")
restated = county.company("陇县重述商贸有限公司", restated_rep, "存续")
closing_row = county.add("businesses", credit_code=restated.code, company=restated.name,
                         rep_id_number=restated_rep.id, rep_name=restated_rep.name,
                         status="注销", status_date="2023-12-20")
county.pay_company(restated, "留工补贴", "2024-01", 2000, claimed=4)

run = county.fixture("COMPANY_INACTIVE_PAID")


def test_a_company_deregistered_before_the_month_fires_for_the_payment(run: Run):
    found = run.one(closed)
    assert figures(found) == ("LIUGONG", "2024-01", "2024-01", "9500.00")
    assert evidence(found) == paid(closed_paid) | basis(closed.row)
    assert_explains(found, "陇县杜家建材有限公司", closed.code, "2023年11月16日注销",
                    "留工补贴", "9,500.00")


def test_a_company_warning_has_the_company_as_its_subject(run: Run):
    found = run.one(closed)
    assert (found.subject_kind, found.subject, found.subject_name, found.name) == (
        "company", closed.code, "陇县杜家建材有限公司", "陇县杜家建材有限公司")
    assert found.id_number == owner.id  # contract §4: the legal representative
    assert [(p.id_number, p.name, p.role) for p in found.people] == [
        (owner.id, "杜建国", "legal_rep")]


def test_a_closure_without_a_date_fires(run: Run):
    found = run.one(revoked)
    assert figures(found) == ("LIUGONG", "2024-01", "2024-01", "3500.00")
    assert_explains(found, "吊销", "登记未载明日期")


def test_only_months_after_the_month_of_closure_fire(run: Run):
    found = run.one(mid_spring)
    assert figures(found) == ("LIUGONG", "2024-03", "2024-03", "5000.00")
    assert evidence(found) == paid(spring[2]) | basis(mid_spring.row)


def test_the_registry_row_delivered_last_decides(run: Run):
    found = run.one(restated)
    assert figures(found) == ("LIUGONG", "2024-01", "2024-01", "2000.00")
    assert basis(closing_row) <= evidence(found)


@pytest.mark.parametrize("firm", [first_day, later, going, in_business],
                         ids=["closed-on-the-first-day", "closed-later", "存续", "在业"])
def test_a_company_closed_in_or_after_the_month_or_in_business_does_not_fire(
        run: Run, firm: Company):
    assert not run.fired(firm)
