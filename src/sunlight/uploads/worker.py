"""The ingest of an upload, as a background job (see `sunlight.jobs`).

The job runs in a child process with a memory limit and calls the same library function as
`sunlight ingest --dataset CODE FILE`, recording each stage it reaches on the upload's row,
where the upload page polls for it. Whenever an ingest ends early (an error, the memory
limit, a stop), what the upload's page says about the warehouse comes from the manifest.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sunlight.appdb.database import writing
from sunlight.appdb.job_tables import Job
from sunlight.appdb.upload_tables import (
    UPLOAD_CUT_OFF,
    UPLOAD_DONE,
    UPLOAD_FAILED,
    UPLOAD_QUEUED,
    UPLOAD_REFUSED,
    UPLOAD_RUNNING,
    Upload,
)
from sunlight.contract.catalog import CatalogError
from sunlight.contract.datasets import DATASETS
from sunlight.detect import run_detection
from sunlight.ingest.pipeline import READING, FileOutcome, IngestRefused, ingest
from sunlight.jobs import queue
from sunlight.jobs.kinds import INGEST_UPLOAD, JobContext
from sunlight.jobs.memory import for_want_of_memory, memory_reason
from sunlight.jobs.runner import JobRunner
from sunlight.settings import Settings
from sunlight.uploads.files import stored_path
from sunlight.warehouse.store import Warehouse

DETECTING = "detecting"
STOPPED = "服务器在导入完成前停止"
UNREADABLE = "文件无法读取"  # a refusal without a Chinese reason (none is known to lack one)
TOLD_IN_LOG = "详细错误已写入服务器日志，请告知系统管理员"
log = logging.getLogger(__name__)


class IngestWorker:
    """Uploads' ingests on the job runner: queue one with its upload, wait for them."""

    def __init__(self, runner: JobRunner, sessions: sessionmaker[Session],
                 settings: Settings) -> None:
        self._runner = runner
        self._sessions = sessions
        self._settings = settings

    def queue(self, session: Session, upload: Upload, actor: str) -> Job:
        """The upload's job, in the session's transaction; `start` once it is committed."""
        return queue.enqueue(session, INGEST_UPLOAD, {"upload_id": upload.id}, actor)

    def start(self) -> None:
        self._runner.kick()

    def wait(self, timeout: float | None = None) -> bool:
        """Until every job queued so far has ended (tests; an orderly shutdown)."""
        return self._runner.wait(timeout)

    def recover(self) -> None:
        """At start-up: uploads left queued or running without a job (by a version of
        Sunlight that ingested in the web process) are queued, or told what they left."""
        with self._sessions() as session:
            writing(session)
            owned = {job.payload.get("upload_id") for job in session.scalars(
                select(Job).where(Job.kind == INGEST_UPLOAD, Job.status.in_(queue.PENDING)))}
            for upload in session.scalars(select(Upload).where(
                    Upload.status.in_((UPLOAD_RUNNING, UPLOAD_QUEUED)))):
                if upload.id in owned:
                    continue
                if upload.status == UPLOAD_RUNNING:
                    ended_early(self._settings, upload, STOPPED)
                else:
                    queue.enqueue(session, INGEST_UPLOAD, {"upload_id": upload.id},
                                  upload.uploader.username)
            session.commit()
        self._runner.recover()


def ingest_job(context: JobContext) -> dict[str, Any]:
    """The job: ingest the upload in the payload (its row records how it ended)."""
    upload_id = int(context.payload["upload_id"])
    ingest_upload(context.settings, context.sessions, upload_id, context.memory_mb)
    with context.sessions() as session:
        return {"upload_id": upload_id, "status": session.get_one(Upload, upload_id).status}


def ingest_cut_off(settings: Settings, session: Session, job: Job, reason: str) -> str:
    """The job's process died: the upload says what the manifest shows it left."""
    upload = session.get(Upload, int(job.payload.get("upload_id", 0)))
    if upload is None or upload.status not in (UPLOAD_QUEUED, UPLOAD_RUNNING):
        return reason
    ended_early(settings, upload, reason)
    return upload.error


def ingest_upload(settings: Settings, sessions: sessionmaker[Session], upload_id: int,
                  memory_mb: int) -> None:
    """Ingest one upload and record how it ended; never raises (it runs unattended)."""
    def reached(step: str) -> None:
        _record(sessions, upload_id, stage=step)

    warehouse = Warehouse(settings.warehouse_dir)
    with sessions() as session:
        if session.get_one(Upload, upload_id).status != UPLOAD_QUEUED:
            return  # ended already (told what a cut-off job left): never ingested twice
    try:
        upload = _record(sessions, upload_id, status=UPLOAD_RUNNING, stage=READING)
        before = warehouse.batch_by_hash(upload.sha256) is not None
        upload = _record(sessions, upload_id, result={"present_before": before})
        path = stored_path(settings.uploads_dir, upload.id, upload.filename)
        [outcome] = ingest(warehouse, [(path, upload.dataset)], settings.catalog, workers=1,
                           stage=reached)
    except IngestRefused as exc:
        refused = [o for o in exc.outcomes if o.status == "refused"]
        for outcome in refused:  # the English, with the library's words, is for the log
            log.info("upload %s refused: %s", upload_id, outcome.message)
        headers = next((o.headers for o in refused if o.headers is not None), None)
        _end(sessions, upload_id, UPLOAD_REFUSED,
             error=refusal(upload, "；".join(o.chinese or UNREADABLE for o in refused)),
             result={"headers": headers.as_json()} if headers is not None else None)
    except CatalogError:
        log.exception("the catalog refused the ingest of upload %s", upload_id)
        _end(sessions, upload_id, UPLOAD_FAILED,
             error=f"项目目录配置有误，无法导入。{TOLD_IN_LOG}")
    except Exception as exc:
        log.exception("ingest of upload %s failed", upload_id)
        reason = (memory_reason(memory_mb) if for_want_of_memory(exc)
                  else f"导入时发生内部错误（上传编号 {upload_id}）。{TOLD_IN_LOG}")
        with sessions() as session:
            writing(session)
            ended_early(settings, session.get_one(Upload, upload_id), reason)
            session.commit()
    else:
        result = summary(warehouse, upload.sha256, outcome)
        if outcome.status != "already_ingested":
            _record(sessions, upload_id, stage=DETECTING)
            result["detection"] = detect_after_upload(settings)
        _end(sessions, upload_id, UPLOAD_DONE, result=result)


def ended_early(settings: Settings, upload: Upload, reason: str) -> None:
    """Record an ingest that did not finish, saying what the warehouse manifest shows: its
    batch committed (the upload may be rolled back) or the warehouse unchanged."""
    warehouse = Warehouse(settings.warehouse_dir)
    batch = warehouse.batch_by_hash(upload.sha256)
    ours = batch is not None and upload.result.get("present_before") is False
    if batch is None:
        _finish(upload, UPLOAD_FAILED, error=(
            f"{reason}。本次导入没有完成：数据仓库清单中没有这份文件的数据，数据仓库未被改动。"
            "请检查文件后重新上传。"))
    elif not ours:
        _finish(upload, UPLOAD_FAILED, error=(
            f"{reason}。这份文件的内容此前已由 {batch.file_name} 导入，数据仓库未被本次上传改动。"))
    else:
        counts = batch.data["counts"]
        _finish(upload, UPLOAD_CUT_OFF, result=summary_of(batch.data, "cut_off"), error=(
            f"{reason}。但这份文件的数据已完整写入数据仓库（接受 {counts['accepted']:,} 行），"
            "预警模型尚未按这些数据重新运行。如这份文件不应导入，可以撤销本次导入：其数据将从"
            "数据仓库中移除，并重新运行预警模型。"))


def detect_after_upload(settings: Settings) -> dict[str, Any]:
    """Run every model over the warehouse as it now is, so new months raise their warnings.

    The upload itself is in whatever happens here: a failed run is reported beside it.
    """
    try:
        run = run_detection(settings)
    except Exception:
        log.exception("detection after an upload failed")
        return {"error": f"预警模型运行失败，数据已导入。{TOLD_IN_LOG}"}
    if run.report is None:
        return {"models": 0}
    if run.after_failure:  # the warnings are stored; the index is built again next run
        log.warning("entity index not rebuilt after an upload: %s", run.after_failure)
    report = run.report
    return {"models": len(run.result.models_run), "new": report.new, "changed": report.changed,
            "reraised": report.reraised, "retracted": report.retracted}


def refusal(upload: Upload, reason: str) -> str:
    """Why a file was refused, naming the file and its dataset (a header at fault is shown
    beside the expected one by the page, from the upload's result)."""
    spec = DATASETS[upload.dataset]
    return (f"文件 {upload.filename} 不能作为“{spec.label}”数据导入，未写入任何数据。"
            f"原因：{reason}")


def summary(warehouse: Warehouse, file_hash: str, outcome: FileOutcome) -> dict[str, Any]:
    """The upload's quality in numbers, from its batch as the warehouse recorded it.

    Bytes ingested before (by an earlier upload or on the command line) are a no-op, as
    `sunlight ingest` reports it; their numbers are those of the earlier batch.
    """
    batch = warehouse.batch_by_hash(file_hash)
    if batch is None:  # replaced by a later ingest before we looked
        return {"outcome": "gone"}
    return summary_of(batch.data, outcome.status)


def summary_of(batch: dict[str, Any], outcome: str) -> dict[str, Any]:
    counts = batch["counts"]
    return {
        "outcome": outcome,
        "same_as": batch["file_name"],
        "rows_read": counts["accepted"] + counts["rejected"],
        "accepted": counts["accepted"],
        "rejected": counts["rejected"],
        "doubtful": counts["doubtful"],
        "rejected_amount": batch.get("rejected_amount", "0.00"),
        "file_hash": batch["file_hash"],
        # Later sheets holding cells, not read (contract §1: the first sheet only).
        "other_sheets": list(batch.get("other_sheets", [])),
    }


def _record(sessions: sessionmaker[Session], upload_id: int, **fields: Any) -> Upload:
    with sessions() as session:
        writing(session)
        upload = session.get_one(Upload, upload_id)
        for name, value in fields.items():
            setattr(upload, name, value)
        session.commit()
        return upload


def _end(sessions: sessionmaker[Session], upload_id: int, status: str, *, error: str = "",
         result: dict[str, Any] | None = None) -> None:
    with sessions() as session:
        writing(session)
        _finish(session.get_one(Upload, upload_id), status, error=error, result=result)
        session.commit()


def _finish(upload: Upload, status: str, *, error: str = "",
            result: dict[str, Any] | None = None) -> None:
    upload.status, upload.stage = status, ""
    upload.error = error
    upload.result = result or {}
    upload.finished_at = datetime.now(UTC)
