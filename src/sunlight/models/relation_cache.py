"""The shared relations kept between runs, as Parquet files in the home's cache folder.

Computing `paid`, `person`, `declared_cover`… is a third of a run that nothing changed since
(`sunlight detect` again). Each relation's file is named by a key over everything its rows
depend on: its SQL, the keys of the relations it reads, the files of the datasets it reads
(path, size, modification time), the bytes of the in-memory tables it reads (catalog, run
values), DuckDB's version and this format's. An ingest, a catalog edit or an upgrade gives
another key, so a file of old rows is never read; a relation that reads a table the key
cannot describe is computed every run, as before.

A relation declared with `parts: <dataset>` (base/relations.yaml) is a row-by-row function
of that dataset's rows: it is kept as one file per batch of the dataset, so that a month of
payments computes the new batch's rows alone. A model declared `rows_of: <dataset>` (its
YAML) is one too, through relations that are (`parts` or `rows_of`): its rows are kept for
the batches it was run on, and after a month only the new batches' rows are computed, the
dataset and those relations bound to the new batches' rows (`RelationCache.rows_by_batches`).

A file is written under a temporary name and renamed, so a reader (another run) never sees
half of one; a file that does not read back with its key (damaged, truncated, another's) is
computed again. Files no run has used for `KEPT_UNUSED` are removed: a run reads its files
from start to end, and one started before an ingest may still read the old ones.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

import pyarrow as pa

from sunlight import identity
from sunlight.contract.canonical import table_columns
from sunlight.contract.datasets import DATASETS
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.engine import EngineError
from sunlight.warehouse.store import BatchRecord, Warehouse

FORMAT = "relation-cache 2"
"""Changed when what a file holds, or how its key is made, changes (the code that makes the
rows a query sees is in every key as well: `_code`)."""
_DATED = re.compile(r"\bcurrent_date\b|\btoday\s*\(", re.IGNORECASE)
"""SQL whose rows depend on the day it runs: keyed by that day."""
_VOLATILE = re.compile(
    r"\b(current_timestamp|current_time|current_localtimestamp|localtime|localtimestamp)\b"
    r"|\bget_current_\w+|\btimestamptz\b|\bat\s+time\s+zone\b"
    r"|\b(now|transaction_timestamp|age|random|uuid|gen_random_uuid|setseed|glob|getenv"
    r"|current_setting|nextval|read_\w+)\s*\(", re.IGNORECASE)
"""SQL whose rows depend on more than its tables and the day (a word of it in a comment is
taken as meant: only a missed saving)."""
KEY_FIELD = "sunlight_relation_key"
"""The Parquet footer's key-value entry holding the key a file was written for."""
TOUCHED = "touched_groups"
"""The groups a month's payments touch, registered while a grouped query is run again."""
NAME_KEYS = "name_keys"
"""The table of name keys the runner registers (NAME_MISMATCH reads it)."""
KEPT_UNUSED = 6 * 3600.0
"""Seconds a file no run used is kept: longer than any run reading it (a province's takes
minutes)."""


@dataclass
class RunInputs:
    """What the run's relations can read, described for their keys."""

    warehouse: Warehouse
    batches: list[BatchRecord]
    tables: Mapping[str, pa.Table]
    """The in-memory tables registered for the run (catalog, duty tables, run values)."""
    today: str = ""
    """The engine's `current_date`, which a query may read; none known: a query reading it
    has no key."""
    today_now: Callable[[], str] | None = None
    """The engine's `current_date` asked again: rows computed across midnight are not kept."""
    _digests: dict[str, str] = field(default_factory=dict)

    def batches_of(self, dataset: str) -> list[BatchRecord]:
        """The dataset's batches, in ingest order."""
        return [batch for batch in self.batches if batch.dataset == dataset]

    def same_day(self) -> bool:
        """Whether the day the keys were made for is still the engine's."""
        return self.today_now is None or self.today_now() == self.today

    def dataset(self, code: str) -> str:
        """The dataset's files as they are on disk, and its canonical columns."""
        lines = [f"{column.name} {column.sql_type}" for column in table_columns(code)]
        lines += [self.file(batch) for batch in self.batches if batch.dataset == code]
        return _digest(lines)

    def file(self, batch: BatchRecord) -> str:
        """A batch's table file: its name in the warehouse (a home copied elsewhere keeps its
        cache), size and modification time."""
        stat = (self.warehouse.root / batch.table_file).stat()
        return f"{batch.table_file} {stat.st_size} {stat.st_mtime_ns}"

    def batch_rows(self, datasets: set[str]) -> str:
        """The rows of `batches` (the ingest order) of the given datasets' files: a relation
        reads `batches` to order its own datasets' rows, so a batch of another dataset does
        not change it (a month of payments keeps `person`)."""
        return _digest(f"{b.file_hash} {b.dataset} {b.file_name} {delivered} {b.ingested_on}"
                       for delivered, b in enumerate(self.batches, start=1)
                       if b.dataset in datasets)

    def table(self, name: str) -> str | None:
        if name not in self.tables:
            return None
        if name not in self._digests:
            sink = pa.BufferOutputStream()
            table = self.tables[name]
            with pa.ipc.new_stream(sink, table.schema) as writer:
                writer.write_table(table)
            self._digests[name] = hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()
        return self._digests[name]


@dataclass(frozen=True)
class Relation:
    """A shared relation as the cache sees it."""

    name: str
    sql: str
    reads: frozenset[str]
    parts: str | None = None
    """The dataset it is computed batch by batch from (`parts:` in relations.yaml)."""
    rows_of: str | None = None
    """The dataset whose rows its rows follow one by one (`rows_of:`), not kept by parts."""

    @property
    def row_by_row(self) -> str | None:
        """The dataset its rows are a row-by-row function of, if any."""
        return self.parts or self.rows_of


class RelationKeys:
    """Each relation's key for one run: None where it reads what a key cannot describe."""

    def __init__(self, relations: Mapping[str, Relation], inputs: RunInputs) -> None:
        self._relations = relations
        self.inputs = inputs
        self._keys: dict[str, str | None] = {}
        self._parts: dict[str, list[tuple[BatchRecord, str]]] = {}

    def key(self, name: str) -> str | None:
        if name not in self._keys:
            self._keys[name] = self._computed(self._relations[name])
        return self._keys[name]

    def parts(self, name: str) -> list[tuple[BatchRecord, str]]:
        """(batch, key of its part) of a relation kept by parts, in ingest order."""
        self.key(name)
        return self._parts.get(name, [])

    def query(self, label: str, sql: str, reads: Iterable[str]) -> str | None:
        """The key of a query's rows (a model's), made as a relation's is, except that it
        depends on the whole of `batches` if it reads it (no rule says which rows)."""
        return self._computed(Relation(label, sql, frozenset(reads)), whole_batches=True)

    def prefixes(self, label: str, sql: str, reads: Iterable[str], dataset: str
                 ) -> list[str] | None:
        """The keys of a query's rows (a model's declared `rows_of: dataset`) over the first
        1, 2… of the dataset's batches in ingest order, the last over all of them; None where
        no key can be made or there is no batch."""
        batches = self.inputs.batches_of(dataset)
        if len({batch.file_name for batch in batches}) < len(batches):
            # A row is told by its file's name, sheet and row (`source_file`): two batches of
            # one name hold rows a query over both may take for the same, one over each not.
            return None
        base = self._row_base(Relation(label, sql, frozenset(reads)), dataset)
        if base is None:
            return None
        digest = hashlib.sha256(base.encode())
        keys = []
        for batch in batches:
            digest.update(f"\n{batch.file_hash} {self.inputs.file(batch)}".encode())
            keys.append(digest.copy().hexdigest())
        return keys or None

    def row_chain(self, reads: Iterable[str], dataset: str) -> list[Relation]:
        """The relations read row by row of `dataset` by a query reading `reads`, directly
        or through other relations, in the order they are defined."""
        wanted = set(reads)
        for relation in reversed(list(self._relations.values())):  # read only earlier ones
            if relation.name in wanted:
                wanted |= relation.reads
        return [relation for relation in self._relations.values()
                if relation.name in wanted and relation.row_by_row == dataset]

    def _row_base(self, relation: Relation, dataset: str) -> str | None:
        """A key of what a query reads but `dataset`'s rows: of the relations it reads row
        by row of them, their own such key (their rows of a batch depend on that batch's
        rows alone, and on the rest as this key says)."""
        lines = [_code(), DuckDBEngine.version(), relation.name, relation.sql,
                 f"rows of {dataset}"]
        if _VOLATILE.search(relation.sql):
            return None
        if _DATED.search(relation.sql):
            if not self.inputs.today:
                return None
            lines.append(f"current_date {self.inputs.today}")
        for read in sorted(relation.reads):
            described: str | None
            if read == dataset:  # its columns, each batch's rows keyed where they are read
                described = _digest(["batch by batch", *(
                    f"{column.name} {column.sql_type}" for column in table_columns(dataset))])
            elif read in self._relations and self._relations[read].row_by_row == dataset:
                described = self._row_base(self._relations[read], dataset)
            elif read == "batches":
                return None  # a query reading the ingest order may pair rows of two batches
            else:
                described = self._described(relation, read)
            if described is None:
                return None
            lines.append(f"{read} {described}")
        return _digest(lines)

    def _computed(self, relation: Relation, whole_batches: bool = False) -> str | None:
        lines = [_code(), DuckDBEngine.version(), relation.name, relation.sql]
        if _VOLATILE.search(relation.sql):
            return None  # the time of day, chance, files outside the warehouse: no key
        if _DATED.search(relation.sql):
            if not self.inputs.today:
                return None
            lines.append(f"current_date {self.inputs.today}")
        for read in sorted(relation.reads):
            described = (self.inputs.table(read) if read == "batches" and whole_batches
                         else self._described(relation, read))
            if described is None:
                return None
            lines.append(f"{read} {described}")
        base = _digest(lines)
        if relation.parts is None:
            return base
        parts = [(batch, _digest([base, batch.file_hash, self.inputs.file(batch)]))
                 for batch in self.inputs.batches if batch.dataset == relation.parts]
        self._parts[relation.name] = parts
        return _digest([base, *(key for _, key in parts)])

    def _described(self, relation: Relation, read: str) -> str | None:
        if read in self._relations:
            return self.key(read)
        if read == relation.parts:
            return "parts"  # each part's key names its batch's file
        if read in DATASETS:
            return self.inputs.dataset(read)
        if read == "batches":
            return self.inputs.batch_rows({r for r in relation.reads if r in DATASETS})
        if read == NAME_KEYS and "paid" in relation.reads and read in self.inputs.tables:
            # Each name's key is of the name alone (identity.name_keys), and which names
            # there are is of `paid`, which the key holds: a month's new name keeps old rows.
            return identity.name_key_version()
        return self.inputs.table(read)


class RelationCache:
    """The cache folder of a home (`<home>/cache`): the relations' files in `relations/`,
    the models' rows in `results/`."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "relations"
        self.results = root / "results"
        self.run_keys: RelationKeys | None = None
        """The keys of the run using this cache, made once (runner._run_keys)."""

    def materialise(self, engine: DuckDBEngine, keys: RelationKeys, relation: Relation
                    ) -> bool:
        """Make `relation` a view over its kept files, computing and writing those missing;
        False (nothing done) when it cannot be kept: its key is unknown, or the folder
        cannot be written."""
        key = keys.key(relation.name)
        if key is None:
            return False
        prefixes = (keys.prefixes(relation.name, relation.sql, relation.reads, relation.rows_of)
                    if relation.rows_of is not None and relation.parts is None else None)
        wanted: list[tuple[Path, str, Callable[[], str]]]
        if prefixes is not None:  # kept whole, grown by a month's rows
            wanted = [(self._path(relation.name, prefixes[-1]), prefixes[-1],
                       lambda: self._grown(engine, keys, relation, prefixes))]
        elif relation.parts is None:
            wanted = [(self._path(relation.name, key), key, lambda: relation.sql)]
        else:
            wanted = [(self._path(relation.name, part_key), part_key,
                       partial(self._over, engine, keys, relation.sql, relation.reads,
                               relation.parts, [batch]))
                      for batch, part_key in keys.parts(relation.name)]
            if not wanted:  # no batch of the dataset: no part to read
                return False
        try:
            _private_folder(self.folder)
            for path, file_key, sql in wanted:
                if self._usable(engine, path, file_key):
                    continue
                try:
                    self._write(engine, path, file_key, sql(), keys.inputs.same_day)
                except EngineError:
                    if prefixes is None:
                        raise
                    # An earlier file that reads but whose rows do not: computed whole once.
                    self._write(engine, path, file_key, relation.sql, keys.inputs.same_day)
        except (OSError, EngineError):
            # A folder that cannot be written, a disk full: computed as if there were no
            # cache (a query at fault fails there again, with its own error).
            return False
        files = ", ".join(_literal(str(path)) for path, _, _ in wanted)
        engine.create_view(relation.name, f"SELECT * FROM read_parquet([{files}], "
                                          "union_by_name = true)")
        return True

    def _grown(self, engine: DuckDBEngine, keys: RelationKeys, relation: Relation,
               prefixes: list[str]) -> str:
        """The query of a relation declared `rows_of` (not kept by parts) over all its
        dataset's batches: the rows kept for the most of the first ones, and the later ones'
        computed alone (`_over`); or its own query, when none are kept."""
        assert relation.rows_of is not None
        batches = keys.inputs.batches_of(relation.rows_of)
        for count in range(len(prefixes) - 1, 0, -1):
            path = self._path(relation.name, prefixes[count - 1])
            if self._usable(engine, path, prefixes[count - 1]):
                later = self._over(engine, keys, relation.sql, relation.reads,
                                   relation.rows_of, batches[count:])
                return (f"SELECT * FROM read_parquet({_literal(str(path))})\n"
                        f"UNION ALL BY NAME\nSELECT * FROM (\n{later}\n)")
        return relation.sql

    def rows(self, key: str | None, label: str, compute: Callable[[], pa.Table],
             still_valid: Callable[[], bool] = lambda: True) -> pa.Table:
        """The rows a query gave when its inputs were as `key` says (a model's: its key from
        `RelationKeys.query`), or `compute`d and kept (unless `still_valid` says the key no
        longer describes them: midnight passed); computed alone when `key` is None."""
        if key is None:
            return compute()
        path = self._result(label, key)
        kept = _read_rows(path, key)
        if kept is not None:
            return kept
        rows = compute()
        self._keep(path, key, rows, still_valid)
        return rows

    def rows_by_batches(self, engine: DuckDBEngine, keys: RelationKeys, label: str, sql: str,
                        reads: frozenset[str], dataset: str, compute: Callable[[], pa.Table],
                        grouped_by: Sequence[str] = (), recomputed: Collection[str] = ()
                        ) -> pa.Table:
        """The rows of a query declared `rows_of: dataset` (or `grouped_by` columns of
        `paid`): kept for all of the dataset's batches; or kept for the first ones and the
        later ones' computed alone (a month; the evidence rows of the datasets `recomputed`
        all again); or `compute`d whole; kept for all of them."""
        prefixes = keys.prefixes(label, sql, reads, dataset)
        if prefixes is None:
            return compute()
        whole = prefixes[-1]
        kept = _read_rows(self._result(label, whole), whole)
        if kept is not None:
            return kept
        batches = keys.inputs.batches_of(dataset)
        rows = None
        for count in range(len(prefixes) - 1, 0, -1):
            earlier = _read_rows(self._result(label, prefixes[count - 1]), prefixes[count - 1])
            if earlier is not None:
                try:
                    rows = (self._regrouped(engine, keys, sql, reads, batches[count:], earlier,
                                            grouped_by) if grouped_by
                            else _joined(earlier, recomputed, engine.query_few(
                                self._over(engine, keys, sql, reads, dataset, batches[count:]))))
                except EngineError:
                    # A kept part gone or damaged under it: computed whole, as without a
                    # cache (a query at fault fails there again, with its own error).
                    rows = None
                break
        if rows is None:
            rows = compute()
        self._keep(self._result(label, whole), whole, rows, keys.inputs.same_day)
        return rows

    def _regrouped(self, engine: DuckDBEngine, keys: RelationKeys, sql: str,
                   reads: frozenset[str], later: list[BatchRecord], earlier: pa.Table,
                   columns: Sequence[str]) -> pa.Table | None:
        """A grouped query's rows after `later` batches of payments: the earlier rows of the
        groups those batches do not touch, and the query over the touched groups' rows of
        every batch; None where it reads a relation of payments other than `paid`."""
        if ([relation.name for relation in keys.row_chain(reads, "payments")] != ["paid"]
                or "basis" in (earlier.column("role").to_pylist()
                               if "role" in earlier.column_names else ())):
            return None  # computed whole: a basis row of its own names no group
        new_paid = self._over(engine, keys, "SELECT * FROM paid", reads | {"paid"}, "payments",
                              later)
        touched = engine.query(f"SELECT DISTINCT {', '.join(columns)} FROM (\n{new_paid}\n)")
        groups = set(zip(*(touched.column(name).to_pylist() for name in columns), strict=True))
        engine.register_table(TOUCHED, touched)
        matching = " AND ".join(f"p.{name} IS NOT DISTINCT FROM t.{name}" for name in columns)
        bound = (f"WITH paid AS (SELECT p.* FROM main.paid AS p WHERE EXISTS ("
                 f"SELECT 1 FROM {TOUCHED} AS t WHERE {matching}))\n"
                 f"SELECT * FROM (\n{sql}\n)")
        untouched = [row["source_dataset"] == "payments"
                     and tuple(row[name] for name in columns) not in groups
                     for row in earlier.to_pylist()]
        return _concatenated(_only(earlier, untouched), engine.query_few(bound))

    def _over(self, engine: DuckDBEngine, keys: RelationKeys, sql: str, reads: frozenset[str],
              dataset: str, batches: list[BatchRecord]) -> str:
        """The query over these batches of `dataset` alone (a part of a relation kept by parts,
        a month's rows): each of a dataset's rows carries its file's hash (ingest writes it),
        so the dataset, and each relation the query reads row by row of it, are bound by a
        CTE of their name to those batches' rows (a relation kept by parts read from its
        kept files)."""
        hashes = ", ".join(_literal(batch.file_hash) for batch in batches)
        bound = [f"{dataset} AS (SELECT * FROM main.{dataset} "
                 f"WHERE source_file_hash IN ({hashes}))"]
        for relation in keys.row_chain(reads, dataset):
            files = self._part_files(engine, keys, relation, batches)
            body = (f"SELECT * FROM read_parquet([{files}], union_by_name = true)" if files
                    else relation.sql)
            bound.append(f"{relation.name} AS (\n{body}\n)")
        return "WITH " + ",\n".join(bound) + f"\nSELECT * FROM (\n{sql}\n)"

    def _part_files(self, engine: DuckDBEngine, keys: RelationKeys, relation: Relation,
                    batches: list[BatchRecord]) -> str:
        """The kept files of a relation's parts for these batches, as a list's items; empty
        unless every one is there and usable."""
        part_keys = {batch.file_hash: key for batch, key in keys.parts(relation.name)}
        paths = []
        for batch in batches:
            key = part_keys.get(batch.file_hash)
            if key is None or not self._usable(engine, self._path(relation.name, key), key):
                return ""
            paths.append(_literal(str(self._path(relation.name, key))))
        return ", ".join(paths)

    def _keep(self, path: Path, key: str, rows: pa.Table, still_valid: Callable[[], bool]
              ) -> None:
        """Keep a query's rows under `key`, unless the key no longer describes them."""
        if not still_valid():
            return
        written = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
        try:
            _private_folder(self.results)
            marked = rows.replace_schema_metadata({**(rows.schema.metadata or {}),
                                                   KEY_FIELD.encode(): key.encode()})
            with pa.OSFile(str(written), "wb") as sink, \
                    pa.ipc.new_file(sink, marked.schema) as writer:
                writer.write_table(marked)
            _publish(written, path, lambda: _read_rows(path, key) is not None)
        except (OSError, pa.ArrowException):
            pass  # not kept: computed again next time
        finally:
            written.unlink(missing_ok=True)

    def remove_unused(self) -> None:
        """Remove the files no run has used for `KEPT_UNUSED` seconds (a run marks the files
        it reads as used by their modification time)."""
        for folder in (self.folder, self.results):
            _remove_unused(folder)

    def forget(self) -> None:
        """Remove every kept file (a batch taken out of the warehouse: its rows are in them).
        A detection reading them at that moment fails and stores nothing; the next computes
        them again."""
        for folder in (self.folder, self.results):
            with suppress(OSError):
                shutil.rmtree(folder)

    def _path(self, name: str, key: str) -> Path:
        return self.folder / f"{name}-{key[:40]}.parquet"

    def _result(self, label: str, key: str) -> Path:
        return self.results / f"{label}-{key[:40]}.arrow"

    def _usable(self, engine: DuckDBEngine, path: Path, key: str) -> bool:
        """The file reads back and was written for this key; marked as used."""
        if not path.is_file():
            return False
        if engine.parquet_footer_value(path, KEY_FIELD) != key:
            return False  # replaced when written again (`_publish`), never removed under a reader
        with suppress(OSError):  # used: kept for KEPT_UNUSED from now (see remove_unused)
            os.utime(path)
        return True

    def _write(self, engine: DuckDBEngine, path: Path, key: str, sql: str,
               still_valid: Callable[[], bool]) -> None:
        written = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
        try:
            engine.write_parquet(sql, written, {KEY_FIELD: key})
            if not still_valid():  # midnight passed while it was computed: not this key's rows
                raise OSError("the day changed")
            _publish(written, path, lambda: self._usable(engine, path, key))
        finally:
            written.unlink(missing_ok=True)


def _publish(written: Path, path: Path, usable: Callable[[], bool]) -> None:
    """Put the file written at `path`, whole or not at all, private to the home's owner (ID
    numbers are in it). A usable file another run put there first is kept: same key, same
    rows, and a run reading it is not given other bytes under its footer; a damaged one is
    replaced."""
    os.chmod(written, 0o600)
    try:
        os.link(written, path)
    except FileExistsError:
        if not usable():
            os.replace(written, path)
    except OSError:  # a filesystem without hard links
        os.replace(written, path)


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with suppress(OSError):  # made by an earlier version, or another's: left as it is
        folder.chmod(0o700)


@cache
def _code() -> str:
    """This format and the code that decides which rows a kept query sees: this module, the
    runner, and how the warehouse's files become the engine's tables."""
    here = Path(__file__).parent
    digest = hashlib.sha256(FORMAT.encode())
    for source in (here / "relation_cache.py", here / "runner.py",
                   here.parent / "warehouse" / "tables.py",
                   here.parent / "warehouse" / "duckdb_engine.py"):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _remove_unused(folder: Path) -> None:
    now = time.time()
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for path in entries:
        try:
            if now - path.stat().st_mtime > KEPT_UNUSED:
                path.unlink()
        except OSError:
            continue  # gone already, or not ours to remove


def _read_rows(path: Path, key: str) -> pa.Table | None:
    """A query's kept rows if the file reads whole and was written for `key` (marked as
    used); None otherwise (a damaged file is removed)."""
    if not path.is_file():
        return None
    try:
        with pa.OSFile(str(path)) as source:
            rows = pa.ipc.open_file(source).read_all()
        rows.validate(full=True)
    except (OSError, pa.ArrowException):
        return None  # replaced when written again (`_publish`)
    metadata = dict(rows.schema.metadata or {})
    if metadata.pop(KEY_FIELD.encode(), None) != key.encode():
        return None
    with suppress(OSError):  # a folder others may read but not touch: kept six hours
        os.utime(path)
    return rows.replace_schema_metadata(metadata or None)


def _joined(earlier: pa.Table, recomputed: Collection[str], later: pa.Table
            ) -> pa.Table | None:
    """The rows of the earlier batches and of the later ones, as the query over all of them
    gives them: a `basis` row both name is there once (a query returns its basis rows
    DISTINCT), and an evidence row of a dataset `recomputed` (a company's payment, judged
    beside a person's) is the later query's, which computed them all again; None when their
    columns differ."""
    if recomputed:
        roles = (earlier.column("role").to_pylist() if "role" in earlier.column_names
                 else ["paid"] * earlier.num_rows)
        again = [source in recomputed and role != "basis" for source, role in
                 zip(earlier.column("source_dataset").to_pylist(), roles, strict=True)]
        earlier = _only(earlier, [not row for row in again])
    if ("role" in earlier.column_names and "role" in later.column_names
            and "basis" in later.column("role").to_pylist()):
        seen = {repr(row) for row in earlier.to_pylist() if row["role"] == "basis"}
        later = _only(later, [not (row["role"] == "basis" and repr(row) in seen)
                              for row in later.to_pylist()])
    return _concatenated(earlier, later)


def _only(table: pa.Table, keep: list[bool]) -> pa.Table:
    """The rows of `table` marked to keep: slices of its runs of them (Table.filter would
    load pyarrow.compute, a tenth of a second)."""
    pieces, start = [], None
    for number, kept in enumerate([*keep, False]):
        if kept and start is None:
            start = number
        elif not kept and start is not None:
            pieces.append(table.slice(start, number - start))
            start = None
    return pa.concat_tables(pieces) if pieces else table.slice(0, 0)


def _concatenated(first: pa.Table, second: pa.Table) -> pa.Table | None:
    """One table of both, without their schemas' metadata; None when their columns differ."""
    first, second = first.replace_schema_metadata(None), second.replace_schema_metadata(None)
    if first.schema != second.schema:
        return None
    return pa.concat_tables([first, second])


def _digest(lines: Iterable[object]) -> str:
    return hashlib.sha256("\n".join(str(line) for line in lines).encode()).hexdigest()


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
