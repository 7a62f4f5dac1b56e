"""The link view's page: who may open it, its filters, what it names and masks."""

from __future__ import annotations

import re

import pytest

from sunlight.appdb.entity_tables import Entity
from tests.entities.fixtures import (
    ACCOUNT,
    PERSONS,
    SharedCard,
    crowded_village,
    entity,
    link,
    shared_card,
)
from tests.web.conftest import StaffApp


@pytest.fixture
def story(staff_app_both: StaffApp) -> SharedCard:
    with staff_app_both.session() as session:
        built = shared_card(session)
        session.commit()
        return built.detach(session)


def links_url(node: Entity) -> str:
    return f"/staff/entities/{node.kind}/{node.ref}/links"


def page_url(node: Entity) -> str:
    return f"/staff/entities/{node.kind}/{node.ref}"


def open_view(staff_app: StaffApp, node: Entity, user: str = "analyst", **query: object) -> str:
    response = staff_app.client(user).get(links_url(node), params=query)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return response.text


def test_a_payees_view_reaches_the_cadre_through_the_household(staff_app_both: StaffApp,
                                                               story: SharedCard):
    html = open_view(staff_app_both, story.persons["son"])
    assert "<svg" in html and "关系图谱：张小明" in html
    assert f'href="{page_url(story.cadre)}"' in html
    assert f'href="{links_url(story.cadre)}"' in html
    assert "张建国户" in html  # the household, named after its head
    # The cadre's office, on hover, though he and the village are both two hops away.
    assert "张建国 — 东村：村干部任职（村党支部书记）；任职起始 2021-01-01" in html
    assert story.warning_ids["account"] in html and story.warning_ids["son"] in html


def test_ids_and_accounts_are_masked(staff_app_both: StaffApp, story: SharedCard):
    html = open_view(staff_app_both, story.account)
    assert ACCOUNT not in html and f"{ACCOUNT[:6]}" in html and ACCOUNT[-4:] in html
    for number, _, _ in PERSONS.values():
        assert number not in html
    assert "610327********0033" in html  # the son, as every staff list masks an ID


def test_one_hop_and_the_link_filter(staff_app_both: StaffApp, story: SharedCard):
    son = story.persons["son"]
    assert page_url(story.cadre) not in open_view(staff_app_both, son, hops="1")
    payments_only = open_view(staff_app_both, son, link="payee")
    assert page_url(story.cadre) not in payments_only
    assert page_url(story.persons["li_son"]) in payments_only
    assert re.search(r'value="payee" checked', payments_only)
    assert not re.search(r'value="member" checked', payments_only)
    village = open_view(staff_app_both, story.village, link=["cadre"])
    assert "村党支部书记" in village and page_url(story.persons["son"]) not in village


@pytest.mark.parametrize(("user", "status"), [
    ("analyst", 200), ("verifier", 200), ("verifier_other", 404), ("officer", 403),
    ("admin", 403)])
def test_who_may_open_it(staff_app_both: StaffApp, story: SharedCard, user: str,
                         status: int):
    response = staff_app_both.client(user).get(links_url(story.account))
    assert response.status_code == status


def test_unknown_or_mangled_addresses_are_404(staff_app: StaffApp):
    with staff_app.session() as session:
        story = shared_card(session, warnings=False)
        session.commit()
        ref = story.cadre.ref
    client = staff_app.client("analyst")
    for address in (f"/staff/entities/account/{ref}/links", "/staff/entities/person/"
                    "aaaaaaaaaaaaaaaa/links", f"/staff/entities/unit/{ref}/links",
                    "/staff/entities/person/%27%20or%201%3D1/links"):
        response = client.get(address)
        assert response.status_code == 404, address
        assert "未找到" in response.text


def test_a_verifier_sees_neither_other_townships_nor_others_warnings(staff_app: StaffApp):
    with staff_app.session() as session:
        story = shared_card(session)
        stranger = entity(session, "person", "610327197001010099", "外乡人", township="马家镇",
                          village="西村")
        link(session, stranger, story.account, "payee", "payee")
        session.commit()
        account = story.detach(session).account
    analyst = open_view(staff_app, account)
    assert "外乡人" in analyst
    html = open_view(staff_app, account, "verifier")
    assert "外乡人" not in html and "另有 1 个关联对象不属于本乡镇" in html
    assert story.warning_ids["account"] not in html  # not a case of theirs
    assert "预警 1 条" in analyst and "预警 1 条" not in html  # nor counted
    assert "张小明" in html


def test_a_crowded_village_shows_its_warned_people(staff_app_both: StaffApp):
    with staff_app_both.session() as session:
        story = shared_card(session)
        crowded_village(session, story)
        session.commit()
        story.detach(session)
    one_hop = open_view(staff_app_both, story.village, hops="1")
    assert "张建国户" in one_hop and "李秀英户" in one_hop  # their households, past the cap
    assert "部分对象的关系很多" in one_hop
    two_hops = open_view(staff_app_both, story.village)
    for payee in story.payees:
        assert page_url(payee) in two_hops


def test_a_cadre_is_marked_whatever_the_filter(staff_app_both: StaffApp, story: SharedCard):
    son = story.persons["son"]
    html = open_view(staff_app_both, son, link=["member", "cadre"])
    assert page_url(story.village) not in html  # his office's tie is not drawn, yet:
    assert "个人：张建国（610327********0011）；村干部：村党支部书记" in html  # on hover
    assert '<span class="badge office">村干部：村党支部书记</span>' in html  # in his row
    assert html.count('class="node kind-person office"') == 1  # ringed, he alone


def test_cadre_ties_alone_lead_from_a_payee_to_the_cadre(staff_app_both: StaffApp,
                                                         story: SharedCard):
    html = open_view(staff_app_both, story.persons["son"], link="cadre")
    assert f'href="{page_url(story.cadre)}"' in html
    assert "张小明 — 张建国：亲属为村干部（村党支部书记）；任职起始 2021-01-01" in html
    assert page_url(story.village) in html  # and on to the village he serves
    assert 'value="cadre_relative"' not in html  # derived: not a filter of its own
