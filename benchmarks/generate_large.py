"""Generating a large county: `sunlight generate --format csv` at each size, in a fresh process.

    .venv/bin/python benchmarks/generate_large.py --persons 1000000 10000000 --out /work/bench/gen

Prints wall and CPU seconds, the process's peak memory and the size on disk; deletes each
county after measuring it (at 10 million persons it is about 4.5 GB).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path


def measure(persons: int, out: Path, seed: int) -> str:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sunlight", "generate", "--persons", str(persons),
                    "--format", "csv", "--seed", str(seed), "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    shutil.rmtree(out)
    return (f"{persons:>11,} persons: {wall:6.1f} s wall, {cpu:6.1f} s CPU, peak "
            f"{after.ru_maxrss / 1024:,.0f} MB, {size / 2**30:.2f} GB, load "
            f"{os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for persons in args.persons:
        print(measure(persons, args.out / f"county-{persons}", args.seed), flush=True)


if __name__ == "__main__":
    main()
