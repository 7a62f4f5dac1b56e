"""/staff/publications: analysts publish the warehouse to the portal (the same code as
`sunlight publish`, in the background) and withdraw versions; both are audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from sunlight.audit.key import key_of
from sunlight.contract.roles import ANALYST
from sunlight.publish.jobs import RUNNING, Busy, Publisher
from sunlight.publish.lookups import lookups_of
from sunlight.publish.store import NotPublished, current, history, withdraw
from sunlight.web.deps import DbSession, RowId, Staff, client_address, require
from sunlight.web.pages import render
from sunlight.web.params import FormText

router = APIRouter(prefix="/staff/publications")
Analyst = Annotated[Staff, Depends(require(ANALYST))]
REASON_MAX = 500


def publisher_of(request: Request) -> Publisher:
    publisher: Publisher = request.app.state.publisher
    return publisher


@router.get("")
def publications(request: Request, staff: Analyst, session: DbSession) -> Response:
    return _page(request, session)


@router.get("/job")
def job_status(request: Request, staff: Analyst) -> Response:
    """The fragment the page polls while a publication runs."""
    return render(request, "staff/publications/_job.html", _job(request))


@router.post("")
def start(request: Request, staff: Analyst, session: DbSession) -> Response:
    try:
        publisher_of(request).start(session, staff.user.username, client_address(request))
    except Busy:
        return _page(request, session, error="已有一次发布正在进行，请等它完成。", status_code=409)
    return RedirectResponse("/staff/publications", status_code=303)


@router.post("/{version}/withdraw")
def withdraw_version(request: Request, version: RowId, staff: Analyst, session: DbSession,
                     reason: Annotated[FormText, Form()] = "") -> Response:
    why = reason.strip()
    if not why or len(why) > REASON_MAX:
        return _page(request, session, status_code=400,
                     error=f"请填写撤回第 {version} 版的原因（最多 {REASON_MAX} 字）。")
    try:
        withdraw(session, version, actor=staff.user.username, reason=why,
                 address=client_address(request))
    except NotPublished:
        session.rollback()
        return _page(request, session, status_code=400,
                     error=f"第 {version} 版不是正在公示的版本，无法撤回。")
    session.commit()
    return RedirectResponse("/staff/publications", status_code=303)


def _job(request: Request) -> dict[str, Any]:
    job = publisher_of(request).latest()
    return {"job": job, "running": job is not None and job.state == RUNNING}


def _page(request: Request, session: DbSession, *, error: str = "",
          status_code: int = 200) -> Response:
    shown = current(session)
    # A publication from before an upgrade (or under a rotated secret) leaves 查我家 short.
    republish = shown is not None and lookups_of(shown, key_of(session)).republish_advised
    return render(request, "staff/publications/index.html", {
        "versions": history(session), "shown": shown, "republish": republish,
        "error": error, **_job(request)}, status_code=status_code)
