"""The search box at county scale: how long `index_terms` takes, and the p95 of searches by
20 clients pausing about a second between them.

Run by hand, on SQLite or PostgreSQL (an empty database or schema: its entities are
replaced):

    .venv/bin/python benchmarks/search_latency.py --url sqlite:///benchmarks/data/search.db
    .venv/bin/python benchmarks/search_latency.py --persons 250000 --clients 20 --seconds 30 \\
        --url 'postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dbench'

The entities are synthetic (the entity index's builder is not run): `--persons` persons,
a third as many households, four fifths as many accounts, 3,000 companies, with names drawn
from common surnames and given-name characters, so that distinct names are fewer than
entities but many (more than a real county has, which makes the build pessimistic). The
clients are threads of this process calling `search` directly: no HTTP, no templates.
"""

from __future__ import annotations

import argparse
import random
import statistics
import threading
import time

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from sunlight.appdb.bulk import insert_rows
from sunlight.appdb.database import make_engine, upgrade
from sunlight.appdb.entity_tables import Entity
from sunlight.entities.search import VERIFIER_KINDS, Scope, search
from sunlight.entities.search_terms import index_terms, refresh_warned

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏"
            "卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国文辉鹏飞春梅志海波斌宇浩凯"
         "健俊帆帅旭宁龙林欣怡佳晨阳雪琳晶颖倩婷慧琴云莲凤翠珍花荣宝成福德才生金山水利")
TOWNSHIPS = [f"第{i}镇" for i in range(15)]
QUERIES = ["王", "芳", "建国", "王芳", "王建国", "李秀英", "1234", "610327198",
           "610327********1234", "6103**********123X", "6228480000001", "300001234", "合作社",
           "种养殖专业", "陇县王", "916103270000", "芳芳", "国华", "Z", "%"]
COLUMNS = ("kind", "key", "ref", "name", "township", "village", "household", "warnings", "doc")


def county(persons: int, rng: random.Random) -> list[tuple[object, ...]]:
    def name() -> str:
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN)
                                              for _ in range(rng.choice((1, 2, 2))))

    def row(kind: str, key: str, entity_name: str, township: str,
            warned: float) -> tuple[object, ...]:
        return (kind, key, f"{kind[0]}{key}"[:24], entity_name, township, "", "",
                int(rng.random() < warned), {})

    rows = [row("person", f"610327{19400101 + i * 37 % 700000:08d}{i % 10000:04d}", name(),
                rng.choice(TOWNSHIPS), 0.04) for i in range(persons)]
    rows += [row("household", f"3{i:08d}", name(), rng.choice(TOWNSHIPS), 0.02)
             for i in range(persons // 3)]
    rows += [row("account", f"622848{i:013d}", name(), rng.choice(TOWNSHIPS), 0.01)
             for i in range(persons * 4 // 5)]
    rows += [row("company", f"916103270{i:08d}X",
                  "陇县" + name() + rng.choice(["种养殖专业合作社", "商贸有限公司"]), "", 0.0)
             for i in range(3000)]
    unique = {(r[0], r[1]): r for r in rows}
    return list(unique.values())


def build(engine: Engine, persons: int) -> None:
    rows = county(persons, random.Random(7))
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM search_keys"))
        connection.execute(text("DELETE FROM search_grams"))
        connection.execute(text("DELETE FROM entities"))
        insert_rows(connection, Entity, COLUMNS, rows)
    started = time.perf_counter()
    with engine.begin() as connection:
        index_terms(connection)
        grams = connection.execute(text("SELECT count(*) FROM search_grams")).scalar()
    print(f"{len(rows)} entities; index_terms {time.perf_counter() - started:.1f} s, "
          f"{grams} name grams")
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    # A later run: one entity in a hundred gains or loses its warnings.
    with engine.begin() as connection:
        connection.execute(text("UPDATE entities SET warnings = 1 - sign(warnings) "
                                "WHERE id % 100 = 7"))
        started = time.perf_counter()
        changed = refresh_warned(connection)
    print(f"refresh_warned after a run changing 1% of entities' warnings: "
          f"{time.perf_counter() - started:.1f} s, {changed} names")


def drive(engine: Engine, clients: int, seconds: float, think: float) -> list[float]:
    """Each client: a random search (as an analyst, or a verifier one time in four), then
    a random pause averaging `think` seconds."""
    times: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        with Session(engine) as session:
            while time.monotonic() < stop:
                scope = (Scope(township=rng.choice(TOWNSHIPS), kinds=VERIFIER_KINDS)
                         if rng.random() < 0.25 else Scope())
                started = time.perf_counter()
                search(session, rng.choice(QUERIES), scope)
                session.rollback()
                with lock:
                    times.append(time.perf_counter() - started)
                time.sleep(rng.expovariate(1 / think) if think else 0)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--persons", type=int, default=250_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--no-build", action="store_true", help="search what is there")
    args = parser.parse_args()
    upgrade(args.url)
    engine = make_engine(args.url)
    if not args.no_build:
        build(engine, args.persons)
    times = sorted(drive(engine, args.clients, args.seconds, args.think))
    p95 = times[int(len(times) * 0.95)] * 1000
    print(f"{len(times)} searches by {args.clients} clients over {args.seconds:.0f} s: "
          f"p50 {statistics.median(times) * 1000:.1f} ms, p95 {p95:.1f} ms, "
          f"max {times[-1] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
