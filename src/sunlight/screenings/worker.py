"""A screening as a background job (see `sunlight.jobs`): the batch screened by the same
`screen_file` as `sunlight screen`, its verdict files written, the batch file deleted and the
screening audited, in a child process with the job runner's memory limit."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from sunlight.accounts.screening_rights import explanation_detail
from sunlight.appdb.database import writing
from sunlight.appdb.job_tables import Job
from sunlight.appdb.screening_tables import (
    SCREENING_DONE,
    SCREENING_FAILED,
    SCREENING_QUEUED,
    SCREENING_REFUSED,
    SCREENING_RUNNING,
    Screening,
)
from sunlight.audit.chain import append
from sunlight.contract.catalog import CatalogError, load_catalog
from sunlight.contract.datasets import DATASETS
from sunlight.contract.screening import BATCH_KINDS, ExplanationDetail
from sunlight.jobs import queue
from sunlight.jobs.kinds import SCREEN, JobContext
from sunlight.jobs.memory import for_want_of_memory, memory_reason
from sunlight.models.registry import library
from sunlight.screening.core import BatchRefused, screen_file
from sunlight.screening.verdict_files import write_csv, write_xlsx
from sunlight.screening.verdicts import ScreeningResult
from sunlight.screenings.files import (
    batch_path,
    folder_of,
    relative_folder,
    remove_all,
    remove_batch,
    write_verdicts,
)
from sunlight.screenings.retention import expiry, remove_expired
from sunlight.settings import Settings

AUDIT_ACTION = "screening"
NOT_DONE = "筛查没有完成，没有生成筛查结果，上传的文件已删除。请重新上传筛查"
TOLD_IN_LOG = "详细错误已写入服务器日志，请告知系统管理员"
log = logging.getLogger(__name__)


def request_screening(session: Session, screening: Screening, actor: str,
                      address: str) -> Job:
    """Queue the screening's job, in the session's transaction (the caller commits, then
    kicks the job runner)."""
    return queue.enqueue(session, SCREEN, {"screening_id": screening.id, "address": address},
                         actor)


def screen_job(context: JobContext) -> dict[str, Any]:
    """The job: screen the batch of the screening in the payload; its row says how it ended."""
    screening_id = int(context.payload["screening_id"])
    address = str(context.payload.get("address", ""))
    settings, sessions = context.settings, context.sessions
    try:
        status = _screen(settings, sessions, screening_id, address, context.memory_mb)
    finally:
        remove_batch(settings.screenings_dir, screening_id)
        with sessions() as session:
            writing(session)
            remove_expired(settings, session)
            session.commit()
    return {"screening_id": screening_id, "status": status}


def screen_cut_off(settings: Settings, session: Session, job: Job, reason: str) -> str:
    """The job's process died: nothing of the screening is kept; it says so, and is audited."""
    screening = session.get(Screening, int(job.payload.get("screening_id", 0)))
    if screening is None or screening.status not in (SCREENING_QUEUED, SCREENING_RUNNING):
        return reason
    remove_all(settings.screenings_dir, screening.id)
    _end(session, screening, SCREENING_FAILED, error=f"{reason}。{NOT_DONE}",
         address=str(job.payload.get("address", "")))
    return screening.error


@dataclass(frozen=True)
class Outcome:
    """How a screening ended: its status, the result when done, the reason otherwise."""

    status: str
    result: ScreeningResult | None = None
    error: str = ""


def _screen(settings: Settings, sessions: sessionmaker[Session], screening_id: int,
            address: str, memory_mb: int) -> str:
    with sessions() as session:
        writing(session)
        screening = session.get_one(Screening, screening_id)
        if screening.status != SCREENING_QUEUED:
            return screening.status  # ended already (a cut-off job was told): never twice
        screening.status = SCREENING_RUNNING
        kind, file_name = screening.dataset, screening.file_name
        # The files are the requester's: an analyst looking at an officer's screening reads
        # what the officer read (screening/audience.py).
        detail = explanation_detail(screening.user)
        session.commit()
    outcome = _outcome(settings, screening_id, kind, file_name, memory_mb, detail)
    if outcome.result is None:
        remove_all(settings.screenings_dir, screening_id)  # a verdict file half-written
    with sessions() as session:
        writing(session)
        screening = session.get_one(Screening, screening_id)
        if screening.status == SCREENING_RUNNING:  # not taken for cut off meanwhile
            _end(session, screening, outcome.status, error=outcome.error,
                 result=outcome.result, settings=settings, address=address)
        session.commit()
    return outcome.status


def _outcome(settings: Settings, screening_id: int, kind: str, file_name: str,
             memory_mb: int, detail: ExplanationDetail) -> Outcome:
    """Screen the batch and write its verdict files; never raises (it runs unattended)."""
    path = batch_path(settings.screenings_dir, screening_id, file_name)
    try:
        result = screen_file(settings, path, kind, file_name=file_name, detail=detail)
        catalog = load_catalog(settings.catalog)
        write_verdicts(folder_of(settings.screenings_dir, screening_id), {
            "xlsx": lambda out: write_xlsx(result, out, library(), catalog),
            "csv": lambda out: write_csv(result, out)})
    except BatchRefused as exc:
        log.info("screening %s refused: %s", screening_id, exc)
        return Outcome(SCREENING_REFUSED, error=refusal(kind, file_name, exc.chinese))
    except CatalogError:
        log.exception("the catalog refused screening %s", screening_id)
        return Outcome(SCREENING_FAILED,
                       error=f"项目目录配置有误，无法筛查。{TOLD_IN_LOG}。{NOT_DONE}")
    except Exception as exc:
        log.exception("screening %s failed", screening_id)
        why = (memory_reason(memory_mb) if for_want_of_memory(exc)
               else f"筛查时发生内部错误（筛查编号 {screening_id}）。{TOLD_IN_LOG}")
        return Outcome(SCREENING_FAILED, error=f"{why}。{NOT_DONE}")
    return Outcome(SCREENING_DONE, result)


def refusal(kind: str, file_name: str, reason: str) -> str:
    """Why a batch could not be screened, naming the file and what it was taken for."""
    label = DATASETS[BATCH_KINDS[kind].dataset].label
    return (f"文件 {file_name} 不能作为“{label}”待发放清单筛查，"
            f"没有生成筛查结果。原因：{reason}")


def _end(session: Session, screening: Screening, status: str, *, error: str = "",
         result: ScreeningResult | None = None, settings: Settings | None = None,
         address: str = "") -> None:
    """Record how the screening ended and audit it, in the session's transaction."""
    now = datetime.now(UTC)
    screening.status, screening.error, screening.finished_at = status, error, now
    details: dict[str, Any] = {"dataset": screening.dataset, "file": screening.file_name,
                               "sha256": screening.file_hash}
    if result is not None and settings is not None:
        screening.rows = len(result.verdicts)
        screening.held, screening.unreadable = result.held, result.unreadable
        screening.not_run = sorted(result.not_run)
        screening.verdicts = relative_folder(screening.id)
        screening.expires_at = expiry(settings, now)
        details |= {"rows": screening.rows, "held": screening.held,
                    "unreadable": screening.unreadable}
    else:
        details["reason"] = error
    append(session, actor=screening.user.username, action=AUDIT_ACTION,
           target=f"screening:{screening.id}", details=details, address=address)
