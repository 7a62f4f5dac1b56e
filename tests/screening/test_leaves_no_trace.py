"""Screening writes nothing: the warehouse byte for byte as it was, no warning in the app DB;
and the rows it holds are exactly those that ingesting the batch would make evidence."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select

from sunlight.appdb.database import database_url, make_engine, session_factory
from sunlight.appdb.tables import DetectionRun, Warning, WarningEvidence
from sunlight.contract.screening import BATCH_KINDS
from sunlight.detect import run_detection
from sunlight.ingest.pipeline import ingest
from sunlight.screening.core import screen_file
from sunlight.settings import Settings
from sunlight.warehouse.store import Warehouse
from tests.screening.conftest import BATCH


def _hashes(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _counts(settings: Settings) -> tuple[int, int, int]:
    engine = make_engine(database_url(settings))
    try:
        with session_factory(engine)() as session:
            return (session.scalar(select(func.count()).select_from(Warning)) or 0,
                    session.scalar(select(func.count()).select_from(WarningEvidence)) or 0,
                    session.scalar(select(func.count()).select_from(DetectionRun)) or 0)
    finally:
        engine.dispose()


def test_the_warehouse_is_unchanged_and_no_warning_is_stored(home_copy: Settings) -> None:
    before, stored = _hashes(home_copy.warehouse_dir), _counts(home_copy)
    assert before and stored[0] > 0
    result = screen_file(home_copy, BATCH)
    assert result.held > 0
    assert _hashes(home_copy.warehouse_dir) == before
    assert _counts(home_copy) == stored


def test_the_rows_held_are_the_rows_ingesting_would_make_evidence(home_copy: Settings) -> None:
    held = {v.row for v in screen_file(home_copy, BATCH).verdicts if v.verdict == "hold"}
    ingest(Warehouse(home_copy.warehouse_dir), [(BATCH, "payments")])
    run_detection(home_copy)
    not_screened = BATCH_KINDS["payments"].not_screened
    engine = make_engine(database_url(home_copy))
    try:
        with session_factory(engine)() as session:
            evidence = set(session.scalars(
                select(WarningEvidence.row).join(Warning)
                .where(WarningEvidence.dataset == "payments", WarningEvidence.file == BATCH.name,
                       Warning.model.not_in(not_screened))))
    finally:
        engine.dispose()
    # Before the ingest no warning held a row of the batch: every one of them now is
    # evidence of a new warning or of one the batch extended.
    assert held and evidence == held
    # Screened again once ingested, the batch is judged as it stands in the warehouse, not
    # against a second copy of itself.
    again = screen_file(home_copy, BATCH)
    assert {v.row for v in again.verdicts if v.verdict == "hold"} == held
