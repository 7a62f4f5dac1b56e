"""`sunlight warnings`: list, show and export the stored warnings."""

from __future__ import annotations

import json
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from sunlight.appdb import warnings as stored
from sunlight.appdb.tables import Warning, WarningChange
from sunlight.cli.console import console, errors
from sunlight.cli.database import embedded_file_missing, open_session
from sunlight.cli.exit_codes import BAD_INPUT
from sunlight.cli.models import refuse_unknown_model
from sunlight.cli.paths import export_target, writing
from sunlight.contract.cases import RETRACTED, STATUS_ZH
from sunlight.contract.catalog import Catalog, load_catalog
from sunlight.contract.vocabulary import evidence_role_zh
from sunlight.models.registry import Model, library, load_library, model_names
from sunlight.models.runner import UnknownModel, select
from sunlight.settings import Settings, get_settings

if TYPE_CHECKING:
    from sunlight.synth.scorecard import Scorecard

app = typer.Typer(help="The warnings the models raised.", no_args_is_help=True)


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


def _nothing_detected(settings: Settings) -> bool:
    """Say so when no detection ever ran here; a read-only command then creates nothing."""
    missing = embedded_file_missing(settings)
    if missing is not None:
        console.print(f"No warnings stored in {missing.resolve()}: run `sunlight detect` "
                      "(or check that SUNLIGHT_HOME is the deployment's folder).")
    return missing is not None


def _model_codes(text: str | None, library: dict[str, Model] | None = None) -> list[str] | None:
    """Model codes from `A,B`; an unknown code is refused as `detect` refuses it."""
    if not text:
        return None
    try:
        return [model.code for model in select(library or load_library(), text.split(","))]
    except UnknownModel as exc:
        refuse_unknown_model(exc)


@app.command("list")
def list_command(
    top: Annotated[int, typer.Option(min=1, help="How many, highest risk first.")] = 20,
    model: Annotated[str | None, typer.Option(
        help="Only these model codes, comma-separated.")] = None,
    status: Annotated[str | None, typer.Option(
        help="Only this status, as the workbench names it ("
             + ", ".join(STATUS_ZH.values()) + ") or by its code (" + ", ".join(STATUS_ZH)
             + "); retracted ones are left out unless asked for.")] = None,
) -> None:
    """The warnings to look at first: highest risk score, then most money."""
    print_top(top, _model_codes(model), _status_code(status))


def _status_code(text: str | None) -> str | None:
    """A status by its code or its Chinese name; anything else is refused."""
    if text is None:
        return None
    by_name = {name: code for code, name in STATUS_ZH.items()}
    code = text.strip() if text.strip() in STATUS_ZH else by_name.get(text.strip())
    if code is None:
        errors.print(f"[red]refused:[/red] unknown status {text!r}; one of: " + ", ".join(
            f"{name} ({code})" for code, name in STATUS_ZH.items()))
        raise typer.Exit(BAD_INPUT)
    return code


def print_top(n: int, models: list[str] | None = None, status: str | None = None) -> None:
    settings = get_settings()
    if _nothing_detected(settings):
        return
    with open_session(settings) as db:
        warnings = list(stored.top(db, n, models=models, status=status))
        if not warnings:
            asked = ", ".join(f"{k} {v}" for k, v in (
                ("model", ",".join(models or [])), ("status", status)) if v)
            console.print(f"No warnings{' with ' + asked if asked else ''}.")
            return
        console.print(_top_table(warnings))


def _top_table(warnings: list[Warning]) -> Table:
    table = Table(title=f"风险最高的 {len(warnings)} 条预警 (top warnings)")
    for header in ("warning_id", "score", "model", "who", "program", "township",
                   "period", "amount", "status"):
        # Figures never wrap or shorten; names and places may wrap.
        table.add_column(header, justify="right" if header in ("score", "amount") else "left",
                         no_wrap=header not in ("who", "township"))
    for w in warnings:
        period = w.period_from if w.period_from == w.period_to else (
            f"{w.period_from}..{w.period_to}")
        table.add_row(w.warning_id, f"{w.score:.2f}", w.model, w.name or w.account or w.subject,
                      w.program, w.township, period, _amount(w), w.status)
    return table


def _amount(w: Warning) -> str:
    """The money at risk; empty for a warning that concerns none (contract §6)."""
    return f"{w.amount:,.2f}" if w.money else ""


@app.command("show")
def show_command(
    warning_id: Annotated[str, typer.Argument(help="The warning's ID, e.g. W-ABCDEF123456.")],
) -> None:
    """One warning: its explanation, facts, evidence rows and history."""
    settings = get_settings()
    if _nothing_detected(settings):
        raise typer.Exit(BAD_INPUT)
    with open_session(settings) as db:
        w = stored.get(db, warning_id.strip().upper())
        if w is None:
            errors.print(f"[red]no warning {warning_id}[/red] in this database "
                         "(`sunlight warnings list` shows the stored ones)")
            raise typer.Exit(BAD_INPUT)
        _print_warning(w)


def _print_warning(w: Warning) -> None:
    console.print(f"[bold]{w.warning_id}[/bold]  {w.model}  score {w.score:.2f}  "
                  f"status {w.status}  severity {w.severity}")
    console.print(w.explanation)
    subject = w.id_number or w.account or w.subject
    console.print(f"subject {subject}  {w.name}  program {w.program or '—'}  "
                  f"{w.township} {w.village}  {w.period_from}..{w.period_to}  "
                  + (f"{w.amount:,.2f} 元" if w.money else "(no money concerned)"))
    if w.follows is not None:
        later = "payments kept coming" if w.money else "later days were found"
        console.print(f"raised again: {later} after {w.follows.warning_id} was closed")
    console.print("[bold]facts[/bold]  " + "  ".join(f"{k}={v}" for k, v in w.facts.items()))
    evidence = Table(title="evidence: the source rows (row as counted in the sheet or file)")
    for header in ("role", "dataset", "file", "sheet", "row", "period", "at risk"):
        evidence.add_column(header, justify="right" if header in ("row", "at risk") else "left")
    for row in w.evidence:
        at_risk = f"{row.amount:,.2f}" if row.role == "paid" and w.money else ""
        evidence.add_row(evidence_role_zh(row.role, w.money), row.dataset, row.file, row.sheet,
                         str(row.row), row.period, at_risk)
    console.print(evidence)
    console.print("[bold]history[/bold]")
    console.print(f"{w.created_at:%Y-%m-%d %H:%M} raised by detection run {w.first_run_id}")
    for change in w.changes:
        console.print(f"{change.at:%Y-%m-%d %H:%M} {_change_text(change)}")


def _change_text(change: WarningChange) -> str:
    if change.field != "facts":
        return f"{change.field}: {change.old_value} → {change.new_value}"
    try:
        old, new = json.loads(change.old_value), json.loads(change.new_value)
    except ValueError:
        return f"facts: {change.old_value} → {change.new_value}"
    differing = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return "facts: " + ", ".join(f"{k} {old.get(k, '—')} → {new.get(k, '—')}"
                                 for k in differing)


@app.command("export")
def export_command(
    path: Annotated[Path, typer.Argument(help="Where to write the warnings (.csv or .xlsx).")],
    fmt: Annotated[ExportFormat | None, typer.Option(
        "--format", help="csv (the contract's columns) or xlsx (Chinese, for verifiers); "
                         "default: from the file name")] = None,
    models: Annotated[str | None, typer.Option(help="Comma-separated model codes.")] = None,
) -> None:
    """Write every stored warning; missing folders are created."""
    from sunlight.warning_export import write_csv, write_xlsx  # only here: `detect` shows top

    settings = get_settings()
    library = load_library()
    codes = _model_codes(models, library)
    chosen = export_target(path, fmt.value if fmt else None)
    if _nothing_detected(settings):
        raise typer.Exit(BAD_INPUT)
    with open_session(settings) as db:
        warnings = stored.for_export(db, codes, evidence=chosen == "xlsx")
        with writing(path):
            if chosen == "csv":
                write_csv(warnings, path)
            else:
                write_xlsx(warnings, path, library, load_catalog(settings.catalog))
    console.print(f"Wrote {len(warnings):,} warnings to {path}")


def judged_by(truth: list[dict[str, str]], models: dict[str, Model],
              catalog: Catalog) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The truth rows the installed models can judge, and the rest: a row of a model not
    installed, or about a company when the model reads no company payments."""
    judged: list[dict[str, str]] = []
    not_judged: list[dict[str, str]] = []
    for row in truth:
        model = models.get(row["model"])
        program = catalog.by_code.get(row["program"])
        company = program is not None and program.subject == "company"
        reads_companies = model is not None and any(
            "enterprise_payments" in needed.split("|") for needed in model.spec.inputs)
        fits = model is not None and (reads_companies or not company)
        (judged if fits else not_judged).append(row)
    return judged, not_judged


def print_scorecard(settings: Settings, truth_path: Path) -> None:
    """How the stored warnings compare with a generated county's truth.csv."""
    from sunlight.synth.scorecard import read_truth, score
    from sunlight.warning_export import CSV_COLUMNS, csv_row

    with open_session(settings) as db:
        exported = [dict(zip(CSV_COLUMNS, csv_row(w), strict=True))
                    for w in stored.for_export(db) if w.status != RETRACTED]
    truth, not_judged = judged_by(read_truth(truth_path), library(),
                                  load_catalog(settings.catalog))
    card = score(exported, truth)
    console.print(_scorecard_table(card, not_judged))
    console.print(f"示例县注入案例 {card.found}/{card.cases} 条已找到，陷阱误报 {card.fired}/"
                  f"{card.traps} 条，真值之外的预警 {card.unexpected} 条 (injected cases found "
                  f"{card.found} of {card.cases}; traps fired {card.fired} of {card.traps}; "
                  f"warnings beyond the truth {card.unexpected}).")
    if not_judged:
        aside = len(not_judged)
        console.print(f"另有 {aside} 条案例或陷阱属于未安装的模型，未计入 ({aside} truth rows "
                      "are for models, or company payments, the installed library does not "
                      "judge).")


def _scorecard_table(card: Scorecard, not_judged: list[dict[str, str]]) -> Table:
    """Per model: injected cases found, traps fired, and the rows no installed model judges."""
    from sunlight.synth.scorecard import Tally

    names = model_names()
    table = Table(title="示例县注入案例与陷阱 (injected cases and traps, per model)")
    for header in ("model", "模型", "cases found", "traps fired", "not judged"):
        table.add_column(header, justify="left" if header in ("model", "模型") else "right",
                         no_wrap=True)
    aside = Counter(row["model"] for row in not_judged)
    for code in dict.fromkeys([*card.models, *aside]):
        tally = card.models.get(code, Tally())
        table.add_row(code, names.get(code, "（未安装）"), f"{tally.found}/{tally.cases}",
                      f"{tally.fired}/{tally.traps}", str(aside[code] or ""))
    return table
