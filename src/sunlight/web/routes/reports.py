"""Staff side of citizens' reports: the official reply, and the report's photos (for whoever
may see the case; never for the public)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import select

from sunlight.appdb.report_tables import ReportPhoto
from sunlight.cases.workflow import InvalidInput
from sunlight.contract.roles import ANALYST, VERIFIER
from sunlight.reports.replies import add_reply, report_of
from sunlight.stored_files import content_path
from sunlight.web.case_pages import case_page, visible_case
from sunlight.web.deps import DbSession, RowId, Staff, client_address, require, settings_of
from sunlight.web.params import FormLongText

router = APIRouter(prefix="/staff/cases")
CaseWorker = Annotated[Staff, Depends(require(ANALYST, VERIFIER))]


@router.post("/{case_no}/reply")
def reply(request: Request, case_no: str, staff: CaseWorker, session: DbSession,
          text: Annotated[FormLongText, Form(alias="reply")] = "") -> Response:
    case = visible_case(session, staff, case_no, lock=True)
    report = report_of(session, case)
    if report is None:
        raise HTTPException(404)
    try:
        add_reply(session, case, report, staff.user, text, address=client_address(request))
    except InvalidInput as error:
        session.rollback()
        return case_page(request, session, staff, case, status_code=400, reply_draft=text,
                         reply_message=str(error))
    session.commit()
    return RedirectResponse(f"/staff/cases/{case.case_no}#reply", status_code=303)


@router.get("/{case_no}/photos/{photo_id}")
def photo(request: Request, case_no: str, photo_id: RowId, staff: CaseWorker,
          session: DbSession) -> Response:
    case = visible_case(session, staff, case_no)
    report = report_of(session, case)
    found = None if report is None else session.scalar(select(ReportPhoto).where(
        ReportPhoto.id == photo_id, ReportPhoto.report_id == report.id))
    if found is None:
        raise HTTPException(404)
    path = content_path(settings_of(request).report_photos_dir, found.sha256)
    if not path.is_file():
        raise HTTPException(404)
    return FileResponse(path, media_type=found.content_type, headers={
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})
