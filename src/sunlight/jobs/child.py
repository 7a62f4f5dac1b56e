"""`python -m sunlight.jobs.child`: run one claimed job in a process of its own.

The claimant writes the job's spec as JSON on stdin. The child loads the job's code, limits
its own memory, beats on the job's row while it works and records how the job ended. If it
dies instead (the memory limit, a kill), the claimant records that (see `runner`).
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from sunlight.appdb.database import database_url, make_engine, session_factory, writing
from sunlight.audit.key import bind
from sunlight.jobs import queue
from sunlight.jobs.kinds import JobContext, JobFailed, JobKind
from sunlight.jobs.memory import for_want_of_memory, limit_memory, memory_reason, peak_memory
from sunlight.settings import Settings

BEAT_S = 15.0
log = logging.getLogger(__name__)


def main() -> int:
    spec: dict[str, Any] = json.loads(sys.stdin.read())
    # The claimant's import path: a job's code (a test's too) imports as it does there.
    sys.path[:0] = [path for path in spec["sys_path"] if path not in sys.path]
    settings = Settings.model_validate(spec["settings"])
    run = JobKind(**spec["kind"]).runner()
    engine = make_engine(database_url(settings))
    # The audit key of the settings the job was queued with, not of this process's environment.
    sessions = bind(session_factory(engine), settings)
    context = JobContext(spec["job_id"], spec["payload"], spec["queued_by"], settings,
                         sessions, spec["memory_mb"])
    stop = threading.Event()
    threading.Thread(target=_beat, args=(sessions, context.job_id, stop), daemon=True).start()
    with sessions() as session:  # the database's connection, before the limit
        queue.beat(session, context.job_id)
    limit = limit_memory(spec["memory_mb"])
    try:
        _run(context, run, limit - (spec["memory_mb"] << 20))
    finally:
        stop.set()
        engine.dispose()
    return 0


def _run(context: JobContext, run: Any, loaded: int) -> None:
    error, result = "", {}
    try:
        result = run(context)
    except JobFailed as exc:
        error = exc.message
    except Exception as exc:
        log.exception("job %s failed", context.job_id)
        error = (memory_reason(context.memory_mb) if for_want_of_memory(exc)
                 else f"后台任务出错：{exc}。请把此信息告知系统管理员。")
    # What the job took beyond the loaded program: the figure SUNLIGHT_JOB_MEMORY_MB limits.
    result = {**result, "memory_mb": max(0, (peak_memory() - loaded) >> 20)}
    with context.sessions() as session:
        writing(session)
        queue.finish(session, context.job_id, error=error, result=result)
        session.commit()


def _beat(sessions: sessionmaker[Session], job_id: int, stop: threading.Event) -> None:
    while not stop.wait(BEAT_S):
        try:
            with sessions() as session:
                queue.beat(session, job_id)
        except Exception:  # a missed beat is no reason to stop the job
            log.warning("heartbeat of job %s failed", job_id, exc_info=True)


if __name__ == "__main__":
    sys.exit(main())
