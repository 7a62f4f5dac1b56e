"""A company's warning page (contract §5): the company as its subject, its legal
representative among the people it concerns, and for 虚报用工人数 the claimed and insured
headcount of the month and the money at risk among its facts."""

from __future__ import annotations

import pytest

from tests.models.county import County, Run
from tests.web.conftest import StaffApp
from tests.web.stored import store

county = County()
rep = county.person("杜建国", born="1976-10-12")
firm = county.company("陇县杜家建材有限公司", rep)
county.insured(firm, "2024-01", 59)
county.pay_company(firm, "留工补贴", "2024-01", 38000, claimed=76)

run = county.fixture("HEADCOUNT_OVERCLAIMED")


@pytest.fixture
def html(staff_app: StaffApp, run: Run) -> str:
    [found] = run.detections
    ids = store(staff_app, [found])
    response = staff_app.client("analyst").get(f"/staff/warnings/{ids[firm.code]}")
    assert response.status_code == 200, response.text
    return response.text


def test_the_page_names_the_company_and_its_legal_representative(html: str):
    assert "企业" in html and "陇县杜家建材有限公司" in html
    assert "法定代表人" in html and "杜建国" in html
    assert rep.id not in html  # masked, as every ID on a page


def test_the_page_shows_claimed_against_insured_headcount_and_the_money_at_risk(html: str):
    for label, value in (("申报人数", "76"), ("当月参保人数", "59"),
                         ("当月发放金额（元）", "38,000.00"), ("多报部分金额（元）", "8,500.00")):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in html, label
    assert "8,500.00" in html  # the explanation's and the warning's amount

