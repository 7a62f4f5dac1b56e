"""Job kinds the runner's tests queue; their child processes import this module by path."""

from __future__ import annotations

import os
import time
from typing import Any

from sqlalchemy.orm import Session

from sunlight.appdb.job_tables import Job
from sunlight.jobs.kinds import JobContext
from sunlight.settings import Settings


def note(context: JobContext) -> dict[str, Any]:
    """Append the job's id to a file in the home: a job run twice shows twice."""
    context.settings.home.mkdir(parents=True, exist_ok=True)
    with (context.settings.home / "ran.txt").open("a") as ran:
        ran.write(f"{context.job_id} {os.getpid()}\n")
    time.sleep(float(context.payload.get("seconds", 0)))
    return {"pid": os.getpid()}


def hog(context: JobContext) -> dict[str, Any]:
    """Hold more memory than the limit allows, a page at a time."""
    held = [bytearray(1 << 20) for _ in range(int(context.payload["mb"]))]
    return {"held": len(held)}


def cut_off(settings: Settings, session: Session, job: Job, reason: str) -> str:
    return f"cut off: {reason}"
