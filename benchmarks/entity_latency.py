"""Entity pages, the search box and the link view over HTTP at county scale: p50/p95/p99 per
kind of request, 20 logged-in analysts pausing about a second between clicks.

Run by hand, over a home whose county was ingested and detected (the entity index built),
or over the one `workbench_latency.py` generates and caches in benchmarks/data/:

    .venv/bin/python benchmarks/entity_latency.py --home /path/to/home --seconds 60
    .venv/bin/python benchmarks/entity_latency.py --home /path/to/home --seconds 60 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Before serving it brings the home's database up to date (migrations; the search tables
built from the entities if they are empty, as the next index build would) and adds the
demo accounts; nothing else is written. It then serves the workbench with `sunlight serve`
in its own process and drives it from this process with `--clients` analysts, each
logged in once, each click one of: an entity page (a person, account, household, company,
village or township, drawn at random from the `entities` table), a search (one and two
characters of a name, a whole name, an ID as pages mask it, an ID's last 6 digits, an
account's last 4, a 户号, part of a company's name) or a 2-hop link view; then a random
pause of `--think` seconds on average. The clients share the machine with the server, so
the figures are on the pessimistic side. The load average is sampled during the run
(others' work on the machine shows there), and the CPU the server's processes spent is
reported: a request's cost that does not depend on how busy the machine was.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import secrets
import statistics
import time
from collections import defaultdict
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from load import cpu_seconds, process_tree
from sqlalchemy import func, select, text
from workbench_latency import ensure_home, free_port, logged_in, percentile, start_server

from sunlight.appdb.account_tables import User
from sunlight.appdb.database import database_url, make_engine, session_factory, upgrade
from sunlight.appdb.entity_tables import Entity
from sunlight.appdb.search_tables import SearchKey
from sunlight.demo_staff import create_demo_staff
from sunlight.entities.search_terms import index_terms
from sunlight.masking import masked_number
from sunlight.settings import Settings

ENTITY_KINDS = ("person", "account", "household", "company", "village", "township")
MIX = {"page": 0.45, "search": 0.40, "links": 0.15}
"""How often an analyst's click is each kind of request."""
SAMPLE = 3000
"""Entities drawn per kind, for pages, link views and search queries."""
T = TypeVar("T")
Targets = dict[str, list[str]]
"""Per request kind (e.g. `page:person`, `search:id-last6`), the URLs to draw from."""


def prepare(home: Path, url: str) -> None:
    """The database migrated, the search tables filled if empty, the demo accounts added."""
    os.environ["SUNLIGHT_HOME"] = str(home)
    upgrade(url)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        if session.scalar(select(User).where(User.username == "analyst")) is None:
            create_demo_staff(session)
            session.commit()
        entities = session.scalar(select(func.count()).select_from(Entity)) or 0
        keys = session.scalar(select(func.count()).select_from(SearchKey)) or 0
        if entities and not keys:  # an index built before the search tables existed
            started = time.perf_counter()
            index_terms(session)
            session.commit()
            print(f"search tables built from {entities} entities in "
                  f"{time.perf_counter() - started:.1f} s")
    engine.dispose()


def audit_key(home: Path) -> str:
    """The key sealing the home's audit log, kept in the home: the same for every run (the
    server's session secret is new each run, so the audit key cannot derive from it)."""
    kept = home / ".bench-audit-key"
    if not kept.exists():
        kept.write_text(secrets.token_urlsafe(48))
    return kept.read_text().strip()


def targets(url: str, seed: int) -> Targets:
    """URLs per request kind, drawn from the database's entities."""
    engine = make_engine(url)
    rng = random.Random(seed)
    drawn: dict[str, list[tuple[str, str, str]]] = {}
    with engine.connect() as connection:
        for kind in ENTITY_KINDS:
            drawn[kind] = [tuple(row) for row in connection.execute(text(
                "SELECT ref, key, name FROM entities WHERE kind = :kind "
                "ORDER BY random() LIMIT :n"), {"kind": kind, "n": SAMPLE})]
    engine.dispose()
    found: Targets = {}
    for kind in ENTITY_KINDS:
        found[f"page:{kind}"] = [f"/staff/entities/{kind}/{ref}" for ref, _, _ in drawn[kind]]
        found[f"links:{kind}"] = [f"/staff/entities/{kind}/{ref}/links"
                                  for ref, _, _ in drawn[kind]]
    for label, queries in search_queries(drawn, rng).items():
        found[f"search:{label}"] = [f"/staff/search?q={quote(q)}" for q in queries if q]
    return {kind: urls for kind, urls in found.items() if urls}


def search_queries(drawn: dict[str, list[tuple[str, str, str]]],
                   rng: random.Random) -> dict[str, list[str]]:
    """What people type: parts of names, whole names, keys whole, masked or in part."""
    people = [(key, name) for _, key, name in drawn["person"] if name]
    companies = [name for _, _, name in drawn["company"] if len(name) > 4]

    def fragment(name: str, size: int) -> str:
        start = rng.randrange(max(1, len(name) - size + 1))
        return name[start:start + size]

    return {
        "name-1char": [fragment(name, 1) for _, name in people],
        "name-2char": [fragment(name, 2) for _, name in people if len(name) >= 2],
        "name-full": [name for _, name in people],
        "id-masked": [masked_number(key) for key, _ in people],
        "id-last6": [key[-6:] for key, _ in people],
        "account-last4": [key[-4:] for _, key, _ in drawn["account"]],
        "household": [key for _, key, _ in drawn["household"]],
        "company-part": [fragment(name[2:], rng.choice((2, 3, 4))) for name in companies],
    }


async def drive(base: str, pool: Targets, clients: int, seconds: float, think: float
                ) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Latencies (ms) per request kind, and errors per request kind and status."""
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    stop = time.monotonic() + seconds
    kinds = {group: [kind for kind in pool if kind.startswith(group + ":")] for group in MIX}

    async def one_client(seed: int) -> None:
        rng = random.Random(seed)
        client = await logged_in(base)
        try:
            while time.monotonic() < stop:
                group = rng.choices(list(MIX), weights=list(MIX.values()))[0]
                kind = rng.choice(kinds[group])
                started = time.perf_counter()
                answer = await client.get(rng.choice(pool[kind]))
                elapsed = (time.perf_counter() - started) * 1000
                if answer.status_code == 200:
                    latencies[kind].append(elapsed)
                else:
                    errors[f"{kind} {answer.status_code}"] += 1
                if think:  # a person reading the page before the next click
                    await asyncio.sleep(rng.expovariate(1 / think))
        finally:
            await client.aclose()

    await asyncio.gather(*(one_client(seed) for seed in range(clients)))
    return latencies, errors


async def with_load(run: Coroutine[Any, Any, T], every: float) -> tuple[T, list[float]]:
    """The run's result, and the 1-minute load average every `every` seconds meanwhile."""
    loads = [os.getloadavg()[0]]
    task = asyncio.ensure_future(run)
    while not task.done():
        await asyncio.wait([task], timeout=every)
        loads.append(os.getloadavg()[0])
    return task.result(), loads


def row(kind: str, values: list[float], seconds: float) -> str:
    """One line of the table: requests, per second, p50/p95/p99 in ms."""
    if not values:
        return f"| {kind} | 0 | 0 | | | |"
    return (f"| {kind} | {len(values)} | {len(values) / seconds:.1f} | "
            f"{statistics.median(values):.0f} | {percentile(values, 0.95):.0f} | "
            f"{percentile(values, 0.99):.0f} |")


def report(latencies: dict[str, list[float]], kinds: list[str], seconds: float) -> None:
    """Every group, then every kind of request, as a Markdown table."""
    print("| request | n | per s | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    print(row("all", [v for values in latencies.values() for v in values], seconds))
    for group in MIX:
        print(row(group, [v for kind in kinds if kind.startswith(group + ":")
                          for v in latencies.get(kind, [])], seconds))
    for kind in kinds:
        print(row(kind, latencies.get(kind, []), seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None,
                        help="a home with a county ingested and detected (default: the "
                             "county workbench_latency.py generates)")
    parser.add_argument("--persons", type=int, default=250_000, help="without --home")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="",
                        help="the app database (default: the home's SQLite file)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a client waits between requests")
    args = parser.parse_args()
    home = args.home.resolve() if args.home else ensure_home(args.persons, args.seed)
    if args.database_url:
        os.environ["SUNLIGHT_DATABASE_URL"] = args.database_url  # for the server too
    os.environ["SUNLIGHT_HOME"] = str(home)
    os.environ.setdefault("SUNLIGHT_AUDIT_KEY", audit_key(home))  # for the server too
    url = database_url(Settings())
    prepare(home, url)
    pool = targets(url, args.seed)
    port = free_port()
    server = start_server(home, port)
    try:
        base = f"http://127.0.0.1:{port}"
        asyncio.run(drive(base, pool, 2, 5, 0.1))  # warm-up
        processes = process_tree(server.pid)
        cpu = cpu_seconds(processes)
        (latencies, errors), loads = asyncio.run(with_load(
            drive(base, pool, args.clients, args.seconds, args.think), 5))
        cpu = cpu_seconds(processes) - cpu
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"{make_engine(url).dialect.name}; {args.clients} clients, think "
          f"{args.think} s, {args.seconds:.0f} s; 1-min load average "
          f"{loads[0]:.2f} at start, max {max(loads):.2f}, {loads[-1]:.2f} at end")
    served = sum(map(len, latencies.values())) + sum(errors.values())
    print(f"server processes' CPU: {cpu:.1f} s of {args.seconds:.0f} s, "
          f"{cpu * 1000 / max(1, served):.1f} ms a request (not the database server's)")
    print("errors:", json.dumps(dict(errors), ensure_ascii=False) if errors else "none")
    report(latencies, list(pool), args.seconds)

if __name__ == "__main__":
    main()
