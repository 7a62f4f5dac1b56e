"""Rolling back an upload whose batch was committed although its ingest was cut off: the
batch leaves the warehouse (all or nothing), the models run again, and it is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from sunlight.appdb.database import writing
from sunlight.appdb.job_tables import Job
from sunlight.appdb.upload_tables import (
    UPLOAD_CUT_OFF,
    UPLOAD_ROLLED_BACK,
    UPLOAD_ROLLING_BACK,
    Upload,
)
from sunlight.audit.chain import append
from sunlight.jobs import queue
from sunlight.jobs.kinds import ROLL_BACK_UPLOAD, JobContext, JobFailed
from sunlight.models.relation_cache import RelationCache
from sunlight.settings import Settings
from sunlight.uploads.worker import DETECTING, detect_after_upload
from sunlight.warehouse.store import Warehouse

AUDIT_ACTION = "upload.rollback"


class NotRollbackable(Exception):
    """Only an upload cut off after its batch was committed can be rolled back."""


def request_rollback(session: Session, upload: Upload, actor: str, address: str) -> Job:
    """Queue the rollback, in the session's transaction (the caller commits, then starts
    the runner)."""
    if upload.status != UPLOAD_CUT_OFF:
        raise NotRollbackable
    upload.status, upload.stage = UPLOAD_ROLLING_BACK, ""
    return queue.enqueue(session, ROLL_BACK_UPLOAD,
                         {"upload_id": upload.id, "address": address}, actor)


def rollback_job(context: JobContext) -> dict[str, Any]:
    """The job: the batch out of the warehouse, the upload marked and audited, then detection."""
    upload_id = int(context.payload["upload_id"])
    with context.sessions() as session:
        sha256 = session.get_one(Upload, upload_id).sha256
    removed = Warehouse(context.settings.warehouse_dir).remove(sha256)
    # The rows kept between detections hold the batch's rows too: gone with it, not 6 hours on.
    RelationCache(context.settings.cache_dir).forget()
    with context.sessions() as session:
        writing(session)
        upload = session.get_one(Upload, upload_id)
        if upload.status != UPLOAD_ROLLING_BACK:
            raise JobFailed("该上传已不在撤销中")
        _rolled_back(upload, session, context.queued_by, str(context.payload.get("address", "")),
                     removed)
        upload.stage = DETECTING
        session.commit()
    detection = detect_after_upload(context.settings)
    with context.sessions() as session:
        writing(session)
        upload = session.get_one(Upload, upload_id)
        upload.stage, upload.result = "", {**upload.result, "detection": detection}
        session.commit()
    return {"upload_id": upload_id, "removed": removed}


def rollback_cut_off(settings: Settings, session: Session, job: Job, reason: str) -> str:
    """Cut off mid-way: the manifest says whether the batch is out."""
    upload = session.get(Upload, int(job.payload.get("upload_id", 0)))
    if upload is None or upload.status != UPLOAD_ROLLING_BACK:
        return reason
    if Warehouse(settings.warehouse_dir).batch_by_hash(upload.sha256) is None:
        _rolled_back(upload, session, job.queued_by, str(job.payload.get("address", "")), True)
        upload.error = (f"撤销时{reason}：数据已从数据仓库中移除，但预警模型没有重新运行，"
                        "请系统管理员运行预警模型。")
        return upload.error
    upload.status = UPLOAD_CUT_OFF
    upload.error = (f"撤销没有完成（{reason}）：这份文件的数据仍在数据仓库中，数据仓库未被改动。"
                    "可以再次撤销。")
    return upload.error


def _rolled_back(upload: Upload, session: Session, actor: str, address: str,
                 removed: bool) -> None:
    upload.status = UPLOAD_ROLLED_BACK
    upload.error = ("已撤销本次导入：这份文件的数据已从数据仓库中移除，预警模型已按剩余数据"
                    "重新运行。")
    upload.result = {"removed_rows": upload.result.get("accepted", 0)}
    append(session, actor=actor, action=AUDIT_ACTION, target=f"upload:{upload.id}",
           details={"dataset": upload.dataset, "file": upload.filename,
                    "sha256": upload.sha256, "removed": removed}, address=address)
