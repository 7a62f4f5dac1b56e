"""/staff/search: the header's box on every staff page, the results page, its limits and
who sees what; nothing typed leaves the request."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.cli.serve import server_config
from sunlight.entities.refs import ref_for
from tests.entities.search_rows import (
    ACCOUNT,
    CREDIT_CODE,
    HOUSEHOLD,
    WANG_FANG,
    WANG_FANG_WARNED,
    fill,
)
from tests.web.conftest import StaffApp
from tests.web.page_text import visible_text
from tests.web.test_numbers_link_to_entities import unlinked_numbers


@pytest.fixture
def searched(staff_app: StaffApp) -> StaffApp:
    fill(staff_app)
    return staff_app


def rows(html: str) -> list[str]:
    """The results table's rows, as text."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in body.split("</tr>")[:-1]]


def test_the_search_box_is_in_the_header_of_analysts_and_verifiers_pages(staff_app):
    for user, pages in {"analyst": ["/staff/dashboard", "/staff/warnings", "/staff/cases"],
                        "verifier": ["/staff/cases"]}.items():
        client = staff_app.client(user)
        for page in pages:
            html = client.get(page).text
            assert 'action="/staff/search"' in html.split("</header>")[0], (user, page)
    for user, page in {"officer": "/staff/uploads", "admin": "/staff/admin/users"}.items():
        assert "/staff/search" not in staff_app.client(user).get(page).text
        assert staff_app.client(user).get("/staff/search?q=王").status_code == 403


def test_results_list_kind_name_masked_key_place_warnings_and_link(staff_app_both):
    fill(staff_app_both)
    response = staff_app_both.client("analyst").get("/staff/search", params={"q": "王芳"})
    assert response.status_code == 200
    listed = rows(response.text)
    assert listed[0].startswith("个人 王芳 610327********5678 马家镇 2 条")
    # A 户号 whole, as on every page: masked, every household would look alike.
    assert any(row.startswith(f"家庭户 王芳 {HOUSEHOLD} 城关镇 无") for row in listed)
    assert any(row.startswith("账户 王芳、李四 622848*********8901 城关镇 1 条") for row in listed)
    with staff_app_both.session() as session:
        page = f'href="/staff/entities/person/{ref_for(session, "person", WANG_FANG_WARNED)}"'
        household = f'href="/staff/entities/household/{ref_for(session, "household", HOUSEHOLD)}"'
    assert page in response.text and household in response.text
    assert unlinked_numbers(response.text) == []  # each masked key links to its page
    assert response.headers["referrer-policy"] == "no-referrer"


def test_a_whole_id_typed_in_is_shown_masked(searched):
    html = searched.client("analyst").get("/staff/search", params={"q": WANG_FANG}).text
    assert rows(html) == ["个人 王芳 610327********1234 城关镇 无 查看"]
    assert html.count(WANG_FANG) == 1  # in the box it was typed into, nowhere else
    account = searched.client("analyst").get("/staff/search", params={"q": ACCOUNT}).text
    assert "622848*********8901" in account and account.count(ACCOUNT) == 1


def test_company_by_credit_code_and_name(searched):
    client = searched.client("analyst")
    by_code = rows(client.get("/staff/search", params={"q": "91610327MA6X"}).text)
    assert by_code == [f"企业 陇县宏达种养殖专业合作社 {CREDIT_CODE} 马家镇 无 查看"]
    assert rows(client.get("/staff/search", params={"q": "宏达"}).text) == by_code
    assert rows(client.get("/staff/search", params={"q": "%"}).text)[0].startswith(
        "企业 陇县100%纯净水厂 马家镇")


def test_empty_too_long_and_hostile_queries(searched):
    client = searched.client("analyst")
    for empty in ["", "   ", "\u3000"]:
        response = client.get("/staff/search", params={"q": empty})
        assert response.status_code == 200 and "可输入完整内容或其中一部分" in response.text
    for length in (61, 1_001, 1_500, 5_000):  # any length: the clear message, not 参数有误
        long = client.get("/staff/search", params={"q": "王" * (length - 1) + "甲"})
        assert long.status_code == 400 and "搜索内容过长：最多 60 个字" in long.text, length
        assert "参数有误" not in long.text and "王王" not in long.text  # not shown back
    for hostile in ["%00", "%ED%A0%80", "%F0%9F%98%80", "%25", "_", "%5C", "%27--", "*", "%FF"]:
        response = client.get(f"/staff/search?q={hostile}")
        assert response.status_code == 200, hostile
    nothing = client.get("/staff/search", params={"q": "查无此人"}).text
    assert "没有找到相符的" in nothing


def test_before_the_index_is_built_the_page_says_so(staff_app):
    html = staff_app.client("analyst").get("/staff/search", params={"q": "王芳"}).text
    assert "索引尚未建立，完成一次检测后即可搜索" in html and "没有找到" not in html


def test_a_verifier_finds_only_their_township(searched):
    listed = rows(searched.client("verifier").get("/staff/search", params={"q": "王芳"}).text)
    assert listed and all("城关镇" in row for row in listed)
    assert not any(row.startswith("企业") for row in listed)
    other = searched.client("verifier_other").get("/staff/search", params={"q": "王芳"}).text
    # The index counts 2 warnings on her, none of them the verifier's: none is counted.
    assert rows(other) == ["个人 王芳 610327********5678 马家镇 无 查看"]


def test_what_is_typed_is_not_carried_into_the_login_address(searched):
    response = searched.client().get("/staff/search", params={"q": WANG_FANG},
                                     follow_redirects=False)
    assert response.status_code == 303
    assert WANG_FANG not in response.headers["location"]
    assert response.headers["location"] == f"/staff/login?next={quote('/staff/search')}"


def audited(app: StaffApp, query: dict[str, str], user: str = "analyst") -> list[AuditEntry]:
    """The audit entries a search adds (the client's login aside)."""
    client = app.client(user)
    with app.session() as session:
        before = session.query(AuditEntry).count()
    client.get("/staff/search", params=query)
    with app.session() as session:
        return session.query(AuditEntry).order_by(AuditEntry.id).all()[before:]


def test_a_search_naming_nothing_a_page_hides_leaves_nothing_in_the_audit_log(searched):
    for q in ["王芳", "1234", "610327", "610327********1234", "*1234", HOUSEHOLD,
              "6103279999"]:  # a start that found no one
        assert audited(searched, {"q": q}) == [], q


def test_part_of_a_number_reaching_into_its_hidden_digits_is_audited(searched):
    # Such starts and ends rebuild an ID a digit at a time: 6103271980 = born in 1980.
    for q in ["6103271980", "61032719800101", "01011234", "610327*980********"]:
        [entry] = audited(searched, {"q": q})
        assert entry.details == {"query": "*" * len(q), "found": 1}, q


def test_a_search_by_a_whole_id_or_account_is_audited_with_the_number_masked(searched):
    guessed = "610327198001011235"  # no one's: a wrong guess leaves its trail too
    for q, masked, found in [(WANG_FANG, "610327********1234", 1),
                             (f" {WANG_FANG.lower()} ", "610327********1234", 1),
                             (guessed, "610327********1235", 0),
                             ("6103271980010112*4", "610327********12*4", 1),
                             (ACCOUNT, "622848*********8901", 1)]:
        [entry] = audited(searched, {"q": q}, "verifier")
        assert (entry.action, entry.actor) == ("search.id", "verifier"), q
        assert entry.details == {"query": masked, "found": found}, q
        assert WANG_FANG not in f"{entry.target}{entry.details}"
    admin = visible_text(searched.client("admin").get("/staff/admin/audit").text)
    assert "按身份证号或账号中被遮挡的位数搜索" in admin and "610327********1235" in admin
    assert "search.id" not in admin and "query" not in admin


def test_whole_id_searches_are_limited_per_user(staff_app: StaffApp):
    fill(staff_app)
    staff_app.settings.id_searches_per_10_minutes = 3
    client = staff_app.client("analyst")
    for _ in range(3):
        assert client.get("/staff/search", params={"q": WANG_FANG}).status_code == 200
    refused = client.get("/staff/search", params={"q": WANG_FANG})
    assert refused.status_code == 429 and "搜索过于频繁：每 10 分钟最多 3 次" in refused.text
    assert rows(refused.text) == []  # nothing searched, so nothing confirmed
    start = client.get("/staff/search", params={"q": "6103271980"})
    assert start.status_code == 429 and rows(start.text) == []  # nor a start of one
    assert client.get("/staff/search", params={"q": "王芳"}).status_code == 200  # names go on
    other = staff_app.client("verifier_other").get("/staff/search", params={"q": WANG_FANG})
    assert other.status_code == 200  # another user's own count
    with staff_app.session() as session:
        assert session.query(AuditEntry).filter_by(action="search.id").count() == 4


def test_the_server_keeps_no_access_log(staff_app):
    assert server_config(staff_app.app, staff_app.settings).access_log is False
