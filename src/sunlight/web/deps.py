"""What a staff route depends on: a database session, the logged-in user, their role, CSRF."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from sunlight.appdb.account_tables import User, WebSession
from sunlight.appdb.database import writing
from sunlight.appdb.numbers import ROW_ID_MAX
from sunlight.audit.chain import append
from sunlight.web import csrf
from sunlight.web.errors import BadCsrf as BadCsrf
from sunlight.web.errors import Forbidden as Forbidden
from sunlight.web.security import SESSION_COOKIE, token_hash
from sunlight.web.state import sessions_of as sessions_of
from sunlight.web.state import settings_of as settings_of


class LoginRequired(Exception):
    """No valid session: pages redirect to the login form, other requests get 401."""


@dataclass(frozen=True)
class Staff:
    """The logged-in member of staff and their browser session."""

    user: User
    web_session: WebSession

    @property
    def role(self) -> str:
        return self.user.role


def db(request: Request) -> Iterator[Session]:
    """One database session per request.

    A POST's transactions begin as writers (SQLite's write lock at once, see appdb.writing),
    but only at their first statement, once the body has been read (`posted_form`): a
    writer waiting on a client that sends slowly would hold up every other writer, logins
    included. So nothing may query before the body is read.
    """
    factory = sessions_of(request)
    if request.method != "POST":
        with factory() as session:
            yield session
        return
    writer: Engine = request.app.state.writer_engine
    with factory(bind=writer) as session:
        yield session


def client_address(request: Request) -> str:
    """The client's full address, as the audit log records it."""
    return request.client.host if request.client else ""


IPV6_SUBSCRIBER_PREFIX = 64
"""An IPv6 subscriber gets at least a /64 and may use any address in it."""


def counted_address(request: Request) -> str:
    """The client's address as every per-address limit counts it: an IPv6 client by its /64
    (one subscriber can rotate through the rest at will), an IPv4 client sent as IPv6
    (::ffff:a.b.c.d) by its IPv4 address, any other as it is."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv4Address):
        return address
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/{IPV6_SUBSCRIBER_PREFIX}", strict=False))


def current_staff(request: Request, session: Annotated[Session, Depends(db)]) -> Staff:
    """The user whose session cookie this is, or LoginRequired."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        raise LoginRequired
    digest = token_hash(settings_of(request).secret_key, token)
    row = session.execute(
        select(WebSession, User).join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == digest)
    ).first()
    if row is None:
        raise LoginRequired
    web_session, user = row
    if web_session.expires_at <= datetime.now(UTC) or not user.active:
        raise LoginRequired
    staff = Staff(user, web_session)
    request.state.staff = staff
    return staff


async def posted_form(request: Request) -> FormData | None:
    """A POST's form, its body read whole (within the body's deadline, see web.middleware)."""
    return await request.form() if request.method == "POST" else None


async def csrf_checked(request: Request,
                       form: Annotated[FormData | None, Depends(posted_form)],
                       staff: Annotated[Staff, Depends(current_staff)]) -> Staff:
    """The staff member, once a POST has shown the token of their browser and session.

    `form` comes first: the session is looked up only once the body is in (see `db`).
    """
    if form is not None:
        sent = request.headers.get(csrf.HEADER, "") or str(form.get(csrf.FIELD, ""))
        if not csrf.checked(request, csrf.Purpose.STAFF, sent, staff.web_session.csrf_token):
            raise BadCsrf
    return staff


def require(*roles: str) -> Callable[..., Any]:
    """A dependency: the staff member if their role is one of `roles`, else Forbidden."""

    def dependency(staff: Annotated[Staff, Depends(csrf_checked)]) -> Staff:
        if staff.role not in roles:
            raise Forbidden
        return staff

    return dependency


DbSession = Annotated[Session, Depends(db)]
"""A route parameter: this request's database session."""
LoggedIn = Annotated[Staff, Depends(csrf_checked)]
"""A route parameter: any logged-in staff member (CSRF checked on POST)."""
RowId = Annotated[int, Path(ge=1, le=ROW_ID_MAX)]
"""A path parameter naming a stored row: a number the databases hold, else 400 unqueried."""


def audit_now(request: Request, staff: Staff, action: str, target: str = "",
              details: dict[str, Any] | None = None) -> None:
    """Record an action in the audit log in its own transaction (for GETs that act: exports)."""
    with sessions_of(request)() as session:
        writing(session)
        append(session, actor=staff.user.username, action=action, target=target,
               details=details, address=client_address(request))
        session.commit()
