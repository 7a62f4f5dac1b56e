"""The HTTP API under test: an app with limits a test can reach, a payments officer beside
the accounts of tests/web/conftest.py, and tokens issued as the admin's page issues them."""

from __future__ import annotations

import asyncio
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from starlette.types import ASGIApp, Message

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


@dataclass(frozen=True)
class Call:
    """An API call made straight to the app: its answer, and whether its body was read."""

    status: int
    headers: dict[str, str]
    body: bytes
    body_read: bool

    def json(self) -> Any:
        return json.loads(self.body)


def calls_at_once(app: ASGIApp, path: str, secret: str, body: dict[str, Any],
                  count: int) -> list[Call]:
    """`count` POSTs of `body` at once: the first's body is held back until the others have
    been answered, so that it holds what it took before reading its body meanwhile."""
    payload = json.dumps(body).encode()
    # A thread of its own: the suite's browser tests leave Playwright's loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(
            lambda: asyncio.run(_calls_at_once(app, path, secret, payload, count))).result()


async def _calls_at_once(app: ASGIApp, path: str, secret: str, body: bytes,
                         count: int) -> list[Call]:
    first_reads, release = asyncio.Event(), asyncio.Event()
    first = asyncio.create_task(_call(app, path, secret, body, first_reads, release))
    await first_reads.wait()
    unheld = asyncio.Event()
    unheld.set()
    others = await asyncio.gather(*(_call(app, path, secret, body, asyncio.Event(), unheld)
                                    for _ in range(count - 1)))
    release.set()
    return [await first, *others]


async def _call(app: ASGIApp, path: str, secret: str, body: bytes, reading: asyncio.Event,
                release: asyncio.Event) -> Call:
    sent: list[Message] = []
    given = False

    async def receive() -> Message:
        nonlocal given
        reading.set()
        if given:
            return {"type": "http.disconnect"}
        await release.wait()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    headers = [(b"host", b"testserver"), (b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode()),
               (b"authorization", f"Bearer {secret}".encode())]
    await app({"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
               "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
               "root_path": "", "query_string": b"", "headers": headers,
               "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return Call(start["status"], {k.decode(): v.decode() for k, v in start["headers"]},
                b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"),
                reading.is_set())


def assert_one_refused_unread(calls: list[Call]) -> None:
    """The first call answered; every other refused at once as busy, its body never read."""
    first, *others = calls
    assert first.status == 200 and first.body_read, first.body
    for other in others:
        assert other.status == 503, other.body
        assert other.headers["content-type"] == "application/problem+json"
        assert other.json()["type"].endswith("#busy") and other.json()["detail"]
        assert int(other.headers["retry-after"]) > 0
        assert not other.body_read
