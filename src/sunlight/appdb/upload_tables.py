"""Files uploaded by department officers, and the ingestion each one started."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sunlight.appdb.account_tables import User
from sunlight.appdb.tables import Base, UtcDateTime

UPLOAD_QUEUED = "queued"
UPLOAD_RUNNING = "running"
UPLOAD_DONE = "done"
UPLOAD_REFUSED = "refused"
UPLOAD_FAILED = "failed"
UPLOAD_CUT_OFF = "cut_off"
"""Cut off after its batch was committed: the data is in the warehouse, detection did not run."""
UPLOAD_ROLLING_BACK = "rolling_back"
UPLOAD_ROLLED_BACK = "rolled_back"


class Upload(Base):
    """One uploaded file for one dataset: its progress and, once ingested, its quality."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=UPLOAD_QUEUED)
    stage: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")

    uploader: Mapped[User] = relationship()
