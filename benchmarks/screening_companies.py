"""Screening a company program's batch (contract §5, §7) at a generated county with companies.

Run by hand on a home ingested from `sunlight generate` with section 5 (e.g.
/work/bench/home-250k-s5); the home is copied to --work first (cp -a), never written to:

    .venv/bin/python benchmarks/screening_companies.py --home /work/bench/home-250k-s5 \
        --batch /work/bench/county-250k-s5/delivery/enterprise_payments/留工补贴_2024年发放明细.csv

The batch is a delivered enterprise_payments file (already ingested, so it is judged as it
stands, as a department screening last year's file again would be). It is screened --repeat
times through `screen_file` in this process, narrowed (the default: the batch's companies,
their representatives' households) and over the whole warehouse, interleaved; wall and CPU
seconds of each call and the verdict counts; then whether the two ways' verdicts, explanations
included, agree. JSON lines on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--batch", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=Path("bench-screening-companies"))
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()

    from sunlight.screening.core import screen_file
    from sunlight.settings import Settings

    home = arguments.work / "home"
    if home.exists():
        shutil.rmtree(home)
    arguments.work.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-a", str(arguments.home), str(home)], check=True)
    settings = Settings(home=home, database_url=None)
    ways: dict[str, tuple[str, ...] | None] = {"narrowed": None, "whole": ()}
    said: dict[str, list[tuple[int, str, tuple[str, ...], str]]] = {}
    for attempt in range(arguments.repeat):
        for way, narrowed in ways.items():
            wall, cpu = time.perf_counter(), time.process_time()
            result = (screen_file(settings, arguments.batch, "enterprise_payments")
                      if narrowed is None else
                      screen_file(settings, arguments.batch, "enterprise_payments",
                                  narrowed=narrowed))
            said[way] = [(v.row, v.verdict, v.models, v.explanation) for v in result.verdicts]
            print(json.dumps({
                "way": way, "attempt": attempt, "rows": len(result.verdicts),
                "held": result.held, "unreadable": result.unreadable,
                "wall_s": round(time.perf_counter() - wall, 3),
                "cpu_s": round(time.process_time() - cpu, 3),
                "machine": platform.machine(), "cpus": len(os.sched_getaffinity(0))},
                ensure_ascii=False), flush=True)
    print(json.dumps({"narrowed_verdicts_as_whole": said["narrowed"] == said["whole"]}))


if __name__ == "__main__":
    main()
