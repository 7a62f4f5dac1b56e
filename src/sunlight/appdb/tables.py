"""The app database's tables as typed SQLAlchemy models (the schema changes only by migration)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import true as sa_true
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from sunlight.contract.cases import CLOSED, OPEN, RETRACTED

CLOSED_STATUSES = frozenset({CLOSED})
"""Statuses after which new evidence raises a successor instead of extending the warning."""

RUN_RUNNING = "running"
RUN_DONE = "done"

# Named constraints, so that later migrations can drop or alter them on SQLite (batch mode)
# and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def in_progress(status: str) -> bool:
    """Neither closed nor retracted: open, or (from issue 4 on) under investigation."""
    return status != RETRACTED and status not in CLOSED_STATUSES


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both backends (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value}: the app database stores UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class DetectionRun(Base):
    """One `sunlight detect`: which models ran over which warehouse state, and what it did."""

    __tablename__ = "detection_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    models: Mapped[list[str]] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(Text)
    new: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    reraised: Mapped[int] = mapped_column(Integer, default=0)
    retracted: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default=RUN_RUNNING)
    as_of: Mapped[date | None] = mapped_column(Date)
    """The date steps not yet taken were judged at (contract §6); None where there was none."""


class Warning(Base):  # shadows the builtin here on purpose: it is the domain's word
    """One warning per (model, subject, program) and generation, as investigators see it."""

    __tablename__ = "warnings"
    __table_args__ = (
        UniqueConstraint("model", "subject", "program", "generation"),
        Index("ix_warnings_score", "score"),
        Index("ix_warnings_model_score", "model", "score"),
        # The workbench's board (web/board.py): totals read (status, amount) alone, a
        # township's or a village's page comes in score order, and each sort has an index.
        Index("ix_warnings_status_amount", "status", "amount"),
        Index("ix_warnings_township_score", "township", "score"),
        Index("ix_warnings_township_village_score", "township", "village", "score"),
        # The dashboard's month and year bars open the board by a warning's first period.
        Index("ix_warnings_period_score", "period_from", "score"),
        Index("ix_warnings_amount", "amount"),
        Index("ix_warnings_created_at", "created_at", "id"),
        # Police staff see the warnings of their units, in score order.
        Index("ix_warnings_unit_score", "unit", "score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warning_id: Mapped[str] = mapped_column(String(20), unique=True)
    model: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String)
    program: Mapped[str] = mapped_column(String, default="")
    generation: Mapped[int] = mapped_column(Integer, default=1)
    follows_id: Mapped[int | None] = mapped_column(ForeignKey("warnings.id"))
    id_number: Mapped[str] = mapped_column(String, default="")
    name: Mapped[str] = mapped_column(String, default="")
    account: Mapped[str] = mapped_column(String, default="")
    township: Mapped[str] = mapped_column(String, default="")
    village: Mapped[str] = mapped_column(String, default="")
    # What the warning is about (contract §4): `subject` is its key, `subject_name` as read.
    subject_kind: Mapped[str] = mapped_column(String(12), default="person",
                                              server_default="person")
    subject_name: Mapped[str] = mapped_column(String, default="", server_default="")
    unit: Mapped[str] = mapped_column(String, default="", server_default="")
    """The police unit the warning concerns (contract §6), '' for any other warning."""
    # `YYYY`, `YYYY-MM`, or `YYYY-MM-DD` for the police models of contract §6.
    period_from: Mapped[str] = mapped_column(String(10))
    period_to: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    money: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    """False for a warning that concerns no money (its model's `money: false`): `amount` is
    0 and means nothing, so nothing shows or exports it."""
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(30), default=OPEN, server_default=OPEN)
    explanation: Mapped[str] = mapped_column(Text)
    facts: Mapped[dict[str, str]] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Double)
    first_run_id: Mapped[int] = mapped_column(ForeignKey("detection_runs.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    follows: Mapped[Warning | None] = relationship(remote_side=[id])
    first_run: Mapped[DetectionRun] = relationship()
    evidence: Mapped[list[WarningEvidence]] = relationship(
        back_populates="warning",
        cascade="all, delete-orphan",
        order_by="(WarningEvidence.dataset, WarningEvidence.file, WarningEvidence.sheet,"
        " WarningEvidence.row)",
    )
    changes: Mapped[list[WarningChange]] = relationship(
        back_populates="warning", order_by="WarningChange.id"
    )
    people: Mapped[list[WarningPerson]] = relationship(
        back_populates="warning", cascade="all, delete-orphan", order_by="WarningPerson.id"
    )


class WarningPerson(Base):
    """Someone a warning concerns: the payee, the cadre beside them, an account's payees."""

    __tablename__ = "warning_people"
    __table_args__ = (
        Index("ix_warning_people_warning", "warning_pk"),
        # The warnings that concern a person, for their entity page.
        Index("ix_warning_people_id_number", "id_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warning_pk: Mapped[int] = mapped_column(ForeignKey("warnings.id"))
    id_number: Mapped[str] = mapped_column(String)
    name: Mapped[str] = mapped_column(String, default="")
    household: Mapped[str] = mapped_column(String, default="")
    """The 户号, empty for someone the registry does not hold."""
    role: Mapped[str] = mapped_column(String(20))
    """A code of contract/vocabulary.yaml `person_roles`."""

    warning: Mapped[Warning] = relationship(back_populates="people")


class WarningEvidence(Base):
    """A source row behind a warning, as a person finds it in the delivered file."""

    __tablename__ = "warning_evidence"
    __table_args__ = (UniqueConstraint("warning_pk", "dataset", "file", "sheet", "row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # `warning_pk`, not `warning_id`: that name is the public string ID on `warnings`.
    warning_pk: Mapped[int] = mapped_column(ForeignKey("warnings.id"))
    dataset: Mapped[str] = mapped_column(String(40))
    file: Mapped[str] = mapped_column(String)
    sheet: Mapped[str] = mapped_column(String, default="")
    row: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(10), default="")
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))

    warning: Mapped[Warning] = relationship(back_populates="evidence")


class WarningChange(Base):
    """Append-only history of a warning: what changed, when, and in which detection run."""

    __tablename__ = "warning_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warning_pk: Mapped[int] = mapped_column(ForeignKey("warnings.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("detection_runs.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str] = mapped_column(Text)
    new_value: Mapped[str] = mapped_column(Text)

    warning: Mapped[Warning] = relationship(back_populates="changes")
