"""`sunlight screen`: check a batch against everything ingested before it is paid (§7)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sunlight.cli.console import console, errors
from sunlight.cli.exit_codes import BAD_INPUT, OK, WARNINGS
from sunlight.cli.paths import export_target, writing
from sunlight.contract.catalog import CatalogError, load_catalog
from sunlight.models.registry import ModelFileError, library
from sunlight.screening.core import BatchRefused, UnknownBatchKind, screen_file
from sunlight.screening.verdict_files import write_csv, write_xlsx
from sunlight.screening.verdicts import HOLD, UNREADABLE, ScreeningResult
from sunlight.settings import get_settings
from sunlight.warehouse.spill import remove_stale
from sunlight.warehouse.store import Warehouse

# Held and unreadable rows listed on the terminal, at most; the verdict file has them all.
_SHOWN = 20


def screen_command(
    path: Annotated[Path, typer.Argument(help="The batch file (.csv, .xlsx, .xls, .ods).")],
    out: Annotated[Path, typer.Option(help="The verdicts: .csv (contract §7) or .xlsx.")],
    dataset: Annotated[str, typer.Option(help="Kind of batch.")] = "payments",
) -> None:
    """Screen a batch before it is paid; nothing is ingested. Exit 1 when a row is held or
    unreadable, 2 when the file is refused."""
    settings = get_settings()
    remove_stale(settings.engine_temp_dir)  # spill files of a run killed before this one
    fmt = export_target(out, None)
    if not path.is_file():
        errors.print(f"[red]refused:[/red] {path} is not a file")
        raise typer.Exit(BAD_INPUT)
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
        if fmt == "xlsx":
            write_xlsx(result, out, library(), load_catalog(settings.catalog))
        else:
            write_csv(result, out)
    _report(result, out, bool(Warehouse(settings.warehouse_dir).batches()))
    raise typer.Exit(WARNINGS if result.held or result.unreadable else OK)


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
