"""The job runner of one process: a thread that claims jobs from the app database and runs
each in a child process with a hard memory limit, outside the web server.

Every web process has one. Claims take turns in the database, so exactly one process runs a
job, and one job runs at a time across all of them. The thread runs while this process has
work queued or seen queued; the web app's lifespan keeps it running, so that it also picks up
jobs queued by other processes and those cut off by a stop.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from sunlight.appdb.job_tables import JOB_RUNNING, Job
from sunlight.jobs import queue
from sunlight.jobs.kinds import KINDS
from sunlight.settings import Settings

POLL_S = 2.0
"""How often a waiting runner looks for work queued elsewhere or a job's end."""
log = logging.getLogger(__name__)


class JobRunner:
    """Claims and runs jobs in child processes; `kick` after queueing one."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self._settings = settings
        self._sessions = sessions
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._kicked = False
        self._keep_running = False
        self._stopping = False

    def kick(self) -> None:
        """Look for work now, starting the thread if it is not running."""
        with self._lock:
            self._kicked = True
            self._wake.set()
            if self._thread is None and not self._stopping:
                self._thread = threading.Thread(target=self._loop, daemon=True,
                                                name="sunlight-jobs")
                self._thread.start()

    def keep_running(self) -> None:
        """Run until `stop`, also when idle (a server: jobs are queued elsewhere too)."""
        self._keep_running = True
        self.kick()

    def stop(self) -> None:
        """Claim nothing more. A job under way finishes in its own process."""
        with self._lock:
            self._stopping = True
            self._wake.set()

    def recover(self) -> None:
        """Record the jobs whose process is gone (a stop, a kill) and start on queued ones."""
        with self._sessions() as session:
            self._take_cut_off(session)
            if queue.pending_count(session):
                self.kick()

    def wait(self, timeout: float | None = None) -> bool:
        """Until no job is queued or running (tests; an orderly shutdown); False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        self.kick()
        while True:
            with self._sessions() as session:
                if not queue.pending_count(session):
                    return True
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.05)

    def _loop(self) -> None:
        while True:
            with self._lock:
                self._kicked = False
            try:
                ran, waiting = self._step()
            except Exception:
                log.exception("the job runner failed; trying again")
                ran, waiting = False, True
            with self._lock:
                if self._stopping or not (ran or waiting or self._kicked
                                          or self._keep_running):
                    self._thread = None
                    return
            if not ran:
                self._wake.wait(POLL_S)
                self._wake.clear()

    def _step(self) -> tuple[bool, bool]:
        """Run one job if one can be claimed: (ran one, work is waiting elsewhere)."""
        me = queue.runner_name()
        with self._sessions() as session:
            self._take_cut_off(session)
            # Read first: an idle server takes no write lock every few seconds.
            job = queue.claim_next(session, me) if queue.queued(session) else None
            if job is None:
                return False, bool(queue.pending_count(session))
        self._run(job, me)
        return True, False

    def _run(self, job: Job, me: str) -> None:
        kind = KINDS.get(job.kind)
        if kind is None:  # queued by another version of Sunlight
            with self._sessions() as session:
                self._cut_off(session, job, "本版本的系统不能运行这类后台任务，请系统管理员检查")
            return
        spec = {"job_id": job.id, "payload": job.payload, "queued_by": job.queued_by,
                "kind": {"run": kind.run, "cut_off": kind.cut_off},
                "settings": self._settings.model_dump(mode="json"),
                "memory_mb": self._settings.job_memory_mb, "sys_path": sys.path}
        try:
            code = self._spawn(job.id, me, spec)
        except Exception as exc:
            log.exception("job %s could not be started", job.id)
            why = f"后台任务进程无法启动：{exc}"
        else:
            why = died(code, self._settings.job_memory_mb)
        with self._sessions() as session:
            ended = session.get_one(Job, job.id)
            if ended.status == JOB_RUNNING:
                self._cut_off(session, ended, why)

    def _spawn(self, job_id: int, me: str, spec: dict[str, Any]) -> int:
        """Run the child to its end; its exit code (negative: the signal that ended it)."""
        # A session of its own: Ctrl-C at the server's terminal does not cut the job off.
        # Few malloc arenas: each would reserve 64 MB of the address space the limit counts.
        child = subprocess.Popen([sys.executable, "-m", "sunlight.jobs.child"],
                                 stdin=subprocess.PIPE, start_new_session=True,
                                 env={"MALLOC_ARENA_MAX": "2", **os.environ})
        with self._sessions() as session:
            queue.hand_over(session, job_id, me, queue.runner_name(child.pid))
        assert child.stdin is not None
        with child.stdin:
            child.stdin.write(json.dumps(spec).encode())
        return child.wait()

    def _take_cut_off(self, session: Session) -> None:
        for job in queue.running(session):
            if not queue.is_alive(job):
                self._cut_off(session, job, "服务器或任务进程在任务完成前停止")

    def _cut_off(self, session: Session, job: Job, reason: str) -> None:
        """Fail a job whose process is gone, with what its kind says it left behind."""
        queue.writer(session)
        if not queue.take_cut_off(session, job):
            session.rollback()
            return
        message = reason
        kind = KINDS.get(job.kind)
        if kind is not None:
            message = kind.cut_off_handler()(self._settings, session, job, reason)
        session.get_one(Job, job.id).error = message
        session.commit()
        log.warning("job %s (%s) was cut off: %s", job.id, job.kind, message)


def died(code: int, memory_mb: int) -> str:
    """Why a child process ended without recording its job's end, in Chinese."""
    if code < 0:
        return (f"任务进程被系统终止（信号 {-code}），很可能是所需内存超出了后台任务的内存上限"
                f"（{memory_mb} MB）或被管理员结束")
    return f"任务进程意外退出（退出码 {code}）"
