"""The planner's statistics of tables just filled in bulk.

PostgreSQL plans from statistics gathered by ANALYZE; a table truncated and filled again in
one transaction keeps none (or its old ones) until autovacuum gets to it, a minute later at
best, never where autovacuum is off. Meanwhile it guesses: on a 250,000-person county the
search box's read of entities by name became a scan of the whole table (80 ms instead of
4). SQLite plans from its indexes alone and needs nothing here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import Connection, Table, text
from sqlalchemy.orm import Session

from sunlight.appdb.tables import Base


def analyze(bind: Connection | Session, models: Sequence[type[Base]]) -> None:
    """Gather the planner's statistics of these tables now (PostgreSQL; in the caller's
    transaction, which sees its own new rows)."""
    connection = bind.connection() if isinstance(bind, Session) else bind
    if connection.dialect.name != "postgresql":
        return
    quote = connection.dialect.identifier_preparer
    for model in models:
        connection.execute(text(f"ANALYZE {quote.format_table(cast(Table, model.__table__))}"))
