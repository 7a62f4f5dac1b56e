"""Queries and forms are read by pydantic models (web.params): every field bounded, a
hostile value answered by the area's Chinese 参数有误 page (never FastAPI's JSON), a
mangled link still shown as before."""

from __future__ import annotations

from httpx import Response

from tests.web.conftest import StaffApp, form_token

HUGE = "王" * 30_000


def assert_refused_in_chinese(response: Response, home: str) -> None:
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "参数有误" in response.text and f'href="{home}"' in response.text
    assert "detail" not in response.text and "string_too_long" not in response.text


def test_staff_queries_and_forms_are_bounded(staff_app: StaffApp) -> None:
    analyst = staff_app.client("analyst")
    assert_refused_in_chinese(analyst.get(f"/staff/warnings?q={'王' * 61}"), "/staff")
    assert_refused_in_chinese(analyst.get(f"/staff/cases?township={'王' * 61}"), "/staff")
    admin = staff_app.client("admin")
    assert_refused_in_chinese(admin.get(f"/staff/admin/audit?actor={'a' * 61}"), "/staff")
    browser = staff_app.client()
    token = form_token(browser.get("/staff/login").text)
    huge_password = browser.post("/staff/login", data={
        "username": "analyst", "password": "x" * 2000, "csrf_token": token})
    assert_refused_in_chinese(huge_password, "/staff")


def test_a_mangled_board_link_still_shows_the_board(staff_app: StaffApp) -> None:
    analyst = staff_app.client("analyst")
    page = analyst.get("/staff/warnings?sort=evil&status=bogus&page=x&q=%20")
    assert page.status_code == 200
    assert analyst.get("/staff/cases?status=bogus&page=-1").status_code == 200


def test_portal_queries_and_forms_are_bounded(staff_app: StaffApp) -> None:
    villager = staff_app.client()
    roster = villager.get(f"/village/610327001001/program/dibao?q={'王' * 61}")
    assert_refused_in_chinese(roster, "/")
    token = form_token(villager.get("/report").text)
    report = villager.post("/report", data={"description": HUGE, "csrf_token": token,
                                            "category": "其他"})
    assert_refused_in_chinese(report, "/")
    check = villager.post("/check", data={"id_number": "1" * 2000, "name": "张伟"})
    assert_refused_in_chinese(check, "/")
