"""Screenings of payment batches before they are paid (发放前筛查, contract §7) from the
workbench: who screened which file, how it ended and where its verdict files are."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sunlight.appdb.account_tables import User
from sunlight.appdb.tables import Base, UtcDateTime

SCREENING_QUEUED = "queued"
SCREENING_RUNNING = "running"
SCREENING_DONE = "done"
SCREENING_REFUSED = "refused"
"""The file could not be screened, as ingestion would refuse it (the reason in `error`)."""
SCREENING_FAILED = "failed"


class Screening(Base):
    """One batch file screened for one account. The batch itself is not kept; the verdict
    files are, under `verdicts` (relative to the home) until `expires_at`."""

    __tablename__ = "screenings"
    __table_args__ = (Index("ix_screenings_user_id_id", "user_id", "id"),
                      Index("ix_screenings_expires_at", "expires_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    dataset: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(200))
    file_hash: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=SCREENING_QUEUED)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    held: Mapped[int] = mapped_column(Integer, default=0)
    unreadable: Mapped[int] = mapped_column(Integer, default=0)
    not_run: Mapped[list[str]] = mapped_column(JSON, default=list)
    """The screened models that could not run (no data for their inputs): rows passed by
    them were not checked by them."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    verdicts: Mapped[str] = mapped_column(String(200), default="")
    """The folder of the verdict files, relative to SUNLIGHT_HOME; empty once removed."""
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship()
