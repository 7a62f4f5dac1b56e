"""The background ingest of uploads: one at a time, in a thread of the web process.

A single worker thread means two ingests never run at once (the warehouse would make the
second wait on its lock anyway, holding a thread the whole time). The job calls the same
library function as `sunlight ingest --dataset CODE FILE` and records each stage it reaches
on the upload's row, where the upload page polls for it.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sunlight.appdb.database import writing
from sunlight.appdb.upload_tables import (
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
from sunlight.settings import Settings
from sunlight.uploads.files import stored_path
from sunlight.warehouse.store import Warehouse

DETECTING = "detecting"
log = logging.getLogger(__name__)

INTERRUPTED = ("服务器在导入完成前停止，本次导入没有完成；导入要么全部写入、要么完全不写，"
               "数据仓库未被改动。请重新上传该文件。")


class IngestWorker:
    """Queue uploads for ingestion and run them one after another."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self._settings = settings
        self._sessions = sessions
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sunlight-ingest")
        self._lock = threading.Lock()
        self._pending: set[Future[None]] = set()

    def submit(self, upload_id: int) -> Future[None]:
        future = self._pool.submit(ingest_upload, self._settings, self._sessions, upload_id)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return future

    def wait(self, timeout: float | None = None) -> None:
        """Until every upload queued so far is finished (tests; an orderly shutdown)."""
        with self._lock:
            pending = set(self._pending)
        wait_for(pending, timeout)

    def shutdown(self) -> None:
        """Stop taking work without waiting for the ingest under way (see `recover`)."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def recover(self) -> None:
        """At start-up: an upload left running was cut off by a stop; queued ones run now."""
        with self._sessions() as session:
            writing(session)
            queued = []
            for upload in session.scalars(select(Upload).where(
                    Upload.status.in_((UPLOAD_RUNNING, UPLOAD_QUEUED)))):
                if upload.status == UPLOAD_RUNNING:
                    _finish(upload, UPLOAD_FAILED, error=INTERRUPTED)
                else:
                    queued.append(upload.id)
            session.commit()
        for upload_id in sorted(queued):
            self.submit(upload_id)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)


def ingest_upload(settings: Settings, sessions: sessionmaker[Session], upload_id: int) -> None:
    """Ingest one upload and record how it ended; never raises (it runs unattended)."""
    def reached(step: str) -> None:
        _record(sessions, upload_id, stage=step)

    try:
        upload = _record(sessions, upload_id, status=UPLOAD_RUNNING, stage=READING)
        warehouse = Warehouse(settings.warehouse_dir)
        path = stored_path(settings.uploads_dir, upload.id, upload.filename)
        [outcome] = ingest(warehouse, [(path, upload.dataset)], settings.catalog, workers=1,
                           stage=reached)
    except IngestRefused as exc:
        reasons = [o.message.removeprefix(f"{o.path.name} ({o.dataset}): ")
                   for o in exc.outcomes if o.status == "refused"]
        _end(sessions, upload_id, UPLOAD_REFUSED, error=refusal(upload, "；".join(reasons)))
    except CatalogError as exc:
        _end(sessions, upload_id, UPLOAD_FAILED,
             error=f"项目目录配置有误，无法导入（请管理员检查 catalog 配置）：{exc}")
    except Exception as exc:
        log.exception("ingest of upload %s failed", upload_id)
        _end(sessions, upload_id, UPLOAD_FAILED,
             error=f"导入时发生错误，数据仓库未被改动：{exc}。请把此信息告知系统管理员。")
    else:
        result = summary(warehouse, upload.sha256, outcome)
        if outcome.status != "already_ingested":
            _record(sessions, upload_id, stage=DETECTING)
            result["detection"] = detect_after_upload(settings)
        _end(sessions, upload_id, UPLOAD_DONE, result=result)


def detect_after_upload(settings: Settings) -> dict[str, Any]:
    """Run every model over the warehouse as it now is, so new months raise their warnings.

    The upload itself is in whatever happens here: a failed run is reported beside it.
    """
    try:
        run = run_detection(settings)
    except Exception as exc:
        log.exception("detection after an upload failed")
        return {"error": f"预警模型运行失败：{exc}。数据已导入，可由管理员运行 sunlight detect。"}
    if run.report is None:
        return {"models": 0}
    report = run.report
    return {"models": len(run.result.models_run), "new": report.new, "changed": report.changed,
            "reraised": report.reraised, "retracted": report.retracted}


def refusal(upload: Upload, reason: str) -> str:
    """Why a file was refused, naming the file, its dataset and what the dataset needs."""
    spec = DATASETS[upload.dataset]
    columns = "、".join(c.synonyms[0] if c.synonyms else c.name for c in spec.required)
    return (f"文件 {upload.filename} 不能作为“{spec.label}”（{spec.code}）数据导入，未写入任何"
            f"数据。该数据集的文件应有表头行，并至少包含这些列：{columns}。"
            f"具体原因：{reason}")


def summary(warehouse: Warehouse, file_hash: str, outcome: FileOutcome) -> dict[str, Any]:
    """The upload's quality in numbers, from its batch as the warehouse recorded it.

    Bytes ingested before (by an earlier upload or on the command line) are a no-op, as
    `sunlight ingest` reports it; their numbers are those of the earlier batch.
    """
    batch = warehouse.batch_by_hash(file_hash)
    if batch is None:  # replaced by a later ingest before we looked
        return {"outcome": "gone"}
    counts = batch.data["counts"]
    return {
        "outcome": outcome.status,
        "same_as": batch.file_name,
        "rows_read": counts["accepted"] + counts["rejected"],
        "accepted": counts["accepted"],
        "rejected": counts["rejected"],
        "doubtful": counts["doubtful"],
        "rejected_amount": batch.data.get("rejected_amount", "0.00"),
        "file_hash": batch.file_hash,
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
