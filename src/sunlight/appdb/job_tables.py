"""Background jobs (uploads' ingests, publications, …): rows that any web process may queue
and exactly one runner claims."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sunlight.appdb.tables import Base, UtcDateTime

JOB_QUEUED = "queued"
JOB_RUNNING = "running"
JOB_DONE = "done"
JOB_FAILED = "failed"


class Job(Base):
    """One unit of background work, its progress and how it ended."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_id", "status", "id"),
                      Index("ix_jobs_kind_id", "kind", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=JOB_QUEUED)
    queued_by: Mapped[str] = mapped_column(String(100))
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    runner: Mapped[str] = mapped_column(String(200), default="")
    """Host and process id of whoever runs it: the claimant, then its child process."""
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    stage: Mapped[str] = mapped_column(String(100), default="")
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
