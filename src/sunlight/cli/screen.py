"""`sunlight screen`: check a batch against everything ingested before it is paid (§7)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sunlight.cli.console import console, errors
from sunlight.cli.exit_codes import BAD_INPUT, OK, WARNINGS
from sunlight.cli.paths import export_target, writing
from sunlight.cli.screen_application import screen_one
from sunlight.contract.catalog import CatalogError, load_catalog
from sunlight.contract.screening import BATCH_KINDS
from sunlight.models.registry import ModelFileError, library
from sunlight.screening.core import BatchRefused, UnknownBatchKind, screen_file
from sunlight.screening.verdict_files import write_csv, write_xlsx
from sunlight.screening.verdicts import HOLD, UNREADABLE, ScreeningResult
from sunlight.settings import get_settings
from sunlight.warehouse.spill import remove_stale
from sunlight.warehouse.store import Warehouse

# Held and unreadable rows listed on the terminal, at most; the verdict file has them all.
_SHOWN = 20


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


def screen_command(
    path: Annotated[Path | None, typer.Argument(
        help="The batch file (.csv, .xlsx, .xls, .ods).")] = None,
    out: Annotated[Path | None, typer.Option(
        help="The verdicts: .csv (contract §7) or .xlsx.")] = None,
    fmt: Annotated[ExportFormat | None, typer.Option(
        "--format", help="csv (contract §7) or xlsx (Chinese, for the clerk); "
                         "default: from the --out file name")] = None,
    dataset: Annotated[str, typer.Option(
        help=f"Kind of batch: {', '.join(BATCH_KINDS)} (contract/screening.yaml).")
    ] = "payments",
    application: Annotated[bool, typer.Option(
        "--application", help="Screen one application before approval instead of a batch.")
    ] = False,
    id_number: Annotated[str | None, typer.Option(help="Application: the ID number.")] = None,
    name: Annotated[str | None, typer.Option(help="Application: the applicant's name.")] = None,
    program: Annotated[str | None, typer.Option(
        help="Application: the program, by name, alias or code.")] = None,
    declared_area: Annotated[str | None, typer.Option(
        help="Application: the declared area in 亩 (programs paid by area).")] = None,
    period: Annotated[str | None, typer.Option(
        help="Application: the month applied for, YYYY-MM (default: this month).")] = None,
) -> None:
    """Screen a batch before it is paid, or with --application one application before it is
    approved; nothing is ingested. Exit 1 when anything is held or unreadable, 2 when the
    file or application is refused."""
    if application:
        screen_one(id_number, name, program, declared_area, period)
    if path is None or out is None:
        errors.print("[red]refused:[/red] give the batch file and --out, or --application")
        raise typer.Exit(BAD_INPUT)
    settings = get_settings()
    remove_stale(settings.engine_temp_dir)  # spill files of a run killed before this one
    if not path.is_file():
        errors.print(f"[red]refused:[/red] {path} is not a file")
        raise typer.Exit(BAD_INPUT)
    if _same_file(path, out):
        errors.print(f"[red]refused:[/red] --out {out} is the batch itself: writing the "
                     "verdicts would overwrite it; give another file name")
        raise typer.Exit(BAD_INPUT)
    chosen = export_target(out, fmt.value if fmt else None)
    try:
        with console.status("screening…"):
            result = screen_file(settings, path, dataset)
    except BatchRefused as exc:
        errors.print(f"[red]refused:[/red] {exc}")
        errors.print("Nothing was screened: fix the file and screen it again.")
        raise typer.Exit(BAD_INPUT) from exc
    except (UnknownBatchKind, CatalogError, ModelFileError) as exc:
        errors.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(BAD_INPUT) from exc
    with writing(out):
        if chosen == "xlsx":
            write_xlsx(result, out, library(), load_catalog(settings.catalog))
        else:
            write_csv(result, out)
    _report(result, out, bool(Warehouse(settings.warehouse_dir).batches()))
    raise typer.Exit(WARNINGS if result.held or result.unreadable else OK)


def _same_file(batch: Path, out: Path) -> bool:
    """Whether `out` names the batch (the same path, or a link to it)."""
    if out.resolve() == batch.resolve():
        return True
    return out.exists() and out.samefile(batch)


def _report(result: ScreeningResult, out: Path, ingested: bool) -> None:
    if not ingested:
        console.print("[yellow]note:[/yellow] nothing is ingested yet: the batch was checked "
                      "against itself alone (`sunlight ingest <folder>` first).")
    for code, reason in result.not_run.items():
        console.print(f"[yellow]not checked:[/yellow] {code} ({reason})")
    flagged = [v for v in result.verdicts if v.verdict in (HOLD, UNREADABLE)]
    for verdict in flagged[:_SHOWN]:
        why = ", ".join(verdict.models) if verdict.verdict == HOLD else "cannot be read"
        console.print(f"row {verdict.row}: {verdict.verdict} ({why})")
    if len(flagged) > _SHOWN:
        console.print(f"… and {len(flagged) - _SHOWN:,} more in {out}")
    console.print(f"Screened {len(result.verdicts):,} rows of {result.file_name} in "
                  f"{result.seconds:.1f} s: {result.held:,} held, {result.unreadable:,} "
                  f"unreadable, {result.passed:,} pass. Verdicts: {out}")
