"""Ingest throughput at county scale, xlsx and csv separately, with peak memory.

Run by hand (it takes minutes and writes gigabytes under benchmarks/data/):

    .venv/bin/python benchmarks/ingest_throughput.py --persons 250000

For each format it generates the county once (cached), then runs `sunlight ingest` on it in a
fresh SUNLIGHT_HOME and reads the command's peak resident memory from the kernel. Rows are
data rows read (accepted + rejected).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
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


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run a command; return its wall time and its peak resident memory (KiB).

    Ingestion runs in one process (its workers are threads), so the kernel's own high-water
    mark of that process is the peak: no sampling thread competing for the two cores.
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}")
    return elapsed, usage.ru_maxrss


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
