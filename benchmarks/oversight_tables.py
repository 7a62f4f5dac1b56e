"""What building the 督察 views' tables costs on a prefecture's bureau (issue 16).

Run by hand:

    .venv/bin/python benchmarks/oversight_tables.py [--units 43] [--posts 300] [--days 365]
        [--cases 200000] [--findings 20000] [--postgres URL]

Makes a prefecture's police data in DuckDB itself (no files, no ingestion: this measures the
build alone): `--posts` posts over `--units` units, a roster of a year naming each post's
shifts with about one shift in 50 left out, `--cases` cases and `--findings` findings; then
`sunlight.oversight.build.rebuild` writes the tables into a new SQLite database (and, with
`--postgres`, into a fresh schema of that database). Prints wall and CPU seconds per
backend, the rows written, and the cost of the dashboard's and the grid's reads.
"""

from __future__ import annotations

import argparse
import platform
import secrets
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import text

from sunlight.appdb.account_tables import User
from sunlight.appdb.database import make_engine, session_factory, upgrade
from sunlight.contract.time_limits import load_time_limits
from sunlight.models.duty_tables import duty_tables
from sunlight.models.run_values import AsOf, run_tables
from sunlight.oversight import reads
from sunlight.oversight.build import rebuild
from sunlight.warehouse.duckdb_engine import DuckDBEngine

LINEAGE = "'f' AS source_file_hash, 'f.csv' AS source_file, '' AS source_sheet"


def prefecture(engine: DuckDBEngine, units: int, posts: int, days: int, cases: int,
               findings: int) -> None:
    """The bureau's tables, made by the engine."""
    engine.materialise("batches", "SELECT 'f' AS file_hash, TIMESTAMP '2024-12-31' AS delivered")
    engine.materialise("posts", f"""
        SELECT '单位' || (i % {units}) AS unit, '卡口' || i AS post, '卡口' AS kind,
               CASE WHEN i % 3 = 0 THEN '白班' ELSE '24小时' END AS coverage,
               NULL::DATE AS active_from, NULL::DATE AS active_to, {LINEAGE},
               CAST(i + 2 AS INTEGER) AS source_row
        FROM range({posts}) t(i)""")
    engine.materialise("duty_roster", f"""
        SELECT DATE '2024-01-01' + CAST(d AS INTEGER) AS date, s.shift,
               '单位' || (i % {units}) AS unit, '卡口' || i AS post, '值班民警' AS role,
               '610327198001011234' AS id_number, '民警' AS name, '061234' AS police_number,
               {LINEAGE}, CAST(i * {days} + d AS INTEGER) AS source_row
        FROM range({posts}) p(i), range({days}) q(d), (VALUES ('白班'), ('夜班')) s(shift)
        WHERE hash(i, d, s.shift) % 50 <> 0""")
    engine.materialise("police_cases", f"""
        SELECT 'A' || i AS case_no, '单位' || (i % {units}) AS unit,
               (['刑事', '行政', '涉疫'])[1 + i % 3] AS category, '' AS handler_id_number,
               '民警' AS handler_name,
               TIMESTAMP '2024-01-01 09:00' + INTERVAL (i % 360) DAY AS received_at,
               TIMESTAMP '2024-01-01 09:00' + INTERVAL (i % 360 + i % 9) DAY AS filed_at,
               NULL::TIMESTAMP AS measures_at,
               CASE WHEN i % 20 = 0 THEN NULL
                    ELSE TIMESTAMP '2024-01-01 09:00' + INTERVAL (i % 360 + i % 40) DAY
               END AS closed_at,
               '' AS status, {LINEAGE}, CAST(i + 2 AS INTEGER) AS source_row
        FROM range({cases}) t(i)""")
    engine.materialise("inspection_findings", f"""
        SELECT 'DC' || i AS finding_no, '单位' || (i % {units}) AS unit,
               DATE '2024-01-01' + CAST(i % 300 AS INTEGER) AS found_on, '值守' AS category,
               '问题' AS description, DATE '2024-01-31' + CAST(i % 300 AS INTEGER) AS rectify_by,
               CASE WHEN i % 4 = 0 THEN NULL
                    ELSE DATE '2024-01-20' + CAST(i % 300 + i % 25 AS INTEGER) END
                   AS rectified_on,
               '督察' AS inspector, {LINEAGE}, CAST(i + 2 AS INTEGER) AS source_row
        FROM range({findings}) t(i)""")
    tables = {**run_tables(AsOf(date(2024, 12, 31), "given"), load_time_limits()),
              **duty_tables()}
    for name, table in tables.items():
        engine.register_table(name, table)


def measure(engine: DuckDBEngine, url: str, label: str) -> None:
    upgrade(url)
    db = make_engine(url)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        with session_factory(db).begin() as session:
            counts = rebuild(engine, session, secrets.token_hex(8))
        wall, used = time.perf_counter() - started, time.process_time() - cpu
        print(f"{label}: built in {wall:.1f} s wall, {used:.1f} s CPU; rows {counts.rows}")
        with session_factory(db)() as session:
            analyst = User(role="analyst", units=[])
            started = time.perf_counter()
            ranked = reads.ranked_units(session, reads.Scope(analyst))
            dashboard = time.perf_counter() - started
            started = time.perf_counter()
            grid = reads.grid(session, ranked[0].unit, "2024-06")
            grid_s = time.perf_counter() - started
            started = time.perf_counter()
            reads.tracked_cases(session, reads.Scope(analyst), "涉疫", "", limit=50, offset=0)
            tracked = time.perf_counter() - started
        print(f"{label}: dashboard {dashboard * 1000:.0f} ms ({len(ranked)} units), grid "
              f"{grid_s * 1000:.0f} ms ({len(grid)} posts × 30 days), 涉疫 first page "
              f"{tracked * 1000:.0f} ms")
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=43)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--postgres", default="", help="a PostgreSQL URL to measure too")
    args = parser.parse_args()
    print(f"{platform.machine()} {platform.python_version()}")
    engine = DuckDBEngine()
    try:
        prefecture(engine, args.units, args.posts, args.days, args.cases, args.findings)
        with tempfile.TemporaryDirectory() as folder:
            measure(engine, f"sqlite:///{Path(folder) / 'app.db'}", "SQLite")
        if args.postgres:
            schema = f"oversight_bench_{secrets.token_hex(4)}"
            admin = make_engine(args.postgres)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                separator = "&" if "?" in args.postgres else "?"
                measure(engine, f"{args.postgres}{separator}options=-csearch_path%3D{schema}",
                        "PostgreSQL")
            finally:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    finally:
        engine.close()


if __name__ == "__main__":
    main()
