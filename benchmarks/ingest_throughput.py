"""Ingest throughput at county scale, xlsx and csv separately, with peak memory.

Run by hand (it takes minutes and writes gigabytes under benchmarks/data/):

    .venv/bin/python benchmarks/ingest_throughput.py --persons 250000

For each format it generates the county once (cached), then runs `sunlight ingest` on it in a
fresh SUNLIGHT_HOME and records its peak resident memory (worker processes included). Rows
are data rows read (accepted + rejected).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUNLIGHT = Path(sys.executable).parent / "sunlight"


@dataclass
class Measurement:
    file_format: str
    persons: int
    files: int
    rows: int
    seconds: float
    rows_per_second: float
    peak_rss_mb: float


def tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants now, in KiB."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines()
                          if line.startswith("VmRSS:"))
            pending += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text()
                        .split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run a command; return its wall time and the peak resident memory of its process tree.

    The kernel's high-water mark covers each process alone; with worker processes the peak is
    their sum, so the tree is also sampled (every 250 ms, cheaply: main threads only).
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    peak, done = 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.25):
            peak = max(peak, tree_rss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(command)} exited {code}")
    return elapsed, max(peak, usage.ru_maxrss)


def county(file_format: str, persons: int, seed: int) -> Path:
    out = HERE / "data" / f"county-{persons}-{file_format}-{seed}"
    if not (out / "truth.csv").exists():
        subprocess.run([str(SUNLIGHT), "generate", "--out", str(out), "--persons", str(persons),
                        "--seed", str(seed), "--format", file_format], check=True)
    return out


def measure(file_format: str, persons: int, seed: int, workers: int) -> Measurement:
    out = county(file_format, persons, seed)
    home = HERE / "data" / f"home-{file_format}"
    subprocess.run(["rm", "-rf", str(home)], check=True)
    env = {**os.environ, "SUNLIGHT_HOME": str(home), "SUNLIGHT_WORKERS": str(workers)}
    seconds, peak_kb = run_measured([str(SUNLIGHT), "ingest", str(out / "delivery")], env)
    manifest = json.loads((home / "warehouse" / "manifest.json").read_text("utf-8"))
    rows = sum(b["counts"]["accepted"] + b["counts"]["rejected"] for b in manifest["batches"])
    return Measurement(file_format, persons, len(manifest["batches"]), rows,
                       round(seconds, 2), round(rows / seconds), round(peak_kb / 1024, 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0, help="0 = one per core")
    parser.add_argument("--formats", default="csv,xlsx")
    args = parser.parse_args()
    print(f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    for file_format in args.formats.split(","):
        result = measure(file_format, args.persons, args.seed, args.workers)
        print(json.dumps(asdict(result), ensure_ascii=False))


if __name__ == "__main__":
    main()
