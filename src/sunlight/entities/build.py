"""Building the entity index from the warehouse, once per warehouse state.

Everything is computed by the engine (sunlight.entities.sql), refs included, and compared
there with what is stored (sunlight.entities.changes): an entity keeps its id and ref, and
only the entities and links that changed are written, in bulk, in the caller's transaction,
so a page reads either the old index or the new one, never half of each. A first build (or
one where most changed) writes everything with the secondary indexes dropped, then builds
them once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from sunlight.appdb.bulk import insert_table
from sunlight.appdb.entity_tables import Entity, EntityLink, EntityWarning
from sunlight.appdb.search_tables import SearchGram, SearchKey, SearchWarned
from sunlight.appdb.statistics import analyze
from sunlight.entities import changes, sql, store
from sunlight.entities.refs import index_state
from sunlight.entities.search_terms import index_terms, refresh_warned, update_terms
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
    whole: bool = False
    """True when the index was written whole (first build, or most of it changed)."""
    written: int = 0
    """Entities written (new or changed); the others were left as they were."""
    links_written: int = 0
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each phase of the build (engine, read stored, compare, write...)."""

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
    clock = _Clock()
    connection = session.connection()
    open_warehouse(engine, warehouse)
    for name, step in sql.STEPS:
        engine.materialise(name, step)
    clock.lap("engine")
    stored, stored_links = store.stored_entities(connection), store.stored_links(connection)
    clock.lap("read stored")
    found = changes.plan(engine, state.salt, stored, stored_links)
    clock.lap("compare")
    counts = IndexCounts(built=True, whole=found.whole, phases=clock.laps)
    counts.written, counts.links_written = (_rewrite(engine, connection) if found.whole
                                            else _update(engine, connection))
    store.move_sequence(connection)
    clock.lap("write")
    counts.entities = {row["kind"]: row["n"] for row in engine.query(
        "SELECT kind, count(*) AS n FROM e_entities GROUP BY kind").to_pylist()}
    counts.links = engine.query("SELECT count(*) AS n FROM e_links").column("n")[0].as_py()
    state.fingerprint, state.built_at = fingerprint, datetime.now(UTC)
    state.entities, state.links = found.total, counts.links
    counts.warned = refresh_warnings(session)
    clock.lap("warnings")
    if found.whole:
        index_terms(session)  # the search box's tables, from the entities just written
    else:  # the others kept their ids: only what moved
        _update_terms(engine, session)
    analyze(session, REFILLED)  # pages read them now: plans from their new statistics
    clock.lap("search")
    counts.seconds = time.perf_counter() - started
    return counts


def _update_terms(engine: Engine, session: Session) -> None:
    new = engine.query(changes.NEW_KEYS)
    moved = engine.query(changes.MOVED_PLACES)
    update_terms(session,
                 list(zip(new.column("id").to_pylist(), new.column("key").to_pylist(),
                          strict=True)),
                 engine.query(changes.VANISHED).column("id").to_pylist(),
                 zip(moved.column("name").to_pylist(), moved.column("township").to_pylist(),
                     strict=True))


class _Clock:
    """Seconds between laps, by name."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


def _rewrite(engine: Engine, connection: Connection) -> tuple[int, int]:
    """Everything written again (ids and refs kept), indexes built once at the end."""
    store.clear(connection)
    entities = engine.query(changes.entity_rows(whole=True))
    links = engine.query(changes.ALL_LINKS)
    with store.without_indexes(connection):
        insert_table(connection, Entity, entities)
        insert_table(connection, EntityLink, links)
    return entities.num_rows, links.num_rows


def _update(engine: Engine, connection: Connection) -> tuple[int, int]:
    """Only what changed: entities deleted and written again under their ids, new ones
    added, vanished ones and their links deleted, links that changed replaced."""

    store.delete_entities(connection, engine.query(changes.replaced_ids()).column("id"))
    entities = engine.query(changes.entity_rows(whole=False))
    insert_table(connection, Entity, entities)
    store.delete_links(connection, engine.query(changes.GONE_LINKS).column("id"))
    links = engine.query(changes.NEW_LINKS)
    insert_table(connection, EntityLink, links)
    return entities.num_rows, links.num_rows
