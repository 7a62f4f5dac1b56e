"""`sunlight screen --application`: would approving this application raise a warning?"""

from __future__ import annotations

import typer

from sunlight.cli.console import console, errors
from sunlight.cli.exit_codes import BAD_INPUT, OK, WARNINGS
from sunlight.contract.catalog import CatalogError
from sunlight.models.registry import ModelFileError
from sunlight.screening.application import (
    Application,
    ApplicationRefused,
    ApplicationVerdict,
    screen_application,
)
from sunlight.settings import get_settings
from sunlight.warehouse.spill import remove_stale
from sunlight.warehouse.store import Warehouse


def screen_one(id_number: str | None, name: str | None, program: str | None,
               declared_area: str | None, period: str | None) -> None:
    """Screen one application and exit: 0 pass, 1 hold, 2 refused."""
    settings = get_settings()
    remove_stale(settings.engine_temp_dir)  # spill files of a run killed before this one
    application = Application(id_number or "", name or "", program or "", declared_area, period)
    try:
        verdict = screen_application(settings, application)
    except ApplicationRefused as exc:
        errors.print(f"[red]refused:[/red] {exc.chinese}（{exc}）")
        raise typer.Exit(BAD_INPUT) from exc
    except (CatalogError, ModelFileError) as exc:
        errors.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(BAD_INPUT) from exc
    if not Warehouse(settings.warehouse_dir).batches():
        console.print("[yellow]note:[/yellow] nothing is ingested yet: the application was "
                      "checked against nothing (`sunlight ingest <folder>` first).")
    _print(verdict)
    raise typer.Exit(WARNINGS if verdict.verdict == "hold" else OK)


def _print(verdict: ApplicationVerdict) -> None:
    area = f"，申报面积{verdict.declared_area}亩" if verdict.declared_area is not None else ""
    console.print(f"{verdict.name}（{verdict.id_number}）申请{verdict.program_name}，"
                  f"{verdict.period}，按标准{verdict.amount}元{area}")
    console.print(f"筛查结论：{verdict.verdict_zh}", markup=False)
    for finding in verdict.findings:
        console.print(f"【{finding.name_zh}】{finding.explanation}", markup=False)
