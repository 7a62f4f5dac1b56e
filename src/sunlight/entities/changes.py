"""What a rebuild changes: the fresh index against the stored one, compared in the engine.

The stored entities' (id, kind, key, ref, digest) and the stored links are handed to the
engine (`e_stored`, `e_stored_links`). An entity keeps its id and ref; a new one gets the next
id and its ref is computed then, once (the HMAC is the costly part of numbering); only the
entities whose digest changed are written again, and only the links that changed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from sunlight.entities import sql
from sunlight.entities.ref_sql import with_refs
from sunlight.warehouse.engine import Engine

STORED_SCHEMA = pa.schema([("id", pa.int64()), ("kind", pa.string()), ("key", pa.string()),
                           ("ref", pa.string()), ("digest", pa.string()),
                           ("name", pa.string()), ("township", pa.string())])
STORED_LINKS_SCHEMA = pa.schema([("id", pa.int64()), ("source_id", pa.int64()),
                                 ("target_id", pa.int64()), ("kind", pa.string()),
                                 ("role", pa.string()), ("details", pa.string())])

_FRESH = ("kind", "key", "name", "township", "village", "household", "digest")

KNOWN = """
SELECT f.*, s.id, s.ref, s.digest AS stored_digest
FROM e_fresh AS f LEFT JOIN e_stored AS s USING (kind, key)
"""


def _numbered_new() -> str:
    """The new entities, numbered after the highest id stored, in (kind, key) order."""
    return (f"SELECT (SELECT coalesce(max(id), 0) FROM e_stored) "
            f"+ row_number() OVER (ORDER BY kind, key) AS id, {', '.join(_FRESH)} "
            f"FROM e_known WHERE id IS NULL")


def entities_sql(salt: str) -> str:
    """Every entity with its id and ref, and `changed`: to be written (new or different)."""
    kept = (f"SELECT id, ref, {', '.join(_FRESH)}, stored_digest <> digest AS changed, "
            f"true AS stored FROM e_known WHERE id IS NOT NULL")
    new = (f"SELECT *, true AS changed, false AS stored "
           f"FROM ({with_refs(salt, _numbered_new())})")
    return f"{kept} UNION ALL BY NAME {new}"


VANISHED = "SELECT id FROM e_stored ANTI JOIN e_fresh USING (kind, key)"

# A link is its five columns; `nth` tells identical ones apart (an official listed twice).
_LINK_KEY = "source_id, target_id, kind, role, details"
_NTH = f"row_number() OVER (PARTITION BY {_LINK_KEY}) AS nth"
FRESH_LINKS = f"SELECT {_LINK_KEY}, {_NTH} FROM ({sql.LINKS})"
NEW_LINKS = (f"SELECT {_LINK_KEY} FROM e_links ANTI JOIN (SELECT *, {_NTH} FROM "
             f"e_stored_links) USING ({_LINK_KEY}, nth) ORDER BY source_id, kind")
GONE_LINKS = (f"SELECT id FROM (SELECT *, {_NTH} FROM e_stored_links) "
              f"ANTI JOIN e_links USING ({_LINK_KEY}, nth)")


@dataclass(frozen=True)
class Plan:
    """What the engine found: counts, and whether to rewrite the index whole."""

    total: int
    changed: int
    vanished: int
    stored: int

    @property
    def whole(self) -> bool:
        """Nothing stored, or so much changed that a rewrite without indexes is cheaper."""
        return self.stored == 0 or (self.changed + self.vanished) * 3 > self.stored


def plan(engine: Engine, salt: str, stored: pa.Table, stored_links: pa.Table) -> Plan:
    """Materialise `e_entities` (ids, refs, `changed`) and `e_links` against what is stored."""
    engine.register_table("e_stored", stored)
    engine.register_table("e_stored_links", stored_links)
    for kind, kind_sql in sql.KINDS:
        engine.materialise(f"e_fresh_{kind}", sql.fresh_sql(kind_sql))
    engine.materialise("e_fresh", sql.FRESH)
    engine.materialise("e_known", KNOWN)
    engine.materialise("e_entities", entities_sql(salt))
    engine.materialise("e_links", FRESH_LINKS)
    [row] = engine.query(
        f"SELECT count(*) AS total, count(*) FILTER (WHERE changed) AS changed, "
        f"(SELECT count(*) FROM ({VANISHED})) AS vanished, "
        f"(SELECT count(*) FROM e_stored) AS stored FROM e_entities").to_pylist()
    return Plan(**row)


def entity_rows(whole: bool) -> str:
    """The entity rows to insert, in id order: all of them, or the changed ones. Documents
    are written as JSON here, for these rows only."""
    changed = "" if whole else " AND e.changed"
    columns = ", ".join(_ROW.get(c, f"e.{c}") for c in sql.ENTITY_COLUMNS)
    return "SELECT * FROM (" + " UNION ALL ".join(
        f"SELECT {columns} FROM e_entities AS e JOIN e_fresh_{kind} AS f ON f.key = e.key "
        f"WHERE e.kind = '{kind}'{changed}" for kind, _ in sql.KINDS) + ") ORDER BY id"


_ROW = {"warnings": "0 AS warnings", "doc": f"{sql.doc_json('f.doc')} AS doc"}


def replaced_ids() -> str:
    """The stored entities to delete: vanished, or to be written again."""
    return f"{VANISHED} UNION ALL SELECT id FROM e_entities WHERE changed AND stored"


NEW_KEYS = "SELECT id, key FROM e_entities WHERE NOT stored ORDER BY id"

# The (name, township) pairs an entity left (vanished, or renamed or moved) or took (new,
# or renamed or moved): the search box's rows to make again.
MOVED_PLACES = """
SELECT s.name, s.township FROM e_stored AS s LEFT JOIN e_entities AS e USING (id)
WHERE s.name <> '' AND (e.id IS NULL OR e.name <> s.name OR e.township <> s.township)
UNION
SELECT e.name, e.township FROM e_entities AS e LEFT JOIN e_stored AS s USING (id)
WHERE e.name <> '' AND (s.id IS NULL OR e.name <> s.name OR e.township <> s.township)
"""

ALL_LINKS = f"SELECT {_LINK_KEY} FROM e_links ORDER BY source_id, kind"
