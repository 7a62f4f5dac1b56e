"""Counting uses of a rate limit in the app database, in fixed windows of time.

One row per bucket and window, incremented in place by an upsert (one statement, on SQLite and
PostgreSQL alike). A window's row is kept one window longer (a limit may count the window
before as well) and then deleted: when a use opens a new window the rows already expired are
deleted, through an index, so the table holds only the windows of the last two periods, and
no use pays for more than the rows that expired since the last one.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from sunlight.appdb.limit_tables import RateCount


def count_use(session: Session, bucket: str, window_s: int, now: float) -> int:
    """Count one use of `bucket` in the window that holds `now`; the uses there so far."""
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
    return uses


def uses_so_far(session: Session, bucket: str, window_s: int, now: float) -> int:
    """The uses of `bucket` counted in the window that holds `now` and the one before: each
    use counts for one to two windows, and no turn of a window lets a new allowance start."""
    start = int(now) // window_s * window_s
    return int(session.scalar(select(func.sum(RateCount.uses)).where(
        RateCount.bucket == bucket, RateCount.started.in_((start - window_s, start)))) or 0)
