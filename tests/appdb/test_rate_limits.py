"""Rate-limit counters in the app database: counted per window, shared by every connection,
and gone once their window has passed."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sunlight.appdb.limit_tables import RateCount
from sunlight.appdb.rate_limits import count_use, take_back

T = 1_800_000_000  # a whole minute


def uses_so_far(session: Session, bucket: str, window_s: int, now: float) -> int:
    """The uses counted in the window holding `now` and the one before, as stored."""
    start = now // window_s * window_s
    return int(session.scalar(select(func.sum(RateCount.uses)).where(
        RateCount.bucket == bucket, RateCount.started.in_((start - window_s, start)))) or 0)


def test_uses_count_up_within_a_window_and_start_again_in_the_next(session: Session):
    assert [count_use(session, "a", 60, T + s) for s in (0, 10, 59)] == [1, 2, 3]
    assert count_use(session, "b", 60, T + 5) == 1  # another bucket counts on its own
    assert count_use(session, "a", 60, T + 60) == 1
    assert uses_so_far(session, "c", 60, T) == 0


def test_uses_so_far_reach_back_one_window(session: Session):
    for s in (0, 30, 59):
        count_use(session, "a", 60, T + s)
    assert uses_so_far(session, "a", 60, T + 59) == 3
    assert uses_so_far(session, "a", 60, T + 61) == 3  # the window turned: still counted
    count_use(session, "a", 60, T + 70)
    assert uses_so_far(session, "a", 60, T + 119) == 4
    assert uses_so_far(session, "a", 60, T + 120) == 1


def test_rows_are_deleted_once_no_limit_reads_them(session: Session):
    for bucket in ("a", "b", "c"):
        count_use(session, bucket, 60, T)
    count_use(session, "day", 86_400, T)
    count_use(session, "a", 60, T + 61)  # the minute before is still read: nothing goes
    assert session.scalar(select(func.count()).select_from(RateCount)) == 5
    count_use(session, "a", 60, T + 121)  # opens a window two minutes on
    left = session.execute(select(RateCount.bucket, func.count()).group_by(RateCount.bucket)
                           .order_by(RateCount.bucket)).all()
    assert [tuple(row) for row in left] == [("a", 2), ("day", 1)]


def test_a_use_taken_back_frees_its_place_and_the_window_before_can_be_counted_in(
        session: Session):
    assert count_use(session, "p", 60, T + 50) == 1
    assert count_use(session, "p", 60, T + 70, with_previous=True) == 2  # 1 now, 1 before
    take_back(session, "p", 60, T + 70)
    assert uses_so_far(session, "p", 60, T + 70) == 1
    take_back(session, "q", 60, T)  # nothing counted: nothing to take back
    assert uses_so_far(session, "q", 60, T) == 0
