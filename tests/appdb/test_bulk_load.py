"""A first run's bulk load (constraints dropped and made again on PostgreSQL) stores the same
rows as a small one, and leaves every constraint in place."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from sunlight.appdb.bulk import IN_LIST, among, insert_batches, loading
from sunlight.appdb.database import session_factory
from sunlight.appdb.tables import Warning, WarningEvidence
from sunlight.appdb.timeline_tables import TimelinePerson
from sunlight.appdb.warnings import EVIDENCE_SCHEMA, get
from tests.appdb.builders import detection, run


def _schema(engine: Engine) -> dict[str, object]:
    found = inspect(engine)
    return {table: (sorted(str(c["name"]) for c in found.get_unique_constraints(table)),
                    sorted(str(c["name"]) for c in found.get_foreign_keys(table)),
                    sorted(str(i["name"]) for i in found.get_indexes(table)))
            for table in ("warnings", "warning_evidence", "warning_people", "person_records")}


def test_a_first_run_keeps_every_constraint_and_index(engine: Engine):
    before = _schema(engine)
    with session_factory(engine)() as session:
        run(session, [detection([1, 2, 3], subject=f"61032719710605{n:04d}") for n in range(20)])
        first = session.scalars(select(Warning.warning_id).order_by(Warning.warning_id)).first()
        stored = get(session, first or "")
        assert stored is not None and len(stored.evidence) == 4  # three months and the death
        assert session.scalar(select(func.count()).select_from(Warning)) == 20
    assert _schema(engine) == before


def test_a_duplicate_row_in_a_bulk_load_is_refused(engine: Engine):
    with session_factory(engine)() as session:
        run(session, [detection([1])])
        pk = session.scalar(select(WarningEvidence.warning_pk))
    row = (pk, "payments", "重复.xlsx", "Sheet1", 9, "paid", "2024-01", Decimal("1.00"))
    with pytest.raises(IntegrityError), session_factory(engine).begin() as session:
        connection = session.connection()
        with loading(connection, WarningEvidence, 1000):
            insert_batches(connection, WarningEvidence, EVIDENCE_SCHEMA, [row, row])
    with session_factory(engine)() as session:  # nothing of the refused load stayed
        assert session.scalar(select(WarningEvidence.id).where(
            WarningEvidence.file == "重复.xlsx")) is None


def test_amounts_of_more_places_are_rounded_to_the_cent(engine: Engine):
    with session_factory(engine)() as session:
        run(session, [detection([1])])
        pk = session.scalar(select(WarningEvidence.warning_pk))
        insert_batches(session.connection(), WarningEvidence, EVIDENCE_SCHEMA, [
            (pk, "payments", "分.csv", "", 2, "paid", "2024-02", Decimal("0.125")),
            (pk, "payments", "分.csv", "", 3, "paid", "2024-03", Decimal("12")),
            (pk, "payments", "分.csv", "", 4, "paid", "2024-04", Decimal("-0.125"))])
        session.commit()
        amounts = session.scalars(select(WarningEvidence.amount).where(
            WarningEvidence.file == "分.csv").order_by(WarningEvidence.row)).all()
    assert amounts == [Decimal("0.13"), Decimal("12.00"), Decimal("-0.13")]


def test_batches_write_every_row(engine: Engine):
    with session_factory(engine)() as session:
        run(session, [detection([1])])
        pk = session.scalar(select(WarningEvidence.warning_pk))
        rows = [(pk, "payments", "多.csv", "", n, "paid", "2024-01", Decimal("1.5"))
                for n in range(2500)]
        written = insert_batches(session.connection(), WarningEvidence, EVIDENCE_SCHEMA,
                                 iter(rows), batch=1000)
        session.commit()
        stored = session.scalars(select(WarningEvidence.row).where(
            WarningEvidence.file == "多.csv").order_by(WarningEvidence.row)).all()
    assert written == 2500 and stored == list(range(2500))


def test_among_names_more_values_than_a_statement_may_bind(engine: Engine):
    """2,500 ID numbers: one statement on PostgreSQL (an array), chunks on SQLite; either way
    exactly the rows named."""
    ids = [f"61032719710605{n:04d}" for n in range(2500)]
    with session_factory(engine)() as session:
        connection = session.connection()
        connection.execute(insert(TimelinePerson), [{"id_number": i, "batches": 1} for i in ids])
        asked = [*ids[::2], "not an id"]
        conditions = list(among(connection, TimelinePerson.id_number, asked))
        found = [person for condition in conditions for person in connection.execute(
            select(TimelinePerson.id_number).where(condition)).scalars()]
        assert sorted(found) == sorted(ids[::2])
        assert len(conditions) == (1 if engine.dialect.name == "postgresql"
                                   else -(-len(asked) // IN_LIST))
        assert list(among(connection, TimelinePerson.id_number, [])) == []
