"""The link view's 2-hop neighbourhood at county scale: p50/p95 of reading it from the entity
index (graph, warnings, layout and labels; not the HTML), one reader.

Run by hand; the index is synthetic, written straight into the app database:

    .venv/bin/python benchmarks/link_view.py --persons 250000
    .venv/bin/python benchmarks/link_view.py --persons 250000 \
        --url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The county: 3 persons a household, 100 villages (the first with 5,000 residents more), a
resident link and an own account per person, one card in a hundred shared by four payees of
two households, five cadres a village, 500 companies with their legal representatives, and
30,000 warnings on persons, accounts and villages. Centres: persons, shared cards,
households, the big village.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from sunlight.appdb.database import make_engine, session_factory, upgrade
from sunlight.appdb.entity_tables import Entity, EntityLink
from sunlight.appdb.tables import DetectionRun, Warning
from sunlight.entities.graph import neighbourhood
from sunlight.entities.graph_warnings import attach_warnings
from sunlight.entities.refs import entity_ref, index_state
from sunlight.entities.standing import refresh_warnings
from sunlight.web.link_view import drawing

VILLAGES = 100
BIG_VILLAGE_EXTRA = 5_000
WARNINGS = 30_000
BATCH = 20_000


def build(session: Session, persons: int) -> None:
    salt = index_state(session).salt
    rows: list[dict[str, Any]] = []

    def add(kind: str, key: str, **values: Any) -> None:
        rows.append(dict(kind=kind, key=key, ref=entity_ref(salt, kind, key), doc={},
                         **{"name": "", "township": "", "village": "", "household": "",
                            "warnings": 0, **values}))

    villages = [(f"镇{v % 10}", f"村{v}") for v in range(VILLAGES)]
    for township, village in villages:
        add("village", f"{township}/{village}", name=village, township=township,
            village=village, warnings=30)
    total = persons + BIG_VILLAGE_EXTRA
    for n in range(total):
        township, village = villages[0 if n >= persons else n % VILLAGES]
        home = f"H{n // 3:08d}"
        common = dict(township=township, village=village)
        add("person", f"6103271990{n:08d}", name=f"村民{n}", household=home,
            warnings=1 if n % 9 == 0 else 0, **common)
        add("account", f"62284800{n:011d}", name=f"村民{n}", warnings=0, **common)
        if n % 3 == 0:
            add("household", home, name=f"村民{n}", **common)
    for c in range(500):
        add("company", f"91610327MA{c:08d}", name=f"企业{c}")
    _flush(session, Entity, rows)
    ids = {(kind, key): id_ for id_, kind, key in session.execute(
        select(Entity.id, Entity.kind, Entity.key))}
    links: list[dict[str, Any]] = []
    for n in range(total):
        person = ids[("person", f"6103271990{n:08d}")]
        township, village = villages[0 if n >= persons else n % VILLAGES]
        links.append(dict(source_id=person, target_id=ids[("village", f"{township}/{village}")],
                          kind="resident", role="", details={}))
        card = n - n % 4 if n % 100 < 4 else n  # a shared card: four payees, two households
        links.append(dict(source_id=person, target_id=ids[("account", f"62284800{card:011d}")],
                          kind="payee", role="payee",
                          details={"period_from": "2023-01", "period_to": "2024-12"}))
        if n % (persons // VILLAGES // 5 or 1) == 1 and n < persons:
            links.append(dict(source_id=person,
                              target_id=ids[("village", f"{township}/{village}")],
                              kind="cadre", role="村委会委员", details={}))
        if n % 500 == 2 and n // 500 < 500:
            links.append(dict(source_id=person,
                              target_id=ids[("company", f"91610327MA{n // 500:08d}")],
                              kind="legal_rep", role="", details={}))
    _flush(session, EntityLink, links)
    _warnings(session, persons, villages)
    refresh_warnings(session)  # as every detection run does
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        # As the index builder must after a rebuild: the planner's statistics of the new rows
        # (autovacuum lags a bulk load, and may be off).
        for table in ("entities", "entity_links", "warnings", "warning_people"):
            session.execute(text(f"ANALYZE {table}"))
        session.commit()


def _warnings(session: Session, persons: int, villages: list[tuple[str, str]]) -> None:
    now = datetime.now(UTC)
    run = DetectionRun(started_at=now, models=["DECEASED_PAID"], fingerprint="bench", status="done")
    session.add(run)
    session.flush()
    rows = []
    for w in range(WARNINGS):
        n = (w * 9) % persons
        township, village = villages[n % VILLAGES]
        rows.append(dict(warning_id=f"W-BENCH{w:07d}", model="DECEASED_PAID",
                         subject=f"6103271990{n:08d}", program=f"P{w}", generation=1,
                         id_number=f"6103271990{n:08d}",
                         account=f"62284800{n:011d}" if w % 5 == 0 else "",
                         township=township, village=village, period_from="2024-01",
                         period_to="2024-12", amount=Decimal("100.00"), severity="high",
                         status="open", explanation="", facts={}, score=w % 100,
                         first_run_id=run.id, created_at=now, updated_at=now))
    _flush(session, Warning, rows)


def _flush(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(table), rows[start:start + BATCH])
    session.flush()


def timed(read: Callable[[], object], runs: int) -> tuple[float, float]:
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        read()
        took.append((time.perf_counter() - started) * 1000)
    took.sort()
    return statistics.median(took), took[int(len(took) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=250_000)
    parser.add_argument("--url", default="")
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    upgrade(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    with sessions() as session:
        started = time.perf_counter()
        build(session, args.persons)
        print(f"index built in {time.perf_counter() - started:.0f} s ({url.split(':')[0]})")
    rng = random.Random(13)
    centres = {
        "person": [f"6103271990{rng.randrange(args.persons):08d}" for _ in range(args.runs)],
        "shared card": [f"62284800{rng.randrange(args.persons // 100) * 100:011d}"
                        for _ in range(args.runs)],
        "household": [f"H{rng.randrange(args.persons // 3):08d}" for _ in range(args.runs)],
        "big village": ["镇0/村0"] * args.runs,
    }
    kinds = {"person": "person", "shared card": "account", "household": "household",
             "big village": "village"}
    for name, keys in centres.items():
        with sessions() as session:
            queue = iter(keys)

            def read(session: Session = session, kind: str = kinds[name],
                     queue: Iterator[str] = queue) -> object:
                centre = session.scalars(select(Entity).where(
                    Entity.kind == kind, Entity.key == next(queue))).one()
                graph = neighbourhood(session, centre)
                attach_warnings(session, graph, select(Warning), sees_all=True)
                session.expunge_all()
                return drawing(graph, lambda k, key: f"/staff/entities/{k}/x")

            p50, p95 = timed(read, args.runs)
            print(f"{name:12} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
    engine.dispose()


if __name__ == "__main__":
    main()
