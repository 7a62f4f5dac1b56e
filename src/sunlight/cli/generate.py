"""`sunlight generate`: write a synthetic county delivery with its truth."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.progress import Progress, TaskID

from sunlight.cli.console import console, errors, progress_bar
from sunlight.cli.exit_codes import BAD_INPUT


class FileFormat(StrEnum):
    mixed = "mixed"
    xlsx = "xlsx"
    csv = "csv"


def generate_command(
    out: Annotated[Path, typer.Option(help="Folder to write delivery/, truth.csv, bad_rows.csv.")],
    persons: Annotated[int, typer.Option(min=500, help="Residents in the county.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Same seed, same bytes.")] = 1,
    file_format: Annotated[FileFormat, typer.Option("--format", help="mixed, xlsx or csv")]
    = FileFormat.mixed,
    next_batch: Annotated[bool, typer.Option(
        "--next-batch", help="Also write the next month's payment batch (batch/) with injected "
                             "bad rows and look-alikes, and its truth (screen_truth.csv).")]
    = False,
    bureau_only: Annotated[bool, typer.Option(
        "--bureau-only", help="Only a prefecture's public-security bureau, a year of it: the "
                              "five police datasets (--posts, --cases; --persons unused).")]
    = False,
    core_persons: Annotated[int | None, typer.Option(
        "--core-persons", min=500,
        help="Residents built one by one with every case and trap; the rest are clean "
             "background written column-wise (CSV). Default: all up to 200,000 persons, "
             "25,000 above.")] = None,
    posts: Annotated[int, typer.Option(min=12, help="Posts of a --bureau-only bureau.")] = 300,
    cases: Annotated[int, typer.Option(min=100, help="Cases of a --bureau-only bureau.")]
    = 200_000,
) -> None:
    """Generate a synthetic county (every dataset of the contract, messy as real exports) with
    its truth, or with --bureau-only a prefecture's police bureau alone."""
    try:
        if bureau_only:
            generate_bureau_only(out, posts, cases, seed, file_format.value)
            return
        generate(out, persons, seed, file_format.value, next_batch=next_batch,
                 core_persons=core_persons)
    except (FileExistsError, ValueError) as exc:  # an OUT not ours; a core larger than all
        errors.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(BAD_INPUT) from exc


def generate_bureau_only(out: Path, posts: int, cases: int, seed: int,
                         file_format: Literal["mixed", "xlsx", "csv"]) -> None:
    from sunlight.synth.prefecture import generate_bureau

    with progress_bar() as bar:
        report = generate_bureau(out, posts, cases, seed, file_format,
                                 progress=_progress(bar))
    rows = ", ".join(f"{dataset} {count:,}" for dataset, count in report.rows.items())
    console.print(f"Wrote {report.files} files of a bureau of {report.persons:,} officers to "
                  f"{out} ({rows}): {report.cases} cases and {report.traps} traps in truth.csv, "
                  f"{report.bad_rows} unreadable rows in bad_rows.csv.")


def _progress(bar: Progress) -> Callable[[str, int, int], None]:
    tasks: dict[str, TaskID] = {}

    def advance(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total, current="")
        bar.update(tasks[stage], completed=done, total=total)

    return advance


def generate(out: Path, persons: int, seed: int,
             file_format: Literal["mixed", "xlsx", "csv"] = "mixed", *,
             next_batch: bool = False, core_persons: int | None = None) -> None:
    from sunlight.synth import generate_county  # the generator is only loaded when used

    with progress_bar() as bar:
        report = generate_county(out, persons, seed, file_format, progress=_progress(bar),
                                 next_batch=next_batch, core_persons=core_persons)
    console.print(f"Wrote {report.files} files for {report.persons:,} persons to {out}: "
                  f"{report.cases} cases and {report.traps} traps in truth.csv, "
                  f"{report.bad_rows} unreadable rows in bad_rows.csv.")
    if report.batch_path is not None:
        console.print(f"Wrote the next month's batch, {report.batch_rows:,} rows, to "
                      f"{report.batch_path} (its truth: screen_truth.csv).")
    for shortfall in report.shortfalls:
        console.print(f"[yellow]too small for:[/yellow] {shortfall}")
