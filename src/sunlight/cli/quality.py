"""`sunlight quality`: the data-quality summary and export."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sunlight.cli.console import console
from sunlight.cli.paths import export_target, writing
from sunlight.contract.datasets import DATASETS
from sunlight.quality.report import export, summarise
from sunlight.settings import get_settings
from sunlight.warehouse.store import Warehouse

app = typer.Typer(help="The data-quality report.", invoke_without_command=True)


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


@app.callback()
def quality_command(ctx: typer.Context) -> None:
    """Print rows read, accepted, rejected and doubtful per dataset."""
    if ctx.invoked_subcommand is None:
        print_summary(Warehouse(get_settings().warehouse_dir))


def print_summary(warehouse: Warehouse) -> None:
    summaries = summarise(warehouse)
    if not summaries:
        console.print("Nothing ingested yet: run `sunlight ingest <delivery folder>`.")
        return
    table = Table(title="数据质量报告 (data quality)",
                  caption="doubtful = kept, with a warning; 元 = money in rejected payment rows")
    for header in ("dataset", "files", "read", "accepted", "rejected", "doubtful", "non-data",
                   "元"):
        table.add_column(header, justify="left" if header == "dataset" else "right",
                         no_wrap=True)
    for s in summaries:
        table.add_row(s.dataset, str(s.files), f"{s.rows_read:,}",
                      f"{s.accepted:,}", f"{s.rejected:,}", f"{s.doubtful:,}",
                      f"{s.non_data:,}",
                      f"{s.rejected_amount:,.2f}" if DATASETS[s.dataset].paid_amount else "")
    console.print(table)


@app.command("export")
def export_command(
    path: Annotated[Path, typer.Argument(help="Where to write the report.")],
    fmt: Annotated[ExportFormat | None, typer.Option(
        "--format", help="csv or xlsx (default: from the file name)")] = None,
) -> None:
    """Write every finding: dataset, file, sheet, row, severity, reason, value."""
    chosen = export_target(path, fmt.value if fmt else None)
    with writing(path):
        count = export(Warehouse(get_settings().warehouse_dir), chosen, path)
    console.print(f"Wrote {count:,} findings to {path}")
