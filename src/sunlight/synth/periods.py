"""Months as integers, and the calendar of the synthetic county's two years of payments."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

Month = int
"""A month as `year * 12 + (month - 1)`: months compare, add and subtract as integers."""


def month(year: int, month_number: int) -> Month:
    return year * 12 + month_number - 1


def month_of(day: date) -> Month:
    return month(day.year, day.month)


def year_of(m: Month) -> int:
    return m // 12


def month_number(m: Month) -> int:
    return m % 12 + 1


def first_day(m: Month) -> date:
    return date(year_of(m), month_number(m), 1)


def last_day(m: Month) -> date:
    year, number = year_of(m), month_number(m)
    return date(year, number, calendar.monthrange(year, number)[1])


def day_in(m: Month, day: int) -> date:
    """The given day of a month, or its last day when the month is shorter."""
    return first_day(m) + timedelta(days=min(day, last_day(m).day) - 1)


def month_label(m: Month) -> str:
    return f"{year_of(m):04d}-{month_number(m):02d}"


def half_year(m: Month) -> int:
    """0 for January-June, 1 for July-December: payment files are split this way."""
    return (month_number(m) - 1) // 6


FIRST_PAID: Month = month(2023, 1)
LAST_PAID: Month = month(2024, 12)
PAID_YEARS: tuple[int, ...] = (2023, 2024)

# Every enrollment starting from APPROVALS_FROM on has an approval chain, whose steps begin at
# most three months before the start. Enrollments without a chain start no later than
# LAST_UNAPPROVED_START, so they are all older than the earliest date in the approvals data.
APPROVALS_FROM: Month = month(2022, 11)
CHAIN_LEAD_MONTHS = 3
LAST_UNAPPROVED_START: Month = APPROVALS_FROM - CHAIN_LEAD_MONTHS - 2

HOLIDAY_MONTHS: tuple[Month, ...] = (month(2023, 1), month(2024, 2))
"""The Spring-Festival months of the two years: 留工 subsidies and duty allowances pay for them."""
HOLIDAYS: tuple[tuple[date, date], ...] = ((date(2023, 1, 21), date(2023, 1, 27)),
                                           (date(2024, 2, 9), date(2024, 2, 17)))
"""The statutory holiday of each Spring Festival (first and last day)."""

REFERENCE_DAY = date(2024, 12, 31)
"""The day the county's departments exported their files (ages are counted to it)."""
EXPORT_DAY = date(2025, 1, 20)


def legal_start(m: Month) -> Month:
    """The start month nearest `m` that does not fall in the gap before approvals began."""
    if LAST_UNAPPROVED_START < m < APPROVALS_FROM:
        return APPROVALS_FROM
    return m


def age_in(birth: date, m: Month) -> int:
    """Age reached in month `m`: a birthday falling in the month counts as reached."""
    return (m - month_of(birth)) // 12
