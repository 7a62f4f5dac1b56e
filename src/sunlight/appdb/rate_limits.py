"""Counting uses of a rate limit in the app database, in fixed windows of time.

One row per bucket and window, incremented in place by an upsert (one statement, on SQLite and
PostgreSQL alike). A window's row is kept one window longer (a limit may count the window
before as well) and then deleted: when a use opens a new window the rows already expired are
deleted, through an index, so the table holds only the windows of the last two periods, and
no use pays for more than the rows that expired since the last one.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from sunlight.appdb.limit_tables import RateCount


def count_use(session: Session, bucket: str, window_s: int, now: float, *,
              with_previous: bool = False) -> int:
    """Count one use of `bucket` in the window that holds `now`; the uses there so far (and
    in the window before, `with_previous`). The count comes from the statement that makes
    it, so that uses at the same moment cannot all read a count below a limit."""
    start = int(now) // window_s * window_s
    insert = (postgresql.insert(RateCount)
              if session.get_bind().dialect.name == "postgresql" else sqlite.insert(RateCount))
    statement = insert.values(bucket=bucket, started=start, uses=1,
                              expires=start + 2 * window_s)
    uses = int(session.scalar(statement.on_conflict_do_update(
        index_elements=[RateCount.bucket, RateCount.started],
        set_={"uses": RateCount.uses + 1}).returning(RateCount.uses)) or 0)
    if uses == 1:
        session.execute(delete(RateCount).where(RateCount.expires <= int(now)))
    if with_previous:
        uses += int(session.scalar(select(RateCount.uses).where(
            RateCount.bucket == bucket, RateCount.started == start - window_s)) or 0)
    return uses


def take_back(session: Session, bucket: str, window_s: int, now: float) -> None:
    """Undo one use counted by `count_use` at `now` (it turned out not to count)."""
    start = int(now) // window_s * window_s
    session.execute(update(RateCount).where(
        RateCount.bucket == bucket, RateCount.started == start, RateCount.uses > 0)
        .values(uses=RateCount.uses - 1))

