"""A month's index is computed beside the models and written after the warnings: what it
writes is the index a build after the models writes (test_scoped_build), and a failure on
either side leaves the store as the brief asks."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

import sunlight.detect as detect
import sunlight.entities.beside as beside
from sunlight.appdb.database import make_engine, session_factory
from sunlight.appdb.entity_tables import EntityIndexState
from sunlight.appdb.tables import Warning as StoredWarning
from sunlight.detect import run_detection
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.settings import Settings
from sunlight.warehouse.engine import EngineFailed
from sunlight.warehouse.store import Warehouse
from tests.entities.test_scoped_build import MODELS, a_month, a_payroll


@pytest.fixture
def home(ingested: Path, tmp_path: Path) -> Path:
    """The tiny county as delivered (ingested once per module): this test's copy."""
    copy = tmp_path / "home"
    shutil.copytree(ingested, copy, symlinks=True)
    return copy


def _deliver(home: Path, tmp_path: Path, delivery: Any = a_month) -> None:
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    ingest(warehouse, plan_delivery(delivery().deliver(tmp_path / "later")))


def _state(db_url: str) -> tuple[str, int]:
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session:
            state = session.get(EntityIndexState, 1)
            assert state is not None
            warnings = session.query(StoredWarning).count()
            return state.fingerprint, warnings
    finally:
        engine.dispose()


def _index_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("entity-index")]


def test_a_month_is_computed_beside_the_models_not_after_them(
        home: Path, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch):
    run_detection(Settings(home=home, database_url=db_url), MODELS)
    _deliver(home, tmp_path)
    computed_on: list[str] = []
    compute = beside.compute

    def watched(*args: Any, **kwargs: Any) -> None:
        computed_on.append(threading.current_thread().name)
        compute(*args, **kwargs)

    def not_after(*_: object, **__: object) -> None:
        raise AssertionError("the month's index was built after the models")

    monkeypatch.setattr(beside, "compute", watched)
    monkeypatch.setattr(detect, "rebuild_index", not_after)
    run = run_detection(Settings(home=home, database_url=db_url), MODELS)
    assert run.index is not None and run.index.scoped and run.index.written
    assert computed_on and computed_on[0].startswith("entity-index")
    assert not _index_threads()


def test_models_failing_while_the_index_is_computed_store_nothing_of_either(
        home: Path, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch):
    run_detection(Settings(home=home, database_url=db_url), MODELS)
    before = _state(db_url)
    _deliver(home, tmp_path)

    def out_of_disk(*_: object, **__: object) -> None:
        raise EngineFailed("IO Error: could not write to the spill file (disk full)")

    monkeypatch.setattr(detect, "detect", out_of_disk)
    with pytest.raises(EngineFailed):
        run_detection(Settings(home=home, database_url=db_url), MODELS)
    assert _state(db_url) == before  # the index as the last run left it
    assert not _index_threads()
    monkeypatch.undo()
    run = run_detection(Settings(home=home, database_url=db_url), MODELS)
    assert run.index is not None and run.index.scoped  # the next run builds it


def _out_of_memory(*_: object, **__: object) -> None:
    raise EngineFailed("Out of Memory Error: could not allocate block")


def test_the_index_failing_beside_the_models_is_built_after_them(
        home: Path, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch):
    """Beside the models it shares their memory; after them that memory is free again."""
    run_detection(Settings(home=home, database_url=db_url), MODELS)
    _deliver(home, tmp_path, a_payroll)
    monkeypatch.setattr(beside, "compute", _out_of_memory)
    run = run_detection(Settings(home=home, database_url=db_url), MODELS)
    assert run.after_failure == "" and run.index is not None and run.index.scoped
    assert _state(db_url)[0] == detect.fingerprint(Warehouse(Settings(home=home).warehouse_dir))
    assert not _index_threads()


def test_the_index_failing_beside_and_after_the_models_leaves_the_warnings_standing(
        home: Path, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch):
    run_detection(Settings(home=home, database_url=db_url), MODELS)
    fingerprint, _ = _state(db_url)
    _deliver(home, tmp_path, a_payroll)
    monkeypatch.setattr(beside, "compute", _out_of_memory)
    monkeypatch.setattr(detect, "rebuild_index", _out_of_memory)
    run = run_detection(Settings(home=home, database_url=db_url), MODELS)
    assert "Out of Memory" in run.after_failure and run.index is None
    assert run.report is not None and run.report.new + run.report.changed > 0
    assert _state(db_url)[0] == fingerprint  # not marked as built from this warehouse


def test_a_head_start_that_cannot_be_made_costs_only_the_head_start(
        home: Path, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch):
    run_detection(Settings(home=home, database_url=db_url), MODELS)
    _deliver(home, tmp_path)

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("anything at all")

    monkeypatch.setattr(detect, "start_beside", broken)
    run = run_detection(Settings(home=home, database_url=db_url), MODELS)
    assert run.report is not None and run.index is not None and run.index.scoped


def test_a_damaged_snapshot_is_not_believed_and_the_index_is_built_from_the_database(
        home: Path, tmp_path: Path, db_url: str):
    run_detection(Settings(home=home, database_url=db_url), MODELS)
    [snapshot] = (home / "entity-index").iterdir()
    latest = snapshot / "latest.parquet"
    latest.write_bytes(latest.read_bytes()[:100])
    _deliver(home, tmp_path)
    run = run_detection(Settings(home=home, database_url=db_url), MODELS)
    assert run.after_failure == "" and run.report is not None
    assert run.index is not None and run.index.built and not run.index.scoped


def test_a_delivery_landing_during_the_models_is_indexed_after_them(
        home: Path, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch):
    """The index computed beside names the warehouse as it was; one more batch committed
    meanwhile: the index is built after the models, of the warehouse as it is now."""
    run_detection(Settings(home=home, database_url=db_url), MODELS)
    _deliver(home, tmp_path)
    models = detect.detect

    def with_an_ingest_meanwhile(*args: Any, **kwargs: Any) -> Any:
        result = models(*args, **kwargs)
        _deliver(home, tmp_path / "meanwhile", a_payroll)
        return result

    monkeypatch.setattr(detect, "detect", with_an_ingest_meanwhile)
    run = run_detection(Settings(home=home, database_url=db_url), MODELS)
    assert run.index is not None and run.index.built
    assert _state(db_url)[0] == detect.fingerprint(Warehouse(Settings(home=home).warehouse_dir))
    assert not _index_threads()
