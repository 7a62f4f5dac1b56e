"""The normalisers may run in any thread: one of an event loop's shared pool, which may end
while the interpreter exits, leaves the process to exit cleanly (it once aborted, exit 134)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.models.county import make_id

SRC = Path(__file__).resolve().parents[2] / "src"

# A pool thread reads an application with the normalisers, then waits idle for work; the
# interpreter exits just as the thread ends (a pool told to stop at exit), the moment at which
# closing a DuckDB connection the thread held aborted the process.
SCRIPT = textwrap.dedent("""
    import atexit, sys, threading, time
    from sunlight.contract.catalog import load_catalog
    from sunlight.screening.application_input import Application, read_application

    read, leave = threading.Event(), threading.Event()

    def pool_thread():
        rows = read_application(Application(sys.argv[1], "周文静", "低保"), load_catalog())
        print(rows.id_number, flush=True)
        read.set()
        leave.wait()

    threading.Thread(target=pool_thread, daemon=True).start()
    read.wait()
    atexit.register(lambda: (leave.set(), time.sleep(0.001)))
""")


def test_a_pool_thread_that_normalised_ends_as_the_process_exits_cleanly(
        tmp_path: Path) -> None:
    id_number = make_id("1960-04-04", 7)
    script = tmp_path / "pool_thread.py"
    script.write_text(SCRIPT, encoding="utf-8")
    for _ in range(3):  # before the fix it aborted nearly every time
        done = subprocess.run([sys.executable, str(script), id_number], capture_output=True,
                              text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(SRC)},
                              check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.strip() == id_number
