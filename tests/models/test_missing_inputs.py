"""A model whose input datasets were never delivered is skipped, and says which are missing;
where either of two datasets will do, one is enough."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sunlight.models.registry import load_library
from tests.models.county import County, Run, months

CODES = list(load_library())

# Payments, the registry and company registrations: nothing else was delivered.
county = County()
died = county.person("殷国栋", born="1944-04-04", status="死亡", status_date="2024-02-10")
county.pay(died, "低保", months("2024-01", "2024-03"), 500)
boss = county.person("车老板", born="1970-07-07")
county.business(boss, "存续")
county.pay(boss, "低保", months("2024-01", "2024-03"), 500)

SKIPPED = {
    "INELIGIBLE_DISABILITY": ["disability_certs"],
    "OFFICIAL_ON_WELFARE": ["officials"],
    "RELATIVE_OF_CADRE": ["officials"],
    "AREA_OVER_DECLARED": ["enrollments", "land"],
    "APPROVAL_SKIPPED": ["enrollments", "approvals"],
    "FUNDS_WITHHELD": ["allocations"],
    "COMPANY_INACTIVE_PAID": ["enterprise_payments"],
    "COMPANY_UNREGISTERED": ["enterprise_payments"],
    "HEADCOUNT_OVERCLAIMED": ["enterprise_payments", "insured_headcount"],
    "REP_IS_OFFICIAL": ["enterprise_payments", "officials"],
    "DUTY_ALLOWANCE_UNEARNED": ["duty_roster"],
    "DUTY_ABSENT": ["duty_roster", "duty_checks"],
    "LEADER_ABSENT": ["duty_roster"],
    "POST_UNCOVERED": ["posts", "duty_roster"],
    "CASE_OVERDUE": ["police_cases"],
    "CASE_STEP_ORDER": ["police_cases"],
    "RECTIFICATION_OVERDUE": ["inspection_findings"],
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return county.run(tmp_path_factory.mktemp("partial") / "home")


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return County().run(tmp_path_factory.mktemp("empty") / "home")


@pytest.mark.parametrize("code", CODES)
def test_nothing_delivered_skips_every_model_for_want_of_its_inputs(empty: Run, code: str):
    outcome = empty.outcome(code)
    assert not outcome.ran
    # Every model of payments wants them first; a police model wants its police data.
    first = load_library()[code].spec.inputs[0].split("|")[0]
    assert first == "payments" or first in SKIPPED[code]
    assert first in outcome.reason
    assert not empty.detections


def test_where_either_dataset_will_do_the_reason_says_so(empty: Run):
    assert "deaths or residents" in empty.outcome("DECEASED_PAID").reason
    assert "vehicles or businesses" in empty.outcome("ASSET_OWNER_ON_WELFARE").reason


@pytest.mark.parametrize("code", sorted(SKIPPED))
def test_a_missing_dataset_skips_the_model_and_names_it(run: Run, code: str):
    outcome = run.outcome(code)
    assert not outcome.ran
    assert outcome.reason.startswith("no data for")
    for dataset in SKIPPED[code]:
        assert dataset in outcome.reason
    assert not [d for d in run.detections if d.model == code]


@pytest.mark.parametrize("code", sorted(set(CODES) - set(SKIPPED)))
def test_models_with_their_inputs_run(run: Run, code: str):
    assert run.outcome(code).ran


def test_the_registry_alone_is_enough_to_know_a_death(run: Run):
    found = [d for d in run.detections if d.model == "DECEASED_PAID"]
    assert [(d.subject, d.period_from, d.period_to, d.amount) for d in found] == [
        (died.id, "2024-03", "2024-03", Decimal("500.00"))]


def test_company_registrations_alone_are_enough_for_the_asset_test(run: Run):
    found = [d for d in run.detections if d.model == "ASSET_OWNER_ON_WELFARE"]
    assert [(d.subject, d.amount) for d in found] == [(boss.id, Decimal("1500.00"))]
