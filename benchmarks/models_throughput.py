"""Supervision models at county scale and beyond, against hand-written DuckDB baselines.

Run by hand (generating and ingesting 2.5 million persons takes a while and several GB under
benchmarks/data/):

    .venv/bin/python benchmarks/models_throughput.py --persons 250000 2500000

For each size it generates the county once as CSV (cached), ingests it once into
benchmarks/data/home-<persons>-<seed> (cached), then in a fresh process per measurement:

- `all`: every model through the runner (warehouse views, catalog tables, shared relations,
  the 15 queries, merging evidence into warnings, run-wide facts), without the app database;
- `store`: storing that run's warnings in a fresh SQLite app database;
- for DECEASED_PAID, DUPLICATE_PAYMENT and SHARED_ACCOUNT: the model alone through the runner
  (with only the shared relations it reads) against one hand-written DuckDB query over the
  same Parquet files that returns the same warnings with their evidence rows.

Each figure is the median of --runs runs; peak memory is the largest high-water mark of the
measuring processes.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SUNLIGHT = Path(sys.executable).parent / "sunlight"
BASELINED = ("DECEASED_PAID", "DUPLICATE_PAYMENT", "SHARED_ACCOUNT")

BASELINES = {
    "DECEASED_PAID": """
        WITH deaths AS (
            SELECT id_number, min(death_date) AS died FROM (
                SELECT id_number, death_date FROM {deaths}
                UNION ALL
                SELECT id_number, status_date FROM {residents}
                WHERE status = '死亡' AND status_date IS NOT NULL)
            GROUP BY id_number)
        SELECT p.id_number, p.program_code, min(p.period), max(p.period), sum(p.amount),
               list(struct_pack(f := p.source_file, r := p.source_row))
        FROM {payments} AS p JOIN deaths AS d ON d.id_number = p.id_number
        WHERE p.program_code IS NOT NULL
          AND CASE WHEN length(p.period) = 4 THEN year(p.period_start) > year(d.died)
                   ELSE p.period_start > last_day(d.died) END
        GROUP BY p.id_number, p.program_code""",
    "DUPLICATE_PAYMENT": """
        SELECT id_number, program_code, min(period), max(period), sum(amount),
               list(struct_pack(f := source_file, r := source_row))
        FROM (SELECT *, row_number() OVER (
                  PARTITION BY id_number, program_code, period
                  ORDER BY paid_on, source_file, source_row) AS nth
              FROM {payments} WHERE program_code IS NOT NULL)
        WHERE nth > 1
        GROUP BY id_number, program_code""",
    "SHARED_ACCOUNT": """
        WITH paid AS (
            SELECT p.*, coalesce(r.household_id, '?' || p.id_number) AS household
            FROM {payments} AS p
            LEFT JOIN (SELECT DISTINCT id_number, household_id FROM {residents}) AS r
              ON r.id_number = p.id_number
            WHERE p.program_code IS NOT NULL),
        shared AS (
            SELECT account FROM paid GROUP BY account
            HAVING count(DISTINCT id_number) >= 3 AND count(DISTINCT household) >= 2)
        SELECT account, min(period), max(period), sum(amount),
               list(struct_pack(f := source_file, r := source_row))
        FROM paid WHERE account IN (SELECT account FROM shared)
        GROUP BY account""",
}


def ensure_home(persons: int, seed: int) -> Path:
    """The county generated and ingested once; later runs reuse it."""
    county = DATA / f"county-{persons}-csv-{seed}"
    if not (county / "delivery").is_dir():
        subprocess.run([str(SUNLIGHT), "generate", "--out", str(county), "--persons",
                        str(persons), "--seed", str(seed), "--format", "csv"], check=True)
    home = DATA / f"home-{persons}-{seed}"
    if not (home / ".ingested").exists():
        subprocess.run([str(SUNLIGHT), "ingest", str(county / "delivery")], check=True,
                       env={"SUNLIGHT_HOME": str(home), "PATH": "/usr/bin:/bin"})
        (home / ".ingested").touch()
    return home


def measure(kind: str, home: str, code: str = "") -> dict[str, float]:
    """One measurement, in this (fresh) process; prints and returns seconds and peak RSS."""
    import duckdb

    from sunlight.contract.catalog import load_catalog
    from sunlight.models.registry import load_library
    from sunlight.models.runner import detect, select
    from sunlight.warehouse.engine import DuckDBEngine
    from sunlight.warehouse.store import Warehouse

    # The clock starts once the library is loaded and the modules imported, for both sides:
    # a long-running service pays that once.
    warehouse = Warehouse(Path(home) / "warehouse")
    models = select(load_library(), [code] if code else None)
    catalog = load_catalog()
    figures: dict[str, float] = {}
    started = time.perf_counter()
    if kind == "baseline":
        tables = {name: "read_parquet([" + ", ".join(
            f"'{path}'" for path in warehouse.table_files(name)) + "])"
            for name in ("payments", "deaths", "residents")}
        rows = duckdb.connect().sql(BASELINES[code].format(**tables)).fetchall()
        figures["warnings"] = len(rows)
    else:
        result = detect(DuckDBEngine(), warehouse, catalog, models)
        figures["warnings"] = len(result.detections)
        figures.update({f"model:{o.code}": o.seconds for o in result.outcomes})
        if kind == "store":
            figures["store"] = _store(result, Path(home))
    figures["seconds"] = time.perf_counter() - started
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))
    return figures


def _store(result: object, home: Path) -> float:
    from sunlight.appdb.database import make_engine, session_factory, upgrade
    from sunlight.appdb.warnings import sync

    database = home / "bench-app.db"
    database.unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    upgrade(url)
    engine = make_engine(url)
    started = time.perf_counter()
    with session_factory(engine).begin() as session:
        sync(session, result.detections, models=result.models_run,  # type: ignore[attr-defined]
             fingerprint="bench")
    return time.perf_counter() - started


def in_fresh_process(kind: str, home: Path, code: str = "") -> dict[str, float]:
    output = subprocess.run([sys.executable, __file__, "--measure", kind, str(home), code],
                            check=True, capture_output=True, text=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def median_of(runs: int, kind: str, home: Path, code: str = "") -> dict[str, float]:
    samples = [in_fresh_process(kind, home, code) for _ in range(runs)]
    keys = samples[0].keys()
    return {key: (max if key == "peak_rss_mb" else statistics.median)(s[key] for s in samples)
            for key in keys}


def bench(persons: int, seed: int, runs: int) -> dict[str, object]:
    home = ensure_home(persons, seed)
    report: dict[str, object] = {"persons": persons, "all": median_of(runs, "all", home),
                                 "store": median_of(1, "store", home)}
    for code in BASELINED:
        report[code] = {"sunlight": median_of(runs, "one", home, code),
                        "baseline": median_of(runs, "baseline", home, code)}
    return report


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        measure(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "")
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[250_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"# {platform.node()} {platform.processor() or platform.machine()}, "
          f"{time.strftime('%Y-%m-%d %H:%M')}")
    for persons in args.persons:
        print(json.dumps(bench(persons, args.seed, args.runs), indent=1))


if __name__ == "__main__":
    main()
