"""When a reporter can expect a reply: a number of working days (a deployment setting) from
the day the report was filed, as the county counts days (Beijing time).

Working days are Monday to Friday; the State Council's yearly holiday shifts are not known
here, so across a public holiday the date shown is a little early, never late.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sunlight.clock import LOCAL_TIME

WEEKDAYS = "一二三四五六日"


def reply_due(filed_at: datetime, working_days: int) -> date:
    """The day by which a report filed at `filed_at` (UTC) is to be answered."""
    day = filed_at.astimezone(UTC).astimezone(LOCAL_TIME).date()
    left = working_days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def spoken_date(day: date) -> str:
    """A date as a villager reads it: 2026年12月25日（星期五）."""
    return f"{day.year}年{day.month}月{day.day}日（星期{WEEKDAYS[day.weekday()]}）"
