"""Screening one application before approval (issue 14 item 5, like the UK NFI's AppCheck).

The application becomes the rows it would add once approved and paid (application_input.py),
laid over the warehouse (warm_warehouse.py); the model library runs as detection runs it, and
every model whose warning would hold the application's payment row among its evidence is
said to fire, with the explanation the warning would give. Nothing is written anywhere.

`ApplicationScreener` keeps one warm engine per state of the warehouse (the manifest's file
identity, checked on every call) and serves one application at a time: a web server's threads
take turns on it.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, zip_longest
from pathlib import Path
from typing import Any

from sunlight.contract.applications import APPLICATIONS, ApplicationVerdictKind
from sunlight.contract.catalog import Catalog, load_catalog
from sunlight.contract.screening import ExplanationDetail
from sunlight.identity import name_keys
from sunlight.models.detection import Detection
from sunlight.models.parameters import load_overrides
from sunlight.models.registry import Model, ModelFileError
from sunlight.models.registry import library as shipped_library
from sunlight.models.runner import gather
from sunlight.models.subjects import lookup, named
from sunlight.screening.application_input import (
    ApplicantRows,
    Application,
    ApplicationReader,
    ApplicationRefused,
)
from sunlight.screening.audience import told
from sunlight.screening.core import Fired, screen_overlay
from sunlight.screening.standing import standing_enrollments, with_standing
from sunlight.screening.verdicts import EXPLANATION_SEPARATOR
from sunlight.screening.warm_warehouse import WarmWarehouse, whole
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.engine import EngineError
from sunlight.warehouse.spill import spill_folder
from sunlight.warehouse.store import MANIFEST, Warehouse
from sunlight.warehouse.tables import open_warehouse

__all__ = ["Application", "ApplicationRefused", "ApplicationScreener", "ApplicationVerdict",
           "ModelFinding", "screen_application"]


@dataclass(frozen=True)
class ModelFinding:
    """One model that would fire on the application."""

    model: str
    name_zh: str
    explanation: str
    """Chinese, as the warning would say it; for anyone but an analyst, the model's fixed
    note (screening/audience.py)."""


@dataclass(frozen=True)
class ApplicationVerdict:
    """What screening says of one application."""

    id_number: str
    """Canonical, 18 characters."""
    name: str
    program: str
    """The catalog code."""
    program_name: str
    period: str
    """`YYYY-MM`, or `YYYY` for an annual program."""
    amount: str
    """The catalog standard laid as the payment, as the warning export writes money."""
    declared_area: str | None
    verdict: ApplicationVerdictKind
    findings: tuple[ModelFinding, ...]
    seconds: float

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(finding.model for finding in self.findings)

    @property
    def verdict_zh(self) -> str:
        return APPLICATIONS.verdicts[self.verdict]

    @property
    def explanation(self) -> str:
        """Every finding's explanation, prefixed by its model's Chinese name."""
        return EXPLANATION_SEPARATOR.join(f"【{f.name_zh}】{f.explanation}" for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        """The verdict as JSON (the API's answer)."""
        return {
            "id_number": self.id_number, "name": self.name, "program": self.program,
            "program_name": self.program_name, "period": self.period, "amount": self.amount,
            "declared_area": self.declared_area, "verdict": self.verdict,
            "verdict_zh": self.verdict_zh, "models": list(self.models),
            "explanation": self.explanation,
            "findings": [{"model": f.model, "name_zh": f.name_zh, "explanation": f.explanation}
                         for f in self.findings],
        }


class ApplicationScreener:
    """A warm engine over one home's warehouse, answering applications one at a time."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.catalog: Catalog = load_catalog(settings.catalog)
        self.reader = ApplicationReader(self.catalog)
        library = self.library = shipped_library()
        if unknown := set(APPLICATIONS.not_screened) - set(library):
            raise ModelFileError("sunlight/contract/applications.yaml",
                                 "not_screened names unknown models " + ", ".join(sorted(unknown)))
        self.models = [m for code, m in library.items() if code not in APPLICATIONS.not_screened]
        self._needs = APPLICATIONS.needs_household_rows
        if unknown := set(self._needs) - set(library):
            raise ModelFileError("sunlight/contract/applications.yaml",
                                 "needs_household_rows names unknown models "
                                 + ", ".join(sorted(unknown)))
        self._counted = {name for needs in self._needs.values() for need in needs
                         for name in need.split("|")} - {"name_keys"}
        overrides = load_overrides(settings.detection_parameters, library)
        self._sql = {m.code: m.render(overrides.get(m.code)) for m in self.models}
        self._programs = {p.code: p.name for p in self.catalog.programs}
        self._warehouse = Warehouse(settings.warehouse_dir)
        self._lock = threading.Lock()
        self._warm: WarmWarehouse | None = None
        self._engine = DuckDBEngine()  # replaced by the warm one's at first use
        self._sibling: DuckDBEngine | None = None
        # The models' queries are split between the engine's connection and a sibling's, run
        # by this one thread: most of a query's time is planning, which DuckDB does outside
        # the GIL, so two cores answer an application in about half the time.
        self._beside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="application")
        self._state: tuple[int, int, int] | None = None

    def screen(self, application: Application,
               detail: ExplanationDetail = "full") -> ApplicationVerdict:
        """The verdict on one application; ApplicationRefused when it cannot be read.
        `detail`: what its findings say, by who reads them (screening/audience.py)."""
        started = time.perf_counter()
        rows = self.reader.read(application)
        with self._lock:
            warm = self._warm_for_now()
            rows = with_standing(rows, standing_enrollments(
                self._engine, rows, whole("enrollments"), whole("payments"),
                warm.households(rows.id_number)), self.catalog)
            warm.lay_over(rows.overlays(), rows.id_number)
            fired = Fired(self._detections(warm, self._engine), self.library, {})
        return _verdict(rows, fired, time.perf_counter() - started, detail)

    def close(self) -> None:
        with self._lock:
            self._close_engine()
            self._warm, self._state = None, None
        self._beside.shutdown()  # its thread ends; a later call starts another
        self._beside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="application")

    def _close_engine(self) -> None:
        if self._sibling is not None:
            self._sibling.close()
            self._sibling = None
        self._engine.close()

    def _warm_for_now(self) -> WarmWarehouse:
        """The warm engine for the warehouse as it is now, prepared again if it changed."""
        state = _manifest_state(self._warehouse.root / MANIFEST)
        if self._warm is None or state != self._state:
            self._warm = None
            self._close_engine()  # before the next is filled: two would hold twice the memory
            # One thread per query: an application's queries are each a handful of rows,
            # where DuckDB's own threads only add scheduling; two queries run at once instead
            # (`_detections`), on connections that see the same tables (`shared`).
            engine = DuckDBEngine(threads=1, memory_limit=self.settings.engine_memory,
                                  temp_directory=spill_folder(self.settings.engine_temp_dir),
                                  shared=True)
            try:
                self._warm = WarmWarehouse(engine, self._warehouse, self.catalog, self.models)
            except BaseException:
                engine.close()
                raise
            self._engine, self._sibling, self._state = engine, engine.sibling(), state
        return self._warm

    def _detections(self, warm: WarmWarehouse, engine: DuckDBEngine) -> list[Detection]:
        """What the models find over the applicant's rows, as `models.runner.detect` would."""
        differing = engine.query_few(
            "SELECT DISTINCT payee_name, registry_name FROM differing_name")
        keys = name_keys(differing.column("payee_name").to_pylist()
                         + differing.column("registry_name").to_pylist())
        engine.register_table("name_keys__arrow", keys)
        engine.materialise("name_keys", "SELECT * FROM name_keys__arrow")  # the sibling's too
        rows = {**warm.counts(self._counted), "name_keys": keys.num_rows}
        running = [model for model in self.models
                   if not model.missing_inputs(warm.present) and self._may_fire(model.code, rows)]
        assert self._sibling is not None  # made with the warm engine
        beside = self._beside.submit(self._run, self._sibling, running[1::2])
        here = self._run(engine, running[0::2])
        # In the models' order, as the runner gives them: taken in turn from each half.
        empty: list[Detection] = []
        in_order = chain.from_iterable(zip_longest(here, beside.result(), fillvalue=empty))
        found = [detection for by_model in in_order for detection in by_model]
        return named(found, lookup(engine, found), self._programs)

    def _run(self, engine: DuckDBEngine, models: list[Model]) -> list[list[Detection]]:
        """Each model's detections, run on this connection."""
        found = []
        for model in models:
            try:
                hits = engine.query_few(self._sql[model.code])
            except EngineError as error:
                raise ModelFileError(model.sql_path, f"the query failed: {error}") from error
            found.append(gather(model, hits))
        return found

    def _may_fire(self, code: str, rows: dict[str, int]) -> bool:
        """Whether the household has a row of each table the model needs (applications.yaml
        `needs_household_rows`): without one its query would find nothing."""
        return all(any(rows[name] for name in need.split("|"))
                   for need in self._needs.get(code, ()))


def _manifest_state(path: Path) -> tuple[int, int, int]:
    """Which manifest is in place: a commit replaces the file, so its identity changes."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return (0, 0, 0)
    return (found.st_ino, found.st_mtime_ns, found.st_size)


def _verdict(rows: ApplicantRows, fired: Fired, seconds: float,
             detail: ExplanationDetail) -> ApplicationVerdict:
    """The detections the application's payment row is evidence of, as the verdict."""
    payment = rows.overlays()["payments"]
    detections = fired.on_rows("payments", payment).get(1, [])  # the row's number: 1
    findings = tuple(ModelFinding(code, fired.library[code].spec.name_zh, text)
                     for code, text in told(detections, fired.library, detail))
    return ApplicationVerdict(
        id_number=rows.id_number, name=rows.name, program=rows.program,
        program_name=rows.program_name, period=rows.period, amount=f"{rows.amount:.2f}",
        declared_area=_area_text(rows.declared_area),
        verdict="hold" if findings else "pass", findings=findings, seconds=seconds)


def _area_text(area: Decimal | None) -> str | None:
    return None if area is None else f"{area.normalize():f}"


def screen_application(settings: Settings, application: Application,
                       detail: ExplanationDetail = "full") -> ApplicationVerdict:
    """One application screened cold, by the screening core itself: its rows laid over the
    whole warehouse (`screen_overlay`), as a batch's are. The command line's way (the
    machine's operator reads the full explanation); the warm `ApplicationScreener` must say
    the same (a test holds them equal)."""
    started = time.perf_counter()
    catalog = load_catalog(settings.catalog)
    rows = ApplicationReader(catalog).read(application)
    engine = DuckDBEngine()
    try:
        open_warehouse(engine, Warehouse(settings.warehouse_dir))
        rows = with_standing(rows, standing_enrollments(engine, rows), catalog)
    finally:
        engine.close()
    fired = screen_overlay(settings, rows.overlays(), tuple(APPLICATIONS.not_screened))
    return _verdict(rows, fired, time.perf_counter() - started, detail)
