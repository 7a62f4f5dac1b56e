"""Logging in and out, and /staff, which sends each role to its first page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from sunlight.accounts.users import THROTTLE_WINDOW, log_in
from sunlight.appdb.account_tables import WebSession
from sunlight.appdb.audit_tables import AuditEntry
from sunlight.audit.chain import append
from sunlight.web import csrf
from sunlight.web.deps import (
    DbSession,
    LoggedIn,
    client_address,
    counted_address,
    sessions_of,
    settings_of,
)
from sunlight.web.pages import HOME, render
from sunlight.web.params import FormText
from sunlight.web.security import SESSION_COOKIE, new_token, token_hash

router = APIRouter(prefix="/staff")


def _safe_next(target: str) -> str:
    # Only a path of this app: never an open redirect to another site.
    if target.startswith("/staff") and not target.startswith("//"):
        return target
    return "/staff"


@router.get("/login")
def login_form(request: Request, next: Annotated[FormText, Query()] = "/staff") -> Response:
    return _login_page(request, {"next": next})


class LoginForm(BaseModel):
    username: FormText = ""
    password: FormText = ""
    csrf_token: FormText = ""
    next: FormText = "/staff"


@router.post("/login")
def login(request: Request, session: DbSession, form: Annotated[LoginForm, Form()]) -> Response:
    username, password, next = form.username, form.password, form.next
    if not csrf.checked(request, csrf.Purpose.LOGIN, form.csrf_token):
        return _login_again(request, "登录页面已过期，请重新输入。", next, 403)
    address = client_address(request)
    with sessions_of(request)() as reader:
        result = log_in(reader, session, username.strip(), password, counted_address(request))
    if result.user is None:
        _audit_refusal(session, username.strip()[:60] or "-", address, result.throttled)
        session.commit()
        if result.throttled:
            return _login_again(request, "登录失败次数过多，请 15 分钟后再试。", next, 429)
        return _login_again(request, "用户名或密码错误。", next, 401)
    settings = settings_of(request)
    token, now = new_token(), datetime.now(UTC)
    session.add(WebSession(token_hash=token_hash(settings.secret_key, token),
                           user_id=result.user.id, csrf_token=new_token(), created_at=now,
                           expires_at=now + timedelta(hours=settings.session_hours)))
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    append(session, actor=result.user.username, action="login", address=address)
    session.commit()
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_cookie(request, response, SESSION_COOKIE, token,
                max_age=settings.session_hours * 3600)
    return response


@router.post("/logout")
def logout(request: Request, staff: LoggedIn, session: DbSession) -> Response:
    session.execute(delete(WebSession).where(WebSession.id == staff.web_session.id))
    append(session, actor=staff.user.username, action="logout",
           address=client_address(request))
    session.commit()
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/staff")
    return response


@router.get("")
def staff_home(staff: LoggedIn) -> Response:
    return RedirectResponse(HOME[staff.role], status_code=303)


def _audit_refusal(session: Session, actor: str, address: str, throttled: bool) -> None:
    """Audit a wrong password; a try refused by the limits only once per address and
    window, so that refused tries cannot grow the log without end."""
    if not throttled:
        append(session, actor=actor, action="login.failed", address=address)
        return
    since = datetime.now(UTC) - THROTTLE_WINDOW
    if not session.scalar(select(exists().where(
            AuditEntry.action == "login.throttled", AuditEntry.address == address,
            AuditEntry.at > since))):
        append(session, actor=actor, action="login.throttled", address=address,
               details={"unrecorded_minutes": int(THROTTLE_WINDOW.total_seconds()) // 60})


def _login_again(request: Request, message: str, next: str, status: int) -> Response:
    return _login_page(request, {"next": next, "error": message}, status)


def _login_page(request: Request, context: dict[str, str], status: int = 200) -> Response:
    response = render(request, "staff/login.html",
                      {**context, "login_csrf": csrf.form_token(request, csrf.Purpose.LOGIN)},
                      status_code=status)
    csrf.keep(request, response)
    return response


def _set_cookie(request: Request, response: Response, name: str, value: str, *,
                max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/staff", httponly=True,
                        samesite="lax", secure=settings_of(request).secure_cookies)
