"""Building the entity index from the warehouse, once per warehouse state.

Everything is computed by the engine (sunlight.entities.sql), refs included, and compared
there with what is stored (sunlight.entities.changes): an entity keeps its id and ref, and
only the entities and links that changed are written, in bulk, in the caller's transaction,
so a page reads either the old index or the new one, never half of each. A first build (or
one where most changed) writes everything with the secondary indexes dropped, then builds
them once. When the index was built from the batches the warehouse still starts with, only
what the new batches touch is computed again (sunlight.entities.scope); what is stored is
read from the last build's snapshot (sunlight.entities.snapshot).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from sunlight.appdb.bulk import insert_stream, insert_table, update_table
from sunlight.appdb.entity_tables import Entity, EntityLink, EntityPayment, EntityWarning
from sunlight.appdb.search_tables import SearchGram, SearchKey, SearchWarned
from sunlight.appdb.statistics import analyze
from sunlight.entities import changes, pairs, runs, scope, snapshot, sql, store
from sunlight.entities.refs import index_state
from sunlight.entities.search_terms import refresh_warned, update_terms, write_terms
from sunlight.entities.standing import refresh_warnings
from sunlight.warehouse.engine import Engine
from sunlight.warehouse.store import Warehouse
from sunlight.warehouse.tables import open_warehouse

REFILLED = (Entity, EntityLink, EntityPayment, EntityWarning, SearchGram, SearchKey,
            SearchWarned)
"""The tables a build fills again."""


@dataclass
class IndexCounts:
    """What a build wrote (or found already built)."""

    built: bool
    """False when nothing the index reads had changed since the last build."""
    entities: dict[str, int] = field(default_factory=dict)
    links: int = 0
    warned: int = 0
    """(entity, standing warning) pairs."""
    seconds: float = 0.0
    whole: bool = False
    """True when the index was written whole (first build, or most of it changed)."""
    scoped: bool = False
    """True when only what new batches touched was computed again."""
    written: int = 0
    """Entities written (new or changed); the others were left as they were."""
    links_written: int = 0
    payment_runs: int = 0
    """Runs of months paid alike written to `entity_payments`."""
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each phase of the build (engine, read stored, compare, write...)."""

    @property
    def total(self) -> int:
        return sum(self.entities.values())


BATCH_ROWS = 50_000
"""Rows a build over the whole warehouse hands from the engine to the database at once: its
memory is that of a batch, not of the county's entities."""


def rebuild_index(engine: Engine, warehouse: Warehouse, session: Session,
                  fingerprint: str, snapshots: Path | None = None,
                  batch_rows: int = BATCH_ROWS) -> IndexCounts:
    """Rebuild the index unless it was built from this warehouse state (`fingerprint`, as
    sunlight.detect computes it); either way refresh the warnings touching each entity.
    Runs in the session's transaction; the caller commits. `snapshots`: where the build's
    snapshot goes (default: beside the warehouse)."""
    build = decide(session, warehouse, fingerprint, snapshots)
    if build is None:
        return _kept(session)
    compute(engine, warehouse, build, session.connection(), batch_rows=batch_rows)
    return write_index(engine, session, build, batch_rows)


@dataclass
class Build:
    """A build decided on (`decide`), computed by the engine (`compute`), then written in
    the database (`write_index`): the two may run apart, the computing beside the models."""

    fingerprint: str
    batches: list[str]
    where: Path
    """The snapshots' folder."""
    salt: str
    built_from: tuple[str, str]
    """The stored state it was decided on: the last build's batches and snapshot."""
    last: dict[str, Path] | None
    """The last build's snapshot files, when there is one to believe."""
    new: set[str] | None
    """The batches added since the last build when only what they touch is computed."""
    clock: _Clock = field(default_factory=lambda: _Clock())
    whole: bool = False
    snapshot: str = ""
    """The name of the snapshot the computing wrote (its state's, once written)."""
    seconds: float = 0.0
    """Spent computing so far (not waiting)."""

    @property
    def scoped(self) -> bool:
        return self.new is not None


def decide(session: Session, warehouse: Warehouse, fingerprint: str,
           snapshots: Path | None = None) -> Build | None:
    """The build the warehouse state `fingerprint` needs, or None when the index stands
    (its state then updated in the session when only datasets it does not read changed)."""
    started = time.perf_counter()
    state = index_state(session)
    if state.fingerprint == fingerprint and state.built_at is not None:
        return None
    where = snapshots or snapshot.folder(warehouse)
    snapshot.prune(where, keep=state.snapshot)
    batches = [batch.file_hash for batch in warehouse.batches()]
    last = snapshot.read(where, state.snapshot, session.connection())
    new = _new_batches(state.batches, batches) if last is not None else None
    if new is not None and not scope.read_by_index(warehouse, new):
        state.fingerprint, state.batches = fingerprint, "\n".join(batches)
        return None  # no new row of a dataset the index reads
    return Build(fingerprint, batches, where, state.salt, (state.batches, state.snapshot),
                 last, new, seconds=time.perf_counter() - started)


def compute(engine: Engine, warehouse: Warehouse, build: Build, connection: Connection,
            *, alone: bool = True, batch_rows: int = BATCH_ROWS) -> None:
    """The engine's part of `build`: what to write, and the new snapshot (the state names
    it only once written: until then the last one stands). `connection` reads what is stored
    (without a snapshot, the entities; a month's runs it continues). `alone`: nothing else
    runs on the engine, so a month's small statements may take one thread (a setting of the
    whole database)."""
    started = time.perf_counter()
    threads = ExitStack()
    if build.scoped and alone:
        threads.enter_context(engine.one_thread())
    with threads:
        open_warehouse(engine, warehouse)
        found = _compute(engine, warehouse, build.salt, connection, build.last, build.new,
                         build.clock)
        if build.scoped and found.places_moved:  # a village came or went: links move
            threads.close()  # the whole warehouse again, on every thread
            build.new, build.clock.laps = None, {}
            found = _compute(engine, warehouse, build.salt, connection, build.last, None,
                             build.clock)
        build.whole = found.whole and not build.scoped  # a scoped build holds part of it
        changes.settle_links(engine, build.whole, scoped=build.scoped)
        if build.scoped:
            runs.prepare_scoped(engine, connection)
        build.clock.lap("runs read")
        build.snapshot = snapshot.write(
            engine, build.where, build.built_from[1] if build.last else "",
            _unchanged_parts(engine, scoped=build.scoped), batch_rows)
        build.clock.lap("snapshot")
    build.seconds += time.perf_counter() - started


def still_current(session: Session, build: Build) -> bool:
    """Whether the stored index is still the one `build` was decided on (no other run
    built it meanwhile)."""
    state = index_state(session)
    return (state.batches, state.snapshot) == build.built_from


def write_index(engine: Engine, session: Session, build: Build,
                batch_rows: int = BATCH_ROWS) -> IndexCounts:
    """Write what `compute` found in the session's transaction, naming the snapshot it
    wrote, with the entities' warnings and the search box's tables."""
    started = time.perf_counter()
    clock = build.clock
    clock.restart()
    connection = session.connection()
    state = index_state(session)
    scoped = build.scoped
    threads = ExitStack()  # a month's statements are small: one thread spends less
    if scoped:
        threads.enter_context(engine.one_thread())
    with threads:
        counts = IndexCounts(built=True, whole=build.whole, scoped=scoped, phases=clock.laps)
        counts.written, counts.links_written = (_rewrite(engine, connection, batch_rows)
                                                if build.whole else _update(engine, connection))
        store.move_sequences(connection)
        clock.lap("write")
        counts.payment_runs = _write_payments(engine, connection, batch_rows, scoped=scoped)
        clock.lap("payments")
        counts.entities = {row["kind"]: row["n"] for row in engine.query(  # e_ids: in memory
            "SELECT kind, count(*) AS n FROM e_ids GROUP BY kind").to_pylist()}
        counts.links = engine.query("SELECT count(*) AS n FROM e_all_links").column("n")[0].as_py()
        state.fingerprint, state.built_at = build.fingerprint, datetime.now(UTC)
        state.entities, state.links = counts.total, counts.links
        state.batches = "\n".join(build.batches)
        state.snapshot = build.snapshot
        counts.warned = refresh_warnings(session)
        clock.lap("warnings")
        if build.whole:
            _index_terms(engine, connection, batch_rows)
        else:  # the others kept their ids: only what moved
            _update_terms(engine, session)
        analyze(session, REFILLED)  # pages read them now: plans from their new statistics
        clock.lap("search")
    counts.seconds = build.seconds + time.perf_counter() - started
    return counts


def _unchanged_parts(engine: Engine, *, scoped: bool) -> set[str]:
    """The parts of the last snapshot that this build left as they were."""
    unchanged = set()
    for part, places in (("subjects", "NOT IN"), ("places", "IN")):
        kinds = f"kind {places} {snapshot.PLACES}"
        if not _count(engine, f"(SELECT id FROM e_entities WHERE changed AND {kinds} "
                              f"UNION ALL SELECT id FROM e_vanished WHERE {kinds})"):
            unchanged.add(part)
    if not _count(engine, "e_new_links") and not _count(engine, "e_gone_links"):
        unchanged.add("links")
    return unchanged | (_kept_parts(engine) if scoped else set())


_READ_AGAIN = "SELECT * FROM s_latest_again"
_FRESH = f"SELECT {sql.LATEST_COLUMNS} FROM e_latest"

_SCOPED_PARTS = (
    # The current registry rows read again are the last ones (a new month's companies'
    # representatives, unchanged): all_latest is the last one's.
    (("latest", "village_residents"), f"(({_FRESH} EXCEPT {_READ_AGAIN}) "
                                      f"UNION ALL ({_READ_AGAIN} EXCEPT {_FRESH}))"),
    (("village_enrolled",), "n_enrollments"),
    (("pairs", "village_programs"), "n_payments"),
    (("village_payees",), "s_added_village_payees"),
)
"""Parts of the snapshot a scoped build leaves as they were when a table is empty."""


def _kept_parts(engine: Engine) -> set[str]:
    return {part for parts, table in _SCOPED_PARTS if not _count(engine, table)
            for part in parts}


def _count(engine: Engine, table: str) -> int:
    return int(engine.query(f"SELECT count(*) AS n FROM {table}").column("n")[0].as_py())


def _kept(session: Session) -> IndexCounts:
    """The index as it stands: only the warnings on each entity refreshed."""
    counts = IndexCounts(built=False, links=index_state(session).links)
    counts.warned = refresh_warnings(session)
    refresh_warned(session)  # the search box lists warned entities first
    return counts


def _new_batches(built_from: str, batches: list[str]) -> set[str] | None:
    """The batches added since the index was built from `built_from` (one hash a line), or
    None when one it was built from is gone or moved (removed, replaced) or none is known."""
    before = built_from.split("\n") if built_from else []
    if not before or batches[:len(before)] != before:
        return None
    return set(batches[len(before):])


def _compute(engine: Engine, warehouse: Warehouse, salt: str, connection: Connection,
             last: dict[str, Path] | None, new: set[str] | None,
             clock: _Clock) -> changes.Plan:
    """The engine's steps (over the whole warehouse, or what `new` touches) and the plan of
    changes against what is stored (the snapshot's files `last`, else the database)."""
    if last is not None:
        snapshot.register(engine, last, scoped=new is not None)
    else:
        engine.register_table("e_stored", store.stored_entities(connection))
        engine.register_table("e_stored_links", store.stored_links(connection))
    clock.lap("read stored")
    if new is None:
        for name, step in sql.SUBJECT_STEPS:
            engine.materialise(name, step)
        engine.materialise("all_latest", sql.ALL_LATEST)
        engine.materialise("all_pairs", pairs.WHOLE)
    else:
        scope.narrow(engine, warehouse, new)
        for name, step in sql.SUBJECT_STEPS:
            engine.materialise(name, scope.narrowed(step))
        engine.create_view("all_latest", scope.ALL_LATEST)
    _places(engine, scoped=new is not None)
    clock.lap("engine")
    found = changes.plan(engine, salt, scoped=new is not None)
    clock.lap("compare")
    return found


def _places(engine: Engine, *, scoped: bool) -> None:
    """The villages' and townships' steps, over the whole warehouse; after a scoped build's
    subject steps, new payments added to the villages' money, and what has nothing new read
    back from the snapshot."""
    for name, source in sql.PLACE_SOURCES:
        engine.create_view(name, source)
    for name, step in scope.VILLAGE_MONEY if scoped else sql.VILLAGE_MONEY:
        engine.materialise(name, step)
    engine.create_view("all_village_payees",
                       scope.ALL_VILLAGE_PAYEES if scoped else sql.VILLAGE_PAYEES)
    kept = _kept_parts(engine) if scoped else set()
    for name, step in sql.PLACE_STEPS:
        part = snapshot.KEPT_STEPS.get(name, "")
        engine.materialise(name, snapshot.kept(part) if part in kept else step)


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

    def restart(self) -> None:
        """The next lap counts from now (not the time spent waiting since the last)."""
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


def _rewrite(engine: Engine, connection: Connection, rows: int) -> tuple[int, int]:
    """Everything written again (ids and refs kept), indexes built once at the end; streamed
    from the engine `rows` at a time."""
    store.clear(connection)
    with store.without_indexes(connection):
        entities = insert_stream(connection, Entity, engine.query_batches(
            changes.entity_rows(whole=True), rows))
        links = insert_stream(connection, EntityLink, engine.query_batches(
            "SELECT * FROM e_new_links", rows))
    return entities, links


def _write_payments(engine: Engine, connection: Connection, rows: int, *,
                    scoped: bool) -> int:
    """The payment runs: of the payees of new batches (sunlight.entities.runs), else all of
    them, the table emptied first and streamed `rows` at a time."""
    if scoped:
        return runs.write_scoped(engine, connection)
    store.clear_payments(connection)
    with store.without_indexes(connection, (EntityPayment,)):
        return insert_stream(connection, EntityPayment, engine.query_batches(
            "SELECT * FROM e_payment_runs ORDER BY person, account, program, first", rows))


def _index_terms(engine: Engine, connection: Connection, rows: int) -> None:
    """The search box's tables after a whole build, from the entities just written as the
    engine holds them (the database's copy has their documents beside each name)."""
    write_terms(connection, _pairs(engine, "SELECT id, key FROM e_dir", rows),
                _pairs(engine, "SELECT DISTINCT name, township FROM e_dir WHERE name <> ''",
                       rows))


def _pairs(engine: Engine, query: str, rows: int) -> Iterator[list[tuple[Any, Any]]]:
    """A two-column query's rows as lists of pairs, `rows` at a time; run once the first is
    asked for (the engine streams one answer at a time)."""
    for batch in engine.query_batches(query, rows):
        yield list(zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(), strict=True))


def _update(engine: Engine, connection: Connection) -> tuple[int, int]:
    """Only what changed: changed entities written over their rows, new ones added,
    vanished ones deleted, links that changed replaced."""
    store.delete_entities(connection, engine.query(changes.VANISHED).column("id"))
    changed = engine.query(changes.entity_rows(whole=False, stored=True))
    update_table(connection, Entity, changed.select(list(changes.UPDATED_COLUMNS)))
    new = engine.query(changes.entity_rows(whole=False, stored=False))
    insert_table(connection, Entity, new)
    store.delete_links(connection, engine.query("SELECT id FROM e_gone_links").column("id"))
    links = engine.query("SELECT * FROM e_new_links")
    insert_table(connection, EntityLink, links)
    return changed.num_rows + new.num_rows, links.num_rows
