"""A warned person's timeline is copied from the warehouse when warnings are stored, so the
warning page never reads the warehouse: registry, death, certificates, enrollments, payments."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sunlight import timeline
from sunlight.appdb.database import make_engine, session_factory
from sunlight.appdb.timeline_tables import PersonRecord, TimelinePerson, TimelineState
from sunlight.detect import run_detection
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.engine import EngineError, EngineFailed
from sunlight.warehouse.store import Warehouse
from tests.models.county import County, months

county = County()
wang = county.person("王芳", born="1950-03-05", status="死亡", status_date="2024-03-15")
registry_row = wang.row
death_row = county.death(wang, "2024-03-15", source="火化")
cert_row = county.certificate(wang, 2, issue_date="2019-06-01", status="有效")
enrol_row = county.enroll(wang, "低保", "2020-01")
wang_paid = county.pay(wang, "低保", months("2024-01", "2024-05"), 500)
twice = county.pay(wang, "低保", "2024-04", 500, file="补发.csv")
li = county.person("李强", born="1960-07-01")
li_paid = county.pay(li, "低保", months("2024-01", "2024-02"), 400)
bystander = county.person("赵敏", born="1970-01-01")
county.pay(bystander, "低保", "2024-01", 300)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SUNLIGHT_HOME with the tiny county ingested (the models are run by each test)."""
    home = tmp_path_factory.mktemp("county") / "home"
    county.run(home)
    return home


def refreshed(home: Path, session: Session, *ids: str) -> int:
    engine = DuckDBEngine()
    try:
        written = timeline.refresh(engine, Warehouse(Settings(home=home).warehouse_dir),
                                   session, ids)
    finally:
        engine.close()
    session.commit()
    return written


def records(session: Session, id_number: str, kind: str) -> list[PersonRecord]:
    return list(session.scalars(
        select(PersonRecord).where(PersonRecord.id_number == id_number,
                                   PersonRecord.kind == kind)
        .order_by(PersonRecord.dated, PersonRecord.file, PersonRecord.row)))


def test_every_source_row_of_a_warned_person_is_copied_with_lineage(
        ingested: Path, db_url: str):
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        refreshed(ingested, session, wang.id)
        [registry] = records(session, wang.id, timeline.REGISTRY)
        assert (registry.dataset, registry.file, registry.row) == (
            "residents", registry_row.file if registry_row else "", 2)
        assert registry.details["status"] == "死亡"
        assert registry.details["household_id"] == wang.household
        assert registry.dated == "2024-03-15"
        [death] = records(session, wang.id, timeline.DEATH)
        assert (death.dated, death.details["source"], death.file, death.row) == (
            "2024-03-15", "火化", death_row.file, death_row.row)
        [cert] = records(session, wang.id, timeline.CERTIFICATE)
        assert (cert.details["level"], cert.details["status"], cert.row) == (2, "有效", 2)
        [enrolled] = records(session, wang.id, timeline.ENROLLMENT)
        assert (enrolled.program, enrolled.dated) == ("DIBAO", "2020-01")
        payments = records(session, wang.id, timeline.PAYMENT)
        assert [(p.dated, p.amount, p.file, p.row) for p in payments] == sorted(
            [(r_period, Decimal("500.00"), r.file, r.row) for r, r_period in
             zip([*wang_paid, *twice], [*months("2024-01", "2024-05"), "2024-04"],
                 strict=True)])
        assert all("account" not in p.details for p in payments)  # never copied
        # Nobody else's rows.
        assert session.scalar(select(func.count(func.distinct(PersonRecord.id_number)))) == 1
    engine.dispose()


def test_a_refresh_with_nothing_new_writes_nothing_and_keeps_the_records(
        ingested: Path, db_url: str):
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        first = refreshed(ingested, session, wang.id, li.id)
        assert refreshed(ingested, session, li.id) == 0  # stored, and no batch since
        assert session.scalar(select(func.count()).select_from(PersonRecord)) == first
        assert refreshed(ingested, session) == 0
    engine.dispose()


def _a_month() -> County:
    """June for 王芳 (no longer warned), March for 李强, February for the bystander."""
    later = County()
    later.pay(wang, "低保", "2024-06", 500, file="六月.csv")
    later.pay(li, "低保", "2024-03", 400, file="六月.csv")
    later.pay(bystander, "低保", "2024-02", 300, file="六月.csv")
    return later


def _all_records(session: Session, *ids: str) -> list[tuple[object, ...]]:
    """The stored records (of `ids`, by default everyone's), in a comparable spelling."""
    query = select(PersonRecord)
    if ids:
        query = query.where(PersonRecord.id_number.in_(ids))
    return sorted((r.id_number, r.kind, r.dated, r.program, r.amount, repr(r.details),
                   r.dataset, r.file, r.sheet, r.row) for r in session.scalars(query))


def _from_nothing(home: Path, session: Session, *ids: str) -> list[tuple[object, ...]]:
    """The records a refresh of `ids` writes into an empty table, as `_all_records` lists
    them."""
    session.execute(delete(PersonRecord))
    session.execute(delete(TimelinePerson))
    session.execute(delete(TimelineState))
    refreshed(home, session, *ids)
    return _all_records(session)


@pytest.fixture
def stored(ingested: Path, tmp_path: Path, db_url: str) -> Iterator[tuple[Path, Session]]:
    """A copy of the county, and a session on a database holding 王芳's and 李强's records."""
    home = tmp_path / "home"
    shutil.copytree(ingested, home, symlinks=True)
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        refreshed(home, session, wang.id, li.id)
        yield home, session
    engine.dispose()


def test_after_a_month_the_warned_get_its_rows_and_the_newly_warned_theirs_whole(
        stored: tuple[Path, Session], tmp_path: Path):
    home, session = stored
    wang_before = _all_records(session, wang.id)
    ingest(Warehouse(Settings(home=home).warehouse_dir),
           plan_delivery(_a_month().deliver(tmp_path / "later")))
    # 李强's March row; the bystander's registry row and two payments.
    assert refreshed(home, session, li.id, bystander.id) == 1 + 3
    assert _all_records(session, wang.id) == wang_before  # no longer warned: as they were
    warned = _all_records(session, li.id, bystander.id)
    assert warned == _from_nothing(home, session, li.id, bystander.id)


def test_a_person_warned_again_is_written_whole_with_what_came_meanwhile(
        stored: tuple[Path, Session], tmp_path: Path):
    home, session = stored
    ingest(Warehouse(Settings(home=home).warehouse_dir),
           plan_delivery(_a_month().deliver(tmp_path / "later")))
    refreshed(home, session, li.id)  # the month: 王芳's June comes while she is not warned
    refreshed(home, session, wang.id, li.id)
    assert [r.dated for r in records(session, wang.id, timeline.PAYMENT)][-1] == "2024-06"
    assert _all_records(session) == _from_nothing(home, session, wang.id, li.id)


def test_a_replaced_batch_writes_the_warned_whole(
        stored: tuple[Path, Session], tmp_path: Path):
    home, session = stored
    corrected = County()
    corrected.pay(wang, "低保", "2024-04", 450, file="补发.csv")
    ingest(Warehouse(Settings(home=home).warehouse_dir),
           plan_delivery(corrected.deliver(tmp_path / "later")), replace=True)
    refreshed(home, session, wang.id, li.id)
    back_pay = [r for r in records(session, wang.id, timeline.PAYMENT)
                if r.file == "补发.csv"]
    assert [r.amount for r in back_pay] == [Decimal("450.00")]
    assert _all_records(session) == _from_nothing(home, session, wang.id, li.id)


def test_the_same_bytes_ingested_again_under_another_name_are_another_batch(
        stored: tuple[Path, Session], tmp_path: Path):
    """A batch taken out and its file delivered again renamed: the manifest's hashes are the
    same, its records are not (the file name each record names)."""
    home, session = stored
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    month = _a_month().deliver(tmp_path / "later")
    ingest(warehouse, plan_delivery(month))
    refreshed(home, session, wang.id, li.id)
    assert warehouse.remove(warehouse.batches()[-1].file_hash)
    (month / "payments" / "六月.csv").rename(month / "payments" / "六月-正式.csv")
    ingest(warehouse, plan_delivery(month))
    refreshed(home, session, wang.id, li.id)
    assert "六月-正式.csv" in {r.file for r in records(session, li.id, timeline.PAYMENT)}
    assert _all_records(session) == _from_nothing(home, session, wang.id, li.id)


def test_a_delivery_landing_during_a_refresh_is_the_next_refreshs(
        stored: tuple[Path, Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The state records the batches the records were read from, not a later manifest:
    the month ingested between the two is added once, by the next refresh."""
    home, session = stored
    register = timeline.open_warehouse

    def with_an_ingest_first(*args: Any, **kwargs: Any) -> set[str]:
        ingest(Warehouse(Settings(home=home).warehouse_dir),
               plan_delivery(_a_month().deliver(tmp_path / "meanwhile")))
        monkeypatch.setattr(timeline, "open_warehouse", register)
        return register(*args, **kwargs)

    monkeypatch.setattr(timeline, "open_warehouse", with_an_ingest_first)
    refreshed(home, session, wang.id, li.id, bystander.id)
    refreshed(home, session, wang.id, li.id, bystander.id)
    assert _all_records(session) == _from_nothing(home, session, wang.id, li.id, bystander.id)


def _refreshed_ahead(home: Path, session: Session, ahead_of: list[str], ids: list[str],
                     meanwhile: Any = None) -> list[list[str]]:
    """A refresh of `ids` given the records of `ahead_of` read ahead (`meanwhile` run between
    the two, as the warnings are stored there); the persons of each whole read the refresh
    made itself."""
    engine = DuckDBEngine()
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    read: list[list[str]] = []
    records = timeline._records

    def counted(engine: DuckDBEngine, persons: list[str], tables: Any) -> Any:
        if tables == timeline._EVERY_ROW:
            read.append(sorted(persons))
        return records(engine, persons, tables)

    try:
        with timeline.read_ahead(engine, warehouse, session, ahead_of) as ahead:
            if meanwhile is not None:
                meanwhile()
            timeline._records = counted  # type: ignore[assignment]
            timeline.refresh(engine, warehouse, session, ids, ahead)
    finally:
        timeline._records = records  # type: ignore[assignment]
        engine.close()
    session.commit()
    return read


def test_the_newly_warned_read_ahead_are_taken_and_stored_as_read_then(
        stored: tuple[Path, Session], tmp_path: Path):
    home, session = stored
    ingest(Warehouse(Settings(home=home).warehouse_dir),
           plan_delivery(_a_month().deliver(tmp_path / "later")))

    read = _refreshed_ahead(home, session, [li.id, bystander.id], [li.id, bystander.id])

    assert read == [], "the bystander's whole records came from the read ahead"
    assert _all_records(session, li.id, bystander.id) == _from_nothing(
        home, session, li.id, bystander.id)


def test_a_read_ahead_of_other_batches_or_persons_is_not_taken(
        stored: tuple[Path, Session], tmp_path: Path):
    home, session = stored
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    ingest(warehouse, plan_delivery(_a_month().deliver(tmp_path / "later")))
    late = County()
    late.pay(bystander, "低保", "2024-03", 300, file="七月.csv")

    # The month after landed while the warnings were stored: read again, with it.
    read = _refreshed_ahead(home, session, [bystander.id], [li.id, bystander.id],
                            meanwhile=lambda: ingest(warehouse, plan_delivery(
                                late.deliver(tmp_path / "late"))))
    assert read == [[bystander.id]]
    assert "七月.csv" in {r.file for r in records(session, bystander.id, timeline.PAYMENT)}
    # 王芳 read ahead, no longer warned: her records are not written.
    wang_before = _all_records(session, wang.id)
    session.execute(delete(TimelinePerson).where(TimelinePerson.id_number == li.id))
    read = _refreshed_ahead(home, session, [wang.id, li.id], [li.id])
    assert read == [[li.id]]
    assert _all_records(session, wang.id) == wang_before
    assert _all_records(session, li.id, bystander.id) == _from_nothing(
        home, session, li.id, bystander.id)


def test_a_read_ahead_that_failed_is_read_again(
        stored: tuple[Path, Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home, session = stored
    ingest(Warehouse(Settings(home=home).warehouse_dir),
           plan_delivery(_a_month().deliver(tmp_path / "later")))
    records = timeline._records
    calls: list[int] = []

    def failing_first(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise EngineFailed("a file went missing")
        return records(*args)

    monkeypatch.setattr(timeline, "_records", failing_first)
    engine = DuckDBEngine()
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    try:
        with timeline.read_ahead(engine, warehouse, session, [bystander.id]) as ahead:
            timeline.refresh(engine, warehouse, session, [li.id, bystander.id], ahead)
    finally:
        engine.close()
    session.commit()
    monkeypatch.undo()
    assert len(calls) == 3  # the failed read ahead, the whole read again, the month's rows
    assert _all_records(session, li.id, bystander.id) == _from_nothing(
        home, session, li.id, bystander.id)


def test_detection_holds_the_write_lock_before_it_reads_ahead(
        ingested: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """On SQLite a transaction that read first fails, instead of waiting, when another writer
    commits before its first write: the store takes the lock before the read ahead reads."""
    database = tmp_path / "app.db"
    settings = Settings(home=ingested, database_url=f"sqlite:///{database}")
    run_detection(settings, ["DECEASED_PAID"])  # the database made, a first run stored
    read_ahead = timeline.read_ahead
    others: list[str] = []

    def another_writer_first(*args: Any) -> timeline.ReadAhead:
        other = sqlite3.connect(database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            others.append("got the lock")
        except sqlite3.OperationalError as error:
            others.append(str(error))
        finally:
            other.close()
        return read_ahead(*args)

    monkeypatch.setattr(timeline, "read_ahead", another_writer_first)
    run = run_detection(settings, ["DECEASED_PAID", "DUPLICATE_PAYMENT"])

    assert others == ["database is locked"]
    assert run.report is not None


def test_a_failed_store_stops_the_read_ahead_instead_of_waiting_for_it(
        stored: tuple[Path, Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home, session = stored
    ingest(Warehouse(Settings(home=home).warehouse_dir),
           plan_delivery(_a_month().deliver(tmp_path / "later")))
    monkeypatch.setattr(timeline, "_records", lambda engine, *args: engine.query(
        "SELECT count(*) FROM range(20000000000) WHERE range % 7 = 3"))  # minutes alone
    engine = DuckDBEngine()
    try:
        warehouse = Warehouse(Settings(home=home).warehouse_dir)
        with pytest.raises(RuntimeError, match="sync failed"), timeline.read_ahead(
                engine, warehouse, session, [bystander.id]) as ahead:
            raise RuntimeError("sync failed")
        with pytest.raises(KeyboardInterrupt):  # the read was stopped, not waited for
            ahead.taken(ahead.keys or [], [bystander.id])
        with pytest.raises(EngineError):
            engine.query("SELECT 1")  # stopped: the run ends, the engine is closed next
    finally:
        engine.close()


def test_the_timeline_groups_records_and_grids_payments_by_month(ingested: Path, db_url: str):
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        refreshed(ingested, session, wang.id)
        found = timeline.timeline(session, wang.id)
        assert [r.details["status"] for r in found.registry] == ["死亡"]
        assert len(found.deaths) == len(found.certificates) == len(found.enrollments) == 1
        grid = found.grid
        assert grid.columns == ["DIBAO"]
        assert grid.periods == months("2024-01", "2024-05")
        assert grid.cells[("2024-04", "DIBAO")] == (Decimal("1000.00"), 2)  # paid twice
        assert grid.totals["DIBAO"] == Decimal("3000.00")
        assert timeline.timeline(session, bystander.id).empty
    engine.dispose()


def test_detection_stores_the_timelines_of_the_warned(ingested: Path, tmp_path: Path):
    settings = Settings(home=ingested, database_url=f"sqlite:///{tmp_path}/app.db")
    run = run_detection(settings, ["DECEASED_PAID", "DUPLICATE_PAYMENT"])
    assert run.report is not None and run.report.new >= 1
    engine = make_engine(settings.database_url or "")
    with session_factory(engine)() as session:
        warned = set(session.scalars(select(PersonRecord.id_number).distinct()))
        assert warned == {wang.id}  # li and the bystander raised nothing
        assert len(timeline.timeline(session, wang.id).payments) == 6
    engine.dispose()


def test_a_run_of_other_models_brings_the_timelines_of_standing_warnings_up_to_date(
        ingested: Path, tmp_path: Path):
    """王芳's DECEASED_PAID warning stands while a run of another model stores a month: her
    page shows the month's payment, the very evidence of a dead person paid again."""
    home = tmp_path / "home"
    shutil.copytree(ingested, home, symlinks=True)
    settings = Settings(home=home, database_url=f"sqlite:///{tmp_path}/app.db")
    run_detection(settings, ["DECEASED_PAID"])
    ingest(Warehouse(settings.warehouse_dir),
           plan_delivery(_a_month().deliver(tmp_path / "later")))
    other = run_detection(settings, ["OVER_STANDARD"])
    assert wang.id not in {d.id_number for d in other.result.detections}
    engine = make_engine(settings.database_url or "")
    with session_factory(engine)() as session:
        paid = [r.dated for r in records(session, wang.id, timeline.PAYMENT)]
    engine.dispose()
    assert paid[-1] == "2024-06"
