"""/staff/account: who am I, and changing one's own password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import delete

from sunlight.accounts.users import hash_password, new_password_problem, password_matches
from sunlight.appdb.account_tables import WebSession
from sunlight.audit.chain import append
from sunlight.web.deps import DbSession, LoggedIn, client_address
from sunlight.web.pages import render
from sunlight.web.params import FormText

router = APIRouter(prefix="/staff/account")


@router.get("")
def account_page(request: Request, staff: LoggedIn) -> Response:
    return render(request, "staff/account.html")


class PasswordChange(BaseModel):
    current: FormText = ""
    new: FormText = ""
    repeat: FormText = ""


@router.post("/password")
def change_password(request: Request, staff: LoggedIn, session: DbSession,
                    form: Annotated[PasswordChange, Form()]) -> Response:
    current, new, repeat = form.current, form.new, form.repeat
    user = session.merge(staff.user)
    problem = ("当前密码不正确" if not password_matches(user, current)
               else new_password_problem(new, repeat))
    if problem:
        return render(request, "staff/account.html", {"error": problem}, status_code=400)
    user.password_hash = hash_password(new)
    # Every other browser logged in as this user is logged out.
    session.execute(delete(WebSession).where(WebSession.user_id == user.id,
                                             WebSession.id != staff.web_session.id))
    append(session, actor=user.username, action="user.password", target=user.username,
           address=client_address(request))
    session.commit()
    return render(request, "staff/account.html", {"done": "密码已修改"})
