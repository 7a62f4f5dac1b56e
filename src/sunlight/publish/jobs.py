"""Publishing from the workbench: the same `run_publication` as `sunlight publish`, run as a
background job (see `sunlight.jobs`), one at a time; the page polls the latest job's row.

A publication is written in one transaction, so a job cut off mid-way leaves nothing
half-published, only a job to start again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from sunlight.appdb.job_tables import JOB_DONE, JOB_FAILED, Job
from sunlight.jobs import queue
from sunlight.jobs.kinds import PUBLISH, JobContext, JobFailed
from sunlight.jobs.memory import for_want_of_memory, memory_reason
from sunlight.jobs.runner import JobRunner
from sunlight.publish.run import NothingToPublish, run_publication
from sunlight.settings import Settings

log = logging.getLogger(__name__)

RUNNING = "running"
DONE = JOB_DONE
FAILED = JOB_FAILED
NOTHING = "数据仓库中没有发放数据，无法发布。请先上传或导入发放数据。"
UNCHANGED = "发布失败，公示内容未改变："


class Busy(RuntimeError):
    """A publication is already queued or running."""


@dataclass
class PublishJob:
    """A publication job as the page shows it."""

    actor: str
    started_at: datetime
    state: str = RUNNING
    finished_at: datetime | None = None
    seconds: float = 0.0
    version: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    error: str = ""

    def elapsed(self) -> float:
        if self.state != RUNNING:
            return self.seconds
        return (datetime.now(UTC) - self.started_at).total_seconds()

    @classmethod
    def of(cls, job: Job) -> PublishJob:
        started = job.started_at or job.queued_at
        ended = job.finished_at
        state = job.status if job.status in (JOB_DONE, JOB_FAILED) else RUNNING
        return cls(job.queued_by, started, state, ended,
                   (ended - started).total_seconds() if ended else 0.0,
                   job.result.get("version"), dict(job.result.get("counts", {})), job.error)


class Publisher:
    """Queues publications on the job runner and reads the latest one."""

    def __init__(self, runner: JobRunner, sessions: sessionmaker[Session]) -> None:
        self._runner = runner
        self._sessions = sessions

    def start(self, session: Session, actor: str, address: str = "") -> None:
        """Queue a publication in the writer `session` and commit; Busy if one is pending."""
        if queue.pending_count(session, PUBLISH):
            raise Busy
        queue.enqueue(session, PUBLISH, {"address": address}, actor)
        session.commit()
        self._runner.kick()

    def latest(self) -> PublishJob | None:
        with self._sessions() as session:
            job = queue.latest(session, PUBLISH)
            return None if job is None else PublishJob.of(job)

    def wait(self, timeout: float | None = None) -> bool:
        """Until the queued and running jobs have ended (tests)."""
        return self._runner.wait(timeout)


def publish_job(context: JobContext) -> dict[str, Any]:
    """The job: publish the warehouse as `sunlight publish` does."""
    try:
        written = run_publication(context.settings, actor=context.queued_by,
                                  address=str(context.payload.get("address", "")))
    except NothingToPublish as exc:
        raise JobFailed(NOTHING) from exc
    except Exception as exc:
        log.exception("publication by %s failed", context.queued_by)
        why = memory_reason(context.memory_mb) if for_want_of_memory(exc) else str(exc)
        raise JobFailed(UNCHANGED + why) from exc
    return {"version": written.publication.version, "counts": dict(written.counts)}


def publish_cut_off(settings: Settings, session: Session, job: Job, reason: str) -> str:
    """One transaction writes a publication: cut off, it wrote nothing."""
    return UNCHANGED + reason
