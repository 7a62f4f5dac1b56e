"""Screening a pending batch on an ingested county: seconds per batch size.

Run by hand on a home already ingested and detected (never written to: screening writes
nothing, and the batch goes to --work):

    .venv/bin/python benchmarks/screening.py --home /work/bench/home-250k --rows 10000

The batch is the latest month's payments a month later, without a payment date (a batch not
yet paid), the first --rows of them by ID: what a department would screen next month. Each
size is screened --runs times in this process (`screen_file`, the engine opened per call as
the CLI does; wall and CPU seconds, the CPU of every thread: on a shared machine the wall
time says more of the neighbours than of screening) and once through `sunlight screen` (a
fresh process: imports included).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

SUNLIGHT = Path(sys.executable).parent / "sunlight"
HEADER = ("项目名称", "身份证号", "姓名", "所属期", "金额", "银行账号", "乡镇", "村")


def make_batch(home: Path, rows: int, target: Path) -> Path:
    """The latest month's payments a month later, the first `rows` by ID, as a CSV file."""
    import duckdb

    payments = home / "warehouse" / "payments" / "*.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"""
            COPY (SELECT program AS "{HEADER[0]}", id_number_as_written AS "{HEADER[1]}",
                         name AS "{HEADER[2]}",
                         strftime(period_start + INTERVAL 1 MONTH, '%Y-%m') AS "{HEADER[3]}",
                         amount AS "{HEADER[4]}", account AS "{HEADER[5]}",
                         township AS "{HEADER[6]}", village AS "{HEADER[7]}"
                  FROM read_parquet('{payments}')
                  WHERE period = (SELECT max(period) FROM read_parquet('{payments}')
                                  WHERE length(period) = 7)
                  ORDER BY id_number, program LIMIT {int(rows)})
            TO '{target}' (HEADER, DELIMITER ',')""")
    finally:
        con.close()
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("benchmarks/data/screening-work"))
    args = parser.parse_args()
    from sunlight.screening.core import screen_file
    from sunlight.settings import Settings

    settings = Settings(home=args.home)
    print(f"{platform.node()} {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M %Z')}, "
          f"load {os.getloadavg()[0]:.1f}")
    for rows in args.rows:
        batch = make_batch(args.home, rows, args.work / f"batch-{rows}.csv")
        seconds, cpu = [], []
        for _ in range(args.runs):
            started = time.process_time()  # every thread's, DuckDB's included
            result = screen_file(settings, batch)
            cpu.append(time.process_time() - started)
            seconds.append(result.seconds)
        started = time.perf_counter()
        command = subprocess.run(
            [str(SUNLIGHT), "screen", str(batch), "--out", str(args.work / f"v-{rows}.csv")],
            env={**os.environ, "SUNLIGHT_HOME": str(args.home)}, capture_output=True,
            check=False)
        wall = time.perf_counter() - started
        print(f"{len(result.verdicts):,} rows: {result.held:,} held, {result.unreadable:,} "
              f"unreadable; screen_file {', '.join(f'{s:.2f}' for s in seconds)} s "
              f"(CPU {', '.join(f'{s:.2f}' for s in cpu)} s); "
              f"`sunlight screen` {wall:.2f} s wall (exit {command.returncode})")


if __name__ == "__main__":
    main()
