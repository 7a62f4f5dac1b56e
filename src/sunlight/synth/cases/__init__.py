"""Injected cases and traps, one module per family of models."""

from __future__ import annotations

from sunlight.synth.cases.birth import paid_before_birth
from sunlight.synth.cases.book import CASE, TRAP, CaseBook, Finding, Measure
from sunlight.synth.cases.companies import (
    company_duplicates,
    company_inactive_paid,
    company_over_standard,
    company_unregistered,
    headcount_overclaimed,
    rep_is_official,
)
from sunlight.synth.cases.conflicts import (
    asset_owner_on_welfare,
    official_on_welfare,
    relative_of_cadre,
)
from sunlight.synth.cases.eligibility import (
    approval_skipped,
    area_over_declared,
    ineligible_disability,
)
from sunlight.synth.cases.funds import FundsPlan, allocations, funds_withheld
from sunlight.synth.cases.holiday import duty_allowance_unearned, migrant_aid_cases
from sunlight.synth.cases.identity import name_mismatch, shared_account, unregistered_payee
from sunlight.synth.cases.lifecycle import deceased_paid, ineligible_age
from sunlight.synth.cases.money import duplicate_payment, exclusive_programs, over_standard
from sunlight.synth.world import World

MODELS = (
    "DECEASED_PAID", "DUPLICATE_PAYMENT", "EXCLUSIVE_PROGRAMS", "OVER_STANDARD",
    "INELIGIBLE_AGE", "INELIGIBLE_DISABILITY", "OFFICIAL_ON_WELFARE", "RELATIVE_OF_CADRE",
    "ASSET_OWNER_ON_WELFARE", "AREA_OVER_DECLARED", "SHARED_ACCOUNT", "UNREGISTERED_PAYEE",
    "NAME_MISMATCH", "APPROVAL_SKIPPED", "FUNDS_WITHHELD", "PAID_BEFORE_BIRTH",
    "COMPANY_INACTIVE_PAID", "COMPANY_UNREGISTERED", "HEADCOUNT_OVERCLAIMED", "REP_IS_OFFICIAL",
    "DUTY_ALLOWANCE_UNEARNED", "DUTY_ABSENT", "LEADER_ABSENT", "POST_UNCOVERED", "CASE_OVERDUE",
    "CASE_STEP_ORDER", "RECTIFICATION_OVERDUE",
)
"""The model codes of the data contract (sections 4, 5 and 6), in its order."""

# Scarce material first: few people turn 80 during the two years, and new enrollments with
# approval chains are few in a small county.
_INJECTIONS = (
    ineligible_age, approval_skipped, deceased_paid, ineligible_disability, area_over_declared,
    over_standard, duplicate_payment, exclusive_programs, name_mismatch, unregistered_payee,
    shared_account, official_on_welfare, relative_of_cadre, asset_owner_on_welfare,
    paid_before_birth,
    # Section 5's subsidies, before the background pays anyone else with them.
    company_inactive_paid, company_unregistered, headcount_overclaimed, rep_is_official,
    company_duplicates, company_over_standard, duty_allowance_unearned, migrant_aid_cases,
)


def inject_cases(world: World) -> tuple[CaseBook, FundsPlan]:
    book = CaseBook(world)
    for inject in _INJECTIONS:
        inject(book)
    return book, funds_withheld(book)


__all__ = ["CASE", "MODELS", "TRAP", "CaseBook", "Finding", "FundsPlan", "Measure",
           "allocations", "inject_cases"]
