"""One detection run: the models over the warehouse, their warnings stored in the app database."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine as SAEngine
from sqlalchemy.orm import Session

from sunlight import timeline
from sunlight.appdb.database import (
    database_url,
    make_engine,
    session_factory,
    upgrade,
    writing,
)
from sunlight.appdb.warnings import SyncReport, standing_flags, standing_people, sync
from sunlight.contract.catalog import load_catalog
from sunlight.contract.time_limits import TimeLimits, load_time_limits
from sunlight.entities.beside import IndexBeside, start_beside
from sunlight.entities.build import IndexCounts, rebuild_index, still_current, write_index
from sunlight.models import sql_cache
from sunlight.models.parameters import load_overrides
from sunlight.models.registry import library as loaded_library
from sunlight.models.relation_cache import RelationCache
from sunlight.models.runner import DetectionResult, ModelOutcome, detect, prepare, select
from sunlight.oversight.build import datasets_read as oversight_datasets
from sunlight.oversight.build import rebuild as rebuild_oversight
from sunlight.settings import Settings
from sunlight.warehouse import spark_engine
from sunlight.warehouse.duckdb_engine import DuckDBEngine, engine_for
from sunlight.warehouse.engine import Engine, EngineError, EngineFailed
from sunlight.warehouse.store import Warehouse


@dataclass(frozen=True)
class DetectionRun:
    result: DetectionResult
    report: SyncReport | None
    """None when no model could run (nothing was stored)."""
    index: IndexCounts | None = None
    """The entity index as this run left it (None when nothing was stored)."""
    after_failure: str = ""
    """Why the entity index or the 督察 tables were not rebuilt after the warnings were
    stored (they stand): the engine failed or ran out of memory. Empty when all was done."""


def fingerprint(warehouse: Warehouse, datasets: Collection[str] | None = None) -> str:
    """What the warehouse held for a run (of `datasets`, by default all): a hash of its
    batches' file hashes."""
    hashes = sorted(batch.file_hash for batch in warehouse.batches()
                    if datasets is None or batch.dataset in datasets)
    return hashlib.sha256("\n".join(hashes).encode("ascii")).hexdigest()


def run_detection(settings: Settings, codes: Iterable[str] | None = None,
                  on_model: Callable[[ModelOutcome], None] | None = None,
                  as_of: date | None = None, engine_kind: str = "duckdb",
                  spark_master: str | None = None) -> DetectionRun:
    """Run the chosen models (all by default) and store their warnings; `as_of` judges the
    steps not yet taken (contract §6; by default the latest date of the police data).

    `engine_kind` "spark" runs the models on Spark (`spark_master`, else the settings'); what
    follows them (timelines, the entity index, the 督察 tables) runs on DuckDB either way.
    """
    # What parsing and rendering the models gave, from the last run (like .pyc files).
    sql = sql_cache.keep_in(settings.cache_dir / "model-sql.json")
    library = loaded_library()  # parsed once a process: the runner reads it too
    oversight_datasets()  # its parse too is kept by the save after the models
    models = select(library, codes)
    overrides = load_overrides(settings.detection_parameters, library)
    limits = load_time_limits(settings.time_limits)
    warehouse = Warehouse(settings.warehouse_dir)
    if not warehouse.batches():  # nothing ingested: no model can run, no database to touch
        empty = DuckDBEngine()
        try:
            return DetectionRun(detect(empty, warehouse, load_catalog(settings.catalog),
                                       models, overrides, on_model=on_model, as_of=as_of,
                                       time_limits=limits), None)
        finally:
            empty.close()
    url = database_url(settings)
    upgrade(url)
    db = make_engine(url)
    try:
        others = set(library) - {m.code for m in models}
        with session_factory(db)() as session:
            context = standing_flags(session, others) if others else []
        cache = RelationCache(settings.cache_dir)
        engine = _models_engine(settings, engine_kind, spark_master)
        beside: IndexBeside | None = None
        try:
            beside = _beside(engine, warehouse, db)
            result = detect(engine, warehouse, load_catalog(settings.catalog), models,
                            overrides, on_model=on_model, context=context, as_of=as_of,
                            time_limits=limits, cache=cache)
            sql.save()
            if not result.models_run:
                return DetectionRun(result, None)
            after = engine if engine_kind == "duckdb" else _after_models(
                settings, warehouse, result, limits)
            try:
                report, index, failure = _store(db, after, warehouse, result, beside)
            finally:
                if after is not engine:
                    after.close()
        finally:
            if beside is not None:
                beside.close()
            engine.close()
            cache.remove_unused()  # a failed run too: one after another must not fill the disk
    finally:
        db.dispose()
    return DetectionRun(result, report, index, failure)


class EngineUnavailable(RuntimeError):
    """The engine asked for cannot start (Spark not installed, no Java, no master)."""


def _models_engine(settings: Settings, kind: str, spark_master: str | None) -> Engine:
    if kind == "duckdb":
        return engine_for(settings)
    if kind != "spark":
        raise ValueError(f"no engine {kind!r}: duckdb or spark")
    try:
        return spark_engine.engine_for(settings, spark_master)
    except EngineError as error:
        raise EngineUnavailable(str(error)) from error


def _after_models(settings: Settings, warehouse: Warehouse, result: DetectionResult,
                  limits: TimeLimits) -> DuckDBEngine:
    """The embedded engine holding the run's tables, for what follows models run elsewhere."""
    engine = engine_for(settings)
    prepare(engine, warehouse, load_catalog(settings.catalog), [], as_of=result.as_of.day,
            time_limits=limits)
    return engine


def _store(db: SAEngine, engine: Engine, warehouse: Warehouse, result: DetectionResult,
           beside: IndexBeside | None = None) -> tuple[SyncReport, IndexCounts | None, str]:
    """The warnings with their timelines, then the entity index (computed `beside` the
    models when it was) and the 督察 tables; the third value says why these two were not
    rebuilt, if the engine failed on them."""
    held = fingerprint(warehouse)  # read once: the run and the index name the same warehouse
    # The write lock first (SQLite): the read ahead reads before sync writes, and a deferred
    # transaction that read first fails, instead of waiting, when another writer got in.
    with session_factory(db).begin() as session, timeline.read_ahead(
            engine, warehouse, writing(session),
            {d.id_number for d in result.detections}) as ahead:
        # The newly warned's records are read from the warehouse while the warnings are stored.
        report = sync(session, result.detections, models=result.models_run,
                      fingerprint=held, as_of=result.as_of.day)
        # In the same transaction: a warning is never stored without its timeline. Those of
        # models not run this time stand too: their persons' timelines are brought up to date.
        timeline.refresh(engine, warehouse, session, standing_people(session), ahead)
    # Transactions of their own: the warnings stand even if the index cannot be built.
    try:
        with session_factory(db).begin() as session:
            index = _index(engine, warehouse, session, held, beside)
        with session_factory(db).begin() as session:  # the 督察 views' tables
            # kept when only other datasets changed (a month of payments)
            rebuild_oversight(engine, session, fingerprint(warehouse, oversight_datasets()))
    except (EngineFailed, MemoryError) as error:
        return report, None, str(error) or type(error).__name__
    return report, index, ""


def _beside(engine: Engine, warehouse: Warehouse, db: SAEngine) -> IndexBeside | None:
    """A month's index started beside the models on DuckDB; None where it is not."""
    if not isinstance(engine, DuckDBEngine):
        return None
    try:
        return start_beside(engine, warehouse, db, fingerprint(warehouse))
    except Exception:  # only a head start: the build after the models meets it and says why
        return None


def _index(engine: Engine, warehouse: Warehouse, session: Session,
           held: str, beside: IndexBeside | None) -> IndexCounts:
    """The index written from what was computed beside the models, unless the warehouse or
    the stored index moved since it started (an ingest, another run), or the computing
    failed (the memory it shared with the models is free now): then built here."""
    if beside is not None and beside.build.fingerprint == held:
        try:
            build = beside.finished()
        except (EngineFailed, MemoryError):
            build = None
        if build is not None and still_current(session, build):
            return write_index(beside.engine, session, build)
    if beside is not None:
        beside.close()  # not two builds at once, nor its snapshot folder pruned under it
    return rebuild_index(engine, warehouse, session, held)
