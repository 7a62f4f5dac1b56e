"""The warning board: who sees which warnings, filters, search, sort, pages, the live fragment."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from sunlight.appdb.tables import Warning
from sunlight.models.detection import EvidenceRow
from sunlight.web.board import Filters
from tests.appdb.builders import detection, run
from tests.models.county import make_id
from tests.web.conftest import StaffApp
from tests.web.page_text import visible_text
from tests.web.stored import assign, store

WANG = make_id("1950-03-05", 1)
LI = make_id("1960-07-01", 2)
ZHANG = make_id("1970-01-01", 3)
GONE = make_id("1980-01-01", 4)
PARTIAL = {"X-Sunlight-Partial": "1"}


def world() -> list:
    """王芳 (城关镇 东村, deceased and paid), 李强 (城关镇 西村, paid twice),
    张伟 (马家镇 南村, too young), and 赵敏, whose warning is later retracted."""
    return [
        replace(detection(range(1, 6), subject=WANG), name="王芳"),
        replace(detection([3], subject=LI, model="DUPLICATE_PAYMENT", amount="300"),
                name="李强", village="西村", severity="medium"),
        replace(detection([1, 2], subject=ZHANG, model="INELIGIBLE_AGE", program="PENSION",
                          amount="150"),
                name="张伟", township="马家镇", village="南村", severity="low"),
        replace(detection([1], subject=GONE), name="赵敏"),
    ]


@pytest.fixture
def stored(staff_app: StaffApp) -> dict[str, str]:
    ids = store(staff_app, world())
    with staff_app.session() as session:
        session.execute(update(Warning).where(Warning.subject == GONE)
                        .values(status="retracted"))
        session.commit()
    return ids


def listed(html: str) -> list[str]:
    """The warning IDs on a board page, in order."""
    return re.findall(r'href="/staff/warnings/(W-[A-Z0-9]+)"', html)


def board(staff_app: StaffApp, user: str = "analyst", **params: str) -> str:
    response = staff_app.client(user).get("/staff/warnings", params=params)
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.parametrize(("user", "status"), [
    ("analyst", 200), ("verifier", 200), ("verifier_other", 200), ("officer", 403),
    ("admin", 403)])
def test_who_may_open_the_board(staff_app: StaffApp, user: str, status: int):
    assert staff_app.client(user).get("/staff/warnings").status_code == status


def test_anonymous_is_sent_to_log_in(staff_app: StaffApp):
    response = staff_app.client().get("/staff/warnings?township=城关镇", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/login?next=/staff/warnings")


def test_the_analyst_sees_every_standing_warning_highest_risk_first_ids_masked(
        staff_app: StaffApp, stored: dict[str, str]):
    html = board(staff_app)
    assert set(listed(html)) == {stored[WANG], stored[LI], stored[ZHANG]}
    assert stored[GONE] not in html  # retracted: hidden unless asked for
    assert WANG not in html and f"{WANG[:6]}********{WANG[-4:]}" in html
    assert "王芳" in html and "3" in html
    assert "3,100.00" in html  # 2,500 + 300 + 300 (two months of 150)
    assert 'data-live="#board"' in html
    assert '<table class="stacked board">' in html and 'data-label="身份证号"' in html


def test_a_verifier_sees_only_the_warnings_assigned_to_them(
        staff_app: StaffApp, stored: dict[str, str]):
    assert listed(board(staff_app, "verifier")) == []
    assign(staff_app, stored[WANG], "verifier")
    assert listed(board(staff_app, "verifier")) == [stored[WANG]]
    assert listed(board(staff_app, "verifier_other")) == []


@pytest.mark.parametrize(("params", "who"), [
    ({"township": "马家镇"}, {ZHANG}),
    ({"township": "城关镇", "village": "西村"}, {LI}),
    ({"model": "DUPLICATE_PAYMENT"}, {LI}),
    ({"program": "PENSION"}, {ZHANG}),
    ({"severity": "high"}, {WANG}),
    ({"period": "2024-01"}, {WANG, ZHANG}),  # the month each problem starts
    ({"period": "2024-03"}, {LI}),
    ({"period": "2024-13"}, {WANG, LI, ZHANG}),  # not a month: no filter
    ({"status": "retracted"}, {GONE}),
    ({"status": "all"}, {WANG, LI, ZHANG, GONE}),
    ({"status": "verifying"}, set()),
    ({"q": "李"}, {LI}),
    ({"q": "张 伟"}, {ZHANG}),  # typed with a space
    ({"q": f" {WANG[:6]} {WANG[6:]}"}, {WANG}),
    ({"q": WANG}, {WANG}),
    ({"q": WANG[-4:]}, {WANG}),
    ({"q": f"{ZHANG[:6]}********{ZHANG[-4:]}"}, {ZHANG}),
    ({"q": "100%"}, set()),
])
def test_filters_and_search(staff_app: StaffApp, stored: dict[str, str],
                            params: dict[str, str], who: set[str]):
    assert set(listed(board(staff_app, **params))) == {stored[s] for s in who}


def test_search_by_warning_id(staff_app: StaffApp, stored: dict[str, str]):
    assert listed(board(staff_app, q=stored[LI].lower())) == [stored[LI]]


def test_sort_by_amount(staff_app: StaffApp, stored: dict[str, str]):
    by_amount = listed(board(staff_app, sort="amount"))
    assert by_amount[0] == stored[WANG]
    assert set(by_amount[1:]) == {stored[LI], stored[ZHANG]}  # 300 each: then by score


def test_the_fragment_answers_a_live_filter(staff_app: StaffApp, stored: dict[str, str]):
    client = staff_app.client("analyst")
    response = client.get("/staff/warnings?township=马家镇", headers=PARTIAL)
    assert "<html" not in response.text and "<form" not in response.text
    assert listed(response.text) == [stored[ZHANG]]
    assert "export.xlsx?township=" in response.text  # the export follows the filters


def test_pages_of_fifty_with_totals_over_all_pages(staff_app_both: StaffApp):
    people = [make_id("1950-01-01", n) for n in range(1, 56)]
    store(staff_app_both, [replace(detection([1], subject=p, amount=str(100 + n)),
                                   name=f"甲{n}") for n, p in enumerate(people)])
    client = staff_app_both.client("analyst")
    first = client.get("/staff/warnings?sort=amount").text
    assert len(listed(first)) == 50
    assert ">55<" in first and "6,985.00" in first  # 55 × 100 + (0 + ... + 54)
    assert "第 1 / 2 页" in first and 'href="/staff/warnings?sort=amount&amp;page=2"' in first
    second = client.get("/staff/warnings?sort=amount&page=2").text
    assert len(listed(second)) == 5 and not set(listed(first)) & set(listed(second))
    assert client.get("/staff/warnings?page=99").status_code == 200  # the last page


def test_filters_parse_only_what_they_know():
    filters = Filters.parse({"sort": "evil", "status": "bogus", "severity": "x", "page": "-3",
                             "township": "  城关镇 "})
    assert (filters.sort, filters.status, filters.severity, filters.page, filters.township) \
        == ("risk", "", "", 1, "城关镇")
    assert filters.query_string(page=2) == "township=%E5%9F%8E%E5%85%B3%E9%95%87&page=2"
    assert Filters.parse({"page": "x"}).page == 1
    periods = ["2024", "2024-03", "2024-3", "2024-00", "24", "2024-03-01", "2024'--"]
    assert [Filters.parse({"period": p}).period for p in periods] == [
        "2024", "2024-03", "", "", "", "", ""]


def test_a_year_lists_the_programs_paid_once_a_year(staff_app: StaffApp,
                                                    stored: dict[str, str]):
    land = make_id("1966-06-06", 7)
    paid = EvidenceRow("payments", "地力2024.xlsx", "Sheet1", 3, "paid", "2024", Decimal("640"))
    store(staff_app, [*world(), replace(
        detection([1], subject=land, model="AREA_OVER_DECLARED", program="DILI"),
        period_from="2024", period_to="2024", amount=Decimal("640"), evidence=(paid,))])
    html = board(staff_app, period="2024")
    assert listed(html) == [ids_of(staff_app)[land]] and "2024年度" in html
    assert '<option value="2024" selected>2024年度</option>' in html


def ids_of(staff_app: StaffApp) -> dict[str, str]:
    with staff_app.session() as session:
        return {subject: warning_id for subject, warning_id in
                session.execute(select(Warning.subject, Warning.warning_id))}


def villages(html: str) -> list[str]:
    """The 村 options of the board's filter form, 全部 first."""
    select = re.search(r'<select id="f-village".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r"<option[^>]*>([^<]+)</option>", select.group(0))


def test_the_village_list_follows_the_township(staff_app: StaffApp, stored: dict[str, str]):
    assert villages(board(staff_app)) == ["全部", "东村", "南村", "西村"]
    html = board(staff_app, township="城关镇")
    assert villages(html) == ["全部", "东村", "西村"]
    # Every township's villages are in the page, for the script to follow a new choice.
    options = re.search(r"data-options='([^']+)'", html)
    assert options is not None and json.loads(options.group(1)) == {
        "城关镇": ["东村", "西村"], "马家镇": ["南村"]}


def test_a_village_of_another_township_is_let_go(staff_app: StaffApp, stored: dict[str, str]):
    """Changing 乡镇 without JavaScript sends the old township's 村 along."""
    html = board(staff_app, township="马家镇", village="西村")
    assert listed(html) == [stored[ZHANG]] and villages(html) == ["全部", "南村"]
    assert "export.xlsx?township=%E9%A9%AC%E5%AE%B6%E9%95%87&amp;village" not in html


def test_a_verifier_is_offered_only_the_places_of_their_own_warnings(
        staff_app: StaffApp, stored: dict[str, str]):
    assign(staff_app, stored[WANG], "verifier")
    html = board(staff_app, "verifier")
    assert villages(html) == ["全部", "东村"] and "马家镇" not in html


def test_totals_follow_each_detection_run_and_each_case(staff_app: StaffApp,
                                                        stored: dict[str, str]):
    assert ">3<" in board(staff_app)
    store(staff_app, [*world(), replace(detection([1], subject=make_id("1990-01-01", 9)),
                                        name="新人", village="北村")])
    html = board(staff_app)
    # 赵敏's retracted warning fires again as a successor, and 新人 is new: 5 standing.
    assert ">5<" in html and "北村" in html  # the count and the village choices are fresh
    assign(staff_app, stored[WANG], "verifier")
    assert listed(board(staff_app, status="verifying")) == [stored[WANG]]


def test_a_warning_about_a_townships_program_is_named_by_program_and_year(
        staff_app: StaffApp):
    township_year = replace(detection([1], subject="城关镇/JINMU/2024", program="JINMU"),
                            name="", id_number="", period_from="2024", period_to="2024")
    with staff_app.session() as session:
        run(session, [township_year])
    analyst = staff_app.client("analyst")
    board = analyst.get("/staff/warnings").text
    assert "草原禁牧补助 2024年度" in board and "JINMU" not in visible_text(board)
    warning_id = re.search(r'href="/staff/warnings/(W-[A-Z0-9]+)"', board)
    assert warning_id
    page = visible_text(analyst.get(f"/staff/warnings/{warning_id.group(1)}").text)
    assert "：草原禁牧补助 2024年度" in page and "JINMU" not in page
