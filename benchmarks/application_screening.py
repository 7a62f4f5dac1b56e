"""Screening one application at county scale: the warm-up once per warehouse, then the time
of each application (wall and CPU), its median, p95 and worst.

Run by hand on a COPY of an ingested home (the engine spills into the home's tmp folder):

    cp -a /work/bench/home-250k /tmp/home-250k
    SUNLIGHT_HOME=/tmp/home-250k .venv/bin/python benchmarks/application_screening.py \\
        --count 500

Applicants are registered persons drawn at random (`--seed`), each applying under their
registry name for a program in turn: 低保, 高龄补贴, 特困供养, 重度残疾人护理补贴, and
地力补贴 with a declared area, for the latest month (year) paid. The calls go to one
`ApplicationScreener` in this process, as a web server's request threads would (no HTTP).
CPU time is this process's: on a machine shared with other work it is closer to what an
idle machine's wall time would be, and the load average is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import time

from sunlight.screening.application import Application, ApplicationScreener
from sunlight.settings import Settings, get_settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from sunlight.warehouse.tables import open_warehouse

PROGRAMS = (("低保", None), ("高龄补贴", None), ("特困供养", None), ("重度残疾人护理补贴", None),
            ("地力补贴", "12.5"))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def sample_people(settings: Settings, count: int, seed: int) -> tuple[list[tuple[str, str]], str]:
    """`count` registered persons (ID, name) drawn at random, and the latest month paid."""
    engine = DuckDBEngine()
    try:
        open_warehouse(engine, Warehouse(settings.warehouse_dir))
        people = engine.query(
            f"SELECT DISTINCT id_number, name FROM residents WHERE id_number IS NOT NULL "
            f"AND name IS NOT NULL USING SAMPLE {int(count)} ROWS (reservoir, {int(seed)})")
        month = engine.query("SELECT max(period) AS m FROM payments WHERE length(period) = 7")
    finally:
        engine.close()
    pairs = list(zip(people.column("id_number").to_pylist(), people.column("name").to_pylist(),
                     strict=True))
    return pairs, str(month.column("m")[0].as_py())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=500, help="applications screened")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    settings = get_settings()
    people, month = sample_people(settings, args.count, args.seed)
    screener = ApplicationScreener(settings)
    started = time.perf_counter()
    screener.screen(Application(people[0][0], people[0][1], "低保", None, month))
    warm = time.perf_counter() - started
    rng = random.Random(args.seed)
    wall: list[float] = []
    cpu: list[float] = []
    held = 0
    for index, (id_number, name) in enumerate(people):
        program, area = PROGRAMS[index % len(PROGRAMS)]
        period = month[:4] if area else month
        application = Application(id_number, name, program, area, period)
        began, began_cpu = time.perf_counter(), time.process_time()
        verdict = screener.screen(application)
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        held += verdict.verdict == "hold"
        if rng.random() < 0.01:
            print(f"  {verdict.program} {verdict.period}: {verdict.verdict} {verdict.models}")
    screener.close()
    print(f"home {settings.home}; warm-up (first call) {warm:.1f} s; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"{len(wall)} applications, {held} held; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for label, values in (("wall", wall), ("cpu", cpu)):
        print(f"{label} ms: median {statistics.median(values):.1f}  "
              f"p95 {_percentile(values, 0.95):.1f}  max {max(values):.1f}")


if __name__ == "__main__":
    main()
