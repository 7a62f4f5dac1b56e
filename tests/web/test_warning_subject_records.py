"""A warning about something other than a person shows that thing, not an empty person's
timeline: an account its payees by month (from the entity index) and a link to its page, a
township's program-year the township's page; the programs a warning spans instead of a dash;
no fact about "the same person" on a warning that is about no one person."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from sunlight.appdb.tables import Warning
from tests.appdb.builders import PERSON, detection
from tests.entities.county import son, wang, zhao
from tests.entities.indexed import detected, entity_address
from tests.models.county import TOWNSHIP
from tests.web.conftest import StaffApp
from tests.web.page_text import visible_text
from tests.web.stored import store

PERSON_FACT = "同一人其他模型预警数"
EMPTY_TIMELINE = "暂无此人的源数据记录"


@pytest.fixture
def one_card(staff_app_both: StaffApp, ingested: Path) -> tuple[StaffApp, str]:
    """The tiny county's 一卡多人 warning (王芳's card, paid to 王强 and 赵敏 too), detected
    with the entity index built; on SQLite and PostgreSQL."""
    detected(ingested, staff_app_both.settings.database_url)
    with staff_app_both.session() as session:
        return staff_app_both, session.scalars(select(Warning.warning_id)).one()


def page(app: StaffApp, wid: str) -> str:
    response = app.client("analyst").get(f"/staff/warnings/{wid}")
    assert response.status_code == 200, response.text
    return response.text


def href(app: StaffApp, kind: str, key: str) -> str:
    return f'href="{entity_address(app, kind, key)}"'


def section(html: str, anchor: str) -> str:
    return html.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]


def test_an_account_warning_shows_its_payees_by_month_not_a_persons_timeline(
        one_card: tuple[StaffApp, str]):
    app, wid = one_card
    html = page(app, wid)
    assert "个人时间线" not in html and EMPTY_TIMELINE not in html
    months = section(html, "account-months")
    assert href(app, "account", wang.account) in months
    for payee in (wang, son, zhao):
        assert href(app, "person", payee.id) in months and payee.name in months
    assert href(app, "household", "H003") in months  # 赵敏's household
    text = visible_text(months)
    assert "2024-04" in text and "2024-05" in text  # 王强's months on his mother's card
    assert "800.00" in text  # 赵敏's two months of 400
    assert wang.account not in html


def test_an_account_warning_names_its_programs_and_no_persons_fact(
        one_card: tuple[StaffApp, str]):
    app, wid = one_card
    html = page(app, wid)
    with app.session() as session:
        warning = session.scalars(select(Warning)).one()
        assert warning.facts.get("other_models") == "0"  # the runner's count, shown nowhere
        programs = warning.facts["programs_zh"]
    facts = visible_text(html.split('id="warning-heading"', 1)[1].split("</section>", 1)[0])
    assert f"项目 {programs}" in facts and "项目 —" not in facts
    assert PERSON_FACT not in html
    assert "未逐行记录领取人" in section(html, "evidence")  # the rows, as they are, say so


def test_a_townships_program_year_links_its_township_not_a_timeline(staff_app: StaffApp):
    township = replace(detection([1], model="FUNDS_WITHHELD", subject="城关镇/DIBAO/2024"),
                       name="", subject_name="城关镇 农村最低生活保障 2024年",
                       facts={"other_models": "0", "year": "2024"})
    html = page(staff_app, store(staff_app, [township])["城关镇/DIBAO/2024"])
    assert "个人时间线" not in html and EMPTY_TIMELINE not in html
    assert href(staff_app, "township", "城关镇") in section(html, "subject-page")
    assert PERSON_FACT not in html and "年度" in html


def test_a_persons_warning_keeps_its_timeline_and_persons_facts(staff_app: StaffApp):
    person = detection([1, 2])
    person = replace(person, facts={**person.facts, "other_models": "2"})
    html = page(staff_app, store(staff_app, [person])[PERSON])
    assert "个人时间线" in html and PERSON_FACT in html
    assert 'id="account-months"' not in html and 'id="subject-page"' not in html


def test_mutually_exclusive_programs_are_both_named(staff_app: StaffApp):
    both = replace(detection([1], model="EXCLUSIVE_PROGRAMS"), facts={
        "program_a_name": "农村最低生活保障", "program_b_name": "特困人员救助供养",
        "counted_name": "农村最低生活保障"})
    html = page(staff_app, store(staff_app, [both])[PERSON])
    facts = visible_text(html.split('id="warning-heading"', 1)[1].split("</section>", 1)[0])
    assert "项目 农村最低生活保障、特困人员救助供养" in facts


def test_the_township_in_the_place_links_its_page(one_card: tuple[StaffApp, str]):
    app, wid = one_card
    assert href(app, "township", TOWNSHIP) in page(app, wid)
