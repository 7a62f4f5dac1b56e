"""`sunlight ingest`: read department files into the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sunlight.cli.console import console, errors, progress_bar
from sunlight.cli.exit_codes import BAD_INPUT
from sunlight.collector import no_cyclic_gc
from sunlight.contract.catalog import CatalogError
from sunlight.contract.datasets import DATASETS
from sunlight.ingest.bounds import ReadLimits
from sunlight.ingest.pipeline import (
    FileOutcome,
    IngestRefused,
    UnusableDelivery,
    ingest,
    plan_delivery,
    skipped_files,
)
from sunlight.settings import Settings, get_settings
from sunlight.warehouse.spill import remove_stale
from sunlight.warehouse.store import Warehouse


def ingest_command(
    path: Annotated[Path, typer.Argument(help="A delivery folder <root>/<dataset>/*.xlsx|csv, "
                                              "or one file with --dataset.")],
    dataset: Annotated[str | None, typer.Option(help="Dataset code of a single file.")] = None,
    replace: Annotated[bool, typer.Option(help="A file replaces earlier files of the same "
                                               "dataset and file name.")] = False,
    workers: Annotated[int, typer.Option(help="Files read in parallel (0 = one per core).")] = 0,
) -> None:
    """Ingest a delivery folder, or one file of a dataset. All or nothing."""
    settings = get_settings()
    remove_stale(settings.engine_temp_dir)  # spill files of a run killed before this one
    try:
        files = _files(path, dataset)
    except UnusableDelivery as exc:
        errors.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(BAD_INPUT) from exc
    if dataset is None:
        for skipped, why in skipped_files(path):
            console.print(f"[yellow]skipped:[/yellow] {skipped.relative_to(path)} ({why})")
    outcomes = run_ingest(settings, files, replace, workers or settings.ingest_workers)
    _report(outcomes)


def _files(path: Path, dataset: str | None) -> list[tuple[Path, str]]:
    if dataset is None:
        return plan_delivery(path)
    if dataset not in DATASETS:
        raise UnusableDelivery(f"unknown dataset {dataset!r}; one of: {', '.join(DATASETS)}")
    if not path.is_file():
        raise UnusableDelivery(f"{path} is not a file")
    return [(path, dataset)]


def run_ingest(settings: Settings, files: list[tuple[Path, str]], replace: bool,
               workers: int) -> list[FileOutcome]:
    """Ingest with a progress bar; on refusal print why and exit 2."""
    warehouse = Warehouse(settings.warehouse_dir)
    # The cycle collector off: ingestion makes no cycles. Only here, in a process of its own;
    # the web server's upload worker leaves the collector to the server.
    with no_cyclic_gc(), progress_bar() as bar:
        task = bar.add_task("ingest", total=len(files), current="")
        try:
            return ingest(warehouse, files, settings.catalog, replace, workers,
                          progress=lambda name: bar.update(task, advance=1, current=name),
                          limits=ReadLimits.of(settings))
        except IngestRefused as exc:
            bar.stop()
            for outcome in exc.outcomes:
                if outcome.status == "refused":
                    errors.print(f"[red]refused:[/red] {outcome.message}")
            errors.print("Nothing was written: fix the files above and ingest again.")
            raise typer.Exit(BAD_INPUT) from exc
        except CatalogError as exc:
            bar.stop()
            errors.print(f"[red]refused:[/red] {exc}")
            raise typer.Exit(BAD_INPUT) from exc


def _report(outcomes: list[FileOutcome]) -> None:
    ingested = [o for o in outcomes if o.status == "ingested"]
    for outcome in outcomes:
        if outcome.status == "already_ingested" and outcome.replaced:
            console.print(f"{outcome.message}; removed {len(outcome.replaced)} other version(s) "
                          "of it (--replace)")
        elif outcome.status == "already_ingested" and not outcome.again:
            # The same bytes under another name: worth saying which, file by file.
            console.print(f"[yellow]no-op:[/yellow] {outcome.message}")
        elif outcome.replaced:
            console.print(f"replaced {len(outcome.replaced)} earlier file(s): {outcome.message}")
        elif outcome.same_name:
            console.print(f"[yellow]note:[/yellow] {outcome.path.name} has the name of a file "
                          "ingested before; its rows were added to the earlier ones. If it is a "
                          "corrected version, ingest it again with --replace.")
    for outcome in ingested:
        if outcome.batch and outcome.batch.other_sheets:  # contract §1: the first sheet only
            console.print(f"[yellow]note:[/yellow] {outcome.path.name}: only its first sheet "
                          "was read; these sheets also hold cells and were not: "
                          + ", ".join(outcome.batch.other_sheets))
    rows = sum(o.batch.counts.data for o in ingested if o.batch)
    rejected = sum(o.batch.counts.rejected for o in ingested if o.batch)
    again = sum(1 for o in outcomes if o.status == "already_ingested" and o.again)
    console.print(f"Ingested {len(ingested)} file(s), {rows:,} data rows "
                  f"({rejected:,} rejected); {len(outcomes) - len(ingested)} already ingested"
                  + (f" ({again} of them the very files ingested before: no-op)" if again else "")
                  + ". See `sunlight quality`.")
