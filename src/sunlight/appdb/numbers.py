"""Numbers from addresses and forms, bounded to what the databases take: SQLite's integers
are 64-bit, and a hand-typed 99999999999999999999 must find nothing, not fail the request."""

from __future__ import annotations

ROW_ID_MAX = 2**63 - 1
"""The largest row id SQLite and PostgreSQL (BIGINT) store."""
LAST_PAGE = 100_000
"""The furthest page of a list an address may ask for (nobody reads further)."""


def row_id(text: str) -> int | None:
    """The row id a link or form names, or None when the text cannot be one."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):  # "²" is a digit to str.isdigit, not to int
        return None
    number = int(text)
    return number if 0 < number <= ROW_ID_MAX else None


def page_number(text: str) -> int:
    """The page an address asks for: 1 for anything else, at most LAST_PAGE."""
    return min(row_id(text) or 1, LAST_PAGE)
