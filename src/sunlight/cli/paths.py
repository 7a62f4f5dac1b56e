"""Where an export goes and in which format, decided before anything is written."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from sunlight.cli.console import errors
from sunlight.cli.exit_codes import BAD_INPUT

FORMATS = ("csv", "xlsx")


class ExportRefused(ValueError):
    """An export path or format that cannot be used, with what to do instead."""


def export_format(path: Path, chosen: str | None) -> str:
    """The format: as asked, else from the file name (a name without suffix means csv)."""
    suffix = path.suffix.lower().lstrip(".")
    if chosen is None:
        if suffix in FORMATS or not suffix:
            return suffix or "csv"
        raise ExportRefused(f"{path.name}: name the file .csv or .xlsx, or give --format csv "
                            "or --format xlsx")
    if suffix in FORMATS and suffix != chosen:
        raise ExportRefused(f"{path.name} ends in .{suffix} but --format is {chosen}")
    return chosen


def prepare_folder(path: Path) -> None:
    """Create the folder the export goes into; refuse when a file stands in its way."""
    for parent in reversed(path.parents):
        if parent.exists() and not parent.is_dir():
            raise ExportRefused(f"cannot write {path}: {parent} is a file, not a folder")
    if path.is_dir():
        raise ExportRefused(f"cannot write {path}: it is a folder; give a file name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportRefused(f"cannot create {path.parent}: {error.strerror or error}") from error


def export_target(path: Path, chosen: str | None) -> str:
    """The export's format, its folder made; an unusable path is refused (exit 2)."""
    try:
        fmt = export_format(path, chosen)
        prepare_folder(path)
    except ExportRefused as exc:
        errors.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(BAD_INPUT) from exc
    return fmt


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """A write that fails (no permission, disk full) is refused naming the file (exit 2)."""
    try:
        yield
    except Exception as exc:
        if not isinstance(exc, OSError) and not _xlsx_create_error(exc):
            raise
        # xlsxwriter wraps the OSError that stopped it.
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else exc
        errors.print(f"[red]cannot write {path}:[/red] "
                     f"{getattr(cause, 'strerror', None) or cause}")
        raise typer.Exit(BAD_INPUT) from exc


def _xlsx_create_error(exc: Exception) -> bool:
    """xlsxwriter's FileCreateError, without importing xlsxwriter on every start of the CLI
    (an error of it can only come from a command that imported it)."""
    module = sys.modules.get("xlsxwriter.exceptions")
    return module is not None and isinstance(exc, module.FileCreateError)
