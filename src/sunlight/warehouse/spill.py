"""Where the engine spills what does not fit in memory, and removing what a killed run left.

Each process spills into a folder of its own under the temp folder (`run-<pid>-<random>`),
beside a lock file it holds for its whole life. A run that is killed cannot delete its
folder, but the kernel drops its lock: the next start (of the server, `sunlight detect` or
`sunlight ingest`) removes every folder whose lock it can take, and never one whose process
still runs. A task's work folder (`work_folder`: a batch being screened) is kept the same way.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

PREFIX = "run-"
WORK_PREFIX = "work-"
"""A folder of one task's files (a batch being screened: IDs, names, accounts), locked as a
run's spill folder is, so that what a killed process left goes at the next start."""
LOCK_SUFFIX = ".lock"
DUCKDB_SPILL = "duckdb_temp_"
"""How DuckDB names the files it spills (duckdb_temp_storage-…, duckdb_temp_block-…)."""
_mine: dict[Path, tuple[int, Path]] = {}
"""Temp folder → (process id, this process's spill folder in it)."""
_held: list[IO[str]] = []


def spill_folder(root: Path) -> Path:
    """This process's spill folder under `root`, made (and stale ones removed) at first use."""
    known = _mine.get(root)
    if known is not None and known[0] == os.getpid():
        return known[1]
    root.mkdir(parents=True, exist_ok=True)
    remove_stale(root)
    name = f"{PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}"
    lock = (root / f"{name}{LOCK_SUFFIX}").open("w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    folder = root / name
    folder.mkdir()
    _held.append(lock)  # open for the process's life: the lock says it is in use
    _mine[root] = (os.getpid(), folder)
    atexit.register(_remove, folder, root / f"{name}{LOCK_SUFFIX}")
    return folder


@contextmanager
def work_folder(root: Path, purpose: str) -> Iterator[Path]:
    """A new folder under `root` for one task, removed when it ends; locked while it lasts."""
    root.mkdir(parents=True, exist_ok=True)
    name = f"{WORK_PREFIX}{purpose}-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    lock_path = root / f"{name}{LOCK_SUFFIX}"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        folder = root / name
        folder.mkdir(mode=0o700)
        try:
            yield folder
        finally:
            _remove(folder, lock_path)


def remove_stale(root: Path) -> list[Path]:
    """Remove the spill and work folders no live process holds; returns them.

    DuckDB's files directly in `root` (spilled before runs had folders of their own) go only
    when no run is live at all; nothing else there is touched.
    """
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    live = 0
    locks = [*root.glob(f"{PREFIX}*{LOCK_SUFFIX}"), *root.glob(f"{WORK_PREFIX}*{LOCK_SUFFIX}")]
    for lock_path in sorted(locks):
        folder = lock_path.with_name(lock_path.name.removesuffix(LOCK_SUFFIX))
        with lock_path.open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                live += 1
                continue
            shutil.rmtree(folder, ignore_errors=True)
            with suppress(FileNotFoundError):
                lock_path.unlink()
            removed.append(folder)
    if live == 0:
        removed += _remove_loose(root)
    return removed


def _remove_loose(root: Path) -> list[Path]:
    # Only what DuckDB itself names so: SUNLIGHT_HOME may be a folder whose tmp/ holds
    # other programs' files (SUNLIGHT_HOME=/var would make it /var/tmp).
    loose = [path for path in root.iterdir() if path.name.startswith(DUCKDB_SPILL)]
    for path in loose:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with suppress(FileNotFoundError):
                path.unlink()
    return loose


def _remove(folder: Path, lock_path: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    with suppress(FileNotFoundError):
        lock_path.unlink()
