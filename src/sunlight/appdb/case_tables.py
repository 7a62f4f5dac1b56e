"""Cases (a warning or a report under investigation), their decision log, comments,
attachments, and the register of self-corrections."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sunlight.appdb.account_tables import User
from sunlight.appdb.tables import Base, UtcDateTime, Warning
from sunlight.contract.cases import SANCTION_LABELS, sanction_parts

UNIT_WIDTH = 200
"""A case's police unit is cut to this (a hostile unit name is kept whole by ingestion)."""


class Case(Base):
    """One investigation: of a warning (kind `warning`) or of a citizen's report (`report`).

    `version` rises with every change, so that a second person acting on a case they loaded
    before the first person's change is told, not silently overwritten.
    """

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_no: Mapped[str] = mapped_column(String(30), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    warning_pk: Mapped[int | None] = mapped_column(ForeignKey("warnings.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    township: Mapped[str] = mapped_column(String(60), default="", index=True)
    village: Mapped[str] = mapped_column(String(60), default="")
    unit: Mapped[str] = mapped_column(String(UNIT_WIDTH), default="", index=True)
    """The police unit of a police warning's case ('' for any other): whose staff see it."""
    status: Mapped[str] = mapped_column(String(20), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    deadline: Mapped[date | None] = mapped_column(Date)
    verdict: Mapped[str | None] = mapped_column(String(20))
    verdict_reason: Mapped[str] = mapped_column(Text, default="")
    recovered_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    party_discipline: Mapped[str] = mapped_column(String(20), default="")
    """党纪处分, one of contract.cases.PARTY_DISCIPLINES, or empty."""
    government_discipline: Mapped[str] = mapped_column(String(20), default="")
    """政务处分, one of contract.cases.GOVERNMENT_DISCIPLINES, or empty."""
    organisational_measures: Mapped[str] = mapped_column(String(120), default="")
    """组织处理: those of contract.cases.ORGANISATIONAL_MEASURES taken, joined by 、."""
    police_measures: Mapped[str] = mapped_column(String(120), default="", server_default="")
    """督察处理 of a police warning's case: those of contract.cases.POLICE_MEASURES taken."""
    transferred_to: Mapped[str] = mapped_column(String(100), default="")
    disciplined_id_number: Mapped[str] = mapped_column(String(18), default="")
    """处分对象: the person the sanctions fall on (the payee, or the cadre whose relative was
    paid), by canonical ID number; empty when the disposal named nobody."""
    disciplined_name: Mapped[str] = mapped_column(String(60), default="")
    payment_stopped_on: Mapped[date | None] = mapped_column(Date)
    """停发: the day payment stopped, None if it was not."""
    eligibility_revoked_on: Mapped[date | None] = mapped_column(Date)
    """取消资格: the day the eligibility was revoked, None if it was not."""
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def sanctions(self) -> str:
        """What the disposal gave, as a person reads it: 党纪处分 严重警告 · 组织处理 诫勉."""
        given = {name: getattr(self, name) for name in SANCTION_LABELS}
        return " · ".join(sanction_parts(given)) or "无处分或组织处理"

    warning: Mapped[Warning | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    events: Mapped[list[CaseEvent]] = relationship(order_by="CaseEvent.id", viewonly=True)
    comments: Mapped[list[CaseComment]] = relationship(order_by="CaseComment.id",
                                                       viewonly=True)
    attachments: Mapped[list[CaseAttachment]] = relationship(order_by="CaseAttachment.id",
                                                             viewonly=True)


class CaseEvent(Base):
    """Append-only decision log of a case: who moved it from which status to which, and why."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class CaseComment(Base):
    """A note on a case by a member of staff."""

    __tablename__ = "case_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)

    author: Mapped[User] = relationship()


class CaseAttachment(Base):
    """A file attached to a case (a scan of a certificate, a photo); stored under SUNLIGHT_HOME."""

    __tablename__ = "case_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))

    uploader: Mapped[User] = relationship()


class SelfCorrection(Base):
    """主动说明 / 主动退回: a cadre or beneficiary came forward, with or without a warning."""

    __tablename__ = "self_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    person_name: Mapped[str] = mapped_column(String(60))
    id_number: Mapped[str] = mapped_column(String(18), default="")
    township: Mapped[str] = mapped_column(String(60), default="")
    village: Mapped[str] = mapped_column(String(60), default="")
    program: Mapped[str] = mapped_column(String(60), default="")
    amount_refunded: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal(0))
    description: Mapped[str] = mapped_column(Text, default="")
    warning_pk: Mapped[int | None] = mapped_column(ForeignKey("warnings.id"))

    warning: Mapped[Warning | None] = relationship()
    recorder: Mapped[User] = relationship()
