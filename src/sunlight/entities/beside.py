"""A month's entity index computed beside the models, on another connection of their DuckDB
database, and written after the warnings are stored (an entity's ties to warnings need them).

At county scale the models' statements are small and keep about one core busy; the index
of a month (a scoped build, sunlight.entities.scope) takes the other. The two share the
database's memory limit and spill folder, so memory stays bounded as for one. A build of
the whole warehouse (the first, or after a batch was replaced) stays after the models: it
is the large one, and would only compete with them for memory.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import Engine as SAEngine

from sunlight.appdb.database import session_factory
from sunlight.entities.build import Build, compute, decide
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse


class IndexBeside:
    """The index's computing, under way in a thread of its own; `finished` waits for it."""

    def __init__(self, engine: DuckDBEngine, warehouse: Warehouse, db: SAEngine,
                 build: Build) -> None:
        self.build = build
        self.engine = engine.apart()
        self._closed = False
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="entity-index")
        self._work: Future[None] = self._pool.submit(self._compute, warehouse, db)

    def _compute(self, warehouse: Warehouse, db: SAEngine) -> None:
        # A connection of its own, to read what is stored: the run's sessions are the
        # other thread's. It only reads (a snapshot of the database, as of its first read).
        with db.connect() as connection:
            compute(self.engine, warehouse, self.build, connection, alone=False)

    def finished(self) -> Build:
        """The computed build, once done; raises what computing it raised."""
        self._work.result()
        return self.build

    def close(self) -> None:
        """Stop the computing if still under way (the run failed, or it is not wanted), and
        let the connection go; again, nothing."""
        if self._closed:
            return
        self._closed = True
        if not self._work.done():
            self.engine.stop()
        self._pool.shutdown(wait=True)
        self.engine.close()


def start_beside(engine: DuckDBEngine, warehouse: Warehouse, db: SAEngine,
                 fingerprint: str, snapshots: Path | None = None) -> IndexBeside | None:
    """The month's index started beside the models, or None when the build to come is not
    a scoped one (or none is needed): that one runs after them, as before."""
    # Read only: the session is closed uncommitted, so a state `decide` updates is not kept.
    with session_factory(db)() as session:
        build = decide(session, warehouse, fingerprint, snapshots)
    if build is None or not build.scoped:
        return None
    return IndexBeside(engine, warehouse, db, build)
