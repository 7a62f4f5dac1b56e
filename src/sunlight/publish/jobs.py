"""Publishing from the workbench: the same `run_publication` as `sunlight publish`, run in a
background thread of the web process, one at a time, its progress kept for the page to poll.

The job's state lives in this process's memory: a publication is written in one transaction,
so a server stopped mid-way leaves nothing half-published, only a job to start again.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sunlight.publish.run import NothingToPublish, run_publication
from sunlight.settings import Settings

log = logging.getLogger(__name__)

RUNNING = "running"
DONE = "done"
FAILED = "failed"


NOTHING = "数据仓库中没有发放数据，无法发布。请先上传或导入发放数据。"


class Busy(RuntimeError):
    """A publication is already running."""


@dataclass
class PublishJob:
    actor: str
    started_at: datetime
    started: float = field(default_factory=time.monotonic)
    state: str = RUNNING
    finished_at: datetime | None = None
    seconds: float = 0.0
    version: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    error: str = ""

    def elapsed(self) -> float:
        return self.seconds if self.state != RUNNING else time.monotonic() - self.started


class Publisher:
    """Starts publications and remembers the latest one."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sunlight-publish")
        self._lock = threading.Lock()
        self._latest: PublishJob | None = None
        self._done = threading.Event()
        self._done.set()

    def start(self, actor: str, address: str = "") -> PublishJob:
        with self._lock:
            if self._latest is not None and self._latest.state == RUNNING:
                raise Busy
            job = self._latest = PublishJob(actor, datetime.now(UTC))
            self._done.clear()
        self._pool.submit(self._run, job, address)
        return job

    def latest(self) -> PublishJob | None:
        return self._latest

    def wait(self, timeout: float | None = None) -> bool:
        """Until the running publication ends (tests)."""
        return self._done.wait(timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, job: PublishJob, address: str) -> None:
        try:
            written = run_publication(self._settings, actor=job.actor, address=address)
        except NothingToPublish:
            self._end(job, FAILED, error=NOTHING)
        except Exception as exc:
            log.exception("publication by %s failed", job.actor)
            self._end(job, FAILED, error=f"发布失败，公示内容未改变：{exc}")
        else:
            job.version, job.counts = written.publication.version, dict(written.counts)
            self._end(job, DONE)

    def _end(self, job: PublishJob, state: str, *, error: str = "") -> None:
        job.seconds = time.monotonic() - job.started
        job.finished_at, job.error, job.state = datetime.now(UTC), error, state
        self._done.set()
