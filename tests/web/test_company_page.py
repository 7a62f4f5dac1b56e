"""A company's entity page (contract §5): its registry as last delivered, its legal
representative linked, insured beside claimed headcount by month, its payments and warnings;
search by name or credit code; and the link view from the company to the official of its
representative's household."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from sunlight.appdb.tables import Warning
from sunlight.masking import masked_number
from tests.entities.indexed import entity_address
from tests.web.company_story import company_home, detect, firm, official, rep, unknown
from tests.web.conftest import StaffApp
from tests.web.page_text import visible_text

__all__ = ["company_home"]


@pytest.fixture
def indexed(staff_app: StaffApp, company_home: Path) -> StaffApp:
    detect(company_home, staff_app.settings.database_url)
    return staff_app


def page(staff_app: StaffApp, kind: str, key: str) -> str:
    response = staff_app.client("analyst").get(entity_address(staff_app, kind, key))
    assert response.status_code == 200, response.text
    return response.text


def section(html: str, name: str) -> str:
    return html.split(f'id="{name}"', 1)[1].split("</section>", 1)[0]


def test_the_registry_shows_the_latest_delivery_first_and_links_the_representative(
        indexed: StaffApp):
    html = page(indexed, "company", firm.code)
    registry = visible_text(section(html, "registry"))
    assert registry.index("80") < registry.index("50")  # the restated capital first
    assert "存续" in registry and "2015-03-01" in registry
    assert entity_address(indexed, "person", rep.id) in section(html, "legal-rep")
    assert rep.id not in html and masked_number(rep.id) in visible_text(html)


def test_insured_beside_claimed_headcount_by_month_as_table_and_chart(indexed: StaffApp):
    html = page(indexed, "company", firm.code)
    table = html.split('id="headcount-table"', 1)[1].split("</table>", 1)[0]
    rows = [" ".join(visible_text(row).split()) for row in table.split("</tr>")[1:-1]]
    assert len(rows) == 2
    assert "20" in rows[0] and "30" in rows[0] and "超出 10 人" in rows[0]
    assert "超出" not in rows[1]
    chart = section(html, "headcount").split("<svg", 1)[1].split("</svg>", 1)[0]
    claimed = re.findall(r'class="bar claimed"[^>]*height="([\d.]+)"', chart)
    insured = re.findall(r'class="bar insured"[^>]*height="([\d.]+)"', chart)
    # January's claim stands taller than its insured count; February's is level with it.
    assert float(claimed[0]) > float(insured[0]) and claimed[1] == insured[1]


def test_payments_by_month_with_program_claimed_workers_and_masked_account(indexed: StaffApp):
    html = page(indexed, "company", firm.code)
    payments = visible_text(section(html, "payments"))
    assert "留工补贴" in payments and "9,000.00" in payments and "6,000.00" in payments
    assert firm.account not in html and masked_number(firm.account) in payments
    assert entity_address(indexed, "account", firm.account) in html
    account = page(indexed, "account", firm.account)
    assert entity_address(indexed, "company", firm.code) in account and firm.name in account


def test_its_warnings_are_listed(indexed: StaffApp):
    html = page(indexed, "company", firm.code)
    with indexed.session() as session:
        codes = {w.model: w.warning_id for w in session.scalars(
            select(Warning).where(Warning.subject == firm.code))}
    assert set(codes) == {"HEADCOUNT_OVERCLAIMED", "REP_IS_OFFICIAL"}
    for warning_id in codes.values():
        assert f"/staff/warnings/{warning_id}" in section(html, "warnings")


def test_a_company_known_only_from_its_payments_has_a_page(indexed: StaffApp):
    html = page(indexed, "company", unknown.code)
    text = visible_text(html)
    assert unknown.name in text and "企业登记中无此企业" in text and "1,500.00" in text
    assert unknown.code in text  # a company's code is no private person's number


def test_search_finds_a_company_by_name_or_credit_code(indexed: StaffApp):
    client = indexed.client("analyst")
    address = entity_address(indexed, "company", firm.code)
    # A part of a code is its beginning or its end, as for IDs and accounts.
    for query in ("钱氏建材", firm.name, firm.code, firm.code[:8], firm.code[-6:].lower()):
        html = client.get("/staff/search", params={"q": query}).text
        assert address in html, query


def test_the_link_view_leads_from_the_company_to_the_official(indexed: StaffApp):
    html = indexed.client("analyst").get(
        entity_address(indexed, "company", firm.code) + "/links").text
    text = visible_text(html)
    assert rep.name in text and official.name in text and "副镇长" in text
    assert "亲属为公职人员" in text
    assert entity_address(indexed, "person", official.id) in html


def test_a_warning_page_links_its_company_representative_and_official(indexed: StaffApp):
    with indexed.session() as session:
        warning_id = session.scalars(select(Warning.warning_id).where(
            Warning.subject == firm.code, Warning.model == "REP_IS_OFFICIAL")).one()
    html = indexed.client("analyst").get(f"/staff/warnings/{warning_id}").text
    subject = html.split('id="subject"', 1)[1].split("</section>", 1)[0]
    for kind, key in (("company", firm.code), ("person", rep.id), ("person", official.id)):
        assert entity_address(indexed, kind, key) in subject, kind
    assert firm.name in visible_text(subject) and official.name in visible_text(subject)
