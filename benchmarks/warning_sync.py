"""Storing a province's first detection run: 100,000 warnings synced, then a monthly re-run.

Run by hand on a home already ingested (any county; its persons lend the warnings their IDs,
so that `timeline.refresh` copies real records, payees first):

    .venv/bin/python benchmarks/warning_sync.py --home HOME
    .venv/bin/python benchmarks/warning_sync.py --home HOME --count 30000 --backends sqlite

Every model runs once over the home's warehouse (not timed); their detections are scaled up
to `--count` by giving copies other subjects: a person warning a person of the warehouse not
yet warned by that model, an account or company warning a suffixed key, evidence rows moved
to rows of their own. Each backend then gets, in a fresh process and a fresh database
(PostgreSQL: a database of its own on `--postgres`, dropped after; SQLite: a file):

- `first`: the scaled detections into an empty database: `sync` and `timeline.refresh` in
  one transaction, as `sunlight.detect.run_detection` does;
- `monthly`: the same run a month later: 5 % of the warnings with one more paid row, 1 %
  gone (retracted), 1 % new.

Printed: seconds of each phase (sync's load, plan and write, the timelines, the commit), the
CPU seconds of this process and of the PostgreSQL backend serving it (a local server, read
from /proc: on a machine shared with other jobs their sum says more than the wall clock),
rows stored and the process's peak RSS after each run, as JSON lines.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROW_STEP = 1_000_000
"""Copy k of a detection cites rows k × ROW_STEP further down: rows of its own."""


def base_detections(home: Path, out: Path) -> None:
    """Every model over the home's warehouse; the detections and the persons, pickled."""
    from sunlight.contract.catalog import load_catalog
    from sunlight.models.registry import load_library
    from sunlight.models.runner import detect
    from sunlight.settings import Settings
    from sunlight.warehouse.duckdb_engine import engine_for
    from sunlight.warehouse.store import Warehouse
    from sunlight.warehouse.tables import open_warehouse

    settings = Settings(home=home)
    warehouse = Warehouse(settings.warehouse_dir)
    engine = engine_for(settings)
    try:
        result = detect(engine, warehouse, load_catalog(settings.catalog),
                        list(load_library().values()))
        open_warehouse(engine, warehouse)
        # Payees first: a warned person is mostly someone paid, with records to copy.
        persons = engine.query(
            "SELECT id_number FROM (SELECT id_number, 1 AS paid FROM payments UNION ALL "
            "SELECT id_number, 0 FROM residents) WHERE id_number IS NOT NULL "
            "GROUP BY id_number ORDER BY max(paid) DESC, id_number")
    finally:
        engine.close()
    with out.open("wb") as file:
        pickle.dump({"detections": result.detections, "models": result.models_run,
                     "persons": persons.column("id_number").to_pylist()}, file)


def scaled(base: list[Any], persons: list[str], count: int, start: int = 0) -> list[Any]:
    """`count` detections made of copies of `base` (copy numbers from `start` on)."""
    taken = {d.key for d in base}
    made: list[Any] = []
    cursor = start * 7919  # another stretch of persons for another batch of copies
    copy = start
    while len(made) < count:
        copy += 1
        for detection in base:
            if len(made) == count:
                break
            if detection.subject_kind == "person" and detection.id_number:
                person = persons[cursor % len(persons)]
                cursor += 1
                clone = _as_person(detection, person, copy)
            else:
                clone = _moved(replace(detection, subject=f"{detection.subject}#{copy}"), copy)
            if clone.key not in taken:
                taken.add(clone.key)
                made.append(clone)
    return made


def _as_person(detection: Any, person: str, copy: int) -> Any:
    people = tuple(p._replace(id_number=person) if p.id_number == detection.id_number else p
                   for p in detection.people)
    return _moved(replace(detection, subject=person, id_number=person, people=people), copy)


def _moved(detection: Any, copy: int) -> Any:
    rows = tuple(replace(row, row=row.row + copy * ROW_STEP) for row in detection.evidence)
    occurrences = tuple(o._replace(key=(*o.key[:3], o.key[3] + copy * ROW_STEP))
                        for o in detection.occurrences)
    return replace(detection, evidence=rows, occurrences=occurrences)


def monthly(first: list[Any], base: list[Any], persons: list[str]) -> list[Any]:
    """A month later: 5 % with one more paid row, 1 % gone, 1 % new."""
    changed, gone = len(first) // 20, len(first) // 100
    grown = [_grown(d) for d in first[:changed]]
    fresh = scaled(base, persons, len(first) // 100, start=len(first) // len(base) + 2)
    return grown + first[changed:len(first) - gone] + fresh


def _grown(detection: Any) -> Any:
    paid = detection.paid_rows()
    if not paid or not detection.money:  # no money: a fact changes instead
        return replace(detection, facts={**detection.facts, "bench_month": "next"})
    last = max(paid, key=lambda row: row.row)
    extra = replace(last, row=last.row + ROW_STEP // 2, period=_next(last.period))
    return replace(detection, evidence=(*detection.evidence, extra),
                   amount=detection.amount + extra.amount,
                   period_to=max(detection.period_to, extra.period))


def _next(period: str) -> str:
    if len(period) == 7:
        year, month = int(period[:4]), int(period[5:])
        return f"{year + month // 12}-{month % 12 + 1:02d}"
    return period


def measure(backend: str, data: Path, count: int, home: Path, postgres: str) -> None:
    """Both runs into a fresh database of `backend`, in this process; JSON lines printed."""
    from sqlalchemy import create_engine, func, select, text

    from sunlight import timeline
    from sunlight.appdb.database import make_engine, session_factory, upgrade
    from sunlight.appdb.tables import Warning, WarningChange, WarningEvidence, WarningPerson
    from sunlight.appdb.timeline_tables import PersonRecord
    from sunlight.appdb.warnings import sync
    from sunlight.settings import Settings
    from sunlight.warehouse.duckdb_engine import engine_for
    from sunlight.warehouse.store import Warehouse

    with data.open("rb") as file:
        loaded = pickle.load(file)
    base, persons, models = loaded["detections"], loaded["persons"], loaded["models"]
    first = scaled(base, persons, count)
    del loaded
    runs = {"first": first, "monthly": monthly(first, base, persons)}
    first = []
    if backend == "postgresql":
        name = f"bench_warning_sync_{os.getpid()}"
        admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        url = postgres.rsplit("/", 1)[0] + f"/{name}"
    else:
        folder = tempfile.mkdtemp(prefix="warning-sync-")
        url = f"sqlite:///{folder}/sunlight.db"
    settings = Settings(home=home)
    warehouse = Warehouse(settings.warehouse_dir)
    try:
        upgrade(url)
        db = make_engine(url)
        engine = engine_for(settings)
        for run, detections in runs.items():
            figures: dict[str, Any] = {"backend": backend, "run": run,
                                       "detections": len(detections)}
            with session_factory(db)() as session:
                server = _backend(session)
                server_cpu = _cpu_of(server)
                cpu, started = time.process_time(), time.perf_counter()
                report = sync(session, detections, models=models, fingerprint=run)
                figures.update({f"sync_{k}": round(v, 2) for k, v in report.phases.items()})
                figures["sync"] = round(time.perf_counter() - started, 2)
                mark = time.perf_counter()
                figures["records"] = timeline.refresh(engine, warehouse, session,
                                                      {d.id_number for d in detections})
                figures["timelines"] = round(time.perf_counter() - mark, 2)
                mark = time.perf_counter()
                session.commit()
                figures["commit"] = round(time.perf_counter() - mark, 2)
            figures["total"] = round(time.perf_counter() - started, 2)
            figures["cpu"] = round(time.process_time() - cpu, 2)
            if server:
                figures["server_cpu"] = round(_cpu_of(server) - server_cpu, 2)
            figures["outcomes"] = {k: getattr(report, k) for k in
                                   ("new", "changed", "unchanged", "reraised", "retracted")}
            with session_factory(db)() as session:
                figures["stored"] = {table.__tablename__: session.scalar(
                    select(func.count()).select_from(table)) for table in
                    (Warning, WarningEvidence, WarningPerson, WarningChange, PersonRecord)}
            figures["peak_rss_mb"] = round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            print(json.dumps(figures, ensure_ascii=False), flush=True)
        engine.close()
        db.dispose()
    finally:
        if backend == "postgresql":
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()
        else:
            shutil.rmtree(folder, ignore_errors=True)


def _backend(session: Any) -> int:
    """The process id of PostgreSQL's backend serving the session (0 on SQLite)."""
    from sqlalchemy import text

    if session.get_bind().dialect.name != "postgresql":
        return 0
    return int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _cpu_of(pid: int) -> float:
    """CPU seconds (user and system) of a local process, from /proc; 0 where unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="an ingested home")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--backends", nargs="+", default=["postgresql", "sqlite"],
                        choices=["postgresql", "sqlite"])
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.data, args.count, args.home, args.postgres)
        return
    with tempfile.TemporaryDirectory(prefix="warning-sync-") as folder:
        data = Path(folder) / "detections.pickle"
        started = time.perf_counter()
        base_detections(args.home, data)
        print(json.dumps({"machine": platform.node(), "cpus": os.cpu_count(),
                          "load": os.getloadavg(), "base_seconds":
                          round(time.perf_counter() - started, 1)}), flush=True)
        for backend in args.backends:
            subprocess.run([sys.executable, __file__, "--measure", backend, "--data", str(data),
                            "--count", str(args.count), "--home", str(args.home),
                            "--postgres", args.postgres], check=True)
        print(json.dumps({"load": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
