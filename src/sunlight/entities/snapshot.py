"""The index as last built, kept beside the warehouse in Parquet: what a build compares with.

Reading 390,000 entities' digests and 160,000 links back from the app database took longer
than computing them; a Parquet copy of the same rows (`subjects` and `places`, `links`) is
read by the engine in a tenth of that, with each person's current registry row (`latest`,
which villages count) that a scoped build (sunlight.entities.scope) does not recompute,
each (account, payee) pair's state (`pairs`, sunlight.entities.pairs), and the villages'
money by program with who was paid under it (`village_programs`, `village_payees`), which a
scoped build adds new payments to, and their residents and enrolled (`KEPT_STEPS`). A build
writes a new snapshot under a fresh name (the parts it left as they were linked to the last
one's files, not written again) and records the name in `entity_index_state.snapshot` in
its transaction: if that transaction fails, the state still names the old snapshot, which
is removed only by a later build. A snapshot is believed only while the database holds as
many entities and links as it does; otherwise the build reads the database, as without one.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Collection
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Connection, text

from sunlight.entities.sql import LATEST_COLUMNS
from sunlight.warehouse.engine import Engine
from sunlight.warehouse.store import Warehouse

_ENTITY = "SELECT id, kind, key, ref, digest, name, township FROM e_dir WHERE kind "
PLACES = "('village', 'township')"

PARTS = {
    # Villages' documents change with every month of payments, subjects' seldom: apart, a
    # month rewrites only the few places.
    "subjects": f"{_ENTITY} NOT IN {PLACES} ORDER BY id",
    "places": f"{_ENTITY} IN {PLACES} ORDER BY id",
    "links": "SELECT id, source_id, target_id, kind, role, details FROM e_all_links ORDER BY id",
    "latest": "SELECT * FROM all_latest ORDER BY id",
    "pairs": "SELECT * FROM all_pairs",
    "village_payees": "SELECT * FROM all_village_payees",
    "village_programs": "SELECT * FROM e_village_programs",
    "village_residents": "SELECT * FROM e_village_residents",
    "village_enrolled": "SELECT * FROM e_village_enrolled",
}

KEPT_STEPS = {"e_village_residents": "village_residents", "e_village_enrolled": "village_enrolled"}
"""Steps over the whole warehouse whose table a scoped build reads back from the snapshot
when what they count has nothing new."""

STORED = {"e_stored": "SELECT * FROM snap_subjects UNION ALL SELECT * FROM snap_places",
          "e_stored_links": "SELECT * FROM snap_links", "s_latest": "SELECT * FROM snap_latest",
          "s_stored_pairs": "SELECT * FROM snap_pairs",
          "s_stored_village_payees": "SELECT * FROM snap_village_payees",
          "s_stored_village_programs": "SELECT * FROM snap_village_programs"}
"""The tables a build reads from the snapshot."""

_READ_WHOLE = {"e_stored", "e_stored_links"}
"""The ones a build over the whole warehouse reads whole, more than once: read into the
engine once. A scoped build reads a few rows of them, and the snapshot's other tables, where
it needs them: from the Parquet files."""


def folder(warehouse: Warehouse) -> Path:
    """Where snapshots live: `entity-index/` beside the warehouse folder."""
    return warehouse.root.parent / "entity-index"


def read(where: Path, name: str, connection: Connection) -> dict[str, Path] | None:
    """The files of snapshot `name`, by part, or None when there is none to believe."""
    files = {part: where / name / f"{part}.parquet" for part in PARTS}
    if not name or not all(path.exists() for path in files.values()):
        return None
    try:
        if set(pq.read_schema(files["latest"]).names) != set(LATEST_COLUMNS.split(", ")):
            return None  # written by an earlier version, without what a scoped build reads
        rows = {part: pq.read_metadata(path).num_rows for part, path in files.items()}
    except (OSError, pa.ArrowException):  # cut short, damaged: the database is read instead
        return None
    entities, links = connection.execute(text(
        "SELECT (SELECT count(*) FROM entities), (SELECT count(*) FROM entity_links)")).one()
    if (entities, links) != (rows["subjects"] + rows["places"], rows["links"]):
        return None
    return files


def kept(part: str) -> str:
    """A part of the last snapshot as a query (once `register`ed)."""
    return f"SELECT * FROM snap_{part}"


def register(engine: Engine, files: dict[str, Path], *, scoped: bool) -> None:
    """The snapshot's tables (`STORED`) in the engine, read by the engine itself."""
    for part, path in files.items():
        engine.register_parquet(f"snap_{part}", [path])
    for name, query in STORED.items():
        if name in _READ_WHOLE and not scoped:
            engine.materialise(name, query)
        else:
            engine.create_view(name, query)


def write(engine: Engine, where: Path, last: str = "", unchanged: Collection[str] = (),
          rows: int = 100_000) -> str:
    """The index as the engine holds it now, under a new name (returned); or the snapshot
    `last` itself when no part changed. The parts `unchanged` are linked to the last one's
    files rather than written again; the others streamed, `rows` at a time."""
    if last and set(unchanged) >= set(PARTS):
        return last
    name = uuid.uuid4().hex
    (where / name).mkdir(parents=True)
    for part, query in PARTS.items():
        target = where / name / f"{part}.parquet"
        if last and part in unchanged:
            _link(where / last / f"{part}.parquet", target)
        else:
            _write_part(engine.query_batches(query, rows), target)
    return name


def _write_part(batches: pa.RecordBatchReader, target: Path) -> None:
    # No statistics: a part is read whole or joined, never skipped by them, and they cost a
    # fifth of the writing (strings nested in the pairs' state).
    with pq.ParquetWriter(target, batches.schema, write_statistics=False) as parquet:
        for batch in batches:
            parquet.write_batch(batch)


def _link(source: Path, target: Path) -> None:
    """The same file under a second name; a copy where the file system has no hard links."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def prune(where: Path, keep: str) -> None:
    """Remove every snapshot but `keep` (the one the committed state names)."""
    if where.is_dir():
        for old in where.iterdir():
            if old.name != keep:
                shutil.rmtree(old, ignore_errors=True)
