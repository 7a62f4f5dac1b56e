"""Workbench latency at county scale: p95 of the warning board and a warning page, 20 clients.

Run by hand (the county takes minutes to generate the first time; cached in benchmarks/data/):

    .venv/bin/python benchmarks/workbench_latency.py --persons 250000 --clients 20 --seconds 30

It generates and ingests the county, runs every model, creates the demo accounts, optionally
tops the warnings up to `--warnings N` with synthetic ones (stored through the same sync), then
serves the workbench with `sunlight serve` in its own process and drives it with `--clients`
concurrent logged-in clients, each requesting, one after another, a board page (random filter,
sort and page) or a random warning's page, with no pause (`--think 0`: the server saturated,
the hardest reading of "20 concurrent clients") or a random pause of `--think` seconds on
average between requests (people reading pages). The clients run in this process, on the same
machine: they take CPU from the server, so the figures are on the pessimistic side.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SUNLIGHT = Path(sys.executable).parent / "sunlight"
BOARD_FILTERS = ["", "status=open", "severity=high", "model=DECEASED_PAID", "sort=amount",
                 "sort=newest", "q=王", "page=2"]


def ensure_home(persons: int, seed: int) -> Path:
    """The county generated, ingested and detected once; the demo accounts created."""
    county = DATA / f"county-{persons}-csv-{seed}"
    if not (county / "delivery").is_dir():
        subprocess.run([str(SUNLIGHT), "generate", "--out", str(county), "--persons",
                        str(persons), "--seed", str(seed), "--format", "csv"], check=True)
    home = DATA / f"web-home-{persons}-{seed}"
    env = {**os.environ, "SUNLIGHT_HOME": str(home)}
    if not (home / ".detected").exists():
        subprocess.run([str(SUNLIGHT), "ingest", str(county / "delivery")], check=True, env=env)
        subprocess.run([str(SUNLIGHT), "detect"], check=False, env=env)
        (home / ".detected").touch()
    return home


def top_up(home: Path, wanted: int) -> int:
    """Add synthetic warnings until the database holds `wanted`; returns how many it holds."""
    os.environ["SUNLIGHT_HOME"] = str(home)
    from sqlalchemy import func, select

    from sunlight.appdb.database import database_url, make_engine, session_factory
    from sunlight.appdb.tables import Warning
    from sunlight.appdb.warnings import sync
    from sunlight.demo_staff import create_demo_staff
    from sunlight.models.detection import Detection, EvidenceRow
    from sunlight.settings import Settings

    engine = make_engine(database_url(Settings()))
    with session_factory(engine)() as session:
        create_demo_staff(session)
        session.commit()
        held = session.scalar(select(func.count()).select_from(Warning)) or 0
        if held < wanted:
            rng = random.Random(7)
            townships = [t for (t,) in session.execute(select(Warning.township).distinct())]
            detections = []
            for number in range(wanted - held):
                months = sorted(rng.sample(range(1, 13), rng.randint(1, 6)))
                rows = tuple(EvidenceRow("payments", "synthetic.csv", "", number * 12 + m,
                                         "paid", f"2024-{m:02d}", Decimal("500")) for m in months)
                detections.append(Detection(
                    model="SYNTHETIC_LOAD", subject=f"S{number:08d}", program="DIBAO",
                    severity=rng.choice(["high", "medium", "low"]),
                    period_from=rows[0].period, period_to=rows[-1].period,
                    amount=Decimal(500 * len(rows)), id_number="", name=f"负载{number}",
                    township=rng.choice(townships or ["城关镇"]), village="负载村",
                    facts={"strength": "0.5"}, evidence=rows,
                    template="负载测试预警 {amount} 元。"))
            sync(session, detections, models={"SYNTHETIC_LOAD"}, fingerprint="load")
            session.commit()
        held = session.scalar(select(func.count()).select_from(Warning)) or 0
        ids = [w for (w,) in session.execute(select(Warning.warning_id))]
    engine.dispose()
    (home / "warning-ids.json").write_text(json.dumps(ids))
    return held


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(home: Path, port: int) -> subprocess.Popen[bytes]:
    # Not --demo: the home holds a generated county ingested like a county's own files.
    env = {**os.environ, "SUNLIGHT_HOME": str(home),
           "SUNLIGHT_SECRET_KEY": secrets.token_urlsafe(48)}
    server = subprocess.Popen([str(SUNLIGHT), "serve", "--port", str(port)], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the workbench did not start")


async def logged_in(base: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=30)
    page = await client.get("/staff/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "no login form"
    answer = await client.post("/staff/login", data={
        "username": "analyst", "password": "sunlight-demo", "csrf_token": token.group(1)})
    assert answer.status_code in (200, 303), answer.status_code
    return client


async def drive(base: str, ids: list[str], clients: int, seconds: float, think: float = 0.0
                ) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {"board": [], "warning": [], "errors": []}
    stop = time.monotonic() + seconds

    async def one_client(seed: int) -> None:
        rng = random.Random(seed)
        client = await logged_in(base)
        try:
            while time.monotonic() < stop:
                kind = rng.choice(["board", "warning"])
                url = (f"/staff/warnings?{rng.choice(BOARD_FILTERS)}" if kind == "board"
                       else f"/staff/warnings/{rng.choice(ids)}")
                started = time.perf_counter()
                answer = await client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                if answer.status_code != 200:
                    latencies["errors"].append(answer.status_code)
                else:
                    latencies[kind].append(elapsed)
                if think:  # a person reading the page before the next click
                    await asyncio.sleep(rng.expovariate(1 / think))
        finally:
            await client.aclose()

    await asyncio.gather(*(one_client(seed) for seed in range(clients)))
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--warnings", type=int, default=0,
                        help="top the county's warnings up to this many with synthetic ones")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a client waits between requests (0: none, the "
                             "server saturated)")
    args = parser.parse_args()
    home = ensure_home(args.persons, args.seed)
    held = top_up(home, args.warnings)
    ids = json.loads((home / "warning-ids.json").read_text())
    port = free_port()
    server = start_server(home, port)
    try:
        base = f"http://127.0.0.1:{port}"
        asyncio.run(drive(base, ids, 2, 3))  # warm-up
        latencies = asyncio.run(drive(base, ids, args.clients, args.seconds, args.think))
    finally:
        server.terminate()
        server.wait(timeout=30)
    summary = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "persons": args.persons, "warnings": held, "clients": args.clients,
        "seconds": args.seconds, "think_s": args.think, "errors": len(latencies["errors"]),
    }
    for kind in ("board", "warning"):
        values = latencies[kind]
        summary[kind] = {
            "requests": len(values), "per_second": round(len(values) / args.seconds, 1),
            "p50_ms": round(statistics.median(values), 1) if values else None,
            "p95_ms": round(percentile(values, 0.95), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
        }
    print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
