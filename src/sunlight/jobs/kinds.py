"""What each kind of job runs, named by import path: the child process imports only the
code of its own job, and lower layers need not import the upload or publication code."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from sunlight.appdb.job_tables import Job
from sunlight.settings import Settings

INGEST_UPLOAD = "upload.ingest"
ROLL_BACK_UPLOAD = "upload.rollback"
PUBLISH = "publication"
SCREEN = "screening"


class JobFailed(Exception):
    """A job ends as failed, saying why in Chinese (the pages show the message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class JobContext:
    """What a job's code gets in its child process."""

    job_id: int
    payload: dict[str, Any]
    queued_by: str
    settings: Settings
    sessions: sessionmaker[Session]
    memory_mb: int


@dataclass(frozen=True)
class JobKind:
    """`run(context) -> result` runs in the child; `cut_off(settings, session, job, reason)
    -> message` runs wherever a job is found cut off (its process died), in a transaction
    that is committed with the job's failure, and tells the truth about what it left."""

    run: str
    cut_off: str

    def runner(self) -> Callable[[JobContext], dict[str, Any]]:
        found: Callable[[JobContext], dict[str, Any]] = _resolve(self.run)
        return found

    def cut_off_handler(self) -> Callable[[Settings, Session, Job, str], str]:
        found: Callable[[Settings, Session, Job, str], str] = _resolve(self.cut_off)
        return found


KINDS: dict[str, JobKind] = {
    INGEST_UPLOAD: JobKind("sunlight.uploads.worker:ingest_job",
                           "sunlight.uploads.worker:ingest_cut_off"),
    ROLL_BACK_UPLOAD: JobKind("sunlight.uploads.rollback:rollback_job",
                              "sunlight.uploads.rollback:rollback_cut_off"),
    PUBLISH: JobKind("sunlight.publish.jobs:publish_job", "sunlight.publish.jobs:publish_cut_off"),
    SCREEN: JobKind("sunlight.screenings.worker:screen_job",
                    "sunlight.screenings.worker:screen_cut_off"),
}


def _resolve(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)
