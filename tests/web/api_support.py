"""The HTTP API under test: an app with limits a test can reach, a payments officer beside
the accounts of tests/web/conftest.py, and tokens issued as the admin's page issues them."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from sunlight.accounts.tokens import PREFIX, SCREEN, issue, token_hash
from sunlight.accounts.users import add_user
from sunlight.appdb.account_tables import ApiToken, User
from sunlight.contract.roles import OFFICER
from sunlight.settings import Settings
from sunlight.web.app import create_app
from tests.web.conftest import PASSWORD, SECRET_KEY, StaffApp

SCREEN_URL = "/api/v1/screen"
PAYER = "payer"
"""A department officer who sends the payments file (the other officer sends residents)."""
ROW = {"program": "DIBAO", "id_number": "610327197103164321", "name": "张三",
       "period": "2024-03", "amount": "340", "account": "6228480012345678901"}
"""A row a county with no data lets pass."""


def api_app(home: Path, template: Path, **settings: Any) -> StaffApp:
    """The workbench over a copy of the template database, with `settings` (limits) set,
    and the payments officer added."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, home / "app.db")
    app = create_app(Settings(home=home, database_url=f"sqlite:///{home}/app.db",
                              secret_key=SECRET_KEY, **settings))
    with app.state.sessions() as session:
        payer = add_user(session, PAYER, OFFICER, PASSWORD, datasets=["payments"])
        session.commit()
        users = {u.username: u.id for u in session.scalars(select(User))}
    assert payer.id == users[PAYER]
    return StaffApp(app, app.state.settings, users)


def token_for(staff_app: StaffApp, username: str, name: str = "发放系统", days: int = 30) -> str:
    """A screening token of `username`, issued as the admin's page issues it."""
    with staff_app.session() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        issued = issue(session, user, name, days, issued_by="admin", now=datetime.now(UTC))
        session.commit()
        return issued.secret


def stored_token(staff_app: StaffApp, username: str, **fields: Any) -> str:
    """A token row written straight into the table, for what `issue` refuses to make (a
    verifier's) or cannot make (one expired already)."""
    secret = PREFIX + "test-" + username + "-" + str(len(fields))
    now = datetime.now(UTC)
    with staff_app.session() as session:
        session.add(ApiToken(**{
            "token_hash": token_hash(secret), "user_id": staff_app.users[username],
            "name": "直接写入", "scope": SCREEN, "issued_by": "admin", "issued_at": now,
            "expires_at": now + timedelta(days=1), **fields}))
        session.commit()
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
