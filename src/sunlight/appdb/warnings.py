"""The warnings repository: store a detection run, list and fetch warnings.

The rules of `sync` are in `sunlight.appdb.plan`; this module reads, locks and writes.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import chain
from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, bindparam, delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from sunlight.appdb.bulk import among, insert_batches, insert_rows, loading
from sunlight.appdb.plan import NewWarning, Plan, make_plan, warning_id
from sunlight.appdb.stored import PEOPLE, load
from sunlight.appdb.tables import (
    RUN_DONE,
    RUN_RUNNING,
    DetectionRun,
    Warning,
    WarningChange,
    WarningEvidence,
    WarningPerson,
)
from sunlight.contract.cases import OPEN, RETRACTED
from sunlight.models.detection import Detection, Flag

__all__ = ["SyncReport", "for_export", "get", "latest_run", "sync", "top", "warning_id"]

SYNC_LOCK = 0x53554E4C  # PostgreSQL advisory lock key of detection runs ("SUNL")
EVIDENCE_SCHEMA = pa.schema([
    ("warning_pk", pa.int64()), ("dataset", pa.string()), ("file", pa.string()),
    ("sheet", pa.string()), ("row", pa.int64()), ("role", pa.string()),
    ("period", pa.string()), ("amount", pa.decimal128(16, 2))])
CHANGE_COLUMNS = ("warning_pk", "run_id", "at", "field", "old_value", "new_value")
PEOPLE_SCHEMA = pa.schema([
    ("warning_pk", pa.int64()), ("id_number", pa.string()), ("name", pa.string()),
    ("household", pa.string()), ("role", pa.string())])
OUTCOMES = ("new", "changed", "unchanged", "reraised", "retracted")


@dataclass(frozen=True)
class SyncReport:
    """What a detection run did.

    Each detection counts once in new, changed, unchanged or reraised; `changed` also counts
    the warnings under investigation whose models went quiet (`fires: yes → no`).
    """

    run_id: int
    new: int
    changed: int
    unchanged: int
    reraised: int
    retracted: int
    phases: dict[str, float] = field(default_factory=dict, compare=False)
    """Seconds of each phase: `load` (the stored warnings), `plan`, `write`."""


def sync(
    session: Session, detections: Iterable[Detection], *, models: Collection[str],
    fingerprint: str, as_of: date | None = None
) -> SyncReport:
    """Store one detection run of `models` in the session's transaction; the caller commits.
    `as_of`: the date the run judged steps not yet taken at (contract §6), if any.

    Call it first thing in a transaction: on SQLite its first write takes the database's write
    lock, which is what keeps two detection runs apart.
    """
    if isinstance(models, str):
        raise TypeError("models: a collection of model codes, not one string")
    detections = list(detections)
    stray = {d.model for d in detections} - set(models)
    if stray:
        raise ValueError(f"detections of models that were not run: {sorted(stray)}")
    now = datetime.now(UTC)
    _serialise(session)
    run = DetectionRun(started_at=now, models=sorted(models), fingerprint=fingerprint,
                       status=RUN_RUNNING, as_of=as_of)
    session.add(run)
    session.flush()
    started = time.perf_counter()
    stored = load(session, models)
    loaded = time.perf_counter()
    plan = make_plan(detections, stored)
    del stored  # the plan keeps what it needs; the rest need not outlive planning
    planned = time.perf_counter()
    _write(session, plan, run.id, now)
    phases = {"load": loaded - started, "plan": planned - loaded,
              "write": time.perf_counter() - planned}
    new, changed, unchanged, reraised, retracted = (plan.counts[o] for o in OUTCOMES)
    report = SyncReport(run.id, new, changed, unchanged, reraised, retracted, phases)
    for outcome in OUTCOMES:
        setattr(run, outcome, plan.counts[outcome])
    run.finished_at, run.status = datetime.now(UTC), RUN_DONE
    session.flush()
    session.expire_all()  # the bulk writes went past any warnings the session holds
    return report


def _serialise(session: Session) -> None:
    # Two runs at once could both raise the same warning; the second would fail on the
    # unique key. SQLite takes its write lock with the run record, PostgreSQL needs a word.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(SYNC_LOCK)))


def _write(session: Session, plan: Plan, run_id: int, now: datetime) -> None:
    """Bulk statements on the session's connection: ORM units of work would take minutes."""
    connection = session.connection()
    pks = _insert_warnings(connection, plan.new, run_id, now)
    # The people live in a table of their own: replaced whole when they change.
    people = {pk: values[PEOPLE] for pk, values in plan.updates.items() if PEOPLE in values}
    _update_warnings(connection, {pk: {name: value for name, value in values.items()
                                       if name != PEOPLE}
                                  for pk, values in plan.updates.items()}, now)
    for condition in among(connection, WarningPerson.warning_pk, people):
        connection.execute(delete(WarningPerson).where(condition))
    people.update({pks[new.warning_id]: new.figures[PEOPLE] for new in plan.new})
    with loading(connection, WarningPerson, sum(map(len, people.values()))):
        insert_batches(connection, WarningPerson, PEOPLE_SCHEMA, (
            (pk, *person) for pk, persons in people.items() for person in persons))
    for condition in among(connection, WarningEvidence.id, plan.evidence_gone):
        connection.execute(delete(WarningEvidence).where(condition))
    # Row by row from the plan, a batch at a time: a first run holds millions of them.
    added = chain(plan.evidence_added, ((pks[new.warning_id], row) for new in plan.new
                                        for row in new.evidence))
    coming = len(plan.evidence_added) + sum(len(new.evidence) for new in plan.new)
    with loading(connection, WarningEvidence, coming):
        insert_batches(connection, WarningEvidence, EVIDENCE_SCHEMA, (
            (pk, row.dataset, row.file, row.sheet, row.row, row.role, row.period, row.amount)
            for pk, row in added))
    insert_rows(connection, WarningChange, CHANGE_COLUMNS, [
        (pk, run_id, now, name, old, new) for pk, name, old, new in plan.changes])


def _insert_warnings(
    connection: Connection, new: list[NewWarning], run_id: int, now: datetime
) -> dict[str, int]:
    """Insert the new warnings; their primary keys by warning_id."""
    if not new:
        return {}
    rows = [_warning_row(warning, run_id, now) for warning in new]
    with loading(connection, Warning, len(rows)):
        insert_rows(connection, Warning, list(rows[0]), [list(row.values()) for row in rows])
    del rows
    # Cheaper than RETURNING in parameter order, which SQLite would do row by row.
    query = select(Warning.warning_id, Warning.id).where(Warning.first_run_id == run_id)
    return {wid: pk for wid, pk in connection.execute(query)}


def _update_warnings(
    connection: Connection, updates: dict[int, dict[str, Any]], now: datetime
) -> None:
    # One executemany per set of fields changed: a statement sets the same columns each row.
    by_fields: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for pk, values in updates.items():
        by_fields[tuple(sorted(values))].append({"pk": pk, "updated_at": now, **values})
    for rows in by_fields.values():
        connection.execute(update(Warning).where(Warning.id == bindparam("pk")), rows)


def _warning_row(new: NewWarning, run_id: int, now: datetime) -> dict[str, Any]:
    model, subject, program = new.key
    return {
        "warning_id": new.warning_id, "model": model, "subject": subject, "program": program,
        "generation": new.generation, "follows_id": new.follows, "status": OPEN,
        "first_run_id": run_id, "created_at": now, "updated_at": now,
        **{name: value for name, value in new.figures.items() if name != PEOPLE},
    }


# Queries ---------------------------------------------------------------------------------


def top(
    session: Session, n: int, *, models: Collection[str] | None = None,
    status: str | None = None
) -> Sequence[Warning]:
    """The `n` warnings to look at first: highest score, then most money, then warning_id.

    Retracted warnings (their evidence is gone) are left out unless `status` asks for them.
    """
    query = select(Warning).order_by(Warning.score.desc(), Warning.amount.desc(),
                                     Warning.warning_id)
    if models is not None:
        query = query.where(Warning.model.in_(models))
    if status is not None:
        query = query.where(Warning.status == status)
    else:
        query = query.where(Warning.status != RETRACTED)
    return session.scalars(query.limit(n)).all()


def for_export(
    session: Session, models: Collection[str] | None = None, *, evidence: bool = False
) -> Sequence[Warning]:
    """Every warning (of these models), by model and then warning_id.

    `evidence=True` loads the evidence rows too, in a few queries rather than one per warning.
    """
    query = select(Warning).order_by(Warning.model, Warning.warning_id)
    if models is not None:
        query = query.where(Warning.model.in_(models))
    if evidence:
        query = query.options(selectinload(Warning.evidence))
    query = query.options(selectinload(Warning.people))
    return session.scalars(query).all()


def get(session: Session, warning_id: str) -> Warning | None:
    """One warning with its evidence rows and change log."""
    query = (
        select(Warning)
        .where(Warning.warning_id == warning_id)
        .options(selectinload(Warning.evidence), selectinload(Warning.changes),
                 selectinload(Warning.people))
    )
    return session.scalars(query).one_or_none()


def latest_run(session: Session) -> DetectionRun | None:
    return session.scalars(select(DetectionRun).order_by(DetectionRun.id.desc()).limit(1)).first()


def standing_people(session: Session) -> set[str]:
    """The ID numbers of the persons a warning of any model stands on (not retracted)."""
    query = select(Warning.id_number).where(Warning.status != RETRACTED,
                                            Warning.id_number != "").distinct()
    return set(session.scalars(query))


def standing_flags(session: Session, models: Collection[str]) -> list[Flag]:
    """(model, id_number, township, village) of the person warnings of these models that
    stand (not retracted): the context a partial detection run scores against."""
    query = select(Warning.model, Warning.id_number, Warning.township, Warning.village).where(
        Warning.model.in_(models), Warning.status != RETRACTED, Warning.id_number != "")
    return [Flag(*row) for row in session.execute(query)]
