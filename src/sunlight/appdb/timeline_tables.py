"""The records of each warned person, copied from the warehouse when warnings are stored.

The workbench shows a person's timeline from here, so that a page never scans the warehouse.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sunlight.appdb.tables import Base


class PersonRecord(Base):
    """One dated source row about a person: registry, death, certificate, enrollment, payment."""

    __tablename__ = "person_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    dated: Mapped[str] = mapped_column(String(10))  # a date or a month, as the source gives it
    program: Mapped[str] = mapped_column(String(60), default="")
    amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dataset: Mapped[str] = mapped_column(String(40))
    file: Mapped[str] = mapped_column(String)
    sheet: Mapped[str] = mapped_column(String, default="")
    row: Mapped[int] = mapped_column(Integer)


class TimelineState(Base):
    """The one row saying which warehouse state the last refresh read."""

    __tablename__ = "timeline_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batches: Mapped[str] = mapped_column(Text, default="", server_default="")
    """The batches the last refresh read (a digest of each manifest record), in manifest
    order, one a line: after batches were only added, a person whose records are of them
    needs only theirs."""
    code: Mapped[str] = mapped_column(String(64), default="", server_default="")
    """How records were made (`timeline.records_code`): other code, all written again."""


class TimelinePerson(Base):
    """Whose stored records are of which batches: the manifest's first `batches` (a person
    no longer warned keeps the records of the last refresh that warned them)."""

    __tablename__ = "timeline_people"

    id_number: Mapped[str] = mapped_column(String(18), primary_key=True)
    batches: Mapped[int] = mapped_column(Integer)
