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

Through the running API instead (`sunlight serve`, one worker, its per-token limit of
applications raised: SUNLIGHT_API_APPLICATIONS_PER_MINUTE=100000), each application a
POST /api/v1/screen/application timed from the first byte sent to the last received; the CPU
time is then the server's (`--server-pid`: the process and its threads, from /proc):

    SUNLIGHT_HOME=/tmp/home-250k .venv/bin/python benchmarks/application_screening.py \
        --count 300 --api http://127.0.0.1:PORT --token sunlight_... --server-pid PID
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

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


def _in_process(settings: Settings) -> tuple[Callable[[Application], str], Callable[[], float]]:
    """Screening by one ApplicationScreener in this process; this process's CPU clock."""
    screener = ApplicationScreener(settings)
    return (lambda application: screener.screen(application).verdict), time.process_time


def _through_api(url: str, token: str, server_pid: int | None
                 ) -> tuple[Callable[[Application], str], Callable[[], float]]:
    """Screening by POST /api/v1/screen/application; the server's CPU clock (0 without pid)."""
    def screen(application: Application) -> str:
        body = {"id_number": application.id_number, "name": application.name,
                "program": application.program, "period": application.period}
        if application.declared_area:
            body["declared_area"] = application.declared_area
        request = urllib.request.Request(
            url.rstrip("/") + "/api/v1/screen/application", data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return str(json.load(response)["verdict"])

    def server_cpu() -> float:
        if server_pid is None:
            return 0.0
        fields = Path(f"/proc/{server_pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime

    return screen, server_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=500, help="applications screened")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--api", help="the running server's URL (default: in this process)")
    parser.add_argument("--token", help="a screening token of the server's app database")
    parser.add_argument("--server-pid", type=int, help="the server's process, for its CPU time")
    args = parser.parse_args()
    settings = get_settings()
    people, month = sample_people(settings, args.count, args.seed)
    screen, cpu_clock = (_through_api(args.api, args.token, args.server_pid) if args.api
                         else _in_process(settings))
    started = time.perf_counter()
    screen(Application(people[0][0], people[0][1], "低保", None, month))
    warm = time.perf_counter() - started
    wall: list[float] = []
    cpu: list[float] = []
    held = 0
    for index, (id_number, name) in enumerate(people):
        program, area = PROGRAMS[index % len(PROGRAMS)]
        period = month[:4] if area else month
        application = Application(id_number, name, program, area, period)
        began, began_cpu = time.perf_counter(), cpu_clock()
        held += screen(application) == "hold"
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((cpu_clock() - began_cpu) * 1000)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.api or 'in process'}; home {settings.home}; warm-up (first call) {warm:.1f} s; "
          f"peak RSS of this process {rss:.0f} MB")
    print(f"{len(wall)} applications, {held} held; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    # The server's CPU clock ticks in hundredths of a second: its per-call values are coarse,
    # their mean is not.
    for label, values in (("wall", wall), ("cpu", cpu)):
        print(f"{label} ms: median {statistics.median(values):.1f}  "
              f"p95 {_percentile(values, 0.95):.1f}  max {max(values):.1f}  "
              f"mean {statistics.fmean(values):.1f}")


if __name__ == "__main__":
    main()
