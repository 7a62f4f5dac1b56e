"""The warnings a detection run may touch, read in three queries (not one per detection).

Plain rows through the session's connection: ORM objects would cost more than the rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVarTuple

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from sunlight.appdb.tables import Warning, WarningChange, WarningEvidence, WarningPerson
from sunlight.models.detection import EvidenceRow, Person

Ts = TypeVarTuple("Ts")
FETCHED = 10_000
Key = tuple[str, str, str]
RowKey = tuple[str, str, str, int]
Content = tuple[str, str, Decimal]
"""What an evidence row says besides its key: role, period, amount."""

FIELDS = (
    "period_from", "period_to", "amount", "severity", "explanation", "score",
    "name", "id_number", "account", "township", "village", "facts",
    "subject_kind", "subject_name", "unit", "money",
)
"""The columns a detection may change in a warning it extends (besides evidence and status)."""
PEOPLE = "people"
"""The people a warning concerns (table warning_people), compared as one more field."""
COMPARED = (*FIELDS, PEOPLE)


@dataclass
class Stored:
    """A warning as a detection run compares it: figures, evidence and status."""

    pk: int
    key: Key
    generation: int
    status: str
    figures: dict[str, Any]
    """The values of COMPARED: the columns of FIELDS, and the people as a tuple of Person."""
    evidence: dict[RowKey, tuple[int, Content]] = field(default_factory=dict)
    """Primary key and content of each evidence row, by the row's key."""
    fires: bool = True
    """False once the change log says `fires: yes → no` (and no `no → yes` since)."""


def content(row: EvidenceRow) -> Content:
    return (row.role, row.period, row.amount)


def load(session: Session, models: Collection[str]) -> dict[Key, list[Stored]]:
    """Every warning of these models, chained by key in order of generation."""
    query = (
        select(Warning.id, Warning.model, Warning.subject, Warning.program, Warning.generation,
               Warning.status, *(getattr(Warning, name) for name in FIELDS))
        .where(Warning.model.in_(models))
        .order_by(Warning.generation)
    )
    evidence = _evidence(session, models)
    fires = _fires(session, models)
    people = _people(session, models)
    chains: dict[Key, list[Stored]] = defaultdict(list)
    for pk, model, subject, program, generation, status, *values in _rows(session, query):
        figures = {**dict(zip(FIELDS, values, strict=True)), PEOPLE: people.get(pk, ())}
        warning = Stored(pk, (model, subject, program), generation, status, figures,
                         evidence.get(pk, {}), fires.get(pk, "yes") == "yes")
        chains[warning.key].append(warning)
    return chains


def _evidence(
    session: Session, models: Collection[str]
) -> dict[int, dict[RowKey, tuple[int, Content]]]:
    e = WarningEvidence
    query = (
        select(e.warning_pk, e.id, e.dataset, e.file, e.sheet, e.row, e.role, e.period, e.amount)
        .join(Warning)
        .where(Warning.model.in_(models))
    )
    found: dict[int, dict[RowKey, tuple[int, Content]]] = defaultdict(dict)
    for warning, pk, dataset, file, sheet, row, role, period, amount in _rows(session, query):
        found[warning][(dataset, file, sheet, row)] = (pk, (role, period, amount))
    return found


def _people(session: Session, models: Collection[str]) -> dict[int, tuple[Person, ...]]:
    """The people of each warning, in the order they were written (the detection's)."""
    p = WarningPerson
    query = (
        select(p.warning_pk, p.id_number, p.name, p.household, p.role)
        .join(Warning)
        .where(Warning.model.in_(models))
        .order_by(p.id)
    )
    found: dict[int, list[Person]] = defaultdict(list)
    for warning, *values in _rows(session, query):
        found[warning].append(Person(*values))
    return {warning: tuple(people) for warning, people in found.items()}


def _fires(session: Session, models: Collection[str]) -> dict[int, str]:
    """The last `fires` value each warning's change log holds."""
    c = WarningChange
    query = (
        select(c.warning_pk, c.new_value)
        .join(Warning)
        .where(Warning.model.in_(models), c.field == "fires")
        .order_by(c.id)
    )
    return {warning: value for warning, value in _rows(session, query)}


def _rows(session: Session, query: Select[*Ts]) -> Iterator[Row[*Ts]]:
    """The query's rows, fetched many at a time: row by row, the driver's per-row fetch
    cost more than the rows (a province's first re-run reads over a million)."""
    for partition in session.connection().execute(query).partitions(FETCHED):
        yield from partition
