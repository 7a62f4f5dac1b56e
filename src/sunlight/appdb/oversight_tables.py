"""What the 督察 views (网上督察) read, built when detection runs so that no page scans Parquet:
each post's required shifts by day and whether anyone was rostered there, each police case judged
against its time limits, each inspection finding against its deadline (contract §6).

Rows are keyed by the unit, which is how police staff are scoped (`users.units`). Codes of
the judgements are labelled in the vocabulary (`shift_states`, `case_timeliness`,
`finding_states`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sunlight.appdb.tables import Base, UtcDateTime

TEXT = 200
"""The width of a text column; the build cuts longer texts (reported at ingest)."""
CODE = 20
"""The width of a category."""


class OversightPost(Base):
    """A post that must be covered (`posts`, as delivered last)."""

    __tablename__ = "oversight_posts"
    __table_args__ = (Index("ix_oversight_posts_unit_post", "unit", "post"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit: Mapped[str] = mapped_column(String(TEXT))
    post: Mapped[str] = mapped_column(String(TEXT))
    kind: Mapped[str] = mapped_column(String(TEXT), default="")
    coverage: Mapped[str] = mapped_column(String(TEXT), default="")
    active_from: Mapped[date | None] = mapped_column(Date)
    active_to: Mapped[date | None] = mapped_column(Date)


class OversightPostShift(Base):
    """A shift a post's coverage requires on a day within its active period and the roster's
    date range (contract §6, as POST_UNCOVERED judges it), and whether anyone was rostered."""

    __tablename__ = "oversight_post_shifts"
    __table_args__ = (Index("ix_oversight_post_shifts_unit_day", "unit", "day", "post"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit: Mapped[str] = mapped_column(String(TEXT))
    post: Mapped[str] = mapped_column(String(TEXT))
    day: Mapped[date] = mapped_column(Date)
    shift: Mapped[str] = mapped_column(String(20))
    covered: Mapped[bool] = mapped_column(Boolean)


class OversightCase(Base):
    """A police case (as delivered last) judged at the run's as-of date by the limit of its
    category it stands worst on: `timeliness` is on_time, overdue, open_within, open_overdue,
    or no_limit."""

    __tablename__ = "oversight_cases"
    __table_args__ = (
        Index("ix_oversight_cases_unit_category", "unit", "category", "timeliness"),
        Index("ix_oversight_cases_category_received", "category", "received_on", "case_no"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_no: Mapped[str] = mapped_column(String(TEXT))
    unit: Mapped[str] = mapped_column(String(TEXT))
    category: Mapped[str] = mapped_column(String(CODE))
    handler_name: Mapped[str] = mapped_column(String(TEXT), default="")
    received_on: Mapped[date | None] = mapped_column(Date)
    filed_on: Mapped[date | None] = mapped_column(Date)
    measures_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    step: Mapped[str] = mapped_column(String(20), default="")
    """The step of the limit judged (a police_cases column, e.g. closed_at); '' for none."""
    limit_days: Mapped[int | None] = mapped_column(Integer)
    days_taken: Mapped[int | None] = mapped_column(Integer)
    """Days from 受理 to the step, or to the as-of date while it is not taken."""
    timeliness: Mapped[str] = mapped_column(String(20))


class OversightFinding(Base):
    """An inspection finding (as delivered last) judged at the as-of date: `state` is
    on_time, late, open_within or open_overdue."""

    __tablename__ = "oversight_findings"
    __table_args__ = (Index("ix_oversight_findings_unit_state", "unit", "state", "rectify_by"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_no: Mapped[str] = mapped_column(String(TEXT))
    unit: Mapped[str] = mapped_column(String(TEXT))
    found_on: Mapped[date | None] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(CODE), default="")
    description: Mapped[str] = mapped_column(String(TEXT), default="")
    rectify_by: Mapped[date | None] = mapped_column(Date)
    rectified_on: Mapped[date | None] = mapped_column(Date)
    inspector: Mapped[str] = mapped_column(String(TEXT), default="")
    state: Mapped[str] = mapped_column(String(20))
    days_over: Mapped[int] = mapped_column(Integer, default=0)
    """Days past `rectify_by`: to the rectification, or to the as-of date while open."""


class OversightState(Base):
    """One row: the as-of date the tables were judged at, the warehouse they were built from
    (`sunlight.detect.fingerprint`) and when."""

    __tablename__ = "oversight_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    as_of: Mapped[date | None] = mapped_column(Date)
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    built_at: Mapped[datetime] = mapped_column(UtcDateTime)
