"""A warned person's timeline: their source rows copied from the warehouse into the app
database when warnings are stored, and read back for the warning page.

A page view must never scan the warehouse (millions of payment rows), so `refresh` runs once
per detection run, with one query per dataset joined to the set of warned ID numbers, and
writes those persons' `person_records` in bulk (after a month, only its rows: `refresh`).
Account numbers are not copied: the page does not need them, and the fewer places they sit
in, the better.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import pyarrow as pa
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.orm import Session

from sunlight.appdb.bulk import among, insert_table, loading
from sunlight.appdb.timeline_tables import PersonRecord, TimelinePerson, TimelineState
from sunlight.warehouse import tables as tables_module
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.engine import Engine
from sunlight.warehouse.store import BatchRecord, Warehouse
from sunlight.warehouse.tables import open_warehouse

REGISTRY = "registry"
DEATH = "death"
CERTIFICATE = "certificate"
ENROLLMENT = "enrollment"
PAYMENT = "payment"

COLUMNS = ("id_number", "kind", "dated", "program", "amount", "details", "dataset", "file",
           "sheet", "row")
_LINEAGE = ("CAST(t.source_file AS VARCHAR) AS file, "
            "coalesce(CAST(t.source_sheet AS VARCHAR), '') AS sheet, t.source_row AS row")


@dataclass(frozen=True)
class Source:
    """How one dataset's rows become records: the kind, the dated column, the details kept."""

    kind: str
    dataset: str
    dated: str
    """SQL giving the record's date or month as text ('' when the row has none)."""
    program: str = "''"
    amount: str = "NULL"
    details: tuple[str, ...] = ()
    extra_join: str = ""


SOURCES = (
    # `delivered` orders a monthly registry: the same person repeats in every delivery.
    Source(REGISTRY, "residents", "coalesce(strftime(t.status_date, '%Y-%m-%d'), '')",
           details=("name", "sex", "birth_date", "household_id", "relation", "township",
                    "village", "status", "status_date", "b.delivered"),
           extra_join="LEFT JOIN batches AS b "
                      "ON b.file_hash = CAST(t.source_file_hash AS VARCHAR)"),
    Source(DEATH, "deaths", "coalesce(strftime(t.death_date, '%Y-%m-%d'), '')",
           details=("name", "death_date", "source")),
    Source(CERTIFICATE, "disability_certs", "coalesce(strftime(t.issue_date, '%Y-%m-%d'), '')",
           details=("name", "category", "level", "issue_date", "status")),
    Source(ENROLLMENT, "enrollments", "coalesce(strftime(t.start_month, '%Y-%m'), '')",
           program="coalesce(t.program_code, t.program, '')",
           details=("name", "program", "start_month", "end_month", "declared_area",
                    "township", "village")),
    Source(PAYMENT, "payments", "coalesce(t.period, '')",
           program="coalesce(t.program_code, t.program, '')", amount="t.amount",
           details=("name", "program", "paid_on", "township", "village")),
)
_EVERY_ROW = {source.dataset: source.dataset for source in SOURCES}
"""Each dataset's table for `_records`: every row of it (a person written whole)."""


def source_sql(source: Source, table: str = "") -> str:
    """One query over a dataset (or `table`, some of its rows), joined to the warned IDs
    (`warned`), in COLUMNS order with each detail as a column `d_<name>`."""
    details = ", ".join(f"{_qualified(name)} AS d_{name.split('.')[-1]}"
                        for name in source.details)
    return (f"SELECT t.id_number, {source.dated} AS dated, {source.program} AS program, "
            f"{source.amount} AS amount, {_LINEAGE}, {details} "
            f"FROM {table or source.dataset} AS t JOIN warned AS w ON w.id_number = t.id_number "
            f"{source.extra_join}")


def records_sql(source: Source, kinds: pa.Schema, table: str = "") -> str:
    """The records of one dataset (or `table`, some of its rows) as `person_records` rows
    (COLUMNS), the details a JSON object built by the engine; `kinds` is `source_sql`'s
    schema, which says how each detail becomes JSON."""
    details = [name.split(".")[-1] for name in source.details]
    members = ", ".join(_json_member(name, kinds.field(f"d_{name}").type) for name in details)
    return (f"SELECT id_number, '{source.kind}' AS kind, dated, program, "
            f"CAST(amount AS DECIMAL(18, 2)) AS amount, '{{' || concat_ws(',', {members}) "
            f"|| '}}' AS details, '{source.dataset}' AS dataset, coalesce(file, '') AS file, "
            f"sheet, coalesce(row, 0) AS row FROM ({source_sql(source, table)})")


def _json_member(name: str, kind: pa.DataType) -> str:
    """`"name":value` of one detail, NULL when it is (then left out, as before): dates as
    ISO text, decimals as text (no float rounding of money), numbers and text as JSON's."""
    column = f"d_{name}"
    if pa.types.is_date(kind):
        value = f"strftime({column}, '%Y-%m-%d')"
    elif pa.types.is_decimal(kind):
        value = f"CAST({column} AS VARCHAR)"
    elif (pa.types.is_string(kind) or pa.types.is_integer(kind) or pa.types.is_boolean(kind)
          or pa.types.is_null(kind)):
        value = column
    else:
        raise TypeError(f"timeline detail {name}: cannot keep {kind}")
    return f"CASE WHEN {column} IS NULL THEN NULL ELSE '\"{name}\":' || to_json({value}) END"


class ReadAhead:
    """The records of persons a refresh is about to write whole (the newly warned: a read of
    the whole warehouse), read from the engine in a thread while the caller stores the
    warnings; `refresh` takes them. Used as a context manager: leaving it waits for the
    thread, so the engine is never closed under it."""

    def __init__(self, engine: DuckDBEngine | None = None, keys: list[str] | None = None,
                 persons: Collection[str] = (),
                 records: Future[list[pa.Table]] | None = None) -> None:
        self._engine, self.keys, self.persons, self._records = engine, keys, set(persons), records

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, failure: type[BaseException] | None, *rest: object) -> None:
        if failure is not None and self._engine is not None and self._records is not None:
            # A failed store (or Ctrl-C, which reaches only the main thread's statements)
            # does not wait for the read: the engine is closed next, and refuses a busy one.
            # Stopped again until it ends: an interrupt before its statement began is lost.
            while not self._records.done():
                self._engine.stop()
                wait([self._records], timeout=0.05)
        self.wait()

    def wait(self) -> None:
        """Wait for the thread (what it raised is `taken`'s to answer)."""
        if self._records is not None:
            wait([self._records])

    def taken(self, keys: list[str], whole: Collection[str]) -> list[pa.Table] | None:
        """The records read, if read for these batches and only for persons about to be
        written whole; None otherwise, or if the reading failed (read again: a real fault
        fails there with its own error)."""
        records, self._records = self._records, None  # not kept alive beside a read again
        if records is None or keys != self.keys or not self.persons <= set(whole):
            return None
        try:
            return records.result()
        except Exception:
            return None


def read_ahead(engine: Engine, warehouse: Warehouse, session: Session,
               id_numbers: Collection[str]) -> ReadAhead:
    """Start reading the records of those of these persons whose stored records a refresh
    now would write whole (none known, or of fewer batches), on DuckDB: the engine is the
    thread's until the ReadAhead is left or `refresh` takes it."""
    if not isinstance(engine, DuckDBEngine):
        return ReadAhead()
    batches = warehouse.batches()
    keys = [_batch_key(batch) for batch in batches]
    state = session.get(TimelineState, 1)
    added = _added(state, keys) if state is not None else None
    if added is None:  # all written whole: nothing read ahead
        return ReadAhead()
    _, whole = _split(session.connection(), id_numbers, keys, added)
    if not whole:
        return ReadAhead()
    open_warehouse(engine, warehouse, batches=batches)
    reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="timeline")
    records = reader.submit(_records, engine, whole, _EVERY_ROW)
    reader.shutdown(wait=False)
    return ReadAhead(engine, keys, whole, records)


def refresh(engine: Engine, warehouse: Warehouse, session: Session,
            id_numbers: Collection[str], ahead: ReadAhead | None = None) -> int:
    """Bring the records of these persons to what the warehouse holds now; returns how many
    records were written. Runs in the session's transaction; the caller commits. The records
    of a person no longer warned stay as they were (their warnings' pages show them), and
    grow no more.

    A record is one source row, and a batch's rows never change: after batches were only
    added (a month), a person whose records were brought up to date by the last refresh
    gets the new batches' rows about them, and only the others are written whole. When a
    batch was replaced or removed, or records are made otherwise (`records_code`), all are
    written whole. The rows go from the engine's Arrow tables straight to a bulk insert: a
    province's first run copies millions. `ahead`: records read beforehand (`read_ahead`),
    taken where they are those of persons written whole now.
    """
    if ahead is not None:
        ahead.wait()  # the engine is this thread's again
    batches = warehouse.batches()
    keys = [_batch_key(batch) for batch in batches]
    state = _state(session)
    added = _added(state, keys)
    connection = session.connection()
    if added is None:  # no one's records are known to be as of any batch still there
        connection.execute(delete(TimelinePerson))
    appended, whole = _split(connection, id_numbers, keys, added)
    state.batches, state.code = "\n".join(keys), records_code()
    for condition in among(connection, PersonRecord.id_number, whole):  # stale or none
        connection.execute(delete(PersonRecord).where(condition))
    tables: list[pa.Table] = []
    if whole or (added and appended):  # as the state records them, whatever lands meanwhile
        open_warehouse(engine, warehouse, batches=batches)
    read: set[str] = set()
    if ahead is not None and (taken := ahead.taken(keys, whole)) is not None:
        tables, read = list(taken), ahead.persons
    rest = [person for person in whole if person not in read]
    if rest:
        tables += _records(engine, rest, _EVERY_ROW)
    if added and appended:
        new = [batch for batch, key in zip(batches, keys, strict=True) if key in added]
        tables += _records(engine, appended, _added_rows(engine, warehouse, new))
    written: int = sum(table.num_rows for table in tables)
    with loading(connection, PersonRecord, written):
        for table in tables:
            insert_table(connection, PersonRecord, table)
    _cover(connection, whole, appended if added else [], len(keys))
    return written


def _split(connection: Connection, id_numbers: Collection[str], keys: list[str],
           added: set[str] | None) -> tuple[list[str], list[str]]:
    """(appended, whole): the warned whose stored records are of the batches before those
    `added`, who get those batches' rows alone, and the others, written whole."""
    warned = sorted({i for i in id_numbers if i})
    known = _covering(connection, warned) if added is not None else {}
    current = len(keys) - len(added or ())
    return ([person for person in warned if known.get(person) == current],
            [person for person in warned if known.get(person) != current])


def _covering(connection: Connection, persons: list[str]) -> dict[str, int]:
    """How many of the manifest's first batches each person's stored records are of."""
    found: dict[str, int] = {}
    for condition in among(connection, TimelinePerson.id_number, persons):
        found.update((person, batches) for person, batches in connection.execute(
            select(TimelinePerson.id_number, TimelinePerson.batches).where(condition)))
    return found


def _cover(connection: Connection, whole: list[str], appended: list[str],
           batches: int) -> None:
    """Record that these persons' records are of the manifest's first `batches` batches:
    those written whole anew, those appended to moved on."""
    for condition in among(connection, TimelinePerson.id_number, whole):
        connection.execute(delete(TimelinePerson).where(condition))
    if whole:
        connection.execute(insert(TimelinePerson),
                           [{"id_number": person, "batches": batches} for person in whole])
    for condition in among(connection, TimelinePerson.id_number, appended):
        connection.execute(update(TimelinePerson).where(condition).values(batches=batches))


@cache
def records_code() -> str:
    """What the stored records were made by (`TimelineState.code`): this module, how the
    warehouse's files become the engine's tables, and the engine's version (its JSON and
    text of dates and decimals)."""
    digest = hashlib.sha256(DuckDBEngine.version().encode())
    for source in (Path(__file__), Path(tables_module.__file__)):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _state(session: Session) -> TimelineState:
    state = session.get(TimelineState, 1)
    if state is None:
        state = TimelineState(id=1, batches="", code="")
        session.add(state)
    return state


def _batch_key(batch: BatchRecord) -> str:
    """A batch as its manifest record says it: the same bytes ingested again, after their
    batch was removed, under another name or by other code, are another batch."""
    record = json.dumps(batch.data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(record.encode()).hexdigest()[:32]


def _added(state: TimelineState, keys: list[str]) -> set[str] | None:
    """The keys of the batches added since the last refresh (maybe none), or None when one
    it read is gone or moved, or none is known, or the code changed."""
    before = state.batches.split("\n") if state.batches else []
    if state.code != records_code() or not before or keys[:len(before)] != before:
        return None
    return set(keys[len(before):])


def _added_rows(engine: Engine, warehouse: Warehouse, new: list[BatchRecord]
                ) -> dict[str, str]:
    """Each dataset's rows of the `new` batches, as a table of its own: by dataset, its
    name (none for a dataset they hold no rows of)."""
    tables = {}
    for source in SOURCES:
        files = warehouse.table_files(source.dataset, new)
        if files:
            tables[source.dataset] = f"added_{source.dataset}"
            engine.register_files(tables[source.dataset], files, source.dataset)
    return tables


def _records(engine: Engine, persons: list[str], tables: Mapping[str, str]) -> list[pa.Table]:
    """The records of `persons` from each dataset's rows in `tables` (by dataset)."""
    engine.register_table("warned", pa.table({"id_number": pa.array(persons, pa.string())}))
    found = []
    for source in SOURCES:
        if source.dataset in tables:
            table = tables[source.dataset]
            kinds = engine.query(f"{source_sql(source, table)} LIMIT 0").schema
            found.append(engine.query(records_sql(source, kinds, table)))
    return found


def _qualified(name: str) -> str:
    return name if "." in name else f"t.{name}"


# Reading ---------------------------------------------------------------------------------


@dataclass
class Grid:
    """Money by period (rows) and column (a program, a payee): each cell the sum paid and how
    many rows made it. A person's timeline groups its payments by program; the entity pages
    use it for a person's programs and an account's payees."""

    periods: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    cells: dict[tuple[str, str], tuple[Decimal, int]] = field(default_factory=dict)
    totals: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Timeline:
    """What the warehouse held about one person at the last detection run."""

    registry: list[PersonRecord] = field(default_factory=list)
    """Distinct registry states, latest delivery first."""
    deaths: list[PersonRecord] = field(default_factory=list)
    certificates: list[PersonRecord] = field(default_factory=list)
    enrollments: list[PersonRecord] = field(default_factory=list)
    payments: list[PersonRecord] = field(default_factory=list)
    grid: Grid = field(default_factory=Grid)

    @property
    def empty(self) -> bool:
        return not (self.registry or self.deaths or self.certificates or self.enrollments
                    or self.payments)


def timeline(session: Session, id_number: str) -> Timeline:
    """The person's records, grouped by kind; payments also as a grid."""
    found = Timeline()
    if not id_number:
        return found
    query = (select(PersonRecord).where(PersonRecord.id_number == id_number)
             .order_by(PersonRecord.dated, PersonRecord.dataset, PersonRecord.file,
                       PersonRecord.row))
    by_kind: dict[str, list[PersonRecord]] = defaultdict(list)
    for record in session.scalars(query):
        by_kind[record.kind].append(record)
    found.registry = _registry_states(by_kind[REGISTRY])
    found.deaths = by_kind[DEATH]
    found.certificates = by_kind[CERTIFICATE]
    found.enrollments = by_kind[ENROLLMENT]
    found.payments = by_kind[PAYMENT]
    found.grid = payment_grid(found.payments)
    return found


def _registry_states(records: list[PersonRecord]) -> list[PersonRecord]:
    """One row per distinct state (status, household, place), from the latest delivery that
    says it: a registry delivered monthly repeats an unchanged person twelve times a year."""
    latest_first = sorted(records, key=lambda r: (-int(r.details.get("delivered") or 0),
                                                  r.file, -r.row))
    seen: set[tuple[str, ...]] = set()
    states = []
    for record in latest_first:
        d = record.details
        key = tuple(str(d.get(name, "")) for name in
                    ("status", "status_date", "household_id", "township", "village", "name"))
        if key not in seen:
            seen.add(key)
            states.append(record)
    return states


def payment_grid(payments: list[PersonRecord]) -> Grid:
    grid = Grid()
    sums: dict[tuple[str, str], tuple[Decimal, int]] = {}
    for p in payments:
        amount = p.amount if p.amount is not None else Decimal("0")
        total, count = sums.get((p.dated, p.program), (Decimal("0"), 0))
        sums[(p.dated, p.program)] = (total + amount, count + 1)
        grid.totals[p.program] = grid.totals.get(p.program, Decimal("0")) + amount
    grid.cells = sums
    grid.periods = sorted({period for period, _ in sums})
    grid.columns = sorted(grid.totals)
    return grid
