"""随手拍: a citizen's report from the portal, its photos, and the official replies.

A report is the public side of a case of kind `report`: the case carries the workflow (who
verifies, the status, the decision log), the report what the reporter sent and what they may
read back. The person a report is about is referenced only by what the portal showed
(publication version, the beneficiary's number in it, name and masked ID), never by a full ID.
The tracking code is kept as its SHA-256 only: whoever reads the database cannot follow a
report as its reporter.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sunlight.appdb.account_tables import User
from sunlight.appdb.case_tables import Case
from sunlight.appdb.tables import Base, UtcDateTime

CATEGORIES = ("冒领", "优亲厚友", "虚报面积", "不符合条件", "其他")


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    village_code: Mapped[str] = mapped_column(String(16), default="")
    """The portal's stable village code, when filed from a village (or chosen on the form)."""
    publication_version: Mapped[int | None] = mapped_column(Integer)
    beneficiary_no: Mapped[int | None] = mapped_column(Integer)
    """The beneficiary's number in that publication version, when filed from their page."""
    program: Mapped[str] = mapped_column(String(40), default="")
    """The program the reporter chose (a code of the publication's programs, person or
    company), or "" when they did not say."""
    subject_name: Mapped[str] = mapped_column(String(60), default="")
    subject_masked_id: Mapped[str] = mapped_column(String(30), default="")
    anonymous: Mapped[bool] = mapped_column(default=True)
    contact_name: Mapped[str] = mapped_column(String(60), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")

    case: Mapped[Case] = relationship()
    photos: Mapped[list[ReportPhoto]] = relationship(order_by="ReportPhoto.position",
                                                     viewonly=True)
    replies: Mapped[list[ReportReply]] = relationship(order_by="ReportReply.id",
                                                      viewonly=True)


class ReportReply(Base):
    """An official reply the reporter reads on /track (staff names never shown).

    Replies are only ever added: a later one adds to an earlier one, which the reporter
    still reads, so that no answer given can be taken back unseen.
    """

    __tablename__ = "report_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)

    author: Mapped[User] = relationship()


class ReportPhoto(Base):
    """A photo of a report, re-encoded without EXIF; stored under SUNLIGHT_HOME by its hash."""

    __tablename__ = "report_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
