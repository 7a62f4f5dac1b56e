"""`sunlight demo`: a synthetic county, ingested, with its quality summary."""

from __future__ import annotations

import shutil
from typing import Annotated

import typer

from sunlight.cli.console import console
from sunlight.cli.generate import generate
from sunlight.cli.ingest import run_ingest
from sunlight.cli.quality import print_summary
from sunlight.ingest.pipeline import plan_delivery
from sunlight.settings import get_settings
from sunlight.warehouse.store import Warehouse


def demo_command(
    persons: Annotated[int, typer.Option(min=500, help="Residents of the demo county.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Seed of the demo county.")] = 2024,
    fresh: Annotated[bool, typer.Option(help="Start from an empty SUNLIGHT_HOME warehouse.")]
    = True,
) -> None:
    """Generate a demo county into SUNLIGHT_HOME, ingest it and show the quality report."""
    settings = get_settings()
    county = settings.home / "demo-county"
    if fresh:
        shutil.rmtree(county, ignore_errors=True)
        shutil.rmtree(settings.warehouse_dir, ignore_errors=True)
    console.rule("[bold]1. 生成示例县 (synthetic county)")
    generate(county, persons, seed)
    console.rule("[bold]2. 数据接入 (ingest)")
    run_ingest(settings, plan_delivery(county / "delivery"), False, settings.ingest_workers)
    console.rule("[bold]3. 数据质量 (data quality)")
    print_summary(Warehouse(settings.warehouse_dir))
    console.print(f"Warehouse: {settings.warehouse_dir.resolve()}\n"
                  f"Injected cases: {county / 'truth.csv'}; "
                  "export the findings with `sunlight quality export --format xlsx quality.xlsx`.")
