"""DUTY_ALLOWANCE_UNEARNED: a duty allowance paying more than 100 元 per day on the roster."""

from __future__ import annotations

import pytest

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

county = County()

# Two days on the roster in February, paid for six.
two_days = county.person("蒋欣颖", born="1995-01-05")
two_rows = [county.on_duty(two_days, "2024-02-10"), county.on_duty(two_days, "2024-02-11")]
two_paid = county.pay(two_days, "社区值班补助", "2024-02", 600)

# Paid with no day on the roster at all.
never = county.person("王玲兰", born="1973-07-29")
never_paid = county.pay(never, "社区值班补助", "2024-02", 300)

# A day and a night on one date count once; a night counts for the date it starts; any role.
# Three days: 10 February (白班 and 夜班), 11 February (全天), 12 February (夜班, 辅警).
three_days = county.person("张慧芳", born="1992-11-15")
for date, shift in (("2024-02-10", "白班"), ("2024-02-10", "夜班"), ("2024-02-11", "全天")):
    county.on_duty(three_days, date, shift)
county.on_duty(three_days, "2024-02-12", "夜班", role="辅警", unit="城关派出所")
county.pay(three_days, "社区值班补助", "2024-02", 400)
earned = county.person("李慧琳", born="1980-06-03")
for date, shift in (("2024-02-10", "白班"), ("2024-02-10", "夜班"), ("2024-02-11", "全天")):
    county.on_duty(earned, date, shift)
county.on_duty(earned, "2024-02-12", "夜班", role="辅警", unit="城关派出所")
county.pay(earned, "社区值班补助", "2024-02", 300)

# The night of 31 January is a January day: it earns nothing in February.
new_years_eve = county.person("景全生", born="1966-06-29")
county.on_duty(new_years_eve, "2024-01-31", "夜班")
county.pay(new_years_eve, "社区值班补助", "2024-02", 100)

# Paid twice in one month for four days: the second payment holds the excess.
twice = county.person("王丽", born="1971-05-24")
for day in range(1, 5):
    county.on_duty(twice, f"2024-02-0{day}")
first, second = county.pay(twice, "社区值班补助", ["2024-02", "2024-02"], 300)

# Paid exactly 100 元 a day, or less.
exact = county.person("足额", born="1964-11-03")
county.on_duty(exact, "2024-02-10")
county.on_duty(exact, "2024-02-11")
county.pay(exact, "社区值班补助", "2024-02", 200)
less = county.person("少领", born="1992-04-28")
county.on_duty(less, "2024-02-10")
county.pay(less, "社区值班补助", "2024-02", 80)

# Two months: one day in January paid 300 元, two days in February paid 500 元.
two_months = county.person("周晓梅", born="1988-08-08")
county.on_duty(two_months, "2024-01-20")
county.on_duty(two_months, "2024-02-10")
county.on_duty(two_months, "2024-02-11")
county.pay(two_months, "社区值班补助", ["2024-01", "2024-02"], 300)
county.pay(two_months, "社区值班补助", "2024-02", 200, account="6217000011112222333")

run = county.fixture("DUTY_ALLOWANCE_UNEARNED")


def test_a_warning_over_two_months_says_each_month(run: Run):
    found = run.one(two_months)
    assert figures(found) == ("ZHIBAN", "2024-01", "2024-02", "500.00")
    assert_explains(found, "2024年1月领取300.00元，当月值班表中仅有1天值班记录",
                    "最多应发100.00元，多领200.00元",
                    "2024年2月领取500.00元，当月值班表中仅有2天值班记录",
                    "最多应发200.00元，多领300.00元", "共多领500.00元")
    assert "month" not in found.facts and "by_period" in found.facts


def test_paid_beyond_the_roster_days_fires_for_the_excess(run: Run):
    found = run.one(two_days)
    assert figures(found) == ("ZHIBAN", "2024-02", "2024-02", "400.00")
    assert evidence(found) == paid(two_paid) | basis(two_rows)
    assert found.subject_kind == "person" and found.subject_name == "蒋欣颖"
    assert_explains(found, "蒋欣颖", "2024年2月", "600.00", "2天", "200.00", "400.00")


def test_paid_without_a_day_on_the_roster_fires_for_the_whole_payment(run: Run):
    found = run.one(never)
    assert figures(found) == ("ZHIBAN", "2024-02", "2024-02", "300.00")
    assert evidence(found) == paid(never_paid)
    assert_explains(found, "没有其值班记录")


def test_a_date_counts_once_whatever_the_shifts_and_roles(run: Run):
    found = run.one(three_days)
    assert figures(found) == ("ZHIBAN", "2024-02", "2024-02", "100.00")
    assert found.facts["roster_days"] == "3"


def test_a_night_counts_for_the_date_it_starts(run: Run):
    assert figures(run.one(new_years_eve)) == ("ZHIBAN", "2024-02", "2024-02", "100.00")


def test_the_months_payments_are_judged_together(run: Run):
    found = run.one(twice)
    assert figures(found) == ("ZHIBAN", "2024-02", "2024-02", "200.00")
    assert {(e.row, e.amount) for e in found.paid_rows()} == {(second.row, 200)}


@pytest.mark.parametrize("who", [earned, exact, less], ids=["3 days", "exactly", "less"])
def test_paid_within_100_a_roster_day_does_not_fire(run: Run, who: Person):
    assert not run.fired(who)


def test_the_page_shows_the_days_the_rate_and_what_was_paid(run: Run):
    facts = run.one(two_days).facts
    assert (facts["month"], facts["roster_days"], facts["day_rate_yuan"], facts["allowed_yuan"],
            facts["month_paid_yuan"]) == ("2024-02", "2", "100.00", "200.00", "600.00")
