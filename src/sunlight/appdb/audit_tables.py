"""The audit log: append-only, each entry chained to the one before by its hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sunlight.appdb.tables import Base, UtcDateTime


class AuditEntry(Base):
    """Who did what, when, to what; `entry_hash` covers all of it and the previous hash."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(60), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The newest entry's number and hash, written with it: deleting the tail shows.

    Once sealed (sunlight.audit.chain), it also names the key's fingerprint, the first entry
    sealed with the key (the ones before were written before keys existed), and carries a MAC
    of all of it.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    key_fingerprint: Mapped[str | None] = mapped_column(String(16))
    sealed_from: Mapped[int | None] = mapped_column(Integer)
    head_mac: Mapped[str | None] = mapped_column(String(64))
