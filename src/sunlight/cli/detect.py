"""`sunlight detect`: run the supervision models and store their warnings."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sunlight.cli.console import console, errors
from sunlight.cli.database import usable
from sunlight.cli.exit_codes import BAD_INPUT, ENGINE_FAILED, OK, WARNINGS
from sunlight.cli.models import refuse_unknown_model
from sunlight.cli.warnings import print_top
from sunlight.contract.time_limits import TimeLimitsError
from sunlight.detect import DetectionRun, EngineUnavailable, run_detection
from sunlight.entities.build import IndexCounts
from sunlight.models.registry import ModelFileError
from sunlight.models.run_values import EARLIEST_AS_OF, LATEST_AS_OF
from sunlight.models.runner import ModelOutcome, UnknownModel
from sunlight.settings import get_settings
from sunlight.warehouse.engine import EngineFailed
from sunlight.warehouse.spill import remove_stale
from sunlight.warehouse.store import Warehouse


class EngineKind(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


def detect_command(
    models: Annotated[str | None, typer.Option(
        help="Comma-separated model codes to run (default: all); see `sunlight models`.")] = None,
    top: Annotated[int, typer.Option(help="How many of the highest-risk warnings to show.")]
    = 10,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="YYYY-MM-DD",
        help="The date police case steps and inspection findings not yet done are judged at "
             "(default: the latest date in police_cases, else in inspection_findings).")]
    = None,
    engine: Annotated[EngineKind, typer.Option(
        help="Where the models run: embedded DuckDB, or Apache Spark (needs the spark extra "
             "and Java 17). Timelines, the entity index and the 督察 tables are computed on "
             "DuckDB either way.")] = EngineKind.duckdb,
    spark_master: Annotated[str | None, typer.Option(
        "--spark-master", metavar="URL",
        help="With --engine spark: local[N], spark://HOST:7077, yarn, k8s://https://HOST:PORT "
             "or Spark Connect sc://HOST:15002 (default: SUNLIGHT_SPARK_MASTER, else local[2]; "
             "README: Running the models on a Spark cluster).")] = None,
) -> None:
    """Run the models over everything ingested; exit 1 when warnings were raised or changed."""
    settings = get_settings()
    if spark_master is not None and engine is not EngineKind.spark:
        errors.print("[red]refused:[/red] --spark-master is for --engine spark")
        raise typer.Exit(BAD_INPUT)
    judged_at = _as_of_date(as_of)
    remove_stale(settings.engine_temp_dir)  # spill files of a run killed before this one
    codes = models.split(",") if models else None
    try:
        with usable(settings), \
                console.status("running models…") as status:
            def shown(outcome: ModelOutcome) -> None:
                status.update(f"ran {outcome.code}")
            run = run_detection(settings, codes, on_model=shown, as_of=judged_at,
                                engine_kind=engine.value, spark_master=spark_master)
    except UnknownModel as exc:
        refuse_unknown_model(exc)
    except (ModelFileError, TimeLimitsError) as exc:
        errors.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(BAD_INPUT) from exc
    except EngineUnavailable as exc:
        errors.print(f"[red]Spark unavailable:[/red] {escape(str(exc))}")
        raise typer.Exit(BAD_INPUT) from exc
    except EngineFailed as exc:
        errors.print(f"[red]the engine failed:[/red] {escape(str(exc))}\nNothing was stored. "
                     "Run it again; if it fails the same way, the warehouse's files (or the "
                     "Spark cluster) need looking at, not the models.")
        raise typer.Exit(ENGINE_FAILED) from exc
    if run.report is None:
        if any(o.reason for o in run.result.outcomes) and Warehouse(
                settings.warehouse_dir).batches():
            print_outcomes(run)
        errors.print("[red]nothing to run:[/red] no model has its inputs in the warehouse "
                     f"({settings.warehouse_dir.resolve()}); ingest a delivery first "
                     "(`sunlight ingest <folder>`)")
        raise typer.Exit(BAD_INPUT)
    print_outcomes(run)
    print_top(top)
    if run.after_failure:
        errors.print("[red]the engine failed after the warnings were stored:[/red] "
                     f"{escape(run.after_failure)}\nThe warnings above stand; the entity index "
                     "and the 督察 tables were not rebuilt. Run `sunlight detect` again.")
        raise typer.Exit(ENGINE_FAILED)
    raised = run.report.new + run.report.changed + run.report.reraised
    raise typer.Exit(WARNINGS if raised else OK)


def _as_of_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        given = date.fromisoformat(text.strip())
    except ValueError as exc:
        errors.print(f"[red]refused:[/red] --as-of {text!r} is not a date written YYYY-MM-DD")
        raise typer.Exit(BAD_INPUT) from exc
    if not EARLIEST_AS_OF <= given <= LATEST_AS_OF:
        errors.print(f"[red]refused:[/red] --as-of {text!r} is outside the dates ingest reads "
                     f"({EARLIEST_AS_OF.isoformat()} to {LATEST_AS_OF.isoformat()})")
        raise typer.Exit(BAD_INPUT)
    return given


_AS_OF_SOURCES = {"given": "given with --as-of",
                  "police_cases": "the latest date in police_cases",
                  "inspection_findings": "the latest date in inspection_findings"}


def print_outcomes(run: DetectionRun) -> None:
    table = Table(title="监督模型运行结果 (detection)")
    for header in ("model", "warnings", "evidence rows", "seconds", "note"):
        table.add_column(header, justify="left" if header in ("model", "note") else "right")
    for o in run.result.outcomes:
        if o.ran:
            table.add_row(o.code, f"{o.detections:,}", f"{o.rows:,}", f"{o.seconds:.2f}", "")
        else:
            table.add_row(o.code, "", "", "", f"[yellow]skipped:[/yellow] {o.reason}")
    console.print(table)
    if unknown := run.result.unknown_program_rows:
        console.print(f"[yellow]note:[/yellow] {unknown:,} payment rows name a program the "
                      "catalog does not know and were not judged; `sunlight quality export` "
                      "lists them (unknown_program). Add the name as an alias in the catalog.")
    if (as_of := run.result.as_of).day is not None:
        console.print(f"As-of date: {as_of.day.isoformat()} ({_AS_OF_SOURCES[as_of.source]}).")
        if as_of.capped_from is not None:
            console.print(f"[yellow]note:[/yellow] {as_of.source} holds a date after today "
                          f"({as_of.capped_from.isoformat()}): judged as of today instead; "
                          "give --as-of to choose another date.")
    if report := run.report:
        console.print(f"Stored: {report.new:,} new, {report.changed:,} changed, "
                      f"{report.unchanged:,} unchanged, {report.reraised:,} raised again after "
                      f"closing, {report.retracted:,} retracted (run {report.run_id}).")
    if index := run.index:
        console.print(_index_line(index))


def _index_line(index: IndexCounts) -> str:
    if not index.built:
        return (f"Entity index: unchanged (nothing it reads changed since its last build); "
                f"{index.warned:,} entity-warning ties refreshed.")
    kinds = ", ".join(f"{n:,} {kind}" for kind, n in sorted(index.entities.items()))
    written = ("all written" if index.whole else
               f"{index.written:,} entities and {index.links_written:,} links written, "
               f"the rest as they were"
               + (", only what the new batches touch computed again" if index.scoped else ""))
    return (f"Entity index: built {index.total:,} entities ({kinds}) and {index.links:,} links "
            f"in {index.seconds:.2f} s ({written}).")
