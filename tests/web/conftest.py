"""A workbench over a fresh app database, one account per role, and logged-in clients.

Web tests run on SQLite (`staff_app`); tests that are about the database itself ask for
`staff_app_both`, which runs them on PostgreSQL too.
"""

from __future__ import annotations

import re
import secrets
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from sunlight.accounts.users import add_user
from sunlight.appdb.account_tables import User
from sunlight.contract.roles import ADMIN, ANALYST, OFFICER, VERIFIER
from sunlight.settings import Settings
from sunlight.web.app import create_app

PASSWORD = "correct-horse-battery"
TOWNSHIP = "城关镇"
OTHER_TOWNSHIP = "马家镇"
ACCOUNTS = {
    "analyst": dict(role=ANALYST),
    "verifier": dict(role=VERIFIER, township=TOWNSHIP),
    "verifier_other": dict(role=VERIFIER, township=OTHER_TOWNSHIP),
    "officer": dict(role=OFFICER, department="公安局"),
    "admin": dict(role=ADMIN),
}
"""Login name → what add_user needs besides the password; the name is also the key below."""
SECRET_KEY = secrets.token_urlsafe(40)
"""Every test app's secret: the template database's audit log is sealed with its key."""


@dataclass
class StaffApp:
    """The app, its settings, and the accounts created in it (login name → user id)."""

    app: FastAPI
    settings: Settings
    users: dict[str, int]

    def session(self) -> Session:
        factory = self.app.state.sessions
        session: Session = factory()
        return session

    def client(self, username: str | None = None) -> TestClient:
        """A browser: anonymous, or logged in as one of ACCOUNTS."""
        client = TestClient(self.app, base_url="http://testserver")
        if username is not None:
            log_in(client, username)
        return client


def form_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def post_login(client: TestClient, username: str, password: str = PASSWORD,
               **extra: str) -> Response:
    """Fill in and send the login form as a browser would (not following the redirect)."""
    token = form_token(client.get("/staff/login").text)
    return client.post("/staff/login", follow_redirects=False, data={
        "username": username, "password": password, "csrf_token": token, **extra})


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    response = post_login(client, username, password)
    assert response.status_code == 303, f"login as {username} failed: {response.status_code}"


def csrf_of(client: TestClient, page: str = "/staff/account") -> str:
    """The logged-in session's CSRF token, as every staff page carries it (the logout form)."""
    return form_token(client.get(page).text)


def make_staff_app(home: Path, url: str, *, with_accounts: bool = True) -> StaffApp:
    settings = Settings(home=home, database_url=url, secret_key=SECRET_KEY)
    app = create_app(settings)
    users: dict[str, int] = {}
    with app.state.sessions() as session:
        if with_accounts:
            for username, scope in ACCOUNTS.items():
                user: User = add_user(session, username, password=PASSWORD,
                                      display_name=username, **scope)  # type: ignore[arg-type]
                users[username] = user.id
            session.commit()
        else:
            users = {u.username: u.id for u in session.query(User)}
    return StaffApp(app, settings, users)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite app database with the accounts, built once (argon2 is slow on purpose)."""
    folder = tmp_path_factory.mktemp("template")
    built = make_staff_app(folder / "home", f"sqlite:///{folder}/app.db")
    built.app.state.engine.dispose()
    return folder / "app.db"


@pytest.fixture
def staff_app(tmp_path: Path, sqlite_template: Path) -> Iterator[StaffApp]:
    shutil.copyfile(sqlite_template, tmp_path / "app.db")
    built = make_staff_app(tmp_path / "home", f"sqlite:///{tmp_path}/app.db",
                           with_accounts=False)
    yield built
    built.app.state.engine.dispose()


@pytest.fixture
def staff_app_both(tmp_path: Path, db_url: str) -> Iterator[StaffApp]:
    """The same on SQLite and on PostgreSQL."""
    built = make_staff_app(tmp_path / "home", db_url)
    yield built
    built.app.state.engine.dispose()


@pytest.fixture
def client_as(staff_app: StaffApp) -> Callable[[str], TestClient]:
    return staff_app.client


def another_writer_gets_in(staff_app: StaffApp) -> bool:
    """Whether another connection can take SQLite's write lock right now, without waiting."""
    path = staff_app.app.state.engine.url.database
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    finally:
        other.close()
