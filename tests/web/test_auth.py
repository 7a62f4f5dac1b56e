"""Logging in: passwords, cookies, CSRF, throttling, the secret, logging out."""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import pytest
from argon2 import PasswordHasher, Type, extract_parameters
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sunlight.accounts import users
from sunlight.appdb.account_tables import LoginAttempt
from sunlight.appdb.audit_tables import AuditEntry
from sunlight.settings import DEFAULT_SECRET, Settings
from sunlight.web.app import create_app
from sunlight.web.security import InsecureSecret
from tests.web.conftest import (
    PASSWORD,
    StaffApp,
    another_writer_gets_in,
    csrf_of,
    log_in,
    post_login,
)


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


def test_five_failures_from_an_address_lock_the_account_there(staff_app: StaffApp):
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


def from_address(staff_app: StaffApp, address: str) -> TestClient:
    return TestClient(staff_app.app, client=(address, 40000))


def test_failures_elsewhere_never_lock_the_owner_out_at_their_usual_address(
        staff_app: StaffApp):
    desk = from_address(staff_app, "10.0.0.5")
    log_in(desk, "verifier")  # the owner's usual address
    for n in range(5):
        assert post_login(from_address(staff_app, f"198.51.100.{n}"), "verifier",
                          "guess-guess").status_code == 401
    assert post_login(from_address(staff_app, "198.51.100.99"), "verifier").status_code == 429
    log_in(from_address(staff_app, "10.0.0.5"), "verifier")  # the desk still gets in


def test_successes_do_not_reset_an_addresss_failures(staff_app: StaffApp):
    client = from_address(staff_app, "203.0.113.7")
    victims = ["analyst", "verifier_other", "officer", "admin"]
    statuses = []
    for n in range(45):
        if n % 4 == 0:
            post_login(client, "verifier")  # the attacker's own account, between guesses
        statuses.append(post_login(client, victims[n % 4], "guess-guess").status_code)
    assert statuses[:20] == [401] * 20 and set(statuses[20:]) == {429}
    # The attacker's own account still gets in at its usual address, and buys nothing.
    assert post_login(client, "verifier").status_code == 303
    assert post_login(client, "analyst", "guess-guess").status_code == 429


def test_passwords_are_hashed_with_argon2id_at_full_cost(
        quick_password_hashing: PasswordHasher) -> None:
    # The tests log in with a cheap hasher (tests/conftest.py); the app's own is this one:
    # at least OWASP's least for argon2id (19 MiB, two passes), the library's defaults now.
    hashed = quick_password_hashing.hash(PASSWORD)
    cost = extract_parameters(hashed)
    assert cost.type is Type.ID
    assert cost.memory_cost >= 19 * 1024 and cost.time_cost >= 2
    assert (cost.memory_cost, cost.time_cost) >= (PasswordHasher().memory_cost,
                                                  PasswordHasher().time_cost)
    assert quick_password_hashing.verify(hashed, PASSWORD)


def test_an_unknown_name_costs_the_same_password_hashing(staff_app: StaffApp,
                                                          monkeypatch: pytest.MonkeyPatch):
    verified: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            verified.append(str(hash)[:9])  # the algorithm and version: $argon2id$
            return super().verify(hash, password)

    monkeypatch.setattr(users, "_hasher", Counting())
    assert post_login(staff_app.client(), "analyst", "wrong-password").status_code == 401
    known = list(verified)
    verified.clear()
    assert post_login(staff_app.client(), "no-such-user", "wrong-password").status_code == 401
    assert len(known) == len(verified) == 1 and known == verified  # same algorithm, same cost


def test_login_throttling_on_both_databases(staff_app_both: StaffApp):
    elsewhere = from_address(staff_app_both, "198.51.100.1")
    assert [post_login(elsewhere, "analyst", "guess-guess").status_code
            for _ in range(6)] == [401] * 5 + [429]
    log_in(from_address(staff_app_both, "198.51.100.2"), "officer")


def test_made_up_names_at_the_owners_desk_never_lock_the_owner_out(staff_app: StaffApp):
    office = "192.0.2.10"  # one address for everyone behind the office's NAT or proxy
    log_in(from_address(staff_app, office), "analyst")  # the owner's usual address
    statuses = [post_login(from_address(staff_app, office), f"nobody{n}", "guess-guess")
                .status_code for n in range(21)]
    assert statuses == [401] * 20 + [429]  # the address is held back for everyone else
    assert post_login(from_address(staff_app, office), "verifier").status_code == 429
    log_in(from_address(staff_app, office), "analyst")  # but not its usual owner


def test_guessing_the_owners_password_at_their_desk_is_still_throttled(staff_app: StaffApp):
    desk = from_address(staff_app, "192.0.2.10")
    log_in(desk, "analyst")
    guesses = [post_login(desk, "analyst", "guess-guess").status_code for _ in range(6)]
    assert guesses == [401] * 5 + [429]
    assert post_login(desk, "analyst").status_code == 429  # the right password too, a while
    log_in(from_address(staff_app, "192.0.2.11"), "verifier")  # others at their own desks


def test_the_password_is_checked_outside_the_write_transaction(
        staff_app: StaffApp, monkeypatch: pytest.MonkeyPatch):
    writers_got_in: list[bool] = []

    class Watching(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            writers_got_in.append(another_writer_gets_in(staff_app))  # while argon2 runs
            return super().verify(hash, password)

    monkeypatch.setattr(users, "_hasher", Watching())
    assert post_login(staff_app.client(), "analyst", "wrong-password").status_code == 401
    assert post_login(staff_app.client(), "no-such-user", "wrong-password").status_code == 401
    log_in(staff_app.client(), "analyst")
    assert writers_got_in == [True, True, True]


def test_refused_logins_neither_grow_the_audit_log_nor_the_attempts(staff_app: StaffApp):
    attacker = from_address(staff_app, "203.0.113.50")
    statuses = [post_login(attacker, f"nobody{n}", "guess-guess").status_code
                for n in range(50)]
    assert statuses == [401] * 20 + [429] * 30
    with staff_app.session() as session:
        audited = session.scalars(select(AuditEntry.action)).all()
        attempts = session.scalar(select(func.count()).select_from(LoginAttempt))
    assert sorted(Counter(audited).items()) == [("login.failed", 20), ("login.throttled", 1)]
    assert attempts == 20


def test_attempts_older_than_the_window_are_forgotten_but_not_the_usual_address(
        staff_app: StaffApp):
    long_ago = datetime.now(UTC) - users.THROTTLE_WINDOW - timedelta(minutes=1)
    with staff_app.session() as session:
        session.add_all([LoginAttempt(username=f"nobody{n}", address="198.51.100.7",
                                      at=long_ago, succeeded=False) for n in range(30)])
        session.add_all([LoginAttempt(username="analyst", address="10.0.0.5", at=long_ago,
                                      succeeded=True) for _ in range(3)])
        session.commit()
    assert post_login(from_address(staff_app, "198.51.100.8"), "x", "guess").status_code == 401
    with staff_app.session() as session:
        kept = session.execute(select(LoginAttempt.username, LoginAttempt.succeeded)).all()
    assert sorted(kept) == [("analyst", True)] * 3 + [("x", False)]
    desk = from_address(staff_app, "10.0.0.5")
    for _ in range(20):  # the desk is still known: the address limit does not apply there
        post_login(desk, "nobody", "guess-guess")
    log_in(desk, "analyst")
    with staff_app.session() as session:
        successes = session.scalar(select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.succeeded))
    assert successes == 1  # one per account and address is all the limits read


def test_a_forwarded_address_without_a_trusted_proxy_is_warned_about_once(
        staff_app: StaffApp, caplog: pytest.LogCaptureFixture):
    client = TestClient(staff_app.app, headers={"X-Forwarded-For": "203.0.113.9"})
    with caplog.at_level(logging.WARNING, logger="sunlight.web"):
        client.get("/staff/login")
        client.get("/staff/login")
    warned = [r for r in caplog.records if "SUNLIGHT_TRUSTED_PROXIES" in r.getMessage()]
    assert len(warned) == 1
