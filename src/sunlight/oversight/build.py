"""Build the 督察 views' tables in the app database from the warehouse, after detection.

Written whole each time the police datasets they read or the as-of date changed (at most a
prefecture's 200,000 cases and posts × days of a year: bulk inserts, no per-row Python),
else kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import cast

from sqlalchemy import Table, delete, select, text
from sqlalchemy.orm import Session

from sunlight.appdb.bulk import insert_table
from sunlight.appdb.oversight_tables import (
    OversightCase,
    OversightFinding,
    OversightPost,
    OversightPostShift,
    OversightState,
)
from sunlight.appdb.statistics import analyze
from sunlight.appdb.tables import Base
from sunlight.contract.datasets import DATASETS
from sunlight.models.registry import sql_facts
from sunlight.models.run_values import TIME_LIMITS
from sunlight.models.runner import base_relations, relations_read
from sunlight.oversight import sql
from sunlight.warehouse.engine import Engine

_BUILT: tuple[tuple[type[Base], str, str], ...] = (
    (OversightPost, "post", sql.POSTS),
    (OversightPostShift, "post", sql.POST_SHIFTS),
    (OversightCase, "police_case", sql.CASES),
    (OversightFinding, "inspection_finding", sql.FINDINGS),
)


@dataclass(frozen=True)
class OversightCounts:
    """Rows written per table (nothing when the tables were kept as they were)."""

    kept: bool
    rows: dict[str, int]


@cache
def datasets_read() -> frozenset[str]:
    """The warehouse datasets the tables are built from: a month of payments changes none."""
    relations = dict(base_relations())
    read: set[str] = set()
    for _, relation, query in _BUILT:  # parsed once, then kept with the models' SQL
        read |= relations_read(set(sql_facts(_with(relation, relations[relation], query)).tables))
    return frozenset(read & set(DATASETS))


def rebuild(engine: Engine, session: Session, fingerprint: str) -> OversightCounts:
    """Judge posts, cases and findings as of the run's date into the app database; `engine`
    holds the warehouse and the run's tables (`sunlight.models.runner.prepare`), and
    `fingerprint` says what the warehouse held of `datasets_read()`."""
    as_of = cast(date | None, engine.query_few("SELECT as_of FROM run_context")
                 .column("as_of")[0].as_py())
    fingerprint = _built_from(engine, fingerprint)
    state = session.scalar(select(OversightState))
    if state is not None and state.fingerprint == fingerprint and state.as_of == as_of:
        return OversightCounts(kept=True, rows={})
    relations = dict(base_relations())
    connection = session.connection()
    rows = {}
    for model, _, _ in _BUILT:
        _clear(session, model)
    for model, relation, query in _BUILT:
        table = engine.query(_with(relation, relations[relation], query))
        insert_table(connection, model, table)
        rows[model.__tablename__] = table.num_rows
    analyze(session, [model for model, _, _ in _BUILT])  # pages plan from the new rows
    if state is None:
        state = OversightState(id=1)
        session.add(state)
    state.as_of, state.fingerprint, state.built_at = as_of, fingerprint, datetime.now(UTC)
    return OversightCounts(kept=False, rows=rows)


def _built_from(engine: Engine, fingerprint: str) -> str:
    """What the tables are built from: the warehouse's police data, the time limits in force
    (a deployment may change them without new data) and the queries that judge them."""
    limits = engine.query_few(f"SELECT * FROM {TIME_LIMITS} ORDER BY category, step")
    relations = dict(base_relations())
    queries = [_with(relation, relations[relation], query) for _, relation, query in _BUILT]
    text = "\n".join([fingerprint, repr(limits.to_pylist()), *queries])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _with(name: str, relation: str, query: str) -> str:
    """The query with the shared relation it reads as its first `WITH`."""
    body = query.strip()
    if body.startswith("WITH "):
        return f"WITH {name} AS ({relation}),\n{body.removeprefix('WITH ')}"
    return f"WITH {name} AS ({relation})\n{body}"


def _clear(session: Session, model: type[Base]) -> None:
    table = cast(Table, model.__table__)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"TRUNCATE {table.name}"))
    else:  # no WHERE: SQLite truncates
        session.execute(delete(table))
