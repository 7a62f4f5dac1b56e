"""A 督察 warning on an officer and a subsidy warning on the same person are different
matters: neither corroborates the other (`other_models`, which raises a warning's score)."""

from __future__ import annotations

from tests.models.county import County, Run

county = County()
UNIT = "城关派出所"

# An officer found away from a shift, and paid a duty allowance for six days of two rostered.
officer = county.person("张卫东", "1985-03-12")
county.on_duty(officer, "2024-02-10", "白班", "值班民警", UNIT)
county.on_duty(officer, "2024-02-11", "白班", "值班民警", UNIT)
county.check(officer, "2024-02-10 10:00", UNIT)
county.pay(officer, "社区值班补助", "2024-02", 600)

run = county.fixture("DUTY_ABSENT", "DUTY_ALLOWANCE_UNEARNED")


def test_a_police_warning_and_a_subsidy_warning_do_not_count_each_other(run: Run):
    warnings = {d.model: d for d in run.of(officer)}
    assert set(warnings) == {"DUTY_ABSENT", "DUTY_ALLOWANCE_UNEARNED"}
    assert {model: d.facts["other_models"] for model, d in warnings.items()} == {
        "DUTY_ABSENT": "0", "DUTY_ALLOWANCE_UNEARNED": "0"}
