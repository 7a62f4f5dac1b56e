"""An Arrow table written in bulk reads back exactly, whatever its text holds."""

from __future__ import annotations

import pyarrow as pa
from sqlalchemy import select

from sunlight.appdb.bulk import insert_table
from sunlight.appdb.database import make_engine, session_factory
from sunlight.appdb.entity_tables import Entity

NAMES = ["王芳", "tab\there", "line\nbreak\r", "back\\slash", ""]


def test_text_with_tabs_breaks_and_backslashes_reads_back(db_url: str):
    engine = make_engine(db_url)
    rows = len(NAMES)
    table = pa.table({
        "id": pa.array(range(1, rows + 1), pa.int64()),
        "kind": ["person"] * rows, "key": [f"k{i}" for i in range(rows)],
        "ref": [f"r{i}" for i in range(rows)], "name": NAMES,
        "township": ["城关镇"] * rows, "village": [""] * rows, "household": [""] * rows,
        "warnings": pa.array([0] * rows, pa.int32()),
        "doc": ['{"a":"x\\\\ty"}'] * rows, "digest": [""] * rows})
    try:
        with session_factory(engine).begin() as session:
            insert_table(session.connection(), Entity, table)
        with session_factory(engine)() as session:
            found = session.execute(select(Entity.name, Entity.doc).order_by(Entity.id)).all()
        assert [name for name, _ in found] == NAMES
        assert {doc["a"] for _, doc in found} == {"x\\ty"}
    finally:
        engine.dispose()
