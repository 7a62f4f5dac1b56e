"""Comments on a case, files attached to it, and downloading them: for whoever may see it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import UploadFile as StarletteUpload

from sunlight.appdb.case_tables import CaseAttachment
from sunlight.cases.attachments import AttachmentRefused, TooLarge, attach
from sunlight.cases.comments import add_comment
from sunlight.cases.workflow import InvalidInput
from sunlight.contract.roles import CASE_READERS
from sunlight.stored_files import content_path
from sunlight.web.case_pages import case_page, case_url, visible_case
from sunlight.web.deps import (
    DbSession,
    RowId,
    Staff,
    audit_now,
    client_address,
    require,
    settings_of,
)
from sunlight.web.params import FormLongText

router = APIRouter(prefix="/staff/cases")
CaseWorker = Annotated[Staff, Depends(require(*CASE_READERS))]


@router.post("/{case_no}/comments")
def comment(request: Request, case_no: str, staff: CaseWorker, session: DbSession,
            body: Annotated[FormLongText, Form()] = "") -> Response:
    case = visible_case(session, staff, case_no)
    try:
        add_comment(session, case, staff.user, body, address=client_address(request))
    except InvalidInput as error:
        session.rollback()
        return case_page(request, session, staff, case, status_code=400, draft=body,
                         discussion_message=str(error))
    session.commit()
    return RedirectResponse(f"{case_url(case)}#discussion", status_code=303)


@router.post("/{case_no}/attachments")
def upload(request: Request, case_no: str, staff: CaseWorker, session: DbSession,
           file: Annotated[UploadFile | str | None, File()] = None) -> Response:
    case = visible_case(session, staff, case_no)
    try:
        # A form sent with no file chosen carries an empty text part, not a file.
        if not isinstance(file, StarletteUpload):
            raise AttachmentRefused("请选择要上传的文件")
        attach(session, case, staff.user, file.filename or "", file.file,
               settings_of(request).attachments_dir, address=client_address(request))
    except AttachmentRefused as error:
        session.rollback()
        return case_page(request, session, staff, case,
                         status_code=413 if isinstance(error, TooLarge) else 400,
                         discussion_message=str(error))
    session.commit()
    return RedirectResponse(f"{case_url(case)}#discussion", status_code=303)


@router.get("/{case_no}/attachments/{attachment_id}")
def download(request: Request, case_no: str, attachment_id: RowId, staff: CaseWorker,
             session: DbSession) -> Response:
    case = visible_case(session, staff, case_no)
    attachment = session.scalar(select(CaseAttachment).where(
        CaseAttachment.id == attachment_id, CaseAttachment.case_id == case.id))
    if attachment is None:
        raise HTTPException(status_code=404)
    path = content_path(settings_of(request).attachments_dir, attachment.sha256)
    if not path.is_file():
        raise HTTPException(status_code=404)
    audit_now(request, staff, "case.attachment.download", case.case_no,
              {"attachment": attachment.id, "filename": attachment.filename})
    return FileResponse(path, media_type=attachment.content_type, filename=attachment.filename,
                        content_disposition_type="attachment",
                        headers={"X-Content-Type-Options": "nosniff"})
