"""Logging in: passwords, cookies, CSRF, throttling, the secret, logging out."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sunlight.settings import DEFAULT_SECRET, Settings
from sunlight.web.app import create_app
from sunlight.web.security import InsecureSecret
from tests.web.conftest import PASSWORD, StaffApp, csrf_of, log_in, post_login


def test_health_answers_without_login(staff_app: StaffApp):
    assert staff_app.client().get("/healthz").json() == {"status": "ok"}


def test_a_page_asks_for_login_and_returns_there(staff_app: StaffApp):
    client = staff_app.client()
    response = client.get("/staff/account?x=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/login?next=/staff/account%3Fx%3D1"
    landed = post_login(client, "analyst", next="/staff/account?x=1")
    assert landed.headers["location"] == "/staff/account?x=1"


def test_login_never_redirects_off_site(staff_app: StaffApp):
    landed = post_login(staff_app.client(), "analyst", next="https://evil.example/")
    assert landed.headers["location"] == "/staff"


def test_session_cookie_is_httponly_and_samesite(staff_app: StaffApp):
    response = post_login(staff_app.client(), "analyst")
    cookie = response.headers["set-cookie"].lower()
    assert "sunlight_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie


@pytest.mark.parametrize(("user", "home"), [
    ("analyst", "/staff/dashboard"), ("verifier", "/staff/cases"),
    ("officer", "/staff/uploads"), ("admin", "/staff/admin/users")])
def test_each_role_lands_on_its_first_page(staff_app: StaffApp, user: str, home: str):
    response = staff_app.client(user).get("/staff", follow_redirects=False)
    assert response.headers["location"] == home


def test_wrong_password_is_refused_and_audited(staff_app: StaffApp):
    client = staff_app.client()
    response = post_login(client, "analyst", "wrong-password")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text
    assert client.get("/staff", follow_redirects=False).headers["location"].startswith(
        "/staff/login")
    with staff_app.session() as session:
        from sunlight.appdb.audit_tables import AuditEntry
        actions = [e.action for e in session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions == ["login.failed"]


def test_login_without_the_forms_token_is_refused(staff_app: StaffApp):
    client = staff_app.client()
    client.get("/staff/login")
    response = client.post("/staff/login", data={
        "username": "analyst", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403
    assert client.get("/staff", follow_redirects=False).headers["location"].startswith(
        "/staff/login")


def test_five_failures_lock_the_account_even_for_the_right_password(staff_app: StaffApp):
    client = staff_app.client()
    for _ in range(5):
        post_login(client, "verifier", "guess-guess")
    response = post_login(client, "verifier")
    assert response.status_code == 429
    assert "15 分钟" in response.text
    log_in(staff_app.client(), "analyst")  # other accounts are not locked


def test_a_post_without_the_session_csrf_token_is_refused(staff_app: StaffApp):
    client = staff_app.client("analyst")
    response = client.post("/staff/logout", data={"csrf_token": "forged"})
    assert response.status_code == 403
    assert "表单校验码不符" in response.text
    assert client.get("/staff", follow_redirects=False).headers["location"] == "/staff/dashboard"


def test_logout_ends_the_session(staff_app: StaffApp):
    client = staff_app.client("analyst")
    cookie = client.cookies.get("sunlight_session")
    client.post("/staff/logout", data={"csrf_token": csrf_of(client)})
    stale = TestClient(staff_app.app)
    stale.cookies.set("sunlight_session", cookie or "", path="/staff")
    assert stale.get("/staff", follow_redirects=False).headers["location"].startswith(
        "/staff/login")


def test_a_forged_cookie_is_no_session(staff_app: StaffApp):
    client = staff_app.client()
    client.cookies.set("sunlight_session", secrets.token_urlsafe(32), path="/staff")
    assert client.get("/staff", follow_redirects=False).headers["location"].startswith(
        "/staff/login")


def test_the_default_secret_is_refused_outside_demo_mode(tmp_path: Path):
    settings = Settings(home=tmp_path, secret_key=DEFAULT_SECRET)
    with pytest.raises(InsecureSecret, match="SUNLIGHT_SECRET_KEY"):
        create_app(settings)
    with pytest.raises(InsecureSecret, match="32"):
        create_app(Settings(home=tmp_path, secret_key="short"))
    assert create_app(settings, demo=True).state.demo
