"""A warning's page names its subject and the people it concerns, each linked to their page;
the board names an account by its payees and a township's program-year in words."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from python_calamine import CalamineWorkbook

from sunlight.entities.refs import ref_for
from sunlight.models.detection import Detection, Person
from tests.appdb.builders import HOUSEHOLD, PERSON, detection
from tests.models.county import make_id
from tests.web.conftest import StaffApp
from tests.web.stored import store

ACCOUNT = "6217493730820689217"
PAYEES = [Person(make_id("1950-01-01", n), name, f"30101000{n}", "payee")
          for n, name in ((1, "李兵宏"), (2, "李建国"), (3, "杨国强"))]
STRANGER = Person(make_id("1960-06-06", 9), "杨月娥", "", "payee")  # not in the registry
CADRE = Person(make_id("1972-02-02", 4), "杜长青", HOUSEHOLD, "cadre")


def shared_account() -> Detection:
    names = "李兵宏、李建国、杨国强、杨月娥"
    return replace(detection([1, 2, 3], model="SHARED_ACCOUNT", subject=ACCOUNT, program=""),
                   account=ACCOUNT, people=(*PAYEES, STRANGER), name=names, subject_name=names)


def relative_of_cadre() -> Detection:
    first = detection([1, 2], model="RELATIVE_OF_CADRE")
    return replace(first, people=(*first.people, CADRE))


@pytest.fixture
def ids(staff_app: StaffApp) -> dict[str, str]:
    township = replace(detection([1], model="FUNDS_WITHHELD", subject="城关镇/DIBAO/2024"),
                       name="", subject_name="城关镇 农村最低生活保障 2024年")
    return store(staff_app, [shared_account(), relative_of_cadre(), township])


def page(staff_app: StaffApp, wid: str) -> str:
    response = staff_app.client("analyst").get(f"/staff/warnings/{wid}")
    assert response.status_code == 200, response.text
    return response.text


def href(staff_app: StaffApp, kind: str, key: str) -> str:
    with staff_app.session() as session:
        return f'href="/staff/entities/{kind}/{ref_for(session, kind, key)}"'


def test_the_one_card_many_people_warning_names_its_payees_with_links(
        staff_app: StaffApp, ids: dict[str, str]):
    html = page(staff_app, ids[ACCOUNT])
    assert "预警对象" in html and "账户" in html
    assert f"{ACCOUNT[:6]}" in html and ACCOUNT not in html  # masked, and not in any link
    assert href(staff_app, "account", ACCOUNT) in html
    for payee in (*PAYEES, STRANGER):
        assert payee.name in html and payee.id_number not in html
        assert href(staff_app, "person", payee.id_number) in html
    for payee in PAYEES:
        assert href(staff_app, "household", payee.household) in html
    assert "领取人" in html and "户籍中无此人" in html  # the stranger has no 户号


def test_a_relative_of_a_cadre_names_the_cadre_beside_the_payee(
        staff_app: StaffApp, ids: dict[str, str]):
    html = page(staff_app, ids[PERSON])
    assert "个人" in html and "王芳" in html and "杜长青" in html and "村干部" in html
    assert href(staff_app, "person", CADRE.id_number) in html
    assert html.count(href(staff_app, "household", HOUSEHOLD)) == 2  # payee and cadre


def test_a_townships_program_year_is_named_in_words(staff_app: StaffApp, ids: dict[str, str]):
    html = page(staff_app, ids["城关镇/DIBAO/2024"])
    assert "乡镇" in html and "城关镇 农村最低生活保障 2024年" in html
    assert "城关镇/DIBAO/2024" not in html and "涉及人员" not in html


def test_the_board_names_the_account_by_its_payees(staff_app: StaffApp, ids: dict[str, str]):
    html = staff_app.client("analyst").get("/staff/warnings?status=all").text
    assert "李兵宏、李建国、杨国强、杨月娥" in html and "城关镇 农村最低生活保障 2024年" in html


def test_a_change_of_people_is_logged_in_words(staff_app: StaffApp, ids: dict[str, str]):
    first = relative_of_cadre()
    store(staff_app, [replace(first, people=first.people[:1])])  # the cadre is gone
    html = page(staff_app, ids[PERSON])
    assert "涉及人员" in html and "王芳（领取人）、杜长青（村干部）" in html
    assert "cadre" not in html


def test_the_workbook_names_each_subject_in_chinese(staff_app: StaffApp, ids: dict[str, str]):
    content = staff_app.client("analyst").get("/staff/warnings/export.xlsx?status=all").content
    header, *rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(
        "预警清单").to_python()
    assert header[3:5] == ["对象类型", "对象"]
    subjects = {row[0]: (row[3], row[4]) for row in rows}
    assert subjects == {
        ids[ACCOUNT]: ("账户", "李兵宏、李建国、杨国强、杨月娥"),
        ids[PERSON]: ("个人", "王芳"),
        ids["城关镇/DIBAO/2024"]: ("乡镇", "城关镇 农村最低生活保障 2024年"),
    }


def test_an_account_standing_in_for_its_payees_is_masked_everywhere(staff_app: StaffApp):
    # As migration 0015 leaves a warning stored before: no payees yet, the account its name.
    wid = store(staff_app, [replace(shared_account(), name="", subject_name=ACCOUNT,
                                    people=())])[ACCOUNT]
    masked = f"{ACCOUNT[:6]}*********{ACCOUNT[-4:]}"
    client = staff_app.client("analyst")
    for html in (client.get("/staff/warnings").text, page(staff_app, wid)):
        assert masked in html and ACCOUNT not in html
    content = client.get("/staff/warnings/export.xlsx").content
    [row] = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(
        "预警清单").to_python()[1:]
    assert row[4] == masked and ACCOUNT not in " ".join(str(cell) for cell in row)
