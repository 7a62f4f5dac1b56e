"""Fact `ongoing` (是否仍在发放): a warning's last period is the latest its own kind of
payments holds: a person's or an account's among the person programs' payments, a company's
among the company programs' payments; a row of a program of the other subject counts for
neither."""

from __future__ import annotations

from tests.models.county import Company, County, Run, months

county = County()
SPRING = months("2024-01", "2024-03")

# One card takes the 低保 of three persons of two households, up to March.
holder = county.person("万金宝", born="1975-05-25", household="H-WAN")
wife = county.person("万刘氏", born="1977-07-27", household="H-WAN")
stranger = county.person("秦老三", born="1941-01-21", household="H-QIN")
for payee in (holder, wife, stranger):
    county.pay(payee, "低保", SPRING, 500, account=holder.account)

# Dead in January, paid 高龄补贴 up to March.
late = county.person("孙寿", born="1930-03-03")
county.death(late, "2024-01-10")
county.pay(late, "高龄补贴", SPRING, 100)


def firm(name: str) -> Company:
    return county.company(name, county.person(name[2:4], born="1975-05-29"))


# Companies claim far more workers than they insured: one paid 留工补贴 for January, one for
# April, the companies' latest month (after the persons' March). A company row of 高龄补贴
# for June and a person row of 留工补贴 for May are reported by ingestion and move nothing.
inflated = firm("陇县杜家建材有限公司")
county.insured(inflated, "2024-01", 10)
county.pay_company(inflated, "留工补贴", "2024-01", 20000, claimed=40)
later = firm("陇县后来商贸有限公司")
county.pay_company(later, "留工补贴", "2024-04", 500, claimed=1)
county.pay_company(later, "高龄补贴", "2024-06", 100)
current = firm("陇县当前农机有限公司")
county.insured(current, "2024-04", 2)
county.pay_company(current, "留工补贴", "2024-04", 5000, claimed=10)
county.pay(holder, "留工补贴", "2024-05", 100)

run = county.fixture("SHARED_ACCOUNT", "DECEASED_PAID", "HEADCOUNT_OVERCLAIMED")


def test_an_account_warning_is_compared_with_the_persons_payments_alone(run: Run):
    assert run.one(holder.account).facts["ongoing"] == "1"


def test_a_person_program_named_on_a_company_row_keeps_its_latest_period(run: Run):
    assert run.one(late).facts["ongoing"] == "1"


def test_a_company_warning_is_compared_with_the_companies_payments_alone(run: Run):
    assert run.one(current).facts["ongoing"] == "1"
    assert run.one(inflated).facts["ongoing"] == "0"
