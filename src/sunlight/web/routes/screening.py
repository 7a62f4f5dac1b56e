"""/staff/screening (发放前筛查): a department officer (their own department's batches) or an
analyst uploads a batch about to be paid; it is screened in the background, then its held
and unreadable rows are shown with their reasons and its verdict files downloaded.

An officer sees only their own screenings; analysts see everyone's. Another's screening is
not found, as one that does not exist (the answer must not tell which screenings exist).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import FormData, UploadFile

from sunlight.accounts.screening_rights import screenable_kinds
from sunlight.appdb.screening_tables import (
    SCREENING_DONE,
    SCREENING_QUEUED,
    SCREENING_RUNNING,
    Screening,
)
from sunlight.contract.datasets import DATASETS
from sunlight.contract.roles import ANALYST, OFFICER
from sunlight.contract.screening import BATCH_KINDS
from sunlight.contract.vocabulary import SCREENING_STATUS_ZH, VERDICT_ZH
from sunlight.jobs.runner import JobRunner
from sunlight.screenings.files import FORMATS, place_batch, verdict_path
from sunlight.screenings.retention import expired
from sunlight.screenings.shown import Shown, shown_rows
from sunlight.screenings.worker import request_screening
from sunlight.settings import Settings
from sunlight.uploads.files import ALLOWED_SUFFIXES, FileTooLarge, Received, RefusedFile, receive
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
from sunlight.web.pages import render
from sunlight.web.reference import model_names, program_names
from sunlight.web.routes.uploads import (
    XLSX,
    UploadFields,
    upload_fields,
    upload_form,
    within_limit,
)

router = APIRouter(prefix="/staff/screening")
Screener = Annotated[Staff, Depends(require(OFFICER, ANALYST))]
LISTED = 50
"""Screenings listed on the page, newest first."""
MEDIA = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8"}


def kinds_for(staff: Staff) -> list[str]:
    """The kinds of batch this person may screen (accounts/screening_rights.py)."""
    return screenable_kinds(staff.user)


def kind_label(code: str) -> str:
    return DATASETS[BATCH_KINDS[code].dataset].label if code in BATCH_KINDS else code


def kind_columns(code: str) -> str:
    """The columns a batch of this kind must have, as a clerk heads them."""
    return "、".join(column.label for column in DATASETS[BATCH_KINDS[code].dataset].required)


@router.get("")
def screening_page(request: Request, staff: Screener, session: DbSession) -> Response:
    return _page(request, staff, session)


@router.post("")
def screen_batch(request: Request, _limit: Annotated[None, Depends(within_limit)],
                 staff: Screener, session: DbSession,
                 form: Annotated[FormData, Depends(upload_form)],
                 fields: Annotated[UploadFields, Depends(upload_fields)]) -> Response:
    """Receive a batch (the upload form's limits and checks), queue its screening."""
    settings = settings_of(request)
    kind, sent = fields.dataset, form.get("file")
    if kind not in kinds_for(staff):
        if kind in BATCH_KINDS:
            raise Forbidden("您只能筛查本部门的待发放清单")
        return _page(request, staff, session, error="请选择清单类型", status_code=400)
    if not isinstance(sent, UploadFile) or not sent.filename:
        return _page(request, staff, session, error="请选择要筛查的文件", status_code=400)
    try:
        received = receive(sent.file, sent.filename, settings.screenings_dir / "incoming",
                           settings.upload_max_mb << 20)
    except RefusedFile as exc:
        status = 413 if isinstance(exc, FileTooLarge) else 400
        return _page(request, staff, session, error=str(exc), status_code=status)
    screening = _record(request, staff, session, settings, kind, received)
    runner_of(request).kick()
    return RedirectResponse(f"/staff/screening/{screening.id}", status_code=303)


def _record(request: Request, staff: Staff, session: DbSession, settings: Settings,
            kind: str, received: Received) -> Screening:
    """The screening's row, its batch in place and its job, committed together."""
    screening = Screening(user_id=staff.user.id, dataset=kind, file_name=received.filename,
                          file_hash=received.sha256, size=received.size,
                          status=SCREENING_QUEUED, created_at=datetime.now(UTC), verdicts="",
                          not_run=[], error="")
    session.add(screening)
    session.flush()
    path = place_batch(received, settings.screenings_dir, screening.id)
    try:
        request_screening(session, screening, staff.user.username, client_address(request))
        session.commit()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return screening


@router.get("/{screening_id}")
def screening_detail(request: Request, screening_id: RowId, staff: Screener,
                     session: DbSession) -> Response:
    screening = _visible(session, staff, screening_id)
    return render(request, "staff/screening/detail.html",
                  _result_context(request, screening))


@router.get("/{screening_id}/status")
def screening_status(request: Request, screening_id: RowId, staff: Screener,
                     session: DbSession) -> Response:
    """The fragment a screening's page polls; without data-poll once it has ended."""
    screening = _visible(session, staff, screening_id)
    return render(request, "staff/screening/_result.html", _result_context(request, screening))


@router.get("/{screening_id}/verdicts.xlsx")
def verdicts_xlsx(request: Request, screening_id: RowId, staff: Screener,
                  session: DbSession) -> Response:
    return _download(request, staff, _visible(session, staff, screening_id), "xlsx")


@router.get("/{screening_id}/verdicts.csv")
def verdicts_csv(request: Request, screening_id: RowId, staff: Screener,
                 session: DbSession) -> Response:
    return _download(request, staff, _visible(session, staff, screening_id), "csv")


def runner_of(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.jobs
    return runner


def _download(request: Request, staff: Staff, screening: Screening, suffix: str) -> Response:
    """A verdict file of a screening the person may see, while it is kept (audited)."""
    path = _verdicts(request, screening, suffix)
    if path is None:
        raise HTTPException(404)
    audit_now(request, staff, "screening.download", f"screening:{screening.id}",
              {"file": screening.file_name, "format": suffix})
    stem = Path(screening.file_name).stem
    return FileResponse(path, media_type=MEDIA[suffix],
                        filename=f"筛查结果-{screening.id}-{stem}.{suffix}")


def _verdicts(request: Request, screening: Screening, suffix: str) -> Path | None:
    """The verdict file, if the screening is done, not expired and the file is there."""
    if screening.status != SCREENING_DONE or expired(screening):
        return None
    path = verdict_path(settings_of(request).home, screening.verdicts, suffix)
    return path if path is not None and path.is_file() else None


def _visible(session: DbSession, staff: Staff, screening_id: int) -> Screening:
    """The screening, if it is the person's own or they are an analyst."""
    screening = session.get(Screening, screening_id)
    if screening is None or not (staff.role == ANALYST or screening.user_id == staff.user.id):
        raise HTTPException(404)
    return screening


def _page(request: Request, staff: Staff, session: DbSession, *, error: str = "",
          status_code: int = 200) -> Response:
    """The page: the form, then the person's recent screenings (an analyst's: everyone's)."""
    query = select(Screening).order_by(Screening.id.desc()).limit(LISTED)
    if staff.role != ANALYST:
        query = query.where(Screening.user_id == staff.user.id)
    kinds = kinds_for(staff)
    return render(request, "staff/screening/index.html", {
        "screenings": session.scalars(query).all(), "error": error,
        "kinds": [(code, kind_label(code)) for code in kinds], "kind_columns": kind_columns,
        "kind_label": kind_label, "suffixes": "、".join(ALLOWED_SUFFIXES),
        "max_mb": settings_of(request).upload_max_mb, "STATUS_ZH": SCREENING_STATUS_ZH,
        "days": settings_of(request).screening_verdict_days,
    }, status_code=status_code)


def _result_context(request: Request, screening: Screening) -> dict[str, Any]:
    shown, files = Shown([], []), {}
    if screening.status == SCREENING_DONE:
        files = {suffix: f"/staff/screening/{screening.id}/verdicts.{suffix}"
                 for suffix in FORMATS if _verdicts(request, screening, suffix) is not None}
        if "csv" in files:
            path = verdict_path(settings_of(request).home, screening.verdicts, "csv")
            assert path is not None
            shown = shown_rows(path)
    return {"screening": screening, "kind_label": kind_label, "shown": shown, "files": files,
            "kind": BATCH_KINDS[screening.dataset],
            "running": screening.status in (SCREENING_QUEUED, SCREENING_RUNNING),
            "STATUS_ZH": SCREENING_STATUS_ZH, "VERDICT_ZH": VERDICT_ZH,
            "model_names": model_names(),
            "program_names": program_names(settings_of(request).catalog)}
