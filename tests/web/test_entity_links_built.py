"""The link view over the index as a detection run builds it (tests/entities/county.py):
the shared card's payees and their households, the cadre's office and company."""

from __future__ import annotations

from pathlib import Path

import pytest

from sunlight.masking import masked_number
from tests.entities.county import CREDIT_CODE, son, wang, zhang, zhao
from tests.entities.indexed import detected, entity_address
from tests.web.conftest import StaffApp
from tests.web.page_text import visible_text


@pytest.fixture
def indexed(staff_app: StaffApp, ingested: Path) -> StaffApp:
    detected(ingested, staff_app.settings.database_url)
    return staff_app


address = entity_address


def page(staff_app: StaffApp, kind: str, key: str) -> str:
    response = staff_app.client("analyst").get(address(staff_app, kind, key) + "/links")
    assert response.status_code == 200, response.text
    return response.text


def test_the_shared_card_shows_its_payees_and_their_households(indexed: StaffApp):
    html = page(indexed, "account", wang.account)
    text = visible_text(html)
    for payee in (wang, son, zhao):  # each a node, linked to their page and their view
        assert f'href="{address(indexed, "person", payee.id)}"' in html
        assert f'href="{address(indexed, "person", payee.id)}/links"' in html
    assert f'href="{address(indexed, "household", "H001")}"' in html  # hop 2
    assert "收款（领取人）" in text and "预警" in text
    assert wang.account not in html and masked_number(wang.account) in text
    for person in (wang, son, zhao):
        assert person.id not in html


def test_the_cadre_holds_office_and_represents_a_company(indexed: StaffApp):
    text = visible_text(page(indexed, "person", zhang.id))
    assert "村干部任职（村党支部书记）" in text
    assert "法定代表人" in text and "陇县张氏商贸有限公司" in text
    assert CREDIT_CODE in text  # a company's credit code is public, shown as it is
