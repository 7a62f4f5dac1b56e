"""INELIGIBLE_AGE: an age-restricted program (高龄补贴, 80) paying someone not yet of age."""

from __future__ import annotations

from sunlight.synth.ids import to_old_form
from tests.models.county import County, Run, assert_explains, evidence, figures, months, paid

county = County()

# Turns 80 in June 2024; 高龄补贴 paid from March: March to May are early.
too_young = county.person("卫兰芳", born="1944-06-15")
gaoling = county.pay(too_young, "高龄补贴", months("2024-03", "2024-08"), 100)

# Turns 80 on the last day of September; paid from September: the month the age is reached.
of_age_in_month = county.person("蒋福生", born="1944-09-30")
county.pay(of_age_in_month, "高龄补贴", months("2024-09", "2024-12"), 100)

# Long past 80.
older = county.person("沈秀珍", born="1931-01-01")
county.pay(older, "高龄补贴", months("2024-01", "2024-03"), 200)

# Programs without an age condition pay the young.
young_on_dibao = county.person("韩小军", born="1990-05-05")
county.pay(young_on_dibao, "低保", months("2024-01", "2024-03"), 500)

# The roster wrote the old 15-digit ID: the age is read all the same.
old_id = county.person("杨德胜", born="1945-11-11")
old_form = county.pay(old_id, "高龄补贴", "2024-12", 100, id_number=to_old_form(old_id.id))


run = county.fixture("INELIGIBLE_AGE")


def test_paid_before_reaching_the_age_fires(run: Run):
    found = run.one(too_young)
    assert figures(found) == ("GAOLING", "2024-03", "2024-05", "300.00")
    assert evidence(found) == paid(gaoling[:3])
    assert_explains(found, "卫兰芳", "1944年6月", "80周岁", "2024年6月", "300.00")


def test_reaching_the_age_in_the_period_does_not_fire(run: Run):
    assert not run.fired(of_age_in_month)


def test_older_people_do_not_fire(run: Run):
    assert not run.fired(older)


def test_programs_without_an_age_condition_do_not_fire(run: Run):
    assert not run.fired(young_on_dibao)


def test_an_old_form_id_is_read_for_the_age(run: Run):
    found = run.one(old_id)
    assert figures(found) == ("GAOLING", "2024-12", "2024-12", "100.00")
    assert evidence(found) == paid(old_form)
