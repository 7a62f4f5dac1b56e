"""`sunlight demo`: a synthetic county ingested, every model run, published, and served."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sunlight.cli.console import console, errors
from sunlight.cli.database import open_session
from sunlight.cli.detect import print_outcomes
from sunlight.cli.exit_codes import BAD_INPUT
from sunlight.cli.generate import generate
from sunlight.cli.ingest import run_ingest
from sunlight.cli.quality import print_summary
from sunlight.cli.serve import listening_socket, serve
from sunlight.cli.warnings import print_scorecard, print_top
from sunlight.contract.vocabulary import ROLE_ZH
from sunlight.demo_home import demo_county, foreign_batches
from sunlight.demo_staff import (
    DEMO_PASSWORD,
    DemoAccount,
    create_demo_staff,
    give_townships_phones,
)
from sunlight.detect import run_detection
from sunlight.ingest.pipeline import plan_delivery
from sunlight.publish.run import run_publication
from sunlight.settings import get_settings
from sunlight.warehouse.store import Warehouse


def demo_command(
    persons: Annotated[int, typer.Option(min=500, help="Residents of the demo county.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Seed of the demo county.")] = 2024,
    replace_existing: Annotated[bool, typer.Option(
        help="Delete what SUNLIGHT_HOME's warehouse holds even if it is not demo data.")]
    = False,
    serve_app: Annotated[bool, typer.Option(
        "--serve/--no-serve", help="End by serving the workbench (until Ctrl-C).")] = True,
    host: Annotated[str, typer.Option(help="Address the workbench listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(
        min=0, max=65535, help="Port the workbench listens on (0: any free port, printed)."
    )] = 8000,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Server processes [default: SUNLIGHT_WEB_WORKERS, else one per CPU core]."
    )] = None,
) -> None:
    """Generate a demo county into SUNLIGHT_HOME, ingest it, run every model, serve the app."""
    settings = get_settings()
    # The port is taken first: a port in use is said at once, not after the whole demo.
    listening = listening_socket(host, port) if serve_app else None
    county = demo_county(settings)
    warehouse = Warehouse(settings.warehouse_dir)
    foreign = foreign_batches(settings)
    if foreign and not replace_existing:
        errors.print(
            f"[red]refused:[/red] {settings.home.resolve()} already holds {len(foreign)} ingested "
            "file(s) that are not the demo county's, and the demo starts from an empty "
            "warehouse. Run it elsewhere (SUNLIGHT_HOME=./demo-home sunlight demo) or pass "
            "--replace-existing to delete them.")
        raise typer.Exit(BAD_INPUT)
    shutil.rmtree(county, ignore_errors=True)
    shutil.rmtree(settings.warehouse_dir, ignore_errors=True)
    if settings.database_url is None:  # the embedded database held only the last demo's cases
        for suffix in ("", "-wal", "-shm"):
            Path(f"{settings.database_path}{suffix}").unlink(missing_ok=True)
    console.rule("[bold]1. 生成示例县 (synthetic county)")
    generate(county, persons, seed, next_batch=True)  # the clerk's 待发放清单 to screen
    console.rule("[bold]2. 数据接入 (ingest)")
    run_ingest(settings, plan_delivery(county / "delivery"), False, settings.ingest_workers)
    console.rule("[bold]3. 数据质量 (data quality)")
    print_summary(warehouse)
    console.rule("[bold]4. 监督模型 (supervision models)")
    print_outcomes(run_detection(settings))
    print_top(10)
    print_scorecard(settings, county / "truth.csv")
    console.rule("[bold]5. 阳光公示 (publication)")
    written = run_publication(settings, actor="demo")
    console.print(f"Published version {written.publication.version}: "
                  f"{written.counts['villages']:,} villages, "
                  f"{written.counts['beneficiaries']:,} beneficiaries (ID numbers masked, "
                  "no bank accounts).")
    console.rule("[bold]6. 工作台 (workbench)")
    with open_session(settings) as session:
        accounts = create_demo_staff(session)
        phones = give_townships_phones(session)
        session.commit()
    console.print(f"Township phones (made up) for the rosters: {len(phones)}")
    console.print(f"Warehouse: {settings.warehouse_dir.resolve()}\n"
                  f"Injected cases: {county / 'truth.csv'}")
    _say_next_batch(county)
    console.print(_accounts_table(accounts))
    if listening is not None:
        serve(settings, listening, demo=True, workers=workers)
    else:
        console.print(f"Serve it with: SUNLIGHT_HOME={settings.home} sunlight serve --demo")


def _say_next_batch(county: Path) -> None:
    """Where the next month's batch is, to screen before it is paid (README: 发放前筛查)."""
    batches = sorted((county / "batch").glob("待发放清单*"))
    if not batches:
        return
    console.print(f"Next month's payment batch (待发放清单) to screen before paying: "
                  f"{batches[0].resolve()}\n"
                  f"  what screening should say of each row: {county / 'screen_truth.csv'}\n"
                  "  screen it on the workbench (发放前筛查, as officer or analyst) or with "
                  f"`sunlight screen {batches[0].resolve()} --out verdicts.xlsx`")


def _accounts_table(accounts: list[DemoAccount]) -> Table:
    table = Table(title=f"演示账户 (demo accounts), password: {DEMO_PASSWORD}")
    for header in ("username", "role", "name", "scope"):
        table.add_column(header)
    for account in accounts:
        table.add_row(account.username, f"{account.role} {ROLE_ZH[account.role]}",
                      account.display_name, account.scope)
    return table
