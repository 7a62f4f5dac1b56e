"""What a rebuild changes: the fresh index against the stored one, compared in the engine.

The stored entities' (id, kind, key, ref, digest) and the stored links are handed to the
engine (`e_stored`, `e_stored_links`). An entity keeps its id and ref; a new one gets the next
id and its ref is computed then, once (the HMAC is the costly part of numbering); only the
entities whose digest changed are written again, and only the links that changed, under ids
given here too.

A scoped build (sunlight.entities.scope) computes only the touched persons, households,
accounts and companies (`e_scope`), and every village and township: it compares them with
the stored entities of that scope (`e_stored_scope`), and the links with an end among them
with the stored links of such an end; everything else is kept as stored (`e_dir`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from sunlight.entities import scope, sql
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
FROM e_fresh AS f LEFT JOIN e_stored_scope AS s USING (kind, key)
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


VANISHED = "SELECT id FROM e_vanished"

_SUBJECTS = ", ".join(f"'{kind}'" for kind, _ in sql.SUBJECT_KINDS)

# Every entity after the build: the fresh ones and the stored ones neither fresh nor gone.
DIRECTORY = """
SELECT id, kind, key, ref, digest, name, township FROM e_entities
UNION ALL
SELECT id, kind, key, ref, digest, name, township FROM e_stored
WHERE id NOT IN (SELECT id FROM e_entities) AND id NOT IN (SELECT id FROM e_vanished)
"""

IDS = "SELECT id, kind, key FROM e_dir"
"""Each entity's id by kind and key, as the links' ends are found."""

# Ids whose links a scoped build computes: the touched subjects', present or vanished.
_SCOPE_IDS = (f"SELECT id FROM e_entities WHERE kind IN ({_SUBJECTS}) "
              f"UNION SELECT id FROM e_vanished WHERE kind IN ({_SUBJECTS})")
_IN_SCOPE = ("WHERE source_id IN (SELECT id FROM e_scope_ids) "
             "OR target_id IN (SELECT id FROM e_scope_ids)")

# A link is its five columns; `nth` tells identical ones apart (an official listed twice).
_LINK_KEY = "source_id, target_id, kind, role, details"
_NTH = f"row_number() OVER (PARTITION BY {_LINK_KEY}) AS nth"
_ORDER = "source_id, kind, target_id, role, details"


def fresh_links(scoped: bool) -> str:
    return (f"SELECT * FROM (SELECT {_LINK_KEY}, {_NTH} FROM ({sql.LINKS}))"
            + (f" {_IN_SCOPE}" if scoped else ""))


GONE_LINKS = (f"SELECT id FROM (SELECT *, {_NTH} FROM e_stored_links_scope) "
              f"ANTI JOIN e_links USING ({_LINK_KEY}, nth)")


def new_links(whole: bool) -> str:
    """The links to insert, with their ids: all of them numbered from 1 (written whole), or
    those not stored, numbered after the highest stored id."""
    start = "0" if whole else "(SELECT coalesce(max(id), 0) FROM e_stored_links)"
    fresh = "e_links" if whole else (f"e_links ANTI JOIN (SELECT *, {_NTH} FROM "
                                     f"e_stored_links_scope) USING ({_LINK_KEY}, nth)")
    return (f"SELECT {start} + row_number() OVER (ORDER BY {_ORDER}) AS id, {_LINK_KEY} "
            f"FROM {fresh} ORDER BY id")


def all_links(whole: bool) -> str:
    """Every link after the build (for the snapshot)."""
    kept = "" if whole else (f"SELECT id, {_LINK_KEY} FROM e_stored_links "
                             f"WHERE id NOT IN (SELECT id FROM e_gone_links) UNION ALL ")
    return f"{kept}SELECT id, {_LINK_KEY} FROM e_new_links"


@dataclass(frozen=True)
class Plan:
    """What the engine found: counts, and whether to rewrite the index whole."""

    total: int
    changed: int
    vanished: int
    stored: int
    places_moved: int
    """Villages and townships new or vanished (a scoped build then builds everything)."""

    @property
    def whole(self) -> bool:
        """Nothing stored, or so much changed that a rewrite without indexes is cheaper."""
        return self.stored == 0 or (self.changed + self.vanished) * 3 > self.stored


def plan(engine: Engine, salt: str, scoped: bool) -> Plan:
    """Materialise `e_entities` (ids, refs, `changed`), `e_dir` and `e_links` against what
    is stored (`e_stored`, `e_stored_links`, registered by the caller)."""
    for kind, kind_sql in sql.SUBJECT_KINDS:
        engine.materialise(f"e_fresh_{kind}", sql.fresh_sql(
            kind_sql, scope.fresh_filter(kind) if scoped else ""))
    for kind, kind_sql in sql.PLACE_KINDS:
        engine.materialise(f"e_fresh_{kind}", sql.fresh_sql(kind_sql))
    engine.materialise("e_fresh", sql.FRESH)
    # What is fresh is compared with these: the stored entities of the scope, every place.
    if scoped:
        engine.materialise("e_stored_scope", "SELECT * FROM e_stored SEMI JOIN e_scope "
                           "USING (kind, key) UNION ALL SELECT * FROM e_stored "
                           "WHERE kind IN ('village', 'township')")
    else:
        engine.create_view("e_stored_scope", "SELECT * FROM e_stored")
    engine.materialise("e_vanished",
                       "SELECT id, kind FROM e_stored_scope ANTI JOIN e_fresh USING (kind, key)")
    engine.materialise("e_known", KNOWN)
    engine.materialise("e_entities", entities_sql(salt))
    if scoped:  # most of it is the snapshot's: read as a whole only where it is written
        engine.create_view("e_dir", DIRECTORY)
        engine.materialise("e_ids", IDS)
    else:
        engine.materialise("e_dir", DIRECTORY)
        engine.create_view("e_ids", IDS)
    engine.materialise("e_scope_ids", _SCOPE_IDS)
    if scoped:  # the few links of the scope, read twice (gone, new) from the snapshot's
        engine.materialise("e_stored_links_scope", f"SELECT * FROM e_stored_links {_IN_SCOPE}")
    else:
        engine.create_view("e_stored_links_scope", "SELECT * FROM e_stored_links")
    engine.materialise("e_links", fresh_links(scoped))
    [row] = engine.query(
        "SELECT count(*) AS total, count(*) FILTER (WHERE changed) AS changed, "
        "(SELECT count(*) FROM e_vanished) AS vanished, "
        "(SELECT count(*) FROM e_stored) AS stored, "
        "count(*) FILTER (WHERE NOT stored AND kind IN ('village', 'township')) + "
        "(SELECT count(*) FROM e_vanished WHERE kind IN ('village', 'township')) "
        "AS places_moved FROM e_entities").to_pylist()
    return Plan(**row)


def settle_links(engine: Engine, whole: bool, *, scoped: bool) -> None:
    """`e_gone_links`, `e_new_links` (with ids) and `e_all_links`, once the mode is known;
    after a scoped build, all links are mostly the snapshot's, read only to be written."""
    engine.materialise("e_gone_links", GONE_LINKS)
    engine.materialise("e_new_links", new_links(whole))
    (engine.create_view if scoped else engine.materialise)("e_all_links", all_links(whole))


def entity_rows(whole: bool, stored: bool | None = None) -> str:
    """The entity rows to write, in id order: all of them, or the changed ones (only those
    stored, or only the new, when `stored` says). Documents are written as JSON here, for
    these rows only."""
    changed = "" if whole else " AND e.changed"
    if stored is not None:
        changed += " AND e.stored" if stored else " AND NOT e.stored"
    columns = ", ".join(_ROW.get(c, f"e.{c}") for c in sql.ENTITY_COLUMNS)
    return "SELECT * FROM (" + " UNION ALL ".join(
        f"SELECT {columns} FROM e_entities AS e JOIN e_fresh_{kind} AS f ON f.key = e.key "
        f"WHERE e.kind = '{kind}'{changed}" for kind, _ in sql.KINDS) + ") ORDER BY id"


_ROW = {"warnings": "0 AS warnings", "doc": f"{sql.doc_json('f.doc')} AS doc"}


UPDATED_COLUMNS = ("id", "name", "township", "village", "household", "doc", "digest")
"""What a changed entity may change: its kind, key and ref are what it is."""


NEW_KEYS = "SELECT id, key FROM e_entities WHERE NOT stored ORDER BY id"

# The (name, township) pairs an entity left (vanished, or renamed or moved) or took (new,
# or renamed or moved): the search box's rows to make again.
MOVED_PLACES = """
SELECT s.name, s.township FROM e_stored_scope AS s LEFT JOIN e_entities AS e USING (id)
WHERE s.name <> '' AND (e.id IS NULL OR e.name <> s.name OR e.township <> s.township)
UNION
SELECT e.name, e.township FROM e_entities AS e LEFT JOIN e_stored_scope AS s USING (id)
WHERE e.name <> '' AND (s.id IS NULL OR e.name <> s.name OR e.township <> s.township)
"""

