"""Rate-limit counters, kept in the app database so that every server process (and a restart)
counts the same uses."""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sunlight.appdb.tables import Base


class RateCount(Base):
    """The uses of one limit by one subject (a browser, an address, a person looked up) in one
    window of time. `bucket` is a keyed hash of limit and subject: no address or name is
    stored. Times are whole seconds since the epoch; rows past `expires` are deleted."""

    __tablename__ = "rate_counts"
    __table_args__ = (Index("ix_rate_counts_expires", "expires"),)

    bucket: Mapped[str] = mapped_column(String(32), primary_key=True)
    started: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    """The window's start."""
    uses: Mapped[int] = mapped_column(Integer)
    expires: Mapped[int] = mapped_column(BigInteger)
