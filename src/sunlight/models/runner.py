"""Running the models: warehouse and catalog in, one Detection per (model, subject, program) out.

Every model's query returns one row per evidence row, in the shape `output.py` describes.
The runner merges the rows of one (model, subject, program) into one Detection: periods into
a range, amounts into a total, evidence rows into a list.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import pyarrow as pa
import yaml

from sunlight.contract.catalog import Catalog
from sunlight.contract.datasets import DATASETS
from sunlight.contract.time_limits import TimeLimits, load_time_limits
from sunlight.contract.vocabulary import SUBJECT_KIND_ZH
from sunlight.identity import name_keys
from sunlight.models.catalog_tables import catalog_tables
from sunlight.models.detection import CENT, Detection, EvidenceRow, Flag, Occurrence
from sunlight.models.duty_tables import duty_tables
from sunlight.models.explain import BY_PERIOD, period_text, template_fields
from sunlight.models.output import PERSON_FIELDS, REQUIRED_OUTPUT
from sunlight.models.registry import (
    Model,
    ModelFileError,
    ParameterValue,
    library,
    sql_facts,
)
from sunlight.models.relation_cache import Relation, RelationCache, RelationKeys, RunInputs
from sunlight.models.run_values import RUN_CONTEXT, AsOf, resolve_as_of, run_tables
from sunlight.models.subjects import lookup, named, people_of
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.engine import Engine, EngineError, EngineFailed
from sunlight.warehouse.store import Warehouse
from sunlight.warehouse.tables import Overlay, batches_table, open_warehouse

POLICE_DEPARTMENT = "公安局 督察"
"""The department of the police datasets of contract §6 (datasets.yaml), some shared."""


class UnknownModel(KeyError):
    """A model code the library does not hold."""


@dataclass
class ModelOutcome:
    """What became of one model in a run."""

    code: str
    ran: bool
    reason: str = ""
    rows: int = 0
    detections: int = 0
    seconds: float = 0.0


@dataclass
class DetectionResult:
    detections: list[Detection] = field(default_factory=list)
    outcomes: list[ModelOutcome] = field(default_factory=list)
    unknown_program_rows: int = 0
    """Payment rows of programs the catalog does not know: in the quality report, not judged."""
    as_of: AsOf = field(default_factory=lambda: AsOf(None, ""))
    """The date steps not yet taken were judged at (contract §6), and where it came from."""

    @property
    def models_run(self) -> list[str]:
        return [o.code for o in self.outcomes if o.ran]


@cache
def _relations_listed() -> list[dict[str, Any]]:
    folder = resources.files("sunlight.models").joinpath("base")
    listed: list[dict[str, Any]] = yaml.safe_load(
        folder.joinpath("relations.yaml").read_text("utf-8"))
    return [{**entry, "text": folder.joinpath(entry["sql"]).read_text("utf-8")}
            for entry in listed]


def base_relations() -> list[tuple[str, str]]:
    """(name, SQL) of the shared relations, in the order they are defined."""
    return [(entry["name"], entry["text"]) for entry in _relations_listed()]


@cache
def cached_relations() -> dict[str, Relation]:
    """The shared relations as the relation cache keys them."""
    inputs = relation_inputs()
    return {entry["name"]: Relation(entry["name"], entry["text"],
                                    frozenset(inputs[entry["name"]]), entry.get("parts"),
                                    entry.get("rows_of"))
            for entry in _relations_listed()}


def _declared(name: str, flag: str) -> bool:
    """Whether relations.yaml sets `flag` on the relation: `view` (a view whatever reads it),
    `keep` (kept between runs even when one model reads it)."""
    return any(e["name"] == name and e.get(flag) for e in _relations_listed())


@cache
def relation_inputs() -> dict[str, set[str]]:
    """Per shared relation, the tables and relations its query reads."""
    return {name: set(sql_facts(sql).tables) for name, sql in base_relations()}


def relations_read(tree_tables: set[str]) -> set[str]:
    """Every shared relation a query reads, directly or through other relations."""
    wanted = set(tree_tables)
    for name, _ in reversed(base_relations()):  # later relations read only earlier ones
        if name in wanted:
            wanted |= relation_inputs()[name]
    return wanted


def needed_relations(models: Sequence[Model]) -> list[tuple[str, str, bool]]:
    """(name, SQL, shared) of the relations the models read, in order.

    `shared`: two or more of the models read it, so it is worth computing once into a table;
    otherwise it stays a view that the engine plans into the one query that reads it.
    """
    readers: dict[str, int] = {}
    for model in models:
        for name in relations_read(model.tables):
            readers[name] = readers.get(name, 0) + 1
    return [(name, sql, readers[name] > 1 and not _declared(name, "view"))
            for name, sql in base_relations() if name in readers]


def prepare(engine: Engine, warehouse: Warehouse, catalog: Catalog,
            models: Sequence[Model], overlays: Mapping[str, Overlay] | None = None,
            narrowed: Collection[str] = (), as_of: date | None = None,
            time_limits: TimeLimits | None = None, cache: RelationCache | None = None
            ) -> tuple[set[str], AsOf]:
    """Register warehouse, catalog and the run's values, set up the relations the models
    read; return the datasets present and the run's as-of date.

    `overlays`: rows laid over datasets as if just ingested, `narrowed`: datasets then kept
    to the overlaid rows' people (screening; see `open_warehouse`); `as_of`: the date steps
    not yet taken are judged at, by default the contract's (`run_values.resolve_as_of`);
    `time_limits`: the police case limits, by default those shipped; `cache`: where the
    shared relations are kept between runs (DuckDB over the warehouse as committed only).
    """
    present = open_warehouse(engine, warehouse, overlays, narrowed)
    tables = {**catalog_tables(catalog), **duty_tables()}
    for name, table in tables.items():
        engine.register_table(name, table)
    judged_at = resolve_as_of(engine, as_of)
    values = run_tables(judged_at, time_limits or load_time_limits())
    for name, table in values.items():
        engine.register_table(name, table)
    relations = needed_relations(models)
    kept = _kept(engine, warehouse, cache if not overlays else None)
    for name, sql, shared in relations:
        if (shared or _declared(name, "keep")) and kept(name):
            continue
        if shared:
            engine.materialise(name, sql)
        else:
            engine.create_view(name, sql)
    if "person" not in {name for name, _, _ in relations}:  # the runner names people with it
        engine.create_view("person", dict(base_relations())["person"])
    if any("name_keys" in m.tables for m in models):
        _register_name_keys(engine, kept)
    return present, judged_at


def _register_name_keys(engine: Engine, kept: Callable[[str], bool]) -> None:
    """`name_keys`: the keys of the names written otherwise as paid and in the registry
    (`differing_name`, kept between runs where runs are kept, though no model reads it: a
    month adds its rows)."""
    if not kept("differing_name"):
        engine.create_view("differing_name", dict(base_relations())["differing_name"])
    differing = engine.query("SELECT DISTINCT payee_name, registry_name FROM differing_name")
    engine.register_table("name_keys", name_keys(
        differing.column("payee_name").to_pylist()
        + differing.column("registry_name").to_pylist()))


def _kept(engine: Engine, warehouse: Warehouse, cache: RelationCache | None
          ) -> Callable[[str], bool]:
    """Whether a shared relation was made a view over the rows the cache keeps (computed and
    written there if missing); always False without a cache or on another engine than
    DuckDB."""
    keys = _run_keys(engine, warehouse, cache)
    if cache is None or keys is None or not isinstance(engine, DuckDBEngine):
        return lambda name: False
    duckdb_engine = engine
    return lambda name: cache.materialise(duckdb_engine, keys, cached_relations()[name])


def _run_keys(engine: Engine, warehouse: Warehouse, cache: RelationCache | None
              ) -> RelationKeys | None:
    """The run's keys, made once and shared by its relations and models (one day, one
    manifest for both); None without a cache, on another engine than DuckDB, or when an
    ingest committed since the warehouse was registered (the manifest read now is not the
    one the engine reads: rows of the files registered could be kept under others' keys)."""
    if cache is None or not isinstance(engine, DuckDBEngine):
        return None
    if cache.run_keys is not None:
        return cache.run_keys
    batches = warehouse.batches()
    registered = engine.registered.get("batches")
    # The whole table: the same bytes removed and ingested again keep their hash, not their day.
    if registered is None or not registered.equals(batches_table(batches)):
        return None
    # The live mapping: tables registered later in the run (name_keys) are described too.
    inputs = RunInputs(warehouse, batches, engine.registered, _today(engine),
                       today_now=lambda: _today(engine))
    cache.run_keys = RelationKeys(cached_relations(), inputs)
    return cache.run_keys


def detect(engine: Engine, warehouse: Warehouse, catalog: Catalog, models: Sequence[Model],
           overrides: dict[str, dict[str, ParameterValue]] | None = None,
           on_model: Callable[[ModelOutcome], None] | None = None,
           context: Iterable[Flag] = (),
           overlays: Mapping[str, Overlay] | None = None,
           narrowed: Collection[str] = (), as_of: date | None = None,
           time_limits: TimeLimits | None = None, cache: RelationCache | None = None
           ) -> DetectionResult:
    """Run the models over everything ingested; a model whose inputs are absent is skipped.

    `context`: standing warnings of the models not run (see `annotate`); `overlays`: rows
    laid over datasets as if just ingested, written nowhere, and `narrowed`, `as_of` and
    `time_limits` and `cache` (see `prepare`).
    """
    result = DetectionResult()
    present, result.as_of = prepare(engine, warehouse, catalog, models, overlays, narrowed,
                                    as_of, time_limits, cache)
    result.unknown_program_rows = int(engine.query(
        "SELECT count(*) AS n FROM payments WHERE program_code IS NULL").column("n")[0].as_py())
    kept = _kept_rows(engine, warehouse, cache if not overlays else None)
    for model in models:
        outcome = _run_one(engine, model, present, (overrides or {}).get(model.code), result,
                           kept)
        result.outcomes.append(outcome)
        if on_model:
            on_model(outcome)
    if result.models_run:
        programs = {program.code: program.name for program in catalog.programs}
        police = {m.code for m in [*models, *library().values()] if police_model(m)}
        result.detections = dated(annotate(
            named(result.detections, lookup(engine, result.detections), programs),
            latest_periods(engine), context, police), models, result.as_of)
    return result


def dated(detections: list[Detection], models: Sequence[Model], as_of: AsOf
          ) -> list[Detection]:
    """The as-of date as fact `as_of` of every warning of a model that reads it or judges
    police data alone (contract §6), so that the warning says at which date it was judged."""
    judging = {m.code for m in models
               if RUN_CONTEXT in relations_read(m.tables) or police_model(m)}
    if as_of.day is None or not judging:
        return detections
    day = as_of.day.isoformat()
    return [replace(d, facts={**d.facts, "as_of": day}) if d.model in judging else d
            for d in detections]


def police_model(model: Model) -> bool:
    """A model of police supervision: every dataset it reads is the 督察 unit's (§6)."""
    return all(DATASETS[name].department.startswith(POLICE_DEPARTMENT)
               for need in model.spec.inputs for name in need.split("|"))


# Each kind of subject is paid through its own dataset (contract §5); a row of a program of the
# other subject is reported by ingestion and moves no latest period.
_PAID_BY_KIND = {"person": "payments", "company": "enterprise_payments"}


def latest_periods(engine: Engine) -> dict[tuple[str, str], str]:
    """The latest period paid per (paying kind, program), and per kind over its programs
    under (kind, '')."""
    table = engine.query(" UNION ALL ".join(
        f"SELECT '{kind}' AS kind, p.program_code AS program, max(p.period) AS latest "
        f"FROM {dataset} AS p JOIN programs AS g ON g.code = p.program_code "
        f"AND g.subject = '{kind}' GROUP BY p.program_code"
        for kind, dataset in _PAID_BY_KIND.items()))
    latest: dict[tuple[str, str], str] = {}
    for kind, program, period in zip(table.column("kind").to_pylist(),
                                     table.column("program").to_pylist(),
                                     table.column("latest").to_pylist(), strict=True):
        latest[(kind, program)] = period
        latest[(kind, "")] = max(latest.get((kind, ""), ""), period)
    return latest


def paying_kind(detection: Detection) -> str:
    """Whose payments a warning is compared with: a company's, or (any other) a person's."""
    return "company" if detection.subject_kind == "company" else "person"


def annotate(detections: list[Detection], latest: dict[tuple[str, str], str],
             context: Iterable[Flag] = (), police: Collection[str] = ()) -> list[Detection]:
    """Facts that need more than one model: is the money still flowing, what else fired on
    the person, how many others were flagged in the village.

    `context` holds the standing warnings of models not run this time, so that running a few
    models gives their warnings the same facts as running all of them. `police`: the codes of
    the 督察 models (§6), whose warnings on an officer and the subsidy warnings on the same
    person are different matters, neither counted as the other's `other_models`.
    """
    flags = [Flag(d.model, d.id_number, d.township, d.village)
             for d in detections if d.id_number] + list(context)
    models_on: dict[tuple[bool, str], set[str]] = {}
    flagged_in: dict[tuple[str, str], set[str]] = {}
    for flag in flags:
        models_on.setdefault((flag.model in police, flag.id_number), set()).add(flag.model)
        flagged_in.setdefault((flag.township, flag.village), set()).add(flag.id_number)
    annotated = []
    for d in detections:
        facts = dict(d.facts)
        if d.money:  # whether money still flows means nothing to a warning of none
            last_paid = latest.get((paying_kind(d), d.program))
            facts["ongoing"] = "1" if d.period_to and d.period_to == last_paid else "0"
        others = models_on.get((d.model in police, d.id_number), {d.model}) - {d.model}
        facts["other_models"] = str(len(others))
        neighbours = flagged_in.get((d.township, d.village), set()) - {d.id_number}
        facts["village_warnings"] = str(len(neighbours) if d.village else 0)
        annotated.append(replace(d, facts=facts))
    return annotated


KeptRows = Callable[[Model, str, Callable[[], pa.Table]], pa.Table]
"""A model's rows from the cache, or computed (the callable given) and kept there."""


def _kept_rows(engine: Engine, warehouse: Warehouse, cache: RelationCache | None
               ) -> KeptRows | None:
    """The models' rows as the cache keeps them, keyed by the rendered SQL and what it
    reads; None without a cache or on another engine than DuckDB."""
    keys = _run_keys(engine, warehouse, cache)
    if cache is None or keys is None or not isinstance(engine, DuckDBEngine):
        return None
    duckdb_engine = engine

    def kept(model: Model, sql: str, compute: Callable[[], pa.Table]) -> pa.Table:
        if model.spec.rows_of or model.spec.grouped_by:  # a month computes its own part
            return cache.rows_by_batches(duckdb_engine, keys, model.code, sql,
                                         frozenset(model.tables),
                                         model.spec.rows_of or "payments", compute,
                                         model.spec.grouped_by, model.spec.recomputed)
        return cache.rows(keys.query(model.code, sql, model.tables), model.code, compute,
                          keys.inputs.same_day)
    return kept


def _today(engine: Engine) -> str:
    """The engine's `current_date` (its time zone's), as a query reading it sees it."""
    return str(engine.query("SELECT CAST(current_date AS VARCHAR) AS d").column("d")[0].as_py())


def _run_one(engine: Engine, model: Model, present: set[str],
             overrides: dict[str, ParameterValue] | None, result: DetectionResult,
             kept: KeptRows | None = None) -> ModelOutcome:
    if missing := model.missing_inputs(present):
        wanted = ", ".join(m.replace("|", " or ") for m in missing)
        return ModelOutcome(model.code, False, f"no data for {wanted}")
    started = time.perf_counter()
    sql = model.render(overrides)
    try:
        # A model's statement (dozens of CTEs) costs more to bind than its rows to copy.
        hits = (engine.query_few(sql) if kept is None
                else kept(model, sql, lambda: engine.query_few(sql)))
    except EngineFailed as error:
        raise EngineFailed(f"{model.code}: {error}") from error
    except EngineError as error:
        raise ModelFileError(model.sql_path, f"the query failed: {error}") from error
    detections = gather(model, hits)
    result.detections.extend(detections)
    return ModelOutcome(model.code, True, rows=hits.num_rows, detections=len(detections),
                        seconds=time.perf_counter() - started)


def gather(model: Model, hits: pa.Table) -> list[Detection]:
    """Merge a model's evidence rows into one Detection per (subject, program)."""
    if missing := [name for name in REQUIRED_OUTPUT if name not in hits.column_names]:
        raise ModelFileError(model.path, "the query returned no column " + ", ".join(missing))
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in hits.to_pylist():
        if (model.spec.money and (row.get("role") or "paid") == "paid"
                and not (row["amount"] or 0) > 0):
            continue  # a row with nothing at risk is no evidence of loss
        groups.setdefault((str(row["subject"]), row["program"] or ""), []).append(row)
    if model.spec.amount == "rows":  # basis rows alone show why, but nothing was lost
        groups = {key: rows for key, rows in groups.items()
                  if any((row.get("role") or "paid") == "paid" for row in rows)}
    return [_detection(model, subject, program, rows)
            for (subject, program), rows in sorted(groups.items())]


def _order(row: dict[str, Any]) -> tuple[str, str, str, int]:
    return (str(row["period"] or ""), str(row["source_file"] or ""),
            str(row["source_sheet"] or ""), int(row["source_row"] or 0))


def _detection(model: Model, subject: str, program: str, rows: list[dict[str, Any]]
               ) -> Detection:
    rows.sort(key=_order)
    evidence = _evidence(rows)
    # From the query's rows, not the evidence: one row may stand for several periods (a post's
    # row for each date it was left uncovered, there being no row for an absence).
    periods = sorted(day for row in rows if (row.get("role") or "paid") == "paid"
                     for day in _days(row)) or sorted(day for row in rows for day in _days(row))
    facts = _facts(rows, model.spec.each_period)
    if model.spec.amount == "shortfall":  # a gap the query computed, not a sum of rows
        amount = Decimal(facts.get("shortfall", "0")).quantize(CENT)
    else:
        amount = sum((Decimal(str(row["amount"] or 0)) for row in rows),
                     Decimal("0")).quantize(CENT)
    first = {name: _first(rows, name) for name in PERSON_FIELDS}
    return Detection(
        model=model.code, subject=subject, program=program, severity=model.spec.severity,
        period_from=periods[0] if periods else "", period_to=periods[-1] if periods else "",
        amount=amount, facts=facts, evidence=evidence, template=model.spec.explanation,
        period_template=model.spec.each_period,
        amount_from_rows=model.spec.amount == "rows", subject_kind=_subject_kind(model, rows),
        people=people_of(model, rows), unit=_first(rows, "unit"),
        subject_name=_first(rows, "subject_name"), money=model.spec.money,
        occurrences=() if model.spec.money else _occurrences(rows), **first)


def _days(row: dict[str, Any]) -> tuple[str, ...]:
    """The first and last period a row stands for: a row of a stretch of days (`period` to
    `period_end`) stands for all of them."""
    if not row["period"]:
        return ()
    return (str(row["period"]), str(row.get("period_end") or row["period"]))


def _occurrences(rows: list[dict[str, Any]]) -> tuple[Occurrence, ...]:
    return tuple(
        Occurrence((row["source_dataset"], str(row["source_file"]),
                    str(row["source_sheet"] or ""), int(row["source_row"])),
                   row.get("role") or "paid", *_days(row))
        for row in rows if row["period"])


def _subject_kind(model: Model, rows: list[dict[str, Any]]) -> str:
    """The rows' own `subject_kind` (a model judging persons and companies), else the YAML's."""
    kind = str(rows[0].get("subject_kind") or model.spec.subject_kind)
    if kind not in SUBJECT_KIND_ZH:
        raise ModelFileError(model.sql_path, f"subject_kind {kind!r} is not one of "
                             + ", ".join(SUBJECT_KIND_ZH))
    return kind


def _first(rows: list[dict[str, Any]], name: str) -> str:
    return next((str(row[name]) for row in rows if row.get(name)), "")


def _evidence(rows: list[dict[str, Any]]) -> tuple[EvidenceRow, ...]:
    found: dict[tuple[str, str, str, int], EvidenceRow] = {}
    for row in rows:
        main = EvidenceRow(row["source_dataset"], str(row["source_file"]),
                           str(row["source_sheet"] or ""), int(row["source_row"]),
                           row.get("role") or "paid", str(row["period"] or ""),
                           Decimal(str(row["amount"] or 0)).quantize(CENT))
        found[main.key] = main
        if row.get("basis_dataset") and row.get("basis_row") is not None:
            basis = EvidenceRow(row["basis_dataset"], str(row["basis_file"]),
                                str(row["basis_sheet"] or ""), int(row["basis_row"]), "basis",
                                str(row.get("basis_period") or ""))
            found.setdefault(basis.key, basis)
    return tuple(sorted(found.values(), key=lambda r: (r.role != "paid", r.key)))


def _facts(rows: list[dict[str, Any]], each_period: str = "") -> dict[str, str]:
    """Each fact from the earliest row that has it; for a model saying each period
    (`each_period`) of a warning that spans several, the facts its template names give way
    to fact `by_period`, every period said in turn."""
    facts = _first_facts(rows)
    paid = [row for row in rows if (row.get("role") or "paid") == "paid"]
    periods = sorted({str(row["period"]) for row in paid if row["period"]})
    if not each_period or len(periods) < 2:
        return facts
    said = [period_text(each_period, _first_facts(of_period), sum(
                (Decimal(str(row["amount"] or 0)) for row in of_period), Decimal("0")))
            for period in periods
            if (of_period := [row for row in paid if str(row["period"]) == period])]
    named = {name.removesuffix("_zh") for name in template_fields(each_period)}
    return {**{name: value for name, value in facts.items() if name not in named},
            BY_PERIOD: "；".join(said)}


def _first_facts(rows: list[dict[str, Any]]) -> dict[str, str]:
    names = [name for name in rows[0] if name.startswith("fact_")]
    facts = {}
    for name in names:
        value = next((row[name] for row in rows if row[name] is not None), None)
        if value is not None:
            facts[name.removeprefix("fact_")] = _text(value)
    return facts


def _text(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def select(library: dict[str, Model], codes: Iterable[str] | None) -> list[Model]:
    """The models asked for by code (all when none), in library order; unknown codes refused."""
    if not codes:
        return list(library.values())
    wanted = [code.strip().upper() for code in codes if code.strip()]
    if unknown := [code for code in wanted if code not in library]:
        raise UnknownModel(", ".join(unknown))
    return [library[code] for code in library if code in wanted]
