"""`sunlight warnings`: list, show and export the stored warnings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from sunlight.appdb import warnings as stored
from sunlight.appdb.database import database_url, make_engine, session_factory, upgrade
from sunlight.cli.console import console, errors
from sunlight.cli.exit_codes import BAD_INPUT
from sunlight.contract.catalog import load_catalog
from sunlight.models.registry import load_library
from sunlight.settings import get_settings
from sunlight.warning_export import write_csv, write_xlsx

app = typer.Typer(help="The warnings the models raised.", no_args_is_help=True)


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


@contextmanager
def session() -> Iterator[Session]:
    url = database_url(get_settings())
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_factory(engine)() as opened:
            yield opened
    finally:
        engine.dispose()


@app.command("list")
def list_command(
    top: Annotated[int, typer.Option(help="How many, highest risk first.")] = 20,
    model: Annotated[str | None, typer.Option(help="Only this model code.")] = None,
    status: Annotated[str | None, typer.Option(help="Only this status (open, closed, ...).")]
    = None,
) -> None:
    """The warnings to look at first: highest risk score, then most money."""
    print_top(top, model.upper() if model else None, status)


def print_top(n: int, model: str | None = None, status: str | None = None) -> None:
    with session() as db:
        warnings = stored.top(db, n, model=model, status=status)
        if not warnings:
            console.print("No warnings stored: run `sunlight detect`.")
            return
        table = Table(title=f"风险最高的 {len(warnings)} 条预警 (top warnings)")
        for header in ("warning_id", "score", "model", "name", "program", "township",
                       "period", "amount"):
            # Figures never wrap or shorten; names and places may wrap.
            table.add_column(header, justify="right" if header in ("score", "amount") else "left",
                             no_wrap=header not in ("name", "township"))
        for w in warnings:
            period = w.period_from if w.period_from == w.period_to else (
                f"{w.period_from}..{w.period_to}")
            table.add_row(w.warning_id, f"{w.score:.2f}", w.model, w.name or w.account,
                          w.program, w.township, period, f"{w.amount:,.2f}")
        console.print(table)


@app.command("show")
def show_command(
    warning_id: Annotated[str, typer.Argument(help="The warning's ID, e.g. W-ABCDEF123456.")],
) -> None:
    """One warning: its explanation, facts, evidence rows and history."""
    with session() as db:
        w = stored.get(db, warning_id.strip().upper())
        if w is None:
            errors.print(f"[red]no warning {warning_id}[/red]")
            raise typer.Exit(BAD_INPUT)
        console.print(f"[bold]{w.warning_id}[/bold]  {w.model}  score {w.score:.2f}  "
                      f"status {w.status}  {w.severity}")
        console.print(w.explanation)
        console.print(f"subject {w.subject}  program {w.program or '—'}  "
                      f"{w.township} {w.village}  {w.period_from}..{w.period_to}  "
                      f"{w.amount:,.2f} 元")
        if w.follows is not None:
            console.print(f"raised again after {w.follows.warning_id} was closed")
        evidence = Table(title="evidence (source rows)")
        for header in ("role", "dataset", "file", "sheet", "row", "period", "amount"):
            evidence.add_column(header)
        for row in w.evidence:
            evidence.add_row(row.role, row.dataset, row.file, row.sheet, str(row.row),
                             row.period, f"{row.amount:,.2f}")
        console.print(evidence)
        for change in w.changes:
            console.print(f"{change.at:%Y-%m-%d %H:%M} {change.field}: "
                          f"{change.old_value} → {change.new_value}")


@app.command("export")
def export_command(
    path: Annotated[Path, typer.Argument(help="Where to write the warnings.")],
    fmt: Annotated[ExportFormat | None, typer.Option(
        "--format", help="csv (the contract's columns) or xlsx (Chinese, for verifiers); "
                         "default: from the file name, else csv")] = None,
    models: Annotated[str | None, typer.Option(help="Comma-separated model codes.")] = None,
) -> None:
    """Write every stored warning."""
    chosen = fmt or (ExportFormat.xlsx if path.suffix.lower() == ".xlsx" else ExportFormat.csv)
    codes = [c.strip().upper() for c in models.split(",")] if models else None
    with session() as db:
        warnings = stored.for_export(db, codes, evidence=chosen == ExportFormat.xlsx)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if chosen == ExportFormat.csv:
                write_csv(warnings, path)
            else:
                write_xlsx(warnings, path, load_library(), load_catalog(get_settings().catalog))
        except OSError as exc:
            errors.print(f"[red]cannot write {path}:[/red] {exc.strerror or exc}")
            raise typer.Exit(BAD_INPUT) from exc
    console.print(f"Wrote {len(warnings):,} warnings to {path}")
