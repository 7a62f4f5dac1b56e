"""The entity index's cost beside `sunlight detect`'s, on an ingested county.

Run by hand on a home already ingested (e.g. one made by models_throughput.py):

    .venv/bin/python benchmarks/entity_index.py --home benchmarks/data/home-250000-1
    .venv/bin/python benchmarks/entity_index.py --home ... --database-url postgresql://...

The home is copied first (to --work, default benchmarks/data/entity-index-work), never written
to. With --database-url the app database is that one (a dedicated, disposable database: the
index's tables are emptied); without, the copy's SQLite file. Three detection runs, each in a
fresh process, each timed whole and split into detection and index (IndexCounts.seconds):

- `full`: the index emptied first, so built from nothing;
- `unchanged`: the index told the warehouse changed, though it did not (same content), and
  that it does not know which batches it was built from: everything computed again and
  compared (with the last build's snapshot);
- `incremental`: one more month of payments ingested first (the latest month's rows, a month
  later), as a monthly delivery would bring: only what that batch touches is computed again
  (`scoped`);
- `company-month`: then one more month of enterprise payments (contract §5; the latest
  month's rows, a month later), where the home has any: only its companies and their
  accounts are computed again.

The `full` run empties the index's tables behind the build's back: its snapshot then no
longer matches the database and is not believed.

A first, unmeasured run stores the warnings (and builds the index) if the database has none.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUNLIGHT = Path(sys.executable).parent / "sunlight"
SCENARIOS = ("full", "unchanged", "incremental", "company-month")
HEADER = ("金额（元）", "所属年月", "身份证", "乡镇", "发放日期", "村", "银行账号", "领取人",
          "项目名称")
COMPANY_HEADER = ("项目名称", "统一社会信用代码", "企业名称", "所属期", "金额", "对公账号",
                  "申报人数", "发放日期", "乡镇")


def measure(scenario: str, home: str, url: str) -> dict[str, object]:
    """One detection run in this (fresh) process, prepared as `scenario` asks."""
    from sqlalchemy import text

    from sunlight.appdb.database import database_url, make_engine, session_factory
    from sunlight.detect import run_detection
    from sunlight.entities.refs import index_state
    from sunlight.settings import Settings

    settings = Settings(home=Path(home), database_url=url or None)
    if scenario != "prepare":
        db = make_engine(database_url(settings))
        with session_factory(db).begin() as session:
            if scenario == "full":  # plain SQL: the script also measures earlier versions
                for name in ("entity_warnings", "entity_links", "entities"):
                    session.execute(text(f"DELETE FROM {name}"))
            state = index_state(session)
            state.fingerprint = ""  # whatever the warehouse, build again
            if scenario == "unchanged" and hasattr(state, "batches"):  # all computed again
                state.batches = ""
        db.dispose()
    index_cpu = _count_index_cpu()
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    run = run_detection(settings)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    index = run.index
    assert index is not None, "no model ran"
    figures: dict[str, object] = {
        "scenario": scenario, "load": load, "total": seconds, "index": index.seconds,
        "detection": seconds - index.seconds, "entities": index.total,
        "cpu": cpu, "index_cpu": index_cpu[0], "detection_cpu": cpu - index_cpu[0],
        "written": getattr(index, "written", index.total), "links": index.links,
        "links_written": getattr(index, "links_written", index.links),
        "whole": getattr(index, "whole", True), "scoped": getattr(index, "scoped", False),
        "phases": getattr(index, "phases", {})}
    print(json.dumps(figures))
    return figures


def _count_index_cpu() -> list[float]:
    """CPU seconds (all threads of this process: DuckDB's too) spent building the index,
    counted by wrapping the builder detection calls; the machine is shared, so wall seconds
    alone say little."""
    import sunlight.detect as detect

    spent = [0.0]
    build = detect.rebuild_index

    def counted(*args: object, **kwargs: object) -> object:
        before = time.process_time()
        try:
            return build(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            spent[0] += time.process_time() - before

    detect.rebuild_index = counted  # type: ignore[assignment]
    return spent


def in_fresh_process(scenario: str, home: Path, url: str) -> dict[str, object]:
    output = subprocess.run([sys.executable, __file__, "--measure", scenario, str(home), url],
                            check=True, capture_output=True, text=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def copy_home(source: Path, work: Path, url: str) -> None:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    shutil.copytree(source / "warehouse", work / "warehouse")
    if not url:
        for name in ("sunlight.db", "sunlight.db-wal", "sunlight.db-shm"):
            if (source / name).exists():
                shutil.copy2(source / name, work / name)


def ingest_next_month(home: Path, url: str) -> None:
    """The latest month's payments, a month later, ingested as one more delivered file."""
    import duckdb

    payments = home / "warehouse" / "payments" / "*.parquet"
    target = home / "next-month.csv"
    duckdb.sql(f"""
        COPY (SELECT amount AS "{HEADER[0]}",
                     strftime(period_start + INTERVAL 1 MONTH, '%Y%m') AS "{HEADER[1]}",
                     id_number_as_written AS "{HEADER[2]}", township AS "{HEADER[3]}",
                     strftime(paid_on + INTERVAL 1 MONTH, '%Y%m%d') AS "{HEADER[4]}",
                     village AS "{HEADER[5]}", account AS "{HEADER[6]}",
                     name AS "{HEADER[7]}", program AS "{HEADER[8]}"
              FROM read_parquet('{payments}')
              WHERE period = (SELECT max(period) FROM read_parquet('{payments}')
                              WHERE length(period) = 7))
        TO '{target}' (HEADER, DELIMITER ',')""")
    env = {"SUNLIGHT_HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    if url:
        env["SUNLIGHT_DATABASE_URL"] = url
    subprocess.run([str(SUNLIGHT), "ingest", str(target), "--dataset", "payments"],
                   check=True, env=env, capture_output=True)


def ingest_next_company_month(home: Path, url: str) -> bool:
    """The latest month's enterprise payments, a month later, as one more delivered file;
    False when the home has none."""
    import duckdb

    if not list((home / "warehouse" / "enterprise_payments").glob("*.parquet")):
        return False
    paid = home / "warehouse" / "enterprise_payments" / "*.parquet"
    target = home / "next-company-month.csv"
    h = COMPANY_HEADER
    duckdb.sql(f"""
        COPY (SELECT program AS "{h[0]}", credit_code AS "{h[1]}", company AS "{h[2]}",
                     strftime(period_start + INTERVAL 1 MONTH, '%Y%m') AS "{h[3]}",
                     amount AS "{h[4]}", account AS "{h[5]}", claimed_headcount AS "{h[6]}",
                     strftime(paid_on + INTERVAL 1 MONTH, '%Y%m%d') AS "{h[7]}",
                     township AS "{h[8]}"
              FROM read_parquet('{paid}')
              WHERE period = (SELECT max(period) FROM read_parquet('{paid}')))
        TO '{target}' (HEADER, DELIMITER ',')""")
    env = {"SUNLIGHT_HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    if url:
        env["SUNLIGHT_DATABASE_URL"] = url
    subprocess.run([str(SUNLIGHT), "ingest", str(target), "--dataset", "enterprise_payments"],
                   check=True, env=env, capture_output=True)
    return True


def table(rows: list[dict[str, object]]) -> str:
    lines = ["| run | load | detection s | index s | index / detection | detection CPU s "
             "| index CPU s | index / detection (CPU) | entities written | links written |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = float(r["index"]) / float(r["detection"])  # type: ignore[arg-type]
        lines.append(
            f"| {r['scenario']}{' (whole)' if r['whole'] else ''}"
            f"{' (scoped)' if r.get('scoped') else ''} | {r['load']:.1f} "
            f"| {r['detection']:.1f} | {r['index']:.1f} | {ratio:.0%} "
            f"| {r['detection_cpu']:.1f} | {r['index_cpu']:.1f} "
            f"| {float(r['index_cpu']) / float(r['detection_cpu']):.0%} "  # type: ignore[arg-type]
            f"| {r['written']:,} of {r['entities']:,} | {r['links_written']:,} of {r['links']:,} |")
    lines.append("")
    lines += [f"{r['scenario']}: " + ", ".join(f"{name} {s:.2f} s" for name, s in
                                              r["phases"].items())  # type: ignore[attr-defined]
              for r in rows]
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        measure(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "")
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="an ingested home (read only)")
    parser.add_argument("--work", type=Path, default=HERE / "data" / "entity-index-work")
    parser.add_argument("--database-url", default="", help="a disposable app database")
    args = parser.parse_args()
    print(f"# {platform.node()} {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}, "
          f"{'PostgreSQL' if args.database_url else 'SQLite'}")
    copy_home(args.home, args.work, args.database_url)
    in_fresh_process("prepare", args.work, args.database_url)
    rows = [in_fresh_process("full", args.work, args.database_url),
            in_fresh_process("unchanged", args.work, args.database_url)]
    ingest_next_month(args.work, args.database_url)
    rows.append(in_fresh_process("incremental", args.work, args.database_url))
    if ingest_next_company_month(args.work, args.database_url):
        rows.append(in_fresh_process("company-month", args.work, args.database_url))
    print(table(rows))


if __name__ == "__main__":
    main()
