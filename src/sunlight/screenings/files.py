"""Where a screening's files live under SUNLIGHT_HOME, and their removal.

`screenings/<id>/batch/<file name>` holds the batch until it is screened (then it is deleted,
whatever the outcome); `screenings/<id>/verdicts.xlsx` and `.csv` are kept until the
screening expires. Verdict files are written under a temporary name and renamed, so a
download never finds one half-written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from sunlight.uploads.files import Received, place_in

FORMATS = ("xlsx", "csv")
"""The verdict files of a screening, by suffix."""
FOLDER = "screenings"
"""The folder under SUNLIGHT_HOME (Settings.screenings_dir)."""


def folder_of(screenings_dir: Path, screening_id: int) -> Path:
    return screenings_dir / str(screening_id)


def relative_folder(screening_id: int) -> str:
    """The folder a screening's row records, relative to the home."""
    return f"{FOLDER}/{screening_id}"


def place_batch(received: Received, screenings_dir: Path, screening_id: int) -> Path:
    """Move a received batch to its screening's folder, under the name it was sent with."""
    return place_in(received, folder_of(screenings_dir, screening_id) / "batch")


def batch_path(screenings_dir: Path, screening_id: int, file_name: str) -> Path:
    return folder_of(screenings_dir, screening_id) / "batch" / file_name


def remove_batch(screenings_dir: Path, screening_id: int) -> None:
    """Delete the batch file of a screening (screened, refused or cut off alike)."""
    shutil.rmtree(folder_of(screenings_dir, screening_id) / "batch", ignore_errors=True)


def verdict_path(home: Path, verdicts: str, suffix: str) -> Path | None:
    """A verdict file of a screening whose row names the folder `verdicts`; None if it
    names none (not screened, or expired) or the suffix is not one written."""
    if not verdicts or suffix not in FORMATS:
        return None
    return home / verdicts / f"verdicts.{suffix}"


def write_verdicts(folder: Path, writers: dict[str, Callable[[Path], None]]) -> None:
    """Write each verdict file (suffix → writer of a path) into `folder`, atomically each."""
    folder.mkdir(parents=True, exist_ok=True)
    for suffix, write in writers.items():
        handle, name = tempfile.mkstemp(dir=folder, prefix=".writing-", suffix=f".{suffix}")
        os.close(handle)
        try:
            write(Path(name))
            os.replace(name, folder / f"verdicts.{suffix}")
        finally:
            Path(name).unlink(missing_ok=True)


def remove_all(screenings_dir: Path, screening_id: int) -> None:
    """Delete everything of a screening (its verdicts expired, or a job cut off)."""
    shutil.rmtree(folder_of(screenings_dir, screening_id), ignore_errors=True)
