"""/staff/admin: accounts (add, deactivate, reactivate, reset a password) and the audit log.

Admin only. Every change is audited in the transaction that makes it; deactivating an account
or resetting its password logs that person out everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sunlight.accounts.users import (
    MIN_PASSWORD,
    AccountError,
    add_user,
    change_township,
    change_units,
    hash_password,
    known_townships,
    known_units,
    new_password_problem,
    split_units,
)
from sunlight.appdb.account_tables import User, WebSession
from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.database import reading
from sunlight.appdb.numbers import LAST_PAGE
from sunlight.audit.chain import append, verify
from sunlight.audit.checkpoint import take
from sunlight.contract.datasets import DATASETS
from sunlight.contract.roles import ADMIN, OFFICER, ROLES, UNIT_ROLES, VERIFIER
from sunlight.web import reference
from sunlight.web.audit_text import DetailsText, target_text
from sunlight.web.deps import (
    DbSession,
    RowId,
    Staff,
    client_address,
    require,
    sessions_of,
    settings_of,
)
from sunlight.web.pages import render
from sunlight.web.params import FilterText, FormText

router = APIRouter(prefix="/staff/admin")
Admin = Annotated[Staff, Depends(require(ADMIN))]
PAGE_SIZE = 50


@router.get("/users")
def users_page(request: Request, staff: Admin, session: DbSession,
               done: str = "") -> Response:
    return _users(request, session, done=_DONE.get(done, ""))


class NewAccount(BaseModel):
    username: FormText = ""
    display_name: FormText = ""
    role: FormText = ""
    township: FormText = ""
    units: FormText = ""
    department: FormText = ""
    password: FormText = ""
    datasets: list[FormText] = []


class Activation(BaseModel):
    active: FormText = ""


class Township(BaseModel):
    township: FormText = ""


class Units(BaseModel):
    units: FormText = ""


class NewPassword(BaseModel):
    password: FormText = ""
    repeat: FormText = ""


class AuditQuery(BaseModel):
    actor: FilterText = ""
    action: FilterText = ""
    page: int = 1


@router.post("/users")
def add_account(request: Request, staff: Admin, session: DbSession,
                form: Annotated[NewAccount, Form()]) -> Response:
    """Create an account by the rules of `sunlight users add`."""
    fields = {"username": form.username.strip(), "display_name": form.display_name.strip(),
              "role": form.role, "township": form.township.strip(),
              "units": form.units.strip(),
              "department": form.department, "password": form.password}
    datasets = form.datasets
    try:
        user = add_user(session, fields["username"], fields["role"], fields["password"],
                        display_name=fields["display_name"],
                        township=fields["township"] or None,
                        department=fields["department"] or None,
                        datasets=datasets or None, units=split_units(fields["units"]))
    except AccountError as exc:
        session.rollback()
        return _users(request, session, error=str(exc), form={**fields, "datasets": datasets},
                      status_code=400)
    _audit(request, session, staff, "user.add", user,
           {"role": user.role, "township": user.township, "datasets": user.datasets,
            "units": user.units})
    session.commit()
    return RedirectResponse("/staff/admin/users?done=added", status_code=303)


@router.post("/users/{user_id}/active")
def set_active(request: Request, user_id: RowId, staff: Admin, session: DbSession,
               form: Annotated[Activation, Form()]) -> Response:
    """Deactivate (logging the person out everywhere) or reactivate an account."""
    user = _user(session, user_id)
    make_active = form.active == "1"
    if user.id == staff.user.id and not make_active:
        return _users(request, session, error="不能停用自己的账户（否则可能无人能管理账户）",
                      status_code=400)
    user.active = make_active
    if not make_active:
        _log_out(session, user)
    _audit(request, session, staff, "user.reactivate" if make_active else "user.deactivate",
           user)
    session.commit()
    done = "reactivated" if make_active else "deactivated"
    return RedirectResponse(f"/staff/admin/users?done={done}", status_code=303)


@router.post("/users/{user_id}/township")
def set_township(request: Request, user_id: RowId, staff: Admin, session: DbSession,
                 form: Annotated[Township, Form()]) -> Response:
    """Move a verifier to another township: the warnings they may be assigned follow it."""
    user = _user(session, user_id)
    try:
        previous = change_township(session, user, form.township)
    except AccountError as exc:
        session.rollback()
        return _users(request, session, error=f"{user.username}：{exc}", status_code=400)
    _audit(request, session, staff, "user.township", user,
           {"previous_township": previous, "township": user.township})
    session.commit()
    return RedirectResponse("/staff/admin/users?done=township", status_code=303)


@router.post("/users/{user_id}/units")
def set_units(request: Request, user_id: RowId, staff: Admin, session: DbSession,
              form: Annotated[Units, Form()]) -> Response:
    """Set the police units an inspector or liaison covers: what they see follows them."""
    user = _user(session, user_id)
    try:
        previous = change_units(session, user, split_units(form.units))
    except AccountError as exc:
        session.rollback()
        return _users(request, session, error=f"{user.username}：{exc}", status_code=400)
    _audit(request, session, staff, "user.units", user,
           {"previous_units": previous, "units": user.units})
    session.commit()
    return RedirectResponse("/staff/admin/users?done=units", status_code=303)


@router.post("/users/{user_id}/password")
def reset_password(request: Request, user_id: RowId, staff: Admin, session: DbSession,
                   form: Annotated[NewPassword, Form()]) -> Response:
    """Set a new password for someone who lost theirs; they are logged out everywhere."""
    user = _user(session, user_id)
    password = form.password
    problem = new_password_problem(password, form.repeat)
    if problem:
        return _users(request, session, error=f"{user.username}：{problem}", status_code=400)
    user.password_hash = hash_password(password)
    _log_out(session, user)
    _audit(request, session, staff, "user.password_reset", user)
    session.commit()
    return RedirectResponse("/staff/admin/users?done=password", status_code=303)


@router.get("/audit")
def audit_page(request: Request, staff: Admin, session: DbSession,
               query: Annotated[AuditQuery, Query()]) -> Response:
    return _audit_log(request, session, actor=query.actor, action=query.action,
                      page=min(max(query.page, 1), LAST_PAGE))


@router.post("/audit/verify")
def verify_chain(request: Request, staff: Admin, session: DbSession) -> Response:
    """Recompute the hash chain and show what it found; the check itself is audited.

    The walk reads one snapshot outside any write transaction (a long log would hold up
    every writer, logins included); only its audit entry is written.
    """
    session.commit()  # the transaction that found the admin: a writer's, on SQLite
    with sessions_of(request)() as reader:
        report = verify(reading(reader))
    append(session, actor=staff.user.username, action="audit.verify",
           details={"entries": report.entries, "intact": report.intact,
                    "problems": len(report.problems)}, address=client_address(request))
    session.commit()
    return _audit_log(request, session, actor="", action="", page=1, report=report)


@router.post("/audit/checkpoint")
def checkpoint_download(request: Request, staff: Admin, session: DbSession) -> Response:
    """A signed checkpoint of the head, for `sunlight audit verify --checkpoint`; audited, and
    refused when the chain is broken (it would vouch for it)."""
    report = verify(session)
    if not report.intact:
        return _audit_log(request, session, actor="", action="", page=1, report=report,
                          error="审计日志已被破坏，不能生成检查点。")
    append(session, actor=staff.user.username, action="audit.checkpoint",
           details={"entries": report.entries}, address=client_address(request))
    checkpoint = take(session)
    session.commit()
    name = f"audit-checkpoint-{checkpoint.entry}.json"
    return Response(checkpoint.to_json() + "\n", media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


_DONE = {"added": "账户已创建", "deactivated": "账户已停用，该用户已被登出",
         "reactivated": "账户已恢复", "password": "密码已重置，该用户已被登出",
         "township": "负责乡镇已更改，此后分派的预警按新乡镇核对",
         "units": "负责单位已更改"}


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise HTTPException(404)
    return user


def _log_out(session: Session, user: User) -> None:
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))


def _audit(request: Request, session: Session, staff: Staff, action: str, user: User,
           details: dict[str, Any] | None = None) -> None:
    append(session, actor=staff.user.username, action=action, target=user.username,
           details=details, address=client_address(request))


def _users(request: Request, session: Session, *, error: str = "", done: str = "",
           form: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    users = session.scalars(select(User).order_by(User.role, User.username)).all()
    departments = sorted({spec.department for spec in DATASETS.values()})
    return render(request, "staff/admin/users.html", {
        "users": users, "roles": ROLES, "datasets": DATASETS, "departments": departments,
        "error": error, "done": done, "form": form or {}, "min_password": MIN_PASSWORD,
        "OFFICER": OFFICER, "VERIFIER": VERIFIER, "UNIT_ROLES": UNIT_ROLES,
        "townships": sorted(known_townships(session)), "units": sorted(known_units(session)),
    }, status_code=status_code)


def _details_text(request: Request, session: Session,
                  entries: Sequence[AuditEntry]) -> DetailsText:
    """Names for the people, models and programs the listed entries' details name by code."""
    ids = {entry.details.get("assignee_id") for entry in entries}
    people = dict(session.execute(select(User.id, User.display_name).where(
        User.id.in_([i for i in ids if isinstance(i, int)]))).all())
    return DetailsText(people, reference.model_names(),
                       reference.program_names(settings_of(request).catalog))


def _audit_log(request: Request, session: Session, *, actor: str, action: str, page: int,
               report: Any = None, error: str = "") -> Response:
    query = select(AuditEntry)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    entries = session.scalars(query.order_by(AuditEntry.id.desc())
                              .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    actions = session.scalars(select(AuditEntry.action).distinct()
                              .order_by(AuditEntry.action)).all()
    pages = max(1, -(-total // PAGE_SIZE))
    described = _details_text(request, session, entries)
    return render(request, "staff/admin/audit.html", {
        "entries": entries, "actions": actions, "actor": actor, "action": action,
        "details": {entry.id: described(entry.details) for entry in entries},
        "audit_target": target_text,
        "page": page, "pages": pages, "total": total, "report": report, "error": error,
    }, status_code=409 if error else 200)
