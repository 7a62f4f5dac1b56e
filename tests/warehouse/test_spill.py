"""Spill files: a killed run's are removed at the next start, a live run's never."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.settings import Settings
from sunlight.warehouse.spill import remove_stale

RUN = """
import sys, time
from pathlib import Path
from sunlight.warehouse.spill import spill_folder
folder = spill_folder(Path(sys.argv[1]))
(folder / "duckdb_temp_storage-0.tmp").write_bytes(b"x" * 4096)
print(folder, flush=True)
time.sleep(120)
"""


@contextmanager
def running(root: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """A run that has spilled into its folder under `root`, until it is killed."""
    child = subprocess.Popen([sys.executable, "-c", RUN, str(root)], stdout=subprocess.PIPE,
                             text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(
                                 sys.path)})
    try:
        assert child.stdout is not None
        yield child, Path(child.stdout.readline().strip())
    finally:
        child.kill()
        child.wait()


def killed_run(root: Path) -> Path:
    with running(root) as (child, folder):
        os.kill(child.pid, signal.SIGKILL)
    assert (folder / "duckdb_temp_storage-0.tmp").exists()
    return folder


def test_a_killed_runs_spill_files_go_and_a_live_runs_stay(tmp_path: Path):
    root = tmp_path / "tmp"
    with running(root) as (_, live):
        stale = killed_run(root)  # its start found the live run's folder and kept it
        assert remove_stale(root) == [stale]
        assert not stale.exists()
        assert (live / "duckdb_temp_storage-0.tmp").exists()  # in use: kept
    assert remove_stale(root) == [live]  # now that its process is gone
    assert sorted(root.iterdir()) == []


def test_the_server_and_the_commands_remove_them_at_start(tmp_path: Path, home: Path):
    from tests.web.conftest import make_staff_app

    settings = Settings(home=home)
    stale = killed_run(settings.engine_temp_dir)
    built = make_staff_app(home, f"sqlite:///{tmp_path}/app.db", with_accounts=False)
    built.app.state.engine.dispose()
    assert not stale.exists()
    runner = CliRunner()
    for command in (["detect"], ["ingest", str(tmp_path / "nothing")]):
        stale = killed_run(settings.engine_temp_dir)
        runner.invoke(app, command)
        assert not stale.exists(), command


def test_only_duckdbs_own_files_are_removed_from_the_temp_folder(tmp_path: Path):
    # A careless SUNLIGHT_HOME (/var) makes the temp folder one that other programs use.
    (tmp_path / "duckdb_temp_storage-3.tmp").write_bytes(b"x")
    (tmp_path / "someone-elses-file.txt").write_text("keep me")
    (tmp_path / "otherdir").mkdir()
    assert remove_stale(tmp_path) == [tmp_path / "duckdb_temp_storage-3.tmp"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["otherdir", "someone-elses-file.txt"]
