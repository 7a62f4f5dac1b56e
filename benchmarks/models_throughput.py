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
  (with only the shared relations it reads) against hand-written single DuckDB queries over
  the same Parquet files: `minimal` returns the same warnings (subject, program, periods,
  amount, paid rows) and nothing else; `equivalent` also returns what a Sunlight warning
  holds (the registry's name and place, the death record and its source, the basis rows).

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

# The registry as the models read it: one row per ID, from the file ingested last.
PERSON = """
    person AS (
        SELECT r.id_number, r.name, r.household_id, r.township, r.village
        FROM {residents} AS r
        LEFT JOIN batches AS b ON b.file_hash = CAST(r.source_file_hash AS VARCHAR)
        QUALIFY row_number() OVER (PARTITION BY r.id_number
                                   ORDER BY b.delivered DESC NULLS LAST, r.source_row DESC) = 1)"""

# Minimal: the same warnings (subject, program, periods, amount, paid rows) and nothing more.
MINIMAL = {
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

# Equivalent: what a warning holds in Sunlight, written by hand as one query each: the
# registry's name and place, the earliest credible death with its source and record, the
# reversal-aware duplicates with the first payment as basis, households from the registry.
EQUIVALENT = {
    "DECEASED_PAID": """
        WITH""" + PERSON + """,
        records AS (
            SELECT id_number, death_date, coalesce(source, '死亡信息') AS source,
                   'deaths' AS ds, CAST(source_file AS VARCHAR) AS f,
                   CAST(source_sheet AS VARCHAR) AS sh, source_row AS r
            FROM {deaths}
            UNION ALL
            SELECT id_number, status_date, '户籍注销', 'residents',
                   CAST(source_file AS VARCHAR), CAST(source_sheet AS VARCHAR), source_row
            FROM {residents} WHERE status = '死亡' AND status_date IS NOT NULL),
        credible AS (
            SELECT *, min(death_date) OVER (PARTITION BY id_number) AS earliest FROM records
            WHERE death_date <= current_date
              AND death_date >= make_date(coalesce(try_cast(substr(id_number, 7, 4) AS INT), 1),
                                          coalesce(try_cast(substr(id_number, 11, 2) AS INT), 1),
                                          1)),
        death AS (
            SELECT *, count(DISTINCT source) FILTER (WHERE death_date <= earliest + 31)
                          OVER (PARTITION BY id_number) AS agreeing
            FROM credible
            QUALIFY row_number() OVER (PARTITION BY id_number ORDER BY death_date,
                CASE source WHEN '公安注销' THEN 1 WHEN '户籍注销' THEN 2 WHEN '医学证明' THEN 3
                            WHEN '火化' THEN 4 ELSE 5 END, ds, f, sh, r) = 1)
        SELECT p.id_number, p.program_code, any_value(coalesce(ps.name, p.name)),
               any_value(coalesce(p.township, ps.township)),
               any_value(coalesce(p.village, ps.village)), min(p.period), max(p.period),
               sum(p.amount), list(struct_pack(f := p.source_file, r := p.source_row)),
               any_value(d.source), any_value(d.agreeing), any_value(d.ds), any_value(d.f),
               any_value(d.r)
        FROM {payments} AS p
        JOIN death AS d ON d.id_number = p.id_number
        LEFT JOIN person AS ps ON ps.id_number = p.id_number
        WHERE p.program_code IS NOT NULL
          AND CASE WHEN length(p.period) = 4 THEN year(p.period_start) > year(d.death_date)
                   ELSE p.period_start > last_day(d.death_date) END
        GROUP BY p.id_number, p.program_code""",
    "DUPLICATE_PAYMENT": """
        WITH""" + PERSON + """,
        paid AS (SELECT * FROM {payments} WHERE program_code IS NOT NULL),
        repeated AS (
            SELECT id_number, program_code, period FROM paid
            GROUP BY ALL HAVING count(*) > 1),
        signed AS (
            SELECT p.*, row_number() OVER (
                PARTITION BY p.id_number, p.program_code, p.period, abs(p.amount), p.amount > 0
                ORDER BY p.paid_on NULLS LAST, p.source_file, p.source_row) AS pairing
            FROM paid AS p JOIN repeated USING (id_number, program_code, period)),
        standing AS (
            SELECT s.*, row_number() OVER (
                PARTITION BY s.id_number, s.program_code, s.period
                ORDER BY s.paid_on NULLS LAST, s.source_file, s.source_row) AS nth
            FROM signed AS s
            WHERE s.amount > 0 AND NOT EXISTS (
                SELECT 1 FROM signed AS r WHERE r.amount < 0 AND r.id_number = s.id_number
                  AND r.program_code = s.program_code AND r.period = s.period
                  AND -r.amount = s.amount AND r.pairing = s.pairing))
        SELECT a.id_number, a.program_code, any_value(coalesce(ps.name, a.name)),
               any_value(coalesce(a.township, ps.township)), min(a.period), max(a.period),
               sum(a.amount), list(struct_pack(f := a.source_file, r := a.source_row)),
               list(struct_pack(f := f.source_file, r := f.source_row))
        FROM standing AS a
        JOIN standing AS f ON f.id_number = a.id_number AND f.program_code = a.program_code
         AND f.period = a.period AND f.nth = 1
        LEFT JOIN person AS ps ON ps.id_number = a.id_number
        WHERE a.nth > 1
        GROUP BY a.id_number, a.program_code""",
    "SHARED_ACCOUNT": """
        WITH""" + PERSON + """,
        paid AS (
            SELECT p.*, coalesce(r.household_id, '?' || p.id_number) AS household,
                   coalesce(p.township, r.township) AS place
            FROM {payments} AS p LEFT JOIN person AS r ON r.id_number = p.id_number
            WHERE p.program_code IS NOT NULL),
        shared AS (
            SELECT account, count(DISTINCT id_number) AS persons,
                   count(DISTINCT household) AS households
            FROM paid GROUP BY account
            HAVING count(DISTINCT id_number) >= 3 AND count(DISTINCT household) >= 2)
        SELECT p.account, any_value(s.persons), any_value(s.households), min(p.place),
               min(p.period), max(p.period), sum(p.amount),
               list(struct_pack(f := p.source_file, r := p.source_row))
        FROM paid AS p JOIN shared AS s ON s.account = p.account
        GROUP BY p.account""",
}
BASELINES = {"minimal": MINIMAL, "equivalent": EQUIVALENT}


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
    from sunlight.settings import Settings
    from sunlight.warehouse.duckdb_engine import engine_for
    from sunlight.warehouse.store import Warehouse
    from sunlight.warehouse.tables import batches_table

    # The clock starts once the library is loaded and the modules imported, for both sides:
    # a long-running service pays that once.
    warehouse = Warehouse(Path(home) / "warehouse")
    models = select(load_library(), [code] if code else None)
    catalog = load_catalog()
    figures: dict[str, float] = {}
    started = time.perf_counter()
    if kind in BASELINES:
        con = duckdb.connect()
        con.register("batches", batches_table(warehouse.batches()))
        tables = {name: "read_parquet([" + ", ".join(
            f"'{path}'" for path in warehouse.table_files(name)) + "])"
            for name in ("payments", "deaths", "residents")}
        rows = con.sql(BASELINES[kind][code].format(**tables)).fetchall()
        figures["seconds"] = time.perf_counter() - started
        figures["warnings"] = len(rows)
    else:
        result = detect(engine_for(Settings(home=Path(home))), warehouse, catalog, models)
        figures["seconds"] = time.perf_counter() - started
        figures["warnings"] = len(result.detections)
        figures.update({f"model:{o.code}": o.seconds for o in result.outcomes})
        if kind == "store":  # timed on its own
            figures["store"] = _store(result, Path(home))
        if kind == "all":
            figures.update(_scorecard(result, Path(home)))
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))
    return figures


def _scorecard(result: object, home: Path) -> dict[str, float]:
    """Cases found and traps fired against the county's truth.csv (outside the clock)."""
    from sunlight.synth.scorecard import read_truth, score

    truth = DATA / f"county-{home.name.split('-')[1]}-csv-{home.name.split('-')[2]}" / "truth.csv"
    rows = [{"warning_id": d.subject, "model": d.model, "id_number": d.id_number,
             "account": d.account, "township": d.township, "program": d.program,
             "period_from": d.period_from, "period_to": d.period_to,
             "amount": f"{d.amount:.2f}"} for d in result.detections]  # type: ignore[attr-defined]
    card = score(rows, read_truth(truth))
    return {"cases": card.cases, "found": card.found, "traps": card.traps,
            "traps_fired": card.fired, "beyond_truth": card.unexpected}


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
                        **{kind: median_of(runs, kind, home, code) for kind in BASELINES}}
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
