"""The county's calendar: deadlines, overdue cases and "today" are Beijing dates.

A server may keep its clock in UTC (containers usually do); `date.today()` would then turn
the day eight hours late, and a case due today would show as overdue from 00:00 to 08:00.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Asia/Shanghai")


def local_today() -> date:
    """Today in the county (Beijing time), whatever the server's clock zone."""
    return datetime.now(LOCAL_TIME).date()
