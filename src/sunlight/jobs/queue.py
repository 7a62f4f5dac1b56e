"""The job rows: queue one, claim the next (atomically, one job at a time across every
process), record progress and how it ended, find those whose process is gone."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from sunlight.appdb.database import writing
from sunlight.appdb.job_tables import JOB_DONE, JOB_FAILED, JOB_QUEUED, JOB_RUNNING, Job

CLAIM_LOCK = 0x53554E4A  # PostgreSQL advisory lock key of claiming a job ("SUNJ")
STALE_AFTER = timedelta(minutes=5)
"""A job run on another host whose heartbeat is older than this is taken for cut off."""
PENDING = (JOB_QUEUED, JOB_RUNNING)


def enqueue(session: Session, kind: str, payload: dict[str, Any], queued_by: str) -> Job:
    """Add a job to the session (the caller commits it with whatever it belongs to)."""
    job = Job(kind=kind, payload=payload, status=JOB_QUEUED, queued_by=queued_by,
              queued_at=datetime.now(UTC), runner="", stage="", result={}, error="")
    session.add(job)
    session.flush()
    return job


def claim_next(session: Session, runner: str) -> Job | None:
    """The oldest queued job, now running under `runner`; None while any job runs.

    Claims take turns (SQLite's write lock, an advisory lock on PostgreSQL), so two
    processes never take the same job nor run two at once.
    """
    writer(session)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(CLAIM_LOCK)))
    if session.scalar(select(Job.id).where(Job.status == JOB_RUNNING).limit(1)) is not None:
        session.rollback()
        return None
    job = session.scalars(select(Job).where(Job.status == JOB_QUEUED)
                          .order_by(Job.id).limit(1)).first()
    if job is None:
        session.rollback()
        return None
    now = datetime.now(UTC)
    job.status, job.runner, job.started_at, job.heartbeat_at = JOB_RUNNING, runner, now, now
    session.commit()
    return job


def writer(session: Session) -> Session:
    """End what the session read so far and begin again as a writer (SQLite takes its write
    lock only at a transaction's start; a reader that writes later may find it taken)."""
    session.rollback()
    return writing(session)


def hand_over(session: Session, job_id: int, runner: str, to: str) -> None:
    """The claimant names the child process that now runs the job."""
    writing(session)
    session.execute(update(Job).where(Job.id == job_id, Job.runner == runner,
                                      Job.status == JOB_RUNNING).values(runner=to))
    session.commit()


def beat(session: Session, job_id: int, **fields: Any) -> None:
    """The job is alive (and, with `fields`, has reached a stage)."""
    writing(session)
    session.execute(update(Job).where(Job.id == job_id, Job.status == JOB_RUNNING)
                    .values(heartbeat_at=datetime.now(UTC), **fields))
    session.commit()


def finish(session: Session, job_id: int, *, error: str = "",
           result: dict[str, Any] | None = None) -> bool:
    """Done, or failed with `error`, in the session's transaction (the caller commits);
    False if the job no longer runs (taken for cut off meanwhile)."""
    job = session.get_one(Job, job_id)
    if job.status != JOB_RUNNING:
        return False
    job.status = JOB_FAILED if error else JOB_DONE
    job.error, job.result, job.stage = error, result or {}, ""
    job.finished_at = datetime.now(UTC)
    return True


def take_cut_off(session: Session, job: Job) -> bool:
    """Mark a running job as failed because its process is gone; False if someone else has
    (or it ended meanwhile). In the session's transaction: the caller records why, then
    commits."""
    taken = session.execute(update(Job).where(
        Job.id == job.id, Job.status == JOB_RUNNING, Job.runner == job.runner).values(
        status=JOB_FAILED, stage="", finished_at=datetime.now(UTC)))
    return bool(taken.rowcount)  # type: ignore[attr-defined]


def running(session: Session) -> list[Job]:
    return list(session.scalars(select(Job).where(Job.status == JOB_RUNNING)))


def queued(session: Session) -> bool:
    return session.scalar(select(Job.id).where(Job.status == JOB_QUEUED).limit(1)) is not None


def pending_count(session: Session, kind: str | None = None) -> int:
    query = select(func.count()).select_from(Job).where(Job.status.in_(PENDING))
    if kind is not None:
        query = query.where(Job.kind == kind)
    return int(session.scalar(query) or 0)


def latest(session: Session, kind: str) -> Job | None:
    return session.scalars(select(Job).where(Job.kind == kind)
                           .order_by(Job.id.desc()).limit(1)).first()


# Who runs a job -------------------------------------------------------------------------

def runner_name(pid: int | None = None) -> str:
    """Host, process id and the process's start time (so that a reused id is not taken for
    the process that ran the job)."""
    pid = os.getpid() if pid is None else pid
    return f"{socket.gethostname()}:{pid}:{_started(pid)}"


def is_alive(job: Job, now: datetime | None = None) -> bool:
    """Whether the process named on a running job still runs it.

    On this host the process is asked; the heartbeat only judges another host's (a child
    busy in a long call may not beat in time, so it is not trusted where it can be asked).
    """
    host, _, rest = job.runner.partition(":")
    pid_text, _, started = rest.partition(":")
    if host != socket.gethostname():
        beat_at = job.heartbeat_at or job.started_at
        return beat_at is not None and (now or datetime.now(UTC)) - beat_at < STALE_AFTER
    if not pid_text.isdigit():
        return False
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return _started(pid) == started


def _started(pid: int) -> str:
    """The process's start time in clock ticks since boot ('' where /proc cannot say)."""
    try:
        stat = open(f"/proc/{pid}/stat", encoding="ascii").read()  # noqa: SIM115
    except OSError:
        return ""
    # The command name (field 2) may hold spaces and parentheses: count after its end.
    fields = stat[stat.rfind(")") + 2:].split()
    return fields[19] if len(fields) > 19 else ""
