"""/staff/uploads: department officers (and analysts) upload a dataset's file; it is ingested
in the background and ends with its quality report."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import select
from starlette.background import BackgroundTask
from starlette.datastructures import FormData, UploadFile

from sunlight.appdb.upload_tables import (
    UPLOAD_CUT_OFF,
    UPLOAD_DONE,
    UPLOAD_QUEUED,
    UPLOAD_ROLLING_BACK,
    UPLOAD_RUNNING,
    Upload,
)
from sunlight.audit.chain import append
from sunlight.contract.datasets import DATASETS
from sunlight.contract.roles import ANALYST, OFFICER
from sunlight.contract.vocabulary import REASONS_ZH
from sunlight.contract.vocabulary import UPLOAD_STAGE_ZH as STAGE_ZH
from sunlight.contract.vocabulary import UPLOAD_STATUS_ZH as STATUS_ZH
from sunlight.quality.report import LabelledFinding, export, labelled_findings
from sunlight.settings import Settings
from sunlight.uploads.files import (
    ALLOWED_SUFFIXES,
    FileTooLarge,
    Received,
    RefusedFile,
    place,
    receive,
)
from sunlight.uploads.headers import compare
from sunlight.uploads.rollback import NotRollbackable, request_rollback
from sunlight.uploads.templates import template_bytes, template_name
from sunlight.uploads.worker import IngestWorker
from sunlight.warehouse.store import Warehouse
from sunlight.web.deps import (
    DbSession,
    Forbidden,
    RowId,
    Staff,
    audit_now,
    client_address,
    require,
    settings_of,
)
from sunlight.web.errors import TooLarge
from sunlight.web.pages import render
from sunlight.web.params import FormText, text_fields

router = APIRouter(prefix="/staff/uploads")
Uploader = Annotated[Staff, Depends(require(OFFICER, ANALYST))]
SHOWN_FINDINGS = 200
"""Rejected rows listed on the page; the xlsx report holds them all."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM_OVERHEAD = 1 << 20
"""Bytes a multipart form adds around the file (boundaries, the other fields)."""


class UploadTooLarge(TooLarge):
    """The request announces more bytes than the upload limit allows: refused unread."""

    def __init__(self, limit_mb: int) -> None:
        super().__init__(f"文件超过上传大小上限 {limit_mb} MB，未保存", title="文件过大")


def within_limit(request: Request) -> None:
    """Refuse an oversize upload by its Content-Length, before a byte of it is parsed."""
    limit = settings_of(request).upload_max_mb
    try:
        length = int(request.headers.get("content-length", "0"))
    except ValueError:
        length = 0
    if length > limit * (1 << 20) + FORM_OVERHEAD:
        raise UploadTooLarge(limit)


class UploadFields(BaseModel):
    """An upload form's text fields (its file is read beside them)."""

    dataset: FormText = ""
    csrf_token: FormText = ""


async def upload_form(request: Request) -> FormData:
    # Starlette spools each file part to a temporary file past 1 MB: never whole in memory.
    return await request.form()


def upload_fields(form: Annotated[FormData, Depends(upload_form)]) -> UploadFields:
    """The form's text fields, validated as a form model would be."""
    return text_fields(UploadFields, form)


def worker_of(request: Request) -> IngestWorker:
    worker: IngestWorker = request.app.state.ingest_worker
    return worker


def datasets_for(staff: Staff) -> list[str]:
    """The datasets this person may upload and whose uploads they see."""
    return list(DATASETS) if staff.role == ANALYST else list(staff.user.datasets or [])


@router.get("")
def upload_page(request: Request, staff: Uploader, session: DbSession) -> Response:
    return _page(request, staff, session)


@router.get("/templates/{code}")
def upload_template(code: str, staff: Uploader) -> Response:
    """The blank workbook of a dataset the person uploads: its headers and a guide."""
    if code not in datasets_for(staff):
        raise HTTPException(404)
    name = template_name(DATASETS[code])
    return Response(template_bytes(code), media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"template.xlsx\"; "
                               f"filename*=utf-8''{quote(name)}"})


@router.post("")
def upload_file(request: Request, _limit: Annotated[None, Depends(within_limit)],
                staff: Uploader, session: DbSession,
                form: Annotated[FormData, Depends(upload_form)],
                fields: Annotated[UploadFields, Depends(upload_fields)]) -> Response:
    settings = settings_of(request)
    dataset = fields.dataset
    sent = form.get("file")
    if dataset not in datasets_for(staff):
        if dataset in DATASETS:
            mine = "、".join(DATASETS[code].label for code in datasets_for(staff))
            raise Forbidden(f"您只能上传本部门的数据集：{mine}")
        return _page(request, staff, session, error="请选择数据集", status_code=400)
    if not isinstance(sent, UploadFile) or not sent.filename:
        return _page(request, staff, session, error="请选择要上传的文件", status_code=400,
                     chosen=dataset)
    try:
        received = receive(sent.file, sent.filename, settings.uploads_dir / "incoming",
                           settings.upload_max_mb << 20)
    except RefusedFile as exc:
        status = 413 if isinstance(exc, FileTooLarge) else 400
        return _page(request, staff, session, error=str(exc), status_code=status,
                     chosen=dataset)
    upload = _record(request, staff, session, settings, dataset, received)
    worker_of(request).start()
    return RedirectResponse(f"/staff/uploads/{upload.id}", status_code=303)


def _record(request: Request, staff: Staff, session: DbSession, settings: Settings,
            dataset: str, received: Received) -> Upload:
    """The upload's row, its file in place, its job and the audit entry, committed together."""
    upload = Upload(dataset=dataset, filename=received.filename, size=received.size,
                    sha256=received.sha256, uploader_id=staff.user.id,
                    status=UPLOAD_QUEUED, stage="", created_at=datetime.now(UTC),
                    result={}, error="")
    session.add(upload)
    session.flush()
    path = place(received, settings.uploads_dir, upload.id)
    try:
        append(session, actor=staff.user.username, action="upload", target=f"upload:{upload.id}",
               details={"dataset": dataset, "file": received.filename, "size": received.size,
                        "sha256": received.sha256}, address=client_address(request))
        worker_of(request).queue(session, upload, staff.user.username)
        session.commit()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return upload


@router.get("/{upload_id}")
def upload_detail(request: Request, upload_id: RowId, staff: Uploader,
                  session: DbSession) -> Response:
    upload = _visible(session, staff, upload_id)
    return render(request, "staff/uploads/detail.html",
                  _report_context(request, upload, staff, full=True))


@router.post("/{upload_id}/rollback")
def roll_back(request: Request, upload_id: RowId, staff: Uploader,
              session: DbSession) -> Response:
    """Take out of the warehouse an upload cut off after its batch was committed (an analyst
    or the officer who uploaded it); it runs as a job, audited when done."""
    upload = _visible(session, staff, upload_id)
    if not may_roll_back(staff, upload):
        raise Forbidden("只有纪委监委分析人员或上传该文件的人员可以撤销这次导入")
    try:
        request_rollback(session, upload, staff.user.username, client_address(request))
    except NotRollbackable:
        session.rollback()
        return render(request, "staff/uploads/detail.html", {
            **_report_context(request, upload, staff, full=True),
            "error": "这次上传没有可撤销的导入（只有中断后数据已写入的上传可以撤销）。"},
            status_code=409)
    session.commit()
    worker_of(request).start()
    return RedirectResponse(f"/staff/uploads/{upload.id}", status_code=303)


def may_roll_back(staff: Staff, upload: Upload) -> bool:
    return staff.role == ANALYST or upload.uploader_id == staff.user.id


@router.get("/{upload_id}/status")
def upload_status(request: Request, upload_id: RowId, staff: Uploader, session: DbSession,
                  full: bool = False) -> Response:
    """The fragment a running upload's page polls; without data-poll once it has ended."""
    upload = _visible(session, staff, upload_id)
    template = "staff/uploads/_report.html" if full else "staff/uploads/_status.html"
    return render(request, template, _report_context(request, upload, staff, full=full))


@router.get("/{upload_id}/report.xlsx")
def upload_report(request: Request, upload_id: RowId, staff: Uploader,
                  session: DbSession) -> Response:
    """Every finding of the upload's file, as `sunlight quality export` writes them."""
    upload = _visible(session, staff, upload_id)
    file_hash = str(upload.result.get("file_hash", ""))
    if upload.status != UPLOAD_DONE or not file_hash:
        raise HTTPException(404)  # not ingested (yet): there is no report to download
    handle, name = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    count = export(Warehouse(settings_of(request).warehouse_dir), "xlsx", Path(name), file_hash)
    audit_now(request, staff, "quality.export", f"upload:{upload.id}",
              {"dataset": upload.dataset, "file": upload.filename, "findings": count})
    stem = Path(upload.filename).stem
    return FileResponse(name, filename=f"质量报告-{upload.id}-{stem}.xlsx",
                        background=BackgroundTask(os.unlink, name))


def _visible(session: DbSession, staff: Staff, upload_id: int) -> Upload:
    """The upload, if it is of the person's datasets; another department's is not found, as
    one that does not exist (the answer must not tell which uploads exist)."""
    upload = session.get(Upload, upload_id)
    if upload is None or upload.dataset not in datasets_for(staff):
        raise HTTPException(404)
    return upload


def _page(request: Request, staff: Staff, session: DbSession, *, error: str = "",
          status_code: int = 200, chosen: str = "") -> Response:
    """The uploads page; after a refusal, with the dataset the person had chosen."""
    mine = datasets_for(staff)
    uploads = session.scalars(select(Upload).where(Upload.dataset.in_(mine))
                              .order_by(Upload.id.desc()).limit(100)).all()
    return render(request, "staff/uploads/index.html", {
        "uploads": uploads, "datasets": [DATASETS[code] for code in mine], "error": error,
        "chosen": chosen,
        "suffixes": "、".join(ALLOWED_SUFFIXES), "max_mb": settings_of(request).upload_max_mb,
        "STAGE_ZH": STAGE_ZH, "UPLOAD_STATUS_ZH": STATUS_ZH,
    }, status_code=status_code)


def _report_context(request: Request, upload: Upload, staff: Staff, *,
                    full: bool) -> dict[str, Any]:
    found: list[LabelledFinding] = []
    file_hash = str(upload.result.get("file_hash", ""))
    if full and upload.status == UPLOAD_DONE and file_hash:
        found = labelled_findings(Warehouse(settings_of(request).warehouse_dir), file_hash)
    rejected = [f for f in found if f.severity == "rejected"]
    doubtful = [f for f in found if f.severity != "rejected"]
    dataset = DATASETS.get(upload.dataset)
    return {"upload": upload, "dataset": dataset,
            "headers": compare(dataset, upload.result) if dataset is not None else None,
            "rejected": rejected[:SHOWN_FINDINGS], "rejected_total": len(rejected),
            "doubtful": doubtful[:SHOWN_FINDINGS], "doubtful_total": len(doubtful),
            "REASONS_ZH": REASONS_ZH, "STAGE_ZH": STAGE_ZH, "UPLOAD_STATUS_ZH": STATUS_ZH,
            "running": running(upload),
            "may_roll_back": upload.status == UPLOAD_CUT_OFF and may_roll_back(staff, upload)}


def running(upload: Upload) -> bool:
    """Whether a job is still working on the upload (a rollback's detection sets a stage)."""
    return upload.status in (UPLOAD_QUEUED, UPLOAD_RUNNING, UPLOAD_ROLLING_BACK) \
        or bool(upload.stage)
