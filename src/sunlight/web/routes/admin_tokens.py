"""/staff/admin/tokens: the HTTP API's bearer tokens: issue one to an account that may screen
(shown once, on the page that answers the form), list them, revoke one.

Admin only; each issue and revoke is audited in the transaction that makes it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.accounts.screening_rights import screenable_kinds
from sunlight.accounts.tokens import (
    DAYS_MAX,
    NAME_MAX,
    Issued,
    TokenError,
    every_token,
    issue,
    revoke,
    status,
)
from sunlight.appdb.account_tables import ApiToken, User
from sunlight.audit.chain import append
from sunlight.contract.roles import ADMIN
from sunlight.contract.vocabulary import VOCABULARY
from sunlight.web.deps import DbSession, RowId, Staff, client_address, require
from sunlight.web.pages import render
from sunlight.web.params import FormText

router = APIRouter(prefix="/staff/admin/tokens")
Admin = Annotated[Staff, Depends(require(ADMIN))]
DAYS_DEFAULT = 90


class NewToken(BaseModel):
    user_id: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    name: FormText = ""
    days: Annotated[int, Field(ge=0, le=100_000)] = DAYS_DEFAULT


@router.get("")
def tokens_page(request: Request, staff: Admin, session: DbSession, done: str = "") -> Response:
    return _page(request, session, done="令牌已撤销，此后用它调用接口会被拒绝"
                 if done == "revoked" else "")


@router.post("")
def issue_token(request: Request, staff: Admin, session: DbSession,
                form: Annotated[NewToken, Form()]) -> Response:
    """Issue a token and show it, this once: the table keeps only its hash."""
    now = datetime.now(UTC)
    user = session.get(User, form.user_id) if form.user_id else None
    try:
        if user is None:
            raise TokenError("请选择发放给哪个账户")
        issued = issue(session, user, form.name, form.days, issued_by=staff.user.username,
                       now=now)
    except TokenError as refused:
        session.rollback()
        return _page(request, session, error=str(refused), status_code=400,
                     form={"user_id": form.user_id, "name": form.name, "days": form.days})
    append(session, actor=staff.user.username, action="token.issue", target=user.username,
           details={"token": issued.token.name,
                    "expires_on": issued.token.expires_at.date().isoformat()},
           address=client_address(request))
    session.commit()
    return _page(request, session, issued=issued, holder=user)


@router.post("/{token_id}/revoke")
def revoke_token(request: Request, token_id: RowId, staff: Admin,
                 session: DbSession) -> Response:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise HTTPException(404)
    try:
        revoke(session, token, revoked_by=staff.user.username, now=datetime.now(UTC))
    except TokenError as refused:
        session.rollback()
        return _page(request, session, error=str(refused), status_code=409)
    holder = session.get_one(User, token.user_id)
    append(session, actor=staff.user.username, action="token.revoke", target=holder.username,
           details={"token": token.name}, address=client_address(request))
    session.commit()
    return RedirectResponse("/staff/admin/tokens?done=revoked", status_code=303)


def _page(request: Request, session: Session, *, error: str = "", done: str = "",
          issued: Issued | None = None, holder: User | None = None,
          form: dict[str, object] | None = None, status_code: int = 200) -> Response:
    now = datetime.now(UTC)
    accounts = session.scalars(select(User).where(User.active)
                               .order_by(User.role, User.username)).all()
    return render(request, "staff/admin/tokens.html", {
        "tokens": [(token, user, status(token, now)) for token, user in every_token(session)],
        "screeners": [user for user in accounts if screenable_kinds(user)],
        "STATUS": VOCABULARY.token_statuses, "SCOPE": VOCABULARY.token_scopes,
        "issued": issued, "holder": holder, "error": error, "done": done,
        "form": form or {"days": DAYS_DEFAULT}, "days_max": DAYS_MAX, "name_max": NAME_MAX,
    }, status_code=status_code)
