"""Every form's CSRF token (web.csrf): the workbench's, the login form's and the portal's.
Each attack is replayed on each area: no token, another browser's or session's token, a
token of another area's form, a forged nonce cookie. The page's own token is the control."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from sunlight.web.csrf import NONCE_COOKIE
from tests.web.conftest import PASSWORD, StaffApp, csrf_of, form_token

Token = Callable[[TestClient], str]


def staff_token(client: TestClient) -> str:
    return csrf_of(client)


def login_token(client: TestClient) -> str:
    return form_token(client.get("/staff/login").text)


def portal_token(client: TestClient) -> str:
    return form_token(client.get("/check").text)


def post_staff(client: TestClient, token: str | None) -> Response:
    """Change one's own password: refused, the password stays."""
    data = {"current": PASSWORD, "new": "another-horse-battery", "repeat": "another-horse-battery"}
    if token is not None:
        data["csrf_token"] = token
    return client.post("/staff/account/password", data=data, follow_redirects=False)


def post_login(client: TestClient, token: str | None) -> Response:
    data = {"username": "analyst", "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    return client.post("/staff/login", data=data, follow_redirects=False)


def post_portal(client: TestClient, token: str | None) -> Response:
    data = {"id_number": "610327194501010016", "name": "张伟"}
    if token is not None:
        data["csrf_token"] = token
    return client.post("/check", data=data)


AREAS = {"staff": (staff_token, post_staff, "表单已失效"),
         "login": (login_token, post_login, "登录页面已过期"),
         "portal": (portal_token, post_portal, "页面已过期")}


def browser(staff_app: StaffApp, area: str) -> TestClient:
    """A browser that can use the area's form: logged in for the workbench's."""
    return staff_app.client("analyst" if area == "staff" else None)


@pytest.mark.parametrize("area", AREAS)
def test_the_pages_own_token_is_accepted(staff_app: StaffApp, area: str) -> None:
    make, post, refusal = AREAS[area]
    client = browser(staff_app, area)
    response = post(client, make(client))
    assert response.status_code != 403 and refusal not in response.text


@pytest.mark.parametrize("area", AREAS)
def test_a_form_without_its_token_is_refused(staff_app: StaffApp, area: str) -> None:
    make, post, refusal = AREAS[area]
    client = browser(staff_app, area)
    make(client)  # the browser has its cookie
    for token in (None, "", "x" * 500):
        response = post(client, token)
        assert response.status_code == 403 and refusal in response.text


@pytest.mark.parametrize("area", AREAS)
def test_another_browsers_token_is_refused(staff_app: StaffApp, area: str) -> None:
    make, post, refusal = AREAS[area]
    attacker, victim = browser(staff_app, area), browser(staff_app, area)
    stolen = make(attacker)  # a valid token, but for the attacker's own browser
    make(victim)
    response = post(victim, stolen)
    assert response.status_code == 403 and refusal in response.text


@pytest.mark.parametrize(("area", "other"),
                         [(area, other) for area in AREAS for other in AREAS if other != area])
def test_a_token_of_another_areas_form_is_refused(staff_app: StaffApp, area: str,
                                                  other: str) -> None:
    make, post, refusal = AREAS[area]
    client = staff_app.client("analyst")  # can see every area's form
    foreign = AREAS[other][0](client)
    make(client)
    response = post(client, foreign)
    assert response.status_code == 403 and refusal in response.text


def test_a_staff_token_of_another_session_in_the_same_browser_is_refused(
        staff_app: StaffApp) -> None:
    client = staff_app.client("analyst")
    before = csrf_of(client)
    client.post("/staff/logout", data={"csrf_token": before})
    client.cookies.delete("sunlight_session", path="/staff")
    login = form_token(client.get("/staff/login").text)
    client.post("/staff/login", data={"username": "verifier", "password": PASSWORD,
                                      "csrf_token": login})
    response = post_staff(client, before)  # the analyst's page, now posted as the verifier
    assert response.status_code == 403 and "表单已失效" in response.text


@pytest.mark.parametrize("area", AREAS)
def test_a_forged_nonce_cookie_is_refused(staff_app: StaffApp, area: str) -> None:
    make, post, refusal = AREAS[area]
    client = browser(staff_app, area)
    token = make(client)
    client.cookies.set(NONCE_COOKIE, "forged", path="/")
    response = post(client, token)
    assert response.status_code == 403 and refusal in response.text


def test_the_nonce_cookie_is_unreadable_by_scripts_and_not_sent_cross_site(
        staff_app: StaffApp) -> None:
    cookie = staff_app.client().get("/check").headers["set-cookie"].lower()
    assert f"{NONCE_COOKIE}=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
