"""The first `sunlight detect` of a large county, whose entity index is built from nothing:
wall, CPU and peak RSS of the whole run, and wall and CPU seconds of each phase of the build.

    PYTHONPATH=src .venv/bin/python benchmarks/index_from_nothing.py \\
        --home /work/bench/is/home-1m-ingested --work /tmp/me-index

`--home` is a home right after `sunlight ingest` (no app database yet), e.g. of
`sunlight generate --persons 1000000 --seed 1 --format csv --out C` then
`SUNLIGHT_HOME=H sunlight ingest C/delivery`: copied to `--work` first, never written to.
`--work` must be new or a copy this script made before (it is replaced); `--database-url`, if
given, a disposable empty database. One run in this process (fresh: nothing else
imported); prints one JSON line. The RSS is sampled every second (`rss`: (seconds, MB)
every 20 s) to tell which phase peaked.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import threading
import time
from pathlib import Path
from typing import Any

MARK = ".index-from-nothing-copy"
"""Left in --work: only a folder holding it is deleted by a later run."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    home, work = args.home.resolve(), args.work.resolve()
    if home == work or home in work.parents or work in home.parents:
        parser.error("--work must be outside --home (and --home outside --work)")
    if work.exists():
        if not (work / MARK).exists():
            parser.error(f"{work} exists and is not a copy made by this script: name a new folder")
        shutil.rmtree(work)
    shutil.copytree(home, work)
    (work / MARK).touch()
    print(json.dumps(measure(args.work, args.database_url)))


def measure(home: Path, url: str) -> dict[str, Any]:
    import sunlight.entities.build as build
    from sunlight.detect import run_detection
    from sunlight.settings import Settings

    samples: list[tuple[float, int]] = []
    started = time.perf_counter()
    threading.Thread(target=_sample, args=(samples, started), daemon=True).start()
    cpu_laps = _count_cpu_laps(build)
    load = os.getloadavg()
    cpu = time.process_time()
    run = run_detection(Settings(home=home, database_url=url or None))
    index = run.index
    assert index is not None and index.whole, "the index was not built from nothing"
    return {"load_start": load, "load_end": os.getloadavg(),
            "wall": time.perf_counter() - started, "cpu": time.process_time() - cpu,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "entities": index.total, "links": index.links, "runs": index.payment_runs,
            "index_wall": index.seconds, "index_cpu": sum(cpu_laps.values()),
            "phases": {name: round(s, 1) for name, s in index.phases.items()},
            "cpu_phases": cpu_laps, "rss": samples[::20]}


def _sample(samples: list[tuple[float, int]], started: float) -> None:
    while True:
        with open("/proc/self/statm") as statm:
            rss = int(statm.read().split()[1]) * resource.getpagesize()
        samples.append((round(time.perf_counter() - started, 1), rss // 2**20))
        time.sleep(1)


def _count_cpu_laps(build: Any) -> dict[str, float]:
    """CPU seconds (every thread of the process: DuckDB's too) of each phase, counted by
    wrapping the build's clock; the machine is shared, so wall seconds alone say little."""
    laps: dict[str, float] = {}
    clock, lap = build._Clock.__init__, build._Clock.lap

    def started(self: Any) -> None:
        clock(self)
        self.cpu = time.process_time()

    def lapped(self: Any, name: str) -> None:
        now = time.process_time()
        laps[name] = round(now - self.cpu, 1)
        self.cpu = now
        lap(self, name)

    build._Clock.__init__, build._Clock.lap = started, lapped
    return laps


if __name__ == "__main__":
    main()
