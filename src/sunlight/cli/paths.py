"""Where an export goes and in which format, decided before anything is written."""

from __future__ import annotations

from pathlib import Path

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
