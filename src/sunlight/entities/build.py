"""Building the entity index from the warehouse, once per warehouse state.

Everything is computed by the engine (sunlight.entities.sql), refs included, and written in
bulk: the index is replaced whole in the caller's transaction, so a page reads either the
old index or the new one, never half of each.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from sunlight.appdb.bulk import insert_table
from sunlight.appdb.entity_tables import Entity, EntityLink, EntityWarning
from sunlight.appdb.search_tables import SearchGram, SearchKey, SearchWarned
from sunlight.appdb.statistics import analyze
from sunlight.entities import sql
from sunlight.entities.ref_sql import with_refs
from sunlight.entities.refs import index_state
from sunlight.entities.search_terms import index_terms, refresh_warned
from sunlight.entities.standing import refresh_warnings
from sunlight.warehouse.engine import Engine
from sunlight.warehouse.store import Warehouse
from sunlight.warehouse.tables import open_warehouse

REFILLED = (Entity, EntityLink, EntityWarning, SearchGram, SearchKey, SearchWarned)
"""The tables a build fills again."""


@dataclass
class IndexCounts:
    """What a build wrote (or found already built)."""

    built: bool
    """False when the warehouse had not changed since the last build."""
    entities: dict[str, int] = field(default_factory=dict)
    links: int = 0
    warned: int = 0
    """(entity, standing warning) pairs."""
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.entities.values())


def rebuild_index(engine: Engine, warehouse: Warehouse, session: Session,
                  fingerprint: str) -> IndexCounts:
    """Rebuild the index unless it was built from this warehouse state (`fingerprint`, as
    sunlight.detect computes it); either way refresh the warnings touching each entity.
    Runs in the session's transaction; the caller commits."""
    state = index_state(session)
    if state.fingerprint == fingerprint and state.built_at is not None:
        counts = IndexCounts(built=False, links=state.links)
        counts.warned = refresh_warnings(session)
        refresh_warned(session)  # the search box lists warned entities first
        return counts
    started = time.perf_counter()
    counts = IndexCounts(built=True)
    open_warehouse(engine, warehouse)
    for name, step in sql.STEPS:
        engine.materialise(name, step)
    engine.materialise("e_entities", with_refs(state.salt, sql.entities_sql()))
    entities = engine.query("SELECT " + ", ".join("0 AS warnings" if c == "warnings" else c
                                                  for c in sql.ENTITY_COLUMNS)
                            + " FROM e_entities")
    links = engine.query(f"SELECT {', '.join(sql.LINK_COLUMNS)} FROM ({sql.LINKS})")
    _clear(session)
    connection = session.connection()
    insert_table(connection, Entity, entities)
    insert_table(connection, EntityLink, links)
    if connection.dialect.name == "postgresql":  # ids were given: move the sequence past them
        connection.execute(text("SELECT setval(pg_get_serial_sequence('entities', 'id'), "
                                "coalesce(max(id), 0) + 1, false) FROM entities"))
    for kind in entities.column("kind").to_pylist():
        counts.entities[kind] = counts.entities.get(kind, 0) + 1
    counts.links = links.num_rows
    state.fingerprint, state.built_at = fingerprint, datetime.now(UTC)
    state.entities, state.links = entities.num_rows, links.num_rows
    counts.warned = refresh_warnings(session)
    index_terms(session)  # the search box's tables, from the entities just written
    analyze(session, REFILLED)  # pages read them now: plans from their new statistics
    counts.seconds = time.perf_counter() - started
    return counts


def _clear(session: Session) -> None:
    if session.connection().dialect.name == "postgresql":
        session.execute(text("TRUNCATE entity_warnings, entity_links, entities"))
        return
    for model in (EntityWarning, EntityLink, Entity):
        session.execute(delete(model))
