"""HEADCOUNT_OVERCLAIMED: a company paid for more workers than it insured that month."""

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
    paid,
)

county = County()


def firm(name: str) -> Company:
    return county.company(name, county.person(name[2:4], born="1975-05-29"))


# 76 claimed, 59 insured: 17 too many of 76, so 17/76 of 38,000 元 is at risk.
inflated = firm("陇县杜家建材有限公司")
county.insured(inflated, "2023-12", 60)
inflated_insured = county.insured(inflated, "2024-01", 59)
inflated_paid = county.pay_company(inflated, "留工补贴", "2024-01", 38000, claimed=76)

# Two months: 5 of 10 workers of 1,000 元 in December, 6 of 9 of 2,000 元 in January.
two_months = firm("陇县两月纺织有限公司")
december_insured = county.insured(two_months, "2023-12", 5)
january_insured = county.insured(two_months, "2024-01", 3)
two_months_paid = (county.pay_company(two_months, "留工补贴", "2023-12", 1000, claimed=10)
                   + county.pay_company(two_months, "留工补贴", "2024-01", 2000, claimed=9))

# To the fen: 3 of 7 workers of 1,000 元 is 428.571... 元.
thirds = firm("陇县七人农机有限公司")
county.insured(thirds, "2024-01", 4)
county.pay_company(thirds, "留工补贴", "2024-01", 1000, claimed=7)

# Half a fen rounds up: 4 of 8 workers of 4,000.01 元 is 2,000.005 元.
half_fen = firm("陇县八人商贸有限公司")
county.insured(half_fen, "2024-01", 4)
county.pay_company(half_fen, "留工补贴", "2024-01", "4000.01", claimed=8)

# Within the tolerance: 2 workers over (not more than 2); 3 over 40 (not more than 10%);
# 5 over 50 (exactly 10%).
two_over = firm("陇县两人商贸有限公司")
county.insured(two_over, "2024-01", 10)
county.pay_company(two_over, "留工补贴", "2024-01", 6000, claimed=12)
few_of_many = firm("陇县四十建材有限公司")
county.insured(few_of_many, "2024-01", 40)
county.pay_company(few_of_many, "留工补贴", "2024-01", 21500, claimed=43)
tenth = firm("陇县五十农机有限公司")
county.insured(tenth, "2024-01", 50)
county.pay_company(tenth, "留工补贴", "2024-01", 27500, claimed=55)

# Nothing can be said: no insured count for the paid month, or no claimed headcount.
no_count = firm("陇县缺月商贸有限公司")
county.insured(no_count, "2023-12", 3)
county.pay_company(no_count, "留工补贴", "2024-01", 15000, claimed=30)
no_claim = firm("陇县未报建材有限公司")
county.insured(no_claim, "2024-01", 3)
county.pay_company(no_claim, "留工补贴", "2024-01", 15000)

run = county.fixture("HEADCOUNT_OVERCLAIMED")


def test_claiming_more_workers_than_insured_fires_for_their_share(run: Run):
    found = run.one(inflated)
    assert figures(found) == ("LIUGONG", "2024-01", "2024-01", "8500.00")
    assert evidence(found) == paid(inflated_paid) | basis(inflated_insured)
    assert found.subject_kind == "company" and found.subject_name == "陇县杜家建材有限公司"


def test_the_page_shows_claimed_and_insured_headcount_and_the_money_at_risk(run: Run):
    facts = run.one(inflated).facts
    assert (facts["month"], facts["claimed_headcount"], facts["insured_count"],
            facts["paid_yuan"], facts["at_risk_yuan"]) == (
        "2024-01", "76", "59", "38000.00", "8500.00")
    assert_explains(run.one(inflated), "陇县杜家建材有限公司", "2024年1月", "申报留工76人",
                    "参保人数仅59人", "38,000.00", "8,500.00")


def test_a_warning_over_two_months_says_each_month(run: Run):
    found = run.one(two_months)
    assert figures(found) == ("LIUGONG", "2023-12", "2024-01", "1833.33")
    assert_explains(
        found, "2023年12月申报留工10人、参保人数仅5人、发放1,000.00元、多报部分对应500.00元",
        "2024年1月申报留工9人、参保人数仅3人、发放2,000.00元、多报部分对应1,333.33元",
        "共计多领1,833.33元")
    by_period = found.facts["by_period"]
    assert "2023年12月申报留工10人" in by_period and "2024年1月申报留工9人" in by_period
    assert "month" not in found.facts and "claimed_headcount" not in found.facts


def test_the_insured_counts_shown_carry_their_month(run: Run):
    months_of = {(e.file, e.row): e.period for e in run.one(two_months).evidence
                 if e.role == "basis"}
    assert months_of == {(december_insured.file, december_insured.row): "2023-12",
                         (january_insured.file, january_insured.row): "2024-01"}


@pytest.mark.parametrize(("company", "at_risk"), [(thirds, "428.57"), (half_fen, "2000.01")],
                         ids=["a third", "half a fen"])
def test_the_money_at_risk_is_to_the_fen(run: Run, company: Company, at_risk: str):
    assert figures(run.one(company)) == ("LIUGONG", "2024-01", "2024-01", at_risk)


@pytest.mark.parametrize("company", [two_over, few_of_many, tenth, no_count, no_claim],
                         ids=["2 over", "under 10%", "exactly 10%", "no insured count",
                              "no claimed headcount"])
def test_within_tolerance_or_without_counts_does_not_fire(run: Run, company: Company):
    assert not run.fired(company)
