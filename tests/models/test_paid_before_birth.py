"""PAID_BEFORE_BIRTH: payments for a period that ends before the birth month the ID encodes."""

from __future__ import annotations

from sunlight.synth.ids import to_old_form
from tests.models.county import County, Run, assert_explains, evidence, figures, months, paid

county = County()

# Born in March 2024; 低保 paid from November 2023: November to February are before birth.
newborn = county.person("冯小宝", born="2024-03-15")
newborn_paid = county.pay(newborn, "低保", months("2023-11", "2024-05"), 500)

# Born on the last day of March, paid from March: the birth month is due.
born_in_month = county.person("程乐乐", born="2024-03-31")
county.pay(born_in_month, "低保", months("2024-03", "2024-05"), 500)

# An annual program: the year before the birth year is early, the birth year is due.
annual = county.person("葛安安", born="2024-06-01")
annual_paid = county.pay(annual, "地力补贴", ["2023", "2024"], "1050.00")

# Born on the last day of the year, paid for that year: due.
year_end = county.person("舒岁岁", born="2024-12-31")
county.pay(year_end, "地力补贴", "2024", "840.00")

# The ID's date is not a real date (30 February): a quality matter, not this model, though
# every period is before the month it seems to say.
impossible = county.person("俞某某", born="2023-02-30")
county.pay(impossible, "低保", months("2022-01", "2022-03"), 500)

# The ID decides, not the registry's birth-date column: the column says 1990 here...
column_older = county.person("姜晓晨", born="2024-05-20", birth_date="1990-01-01")
column_older_paid = county.pay(column_older, "低保", "2024-04", 500)
# ...and 2025 there, for someone the ID says was born in 1980.
column_younger = county.person("潘志远", born="1980-07-07", birth_date="2025-01-01")
county.pay(column_younger, "低保", "2024-04", 500)

# Someone the registry does not know: the ID alone says when they were born.
unregistered = county.person("邱无籍", born="2025-01-10", registered=False)
unregistered_paid = county.pay(unregistered, "低保", months("2024-11", "2025-01"), 500)

# The roster wrote the old 15-digit ID: its birth date is read all the same.
old_id = county.person("郝旧证", born="1998-11-20")
old_paid = county.pay(old_id, "低保", months("1998-09", "1998-12"), 300,
                      id_number=to_old_form(old_id.id))

# Long born: nothing to say.
adult = county.person("邓大成", born="1970-08-08")
county.pay(adult, "低保", months("2024-01", "2024-03"), 500)


run = county.fixture("PAID_BEFORE_BIRTH")


def test_months_before_the_birth_month_fire(run: Run):
    found = run.one(newborn)
    assert figures(found) == ("DIBAO", "2023-11", "2024-02", "2000.00")
    assert (found.id_number, found.name) == (newborn.id, "冯小宝")
    assert evidence(found) == paid(newborn_paid[:4])
    assert_explains(found, "冯小宝", "2024年3月", "2023年11月至2024年2月", "2,000.00")
    # The month, not the day: pages show facts beside the ID masked over its birth date.
    assert found.facts["birth_month"] == "2024-03" and "birth_date" not in found.facts
    assert not any("2024-03-15" in str(value) for value in found.facts.values())


def test_the_birth_month_and_later_do_not_fire(run: Run):
    assert not run.fired(born_in_month)


def test_an_annual_program_before_the_birth_year_fires(run: Run):
    found = run.one(annual)
    assert figures(found) == ("DILI", "2023", "2023", "1050.00")
    assert evidence(found) == paid(annual_paid[0])
    assert_explains(found, "2024年6月", "2023年", "1,050.00")


def test_an_annual_program_in_the_birth_year_does_not_fire(run: Run):
    assert not run.fired(year_end)


def test_an_id_whose_date_is_not_a_real_date_does_not_fire(run: Run):
    assert not run.fired(impossible)


def test_the_id_decides_not_the_birth_date_column(run: Run):
    found = run.one(column_older)
    assert figures(found) == ("DIBAO", "2024-04", "2024-04", "500.00")
    assert evidence(found) == paid(column_older_paid)
    assert not run.fired(column_younger)


def test_a_payee_the_registry_does_not_know_is_judged_by_the_id(run: Run):
    found = run.one(unregistered)
    assert figures(found) == ("DIBAO", "2024-11", "2024-12", "1000.00")
    assert evidence(found) == paid(unregistered_paid[:2])


def test_an_old_form_id_is_read_for_the_birth(run: Run):
    found = run.one(old_id)
    assert figures(found) == ("DIBAO", "1998-09", "1998-10", "600.00")
    assert evidence(found) == paid(old_paid[:2])


def test_nobody_else_is_warned(run: Run):
    assert {d.subject for d in run.detections} == {
        p.id for p in (newborn, annual, column_older, unregistered, old_id)}
    assert all(d.severity == "high" for d in run.detections)
