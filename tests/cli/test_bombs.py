"""`sunlight ingest` refuses spreadsheet and CSV bombs: exit 2, the file and the reason named,
the warehouse untouched, memory bounded.

Each bomb is ingested by the real command in a process of its own, whose address space the
test caps at 3 GB: had the reader's own cap failed, the command would die there instead of
taking the machine, and its peak memory would show it.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.cli.exit_codes import BAD_INPUT
from tests.conftest import write_csv, write_xlsx
from tests.ingest import bombs

SUNLIGHT = Path(sys.executable).parent / "sunlight"
COMMAND_CAP = 3 << 30
READER_MB = 600
PEAK_LIMIT_MB = 1_500  # the command and its reader together, at their highest

Bomb = Callable[[Path], Path]
BOMBS: dict[str, tuple[Bomb, str]] = {
    "lying-zip": (lambda folder: bombs.xlsx_bomb(folder / "花名册.xlsx", 300_000, lie=2_000),
                  "the spreadsheet unpacks to more than 5 MB"),
    "ods": (lambda folder: bombs.ods_bomb(folder / "花名册.ods"),
            f"needs more than the {READER_MB} MB of memory a reader may use"),
    "far-cell": (lambda folder: bombs.xlsx_cells(folder / "花名册.xlsx",
                                                 {"A1": "姓名", "XFD1048576": "x"}),
                 "a cell in column 16,384, more than the 1,000 columns allowed"),
    "too-many-rows": (lambda folder: bombs.xlsx_cells(folder / "花名册.xlsx",
                                                      {"A1": "姓名", "A1048577": "x"}),
                      "1,048,577 rows, more than Excel allows"),
    "wide-csv": (lambda folder: write_csv(folder / "花名册.csv",
                                          [[f"列{i}" for i in range(5_000)]] * 3),
                 "5,000 columns, more than the 1,000 columns allowed"),
}


def _cap_command() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (COMMAND_CAP, COMMAND_CAP))


def ingest_capped(*arguments: str) -> tuple[int, str, int]:
    """Run `sunlight ingest` capped; its exit code, its output and its peak memory in MB."""
    env = {**os.environ, "SUNLIGHT_INGEST_READER_MEMORY_MB": str(READER_MB),
           "SUNLIGHT_INGEST_SHEET_MAX_UNPACKED_MB": "5", "COLUMNS": "400"}
    with tempfile.TemporaryFile("w+", encoding="utf-8") as output:
        process = subprocess.Popen([str(SUNLIGHT), "ingest", *arguments], env=env,
                                   stdout=output, stderr=subprocess.STDOUT,
                                   preexec_fn=_cap_command)
        # wait4's usage covers the command and the reader processes it waited for.
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        return process.returncode, output.read(), usage.ru_maxrss // 1024


@pytest.fixture
def manifest(tmp_path: Path, home: Path) -> Path:
    """A warehouse holding one good file, so that a refusal has something to leave alone."""
    good = write_csv(tmp_path / "good" / "低保.csv", [bombs.HEADER, bombs.ROW])
    assert CliRunner().invoke(app, ["ingest", "--dataset", "payments", str(good)]).exit_code == 0
    return home / "warehouse" / "manifest.json"


@pytest.mark.parametrize("kind", list(BOMBS))
def test_a_bomb_is_refused_and_the_warehouse_left_as_it_was(
        tmp_path: Path, manifest: Path, kind: str):
    write, reason = BOMBS[kind]
    path = write(tmp_path / "delivery")
    before = manifest.read_bytes()
    code, output, peak_mb = ingest_capped("--dataset", "payments", str(path))
    assert code == BAD_INPUT, output
    assert f"refused: {path.name} (payments): " in output and reason in output, output
    assert "Nothing was written" in output
    assert manifest.read_bytes() == before
    assert peak_mb < PEAK_LIMIT_MB, peak_mb


def test_a_reader_killed_by_a_bomb_takes_down_only_that_file(tmp_path: Path, manifest: Path):
    delivery = tmp_path / "delivery" / "payments"
    bombs.ods_bomb(delivery / "炸弹.ods")
    for month in (1, 2, 3):
        row = [*bombs.ROW[:3], f"2024-0{month}", *bombs.ROW[4:]]
        write_xlsx(delivery / f"2024-0{month}.xlsx", [bombs.HEADER, row])
    before = manifest.read_bytes()
    code, output, peak_mb = ingest_capped("--workers", "2", str(delivery.parent))
    assert code == BAD_INPUT, output
    refused = [line for line in output.splitlines() if line.startswith("refused:")]
    assert len(refused) == 1 and "炸弹.ods (payments): reading the spreadsheet" in refused[0]
    assert manifest.read_bytes() == before
    assert peak_mb < 2 * PEAK_LIMIT_MB  # two readers at most
    (delivery / "炸弹.ods").unlink()
    code, output, _ = ingest_capped("--workers", "2", str(delivery.parent))
    assert code == 0 and "Ingested 3 file(s)" in output, output
