"""A verifier sees only their township's people and only the warnings of their own cases, on
every page that shows the entity index: an account's payees of another township are counted,
not listed; warning counts are those they may open; the analyst still sees everything.

The story is tests/entities/fixtures.py's shared card, with the 李 household moved to another
township: two of the card's four payees are then out of the verifier's reach.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from sqlalchemy import select

from sunlight.appdb.entity_tables import Entity
from sunlight.entities.refs import index_state
from sunlight.entities.search_terms import index_terms
from sunlight.masking import masked_number
from tests.entities.fixtures import (
    ACCOUNT,
    HOUSEHOLD_LI,
    HOUSEHOLD_ZHANG,
    PERSONS,
    TOWNSHIP,
    SharedCard,
    shared_card,
)
from tests.entities.fixtures import entity as add_entity
from tests.web.conftest import OTHER_TOWNSHIP, StaffApp
from tests.web.page_text import visible_text
from tests.web.stored import assign

LI = ("li_mother", "li_son")
"""The payees moved to another township."""
ZHANG = ("son", "daughter")
MONTHLY = {"son": "100.00", "daughter": "200.00", "li_mother": "777.77", "li_son": "888.88"}


def _doc() -> dict[str, object]:
    """The account's doc as the index builds it: its payees, and their months (3 each)."""
    payees = [{"id": PERSONS[role][0], "name": PERSONS[role][1], "written": PERSONS[role][1],
               "household": PERSONS[role][2], "first": "2024-01", "last": "2024-03",
               "months": 3, "amount": f"{float(MONTHLY[role]) * 3:.2f}", "rows": 3}
              for role in (*ZHANG, *LI)]
    months = [{"id": PERSONS[role][0], "f": "2024-01", "t": "2024-03", "a": MONTHLY[role]}
              for role in (*ZHANG, *LI)]
    return {"payees": payees, "programs": ["DIBAO"], "months": months}


@pytest.fixture
def story(staff_app_both: StaffApp) -> SharedCard:
    with staff_app_both.session() as session:
        built = shared_card(session)
        for role in LI:
            built.persons[role].township = OTHER_TOWNSHIP
        built.households[HOUSEHOLD_LI].township = OTHER_TOWNSHIP
        built.account.doc = _doc()
        index_state(session).built_at = datetime.now(UTC)
        index_terms(session)
        session.commit()
        return built.detach(session)


def page_url(node: Entity) -> str:
    return f"/staff/entities/{node.kind}/{node.ref}"


def get(staff_app: StaffApp, address: str, user: str) -> str:
    response = staff_app.client(user).get(address)
    assert response.status_code == 200, response.text
    return response.text


def header_count(html: str) -> str:
    """What the entity page's header says of its warnings: '无' or 'N 条'."""
    found = re.search(r"<dt>预警</dt><dd>(.*?)</dd>", html)
    assert found is not None
    return visible_text(found.group(1))


def test_a_verifiers_account_page_counts_the_other_townships_payees_without_naming_them(
        staff_app_both: StaffApp, story: SharedCard):
    html = get(staff_app_both, page_url(story.account), "verifier")
    text = visible_text(html)
    assert "另有 2 名领取人不在您的乡镇" in text and "领取人（2 人）" in text
    for role in ZHANG:
        number, name, _ = PERSONS[role]
        assert name in text and page_url(story.persons[role]) in html
        assert masked_number(number) in text
    for role in LI:
        number, name, _ = PERSONS[role]
        assert name not in html and masked_number(number) not in html
        assert page_url(story.persons[role]) not in html
    assert HOUSEHOLD_LI not in html and HOUSEHOLD_ZHANG in html
    # The month × payee grid and its totals cover the two the verifier may see.
    assert "100.00" in text and "600.00" in text
    assert "777.77" not in text and "888.88" not in text and "2,333.31" not in text


def test_the_analyst_sees_every_payee_of_the_account(staff_app_both: StaffApp,
                                                     story: SharedCard):
    html = get(staff_app_both, page_url(story.account), "analyst")
    text = visible_text(html)
    assert "领取人（4 人）" in text and "不在您的乡镇" not in text
    for role in (*ZHANG, *LI):
        assert PERSONS[role][1] in text and page_url(story.persons[role]) in html
    assert "777.77" in text and "2,666.64" in text


def test_warning_counts_are_those_the_verifier_may_open(staff_app_both: StaffApp,
                                                       story: SharedCard):
    son = story.persons["son"]
    # The index counts the card's warning on the account, and both warnings on the son.
    assert header_count(get(staff_app_both, page_url(story.account), "analyst")) == "1 条"
    assert header_count(get(staff_app_both, page_url(son), "analyst")) == "2 条"
    for entity in (story.account, son):
        html = get(staff_app_both, page_url(entity), "verifier")
        assert header_count(html) == "无" and "没有您可查看的预警" in html
    assign(staff_app_both, story.warning_ids["account"], "verifier")
    for entity in (story.account, son):
        html = get(staff_app_both, page_url(entity), "verifier")
        assert header_count(html) == "1 条"
        assert story.warning_ids["account"] in html and story.warning_ids["son"] not in html


def test_search_results_count_what_the_verifier_may_open(staff_app_both: StaffApp,
                                                        story: SharedCard):
    def row(user: str) -> str:
        html = get(staff_app_both, f"/staff/search?q={quote('张小明')}", user)
        body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        [found] = [" ".join(re.sub(r"<[^>]+>", " ", r).split())
                   for r in body.split("</tr>")[:-1] if "个人" in r]
        return found

    assert "2 条" in row("analyst")
    assert " 无 " in row("verifier")
    assign(staff_app_both, story.warning_ids["account"], "verifier")
    assert "1 条" in row("verifier")


def test_the_card_warning_names_every_payee_but_links_only_those_the_verifier_may_open(
        staff_app_both: StaffApp, story: SharedCard):
    warning = f"/staff/warnings/{story.warning_ids['account']}"
    assign(staff_app_both, story.warning_ids["account"], "verifier")
    html = get(staff_app_both, warning, "verifier")
    people = html.split('id="people"', 1)[1].split("</table>", 1)[0]
    for role in ZHANG:
        assert f'href="{page_url(story.persons[role])}"' in people
    for role in LI:
        assert PERSONS[role][1] in people  # named: the verifier must verify the case
        assert page_url(story.persons[role]) not in html
    assert visible_text(people).count("（外乡镇）") == 2
    analyst = get(staff_app_both, warning, "analyst")
    assert "（外乡镇）" not in analyst
    for role in (*ZHANG, *LI):
        assert page_url(story.persons[role]) in analyst


def test_the_link_views_account_label_names_only_the_payees_the_verifier_may_see(
        staff_app_both: StaffApp, story: SharedCard):
    links = f"{page_url(story.account)}/links"
    html = get(staff_app_both, links, "verifier")
    assert "张小明、张小红（另 2 名领取人）" in html
    for role in LI:
        assert PERSONS[role][1] not in html
    assert "预警 1 条" not in html  # the card's warning is not the verifier's (yet)
    analyst = get(staff_app_both, links, "analyst")
    assert "张小明、张小红、李秀英、李强" in analyst and "预警 1 条" in analyst


def test_a_person_page_leaves_out_the_co_payee_names_on_the_card(staff_app_both: StaffApp,
                                                                story: SharedCard):
    html = get(staff_app_both, page_url(story.persons["son"]), "verifier")
    assert "持卡领取人：张小明、张小红（另 2 名领取人）" in visible_text(html)
    assert "李秀英" not in html
    with staff_app_both.session() as session:
        assert session.scalar(select(Entity.name).where(Entity.kind == "account")) \
            == "张小明、张小红、李秀英、李强"
    assert ACCOUNT not in html


def test_a_village_page_counts_its_cadres_of_another_township(staff_app_both: StaffApp,
                                                              story: SharedCard):
    village = page_url(story.village)
    assert "张建国" in get(staff_app_both, village, "verifier")
    with staff_app_both.session() as session:
        cadre = session.get(Entity, story.cadre.id)
        assert cadre is not None
        cadre.township = OTHER_TOWNSHIP
        session.commit()
    html = get(staff_app_both, village, "verifier")
    assert "张建国" not in html and "另有 1 名任职人员不在您的乡镇" in visible_text(html)
    assert "张建国" in get(staff_app_both, village, "analyst")


def test_every_entity_link_a_verifier_is_shown_opens(staff_app_both: StaffApp,
                                                      story: SharedCard):
    # The son is registered in another township now, though his warning is the verifier's.
    with staff_app_both.session() as session:
        son = session.get(Entity, story.persons["son"].id)
        assert son is not None
        son.township = OTHER_TOWNSHIP
        add_entity(session, "township", TOWNSHIP, TOWNSHIP, village="")  # the verifier's
        session.commit()
    for warning_id in story.warning_ids.values():
        assign(staff_app_both, warning_id, "verifier")
    pages = ["/staff/warnings", *(f"/staff/warnings/{w}" for w in story.warning_ids.values())]
    shown = {link for page in pages
             for link in re.findall(r'href="(/staff/entities/[^"]+)"',
                                    get(staff_app_both, page, "verifier"))}
    assert page_url(story.account) in shown  # linked where the verifier may open it
    assert page_url(story.persons["son"]) not in shown
    client = staff_app_both.client("verifier")
    assert {link: client.get(link).status_code for link in shown} == dict.fromkeys(shown, 200)
