"""When a reporter is told to expect a reply: working days from the county's filing date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sunlight.reports.reply_due import reply_due, spoken_date


@pytest.mark.parametrize(("filed_utc", "days", "due"), [
    (datetime(2026, 12, 4, 9, 0, tzinfo=UTC), 5, date(2026, 12, 11)),  # Fri → next Fri
    (datetime(2026, 12, 4, 9, 0, tzinfo=UTC), 1, date(2026, 12, 7)),  # the weekend skipped
    (datetime(2026, 12, 1, 9, 0, tzinfo=UTC), 15, date(2026, 12, 22)),  # three weeks
    # 20:00 UTC on Friday is 04:00 on Saturday in the county: counted from Saturday.
    (datetime(2026, 12, 4, 20, 0, tzinfo=UTC), 1, date(2026, 12, 7)),
    (datetime(2026, 12, 3, 20, 0, tzinfo=UTC), 1, date(2026, 12, 7)),  # Fri 04:00 → Mon
])
def test_a_reply_is_due_after_working_days_in_the_county(filed_utc: datetime, days: int,
                                                          due: date) -> None:
    assert reply_due(filed_utc, days) == due


def test_the_date_reads_as_a_villager_reads_it() -> None:
    assert spoken_date(date(2026, 12, 25)) == "2026年12月25日（星期五）"
    assert spoken_date(date(2026, 12, 27)) == "2026年12月27日（星期日）"
