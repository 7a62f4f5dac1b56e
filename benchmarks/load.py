"""Load: portal and staff pages under clients that never pause, with 1 or N server processes.

Run by hand (the county is generated, ingested, detected and published once, cached in
benchmarks/data/):

    .venv/bin/python benchmarks/load.py --persons 250000 --workers 1 2 --seconds 60

For each `--workers` count it starts `sunlight serve --port 0 --workers N` in its own process
over the county and drives it from this process (asyncio, one httpx client per simulated
user): `--portal-clients` villagers requesting portal pages (home, townships, villages,
rosters, beneficiaries' pages, programs, from the addresses a crawl of the portal found) and
`--staff-clients` analysts, each logged in once, requesting the warning board (a random
filter, sort or search) or a random warning's page. Nobody pauses between requests. Before
measuring, every portal address of the crawl is fetched once (the crawl itself), and with
several processes `--warm-passes` more times on new connections (each process keeps its own
pages), so the portal's page cache is warm, as it is once a county's noticeboards have been
scanned a while.
Latencies (p50/p95/p99), requests per second and errors are reported per kind, with the CPU
seconds the server processes and this client spent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from workbench_latency import (
    BOARD_FILTERS,
    SUNLIGHT,
    ensure_home,
    logged_in,
    percentile,
    top_up,
)

HERE = Path(__file__).resolve().parent
PORTAL_MIX = {"home": 1, "township": 1, "village": 3, "roster": 3, "person": 3, "program": 1}
"""How often a villager asks for each kind of portal page (weights)."""


def ensure_published(home: Path) -> None:
    """The county published once (what the portal shows)."""
    if not (home / ".published").exists():
        subprocess.run([str(SUNLIGHT), "publish"], check=True,
                       env={**os.environ, "SUNLIGHT_HOME": str(home)})
        (home / ".published").touch()


def start_server(home: Path, workers: int) -> tuple[subprocess.Popen[str], str]:
    """`sunlight serve --port 0 --workers N` over the home; its base address once it answers."""
    env = {**os.environ, "SUNLIGHT_HOME": str(home),
           "SUNLIGHT_SECRET_KEY": secrets.token_urlsafe(48)}
    server = subprocess.Popen([str(SUNLIGHT), "serve", "--port", "0", "--workers",
                               str(workers)], env=env, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    found = re.search(r"http://127\.0\.0\.1:(\d+)/staff", server.stdout.readline())
    if not found:
        server.kill()
        raise RuntimeError("the server printed no address")
    base = f"http://127.0.0.1:{found.group(1)}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return server, base
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start")


def links(html: str, pattern: str) -> list[str]:
    return sorted(set(re.findall(rf'href="({pattern})"', html)))


async def crawl(base: str, persons: int) -> dict[str, list[str]]:
    """The portal's addresses by kind, each fetched once (which warms the page cache)."""
    pool: dict[str, list[str]] = {kind: [] for kind in PORTAL_MIX}
    sizes: dict[str, int] = {}
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        gate = asyncio.Semaphore(8)

        async def fetch(url: str) -> str:
            async with gate:
                answer = await client.get(url)
                answer.raise_for_status()
                sizes[url] = answer.num_bytes_downloaded
                return answer.text

        home = await fetch("/")
        pool["home"] = ["/"]
        pool["township"] = links(home, r"/township/[^\"]+")
        pool["village"] = links(home, r"/village/[0-9a-f]+")
        pool["program"] = links(home, r"/program/[A-Z_]+")
        await asyncio.gather(*(fetch(url) for url in pool["township"] + pool["program"]))
        villages = await asyncio.gather(*(fetch(url) for url in pool["village"]))
        pool["roster"] = sorted({url for page in villages
                                 for url in links(page, r"/village/[0-9a-f]+/program/\w+")})
        rosters = await asyncio.gather(*(fetch(url) for url in pool["roster"]))
        people = sorted({url for page in rosters
                         for url in links(page, r"/village/[0-9a-f]+/person/\d+\?v=\d+")})
        pool["person"] = random.Random(1).sample(people, min(persons, len(people)))
        await asyncio.gather(*(fetch(url) for url in pool["person"]))
    in_pool = {url for urls in pool.values() for url in urls}
    print(f"portal pool: {len(in_pool)} pages, "
          f"{sum(sizes[url] for url in in_pool) / 2**20:.1f} MB gzipped", file=sys.stderr)
    return pool


async def warm(base: str, pool: dict[str, list[str]], passes: int) -> None:
    """Every page of the pool requested `passes` times more, each on a new connection: each
    server process keeps its own pages, and a connection stays with one process, so this is
    what gives every process most of the pool (all but 1/N^passes of it)."""
    urls = [url for urls in pool.values() for url in urls]
    gate = asyncio.Semaphore(8)
    no_reuse = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=no_reuse) as client:

        async def fetch(url: str) -> None:
            async with gate:
                (await client.get(url)).raise_for_status()

        for _ in range(passes):
            await asyncio.gather(*(fetch(url) for url in urls))


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"portal": [],
                                                                        "staff": []})
    errors: dict[str, int] = field(default_factory=lambda: {"portal": 0, "staff": 0})

    def add(self, kind: str, started: float, ok: bool) -> None:
        if ok:
            self.latencies[kind].append((time.perf_counter() - started) * 1000)
        else:
            self.errors[kind] += 1


async def drive(base: str, pool: dict[str, list[str]], ids: list[str], portal_clients: int,
                staff_clients: int, seconds: float) -> Tally:
    tally = Tally()
    kinds, weights = list(PORTAL_MIX), list(PORTAL_MIX.values())
    staff = [await logged_in(base) for _ in range(staff_clients)]  # logins before the clock
    stop = time.monotonic() + seconds

    async def villager(seed: int) -> None:
        rng = random.Random(seed)
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            while time.monotonic() < stop:
                url = rng.choice(pool[rng.choices(kinds, weights)[0]])
                await timed(client, url, "portal")

    async def analyst(client: httpx.AsyncClient, seed: int) -> None:
        rng = random.Random(seed)
        try:
            while time.monotonic() < stop:
                url = (f"/staff/warnings?{rng.choice(BOARD_FILTERS)}" if rng.random() < 0.5
                       else f"/staff/warnings/{rng.choice(ids)}")
                await timed(client, url, "staff")
        finally:
            await client.aclose()

    async def timed(client: httpx.AsyncClient, url: str, kind: str) -> None:
        started = time.perf_counter()
        try:
            answer = await client.get(url)
            tally.add(kind, started, answer.status_code == 200)
        except httpx.HTTPError:
            tally.add(kind, started, False)

    await asyncio.gather(*(villager(seed) for seed in range(portal_clients)),
                         *(analyst(client, 1000 + seed) for seed, client in enumerate(staff)))
    return tally


def cpu_seconds(pids: Iterable[int]) -> float:
    """User and system CPU seconds the processes have used (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except FileNotFoundError:  # ended meanwhile (its time is lost from the figure)
            print(f"process {pid} of the server ended", file=sys.stderr)
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def process_tree(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(p for child in children for p in process_tree(int(child)))]


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def summary(values: list[float], errors: int, seconds: float) -> dict[str, float | int | None]:
    return {"requests": len(values), "per_second": round(len(values) / seconds, 1),
            "errors": errors,
            "p50_ms": round(statistics.median(values), 1) if values else None,
            "p95_ms": round(percentile(values, 0.95), 1),
            "p99_ms": round(percentile(values, 0.99), 1)}


def run_once(home: Path, workers: int, args: argparse.Namespace, ids: list[str]) -> dict:
    server, base = start_server(home, workers)
    try:
        started = time.monotonic()
        pool = asyncio.run(crawl(base, args.person_pages))
        if workers > 1:
            asyncio.run(warm(base, pool, args.warm_passes))
        crawled = time.monotonic() - started
        asyncio.run(drive(base, pool, ids, 2, 2, 3))  # warm-up: logins, the staff's caches
        tree = process_tree(server.pid)
        server_before, client_before = cpu_seconds(tree), client_cpu()
        load_before = os.getloadavg()[0]
        tally = asyncio.run(drive(base, pool, ids, args.portal_clients, args.staff_clients,
                                  args.seconds))
        server_cpu, own_cpu = cpu_seconds(tree) - server_before, client_cpu() - client_before
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "workers": workers, "portal_clients": args.portal_clients,
        "staff_clients": args.staff_clients, "seconds": args.seconds,
        "portal_pages": {kind: len(urls) for kind, urls in pool.items()},
        "crawl_s": round(crawled, 1),
        "portal": summary(tally.latencies["portal"], tally.errors["portal"], args.seconds),
        "staff": summary(tally.latencies["staff"], tally.errors["staff"], args.seconds),
        "server_cpu_s": round(server_cpu, 1), "client_cpu_s": round(own_cpu, 1),
        "load_1min": [round(load_before, 1), round(load_after, 1)],
    }


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE,
                            capture_output=True, text=True).stdout.strip()
    return {"nproc": str(os.cpu_count()), "cpu": model.group(1) if model else "?",
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": commit,
            "python": sys.version.split()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--portal-clients", type=int, default=40)
    parser.add_argument("--staff-clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--person-pages", type=int, default=3000,
                        help="beneficiaries' pages in the portal's address pool")
    parser.add_argument("--warm-passes", type=int, default=3,
                        help="with several server processes, how many more times each portal "
                             "page is requested before measuring (on new connections)")
    args = parser.parse_args()
    home = ensure_home(args.persons, args.seed)
    top_up(home, 0)  # the demo accounts, the warning IDs
    ensure_published(home)
    ids = json.loads((home / "warning-ids.json").read_text())
    results = [run_once(home, workers, args, ids) for workers in args.workers]
    print(json.dumps({"machine": machine(), "persons": args.persons, "runs": results},
                     ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
