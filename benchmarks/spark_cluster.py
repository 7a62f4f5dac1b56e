"""Issue 17, item 3: `sunlight detect` on a real Spark standalone cluster, held to DuckDB.

    .venv/bin/python benchmarks/spark_cluster.py [--home HOME] [--persons 2000] [--seed 1]
                                                 [--workers 2] [--worker-memory 2g] [--work DIR]

Starts a Spark master and two workers on this machine (`spark_standalone.py`: loopback, free
ports, one core each), checks that the master reports both ALIVE, then detects the same
warehouse twice, each into an app database of its own (SQLite, in a home under WORK whose
warehouse is hard-linked from the source): with DuckDB, and with `sunlight detect --engine
spark --spark-master spark://127.0.0.1:PORT`. The two must store the same warnings to the
row: the contract's CSV export, each warning's evidence rows, people and facts. Without
--home, a county of --persons is generated and ingested first, and the Spark run is also
scored against its truth. Prints timings (wall and CPU: this process's children, and the
cluster's daemons with their executors) and exits 1 when parity fails. The cluster is
stopped in every case, and a process of it left running is an error.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import ctypes
import json
import os
import platform
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from spark_standalone import Cluster, group_members, standalone_cluster

# What the two detections stored, each part a list of rows to compare as a whole.
STORED = {
    "evidence": "SELECT w.warning_id, e.dataset, e.file, e.sheet, e.row, e.role, e.period,"
                " CAST(e.amount AS TEXT) FROM warning_evidence e"
                " JOIN warnings w ON w.id = e.warning_pk",
    "people": "SELECT w.warning_id, p.id_number, p.name, p.household, p.role"
              " FROM warning_people p JOIN warnings w ON w.id = p.warning_pk",
    "facts": "SELECT warning_id, facts, score, unit FROM warnings",
}
SHOWN_DIFFERENCES = 5


def sunlight(*args: str) -> list[str]:
    return [sys.executable, "-m", "sunlight", *args]


def environment(home: Path) -> dict[str, str]:
    """A home's own SQLite app database, whatever this shell names; the driver on loopback."""
    env = {k: v for k, v in os.environ.items() if k != "SUNLIGHT_DATABASE_URL"}
    return {**env, "SUNLIGHT_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1",
            "PYSPARK_PYTHON": sys.executable}


def run(command: list[str], home: Path, accepted: tuple[int, ...] = (0,)) -> dict[str, float]:
    """One command in a fresh process: wall seconds, CPU seconds of it and every process it
    started (a Spark driver's JVM, which outlives PySpark by a moment), its peak memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile() as said:  # a file, not a pipe nobody reads until the end
        started = time.perf_counter()
        process = subprocess.Popen(command, env=environment(home), stdout=said,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _, status, usage = os.wait4(process.pid, 0)
            reap_group(process.pid)
        except BaseException:  # Ctrl-C or SIGTERM here: its own session would not hear it
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            raise
        seconds = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        if code not in accepted:
            said.seek(0)
            lines = said.read().decode("utf-8", "replace").splitlines()[-40:]
            tail = "\n".join(line[:400] for line in lines)  # Spark's traces run long
            raise SystemExit(f"{' '.join(command)} failed ({code}):\n{tail}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"seconds": round(seconds, 2), "cpu": round(cpu, 2),
            "peak_mb": round(usage.ru_maxrss / 1024)}


def reaping_orphans() -> None:
    """Make this process the one an orphaned descendant falls to (Linux), so that `run`
    can wait for it and count its CPU."""
    if sys.platform.startswith("linux"):
        pr_set_child_subreaper = 36
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_child_subreaper, 1)


def reap_group(group: int, timeout: float = 60.0) -> None:
    """Wait for what the command left in its process group to end, and reap it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = False
        for pid in group_members({group}):
            try:
                if os.waitpid(pid, os.WNOHANG) == (0, 0):
                    left = True  # still running
            except ChildProcessError:  # not ours to reap: someone else's or gone
                left = left or Path(f"/proc/{pid}").exists()
        if not left:
            return
        time.sleep(0.1)
    raise SystemExit(f"processes of group {group} still run {timeout:.0f} s after it ended")


def detect(home: Path, *engine: str) -> dict[str, float]:
    return run(sunlight("detect", "--top", "0", *engine), home, accepted=(0, 1))


def linked_home(warehouse: Path, home: Path) -> Path:
    """A fresh home whose warehouse is the given one's files, hard-linked where the file
    system allows (a committed Parquet file and the manifest are replaced, never written
    in place, and detection writes none of them), else copied."""
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)

    def link(source: str, target: str) -> None:
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)

    shutil.copytree(warehouse, home / "warehouse", copy_function=link)
    return home


def generated_warehouse(work: Path, persons: int, seed: int) -> tuple[Path, Path]:
    """A county of `persons` generated and ingested under WORK: its warehouse and truth."""
    county, home = work / "county", work / "ingested"
    shutil.rmtree(county, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    figures = run(sunlight("generate", "--out", str(county), "--persons", str(persons),
                           "--seed", str(seed), "--format", "csv"), home)
    print(f"generated {persons:,} persons in {figures['seconds']} s", flush=True)
    figures = run(sunlight("ingest", str(county / "delivery")), home)
    print(f"ingested in {figures['seconds']} s", flush=True)
    return home / "warehouse", county / "truth.csv"


def stored(home: Path) -> dict[str, list[tuple[str, ...]]]:
    """The home's stored warnings as rows: the contract's CSV export, then the parts of each
    warning the export leaves out. Sorted, so that only content counts."""
    export = home / "warnings.csv"
    run(sunlight("warnings", "export", "--format", "csv", str(export)), home)
    with export.open(encoding="utf-8", newline="") as handle:
        parts = {"export": [tuple(row) for row in csv.reader(handle)]}
    with sqlite3.connect(f"file:{home / 'sunlight.db'}?mode=ro", uri=True) as database:
        for part, query in STORED.items():
            parts[part] = [tuple(str(cell) for cell in row)
                           for row in database.execute(query).fetchall()]
    return {part: sorted(rows) for part, rows in parts.items()}


def differences(duckdb: dict[str, list[tuple[str, ...]]],
                spark: dict[str, list[tuple[str, ...]]]) -> dict[str, object]:
    """Per part, the rows each side holds that the other does not (a few shown)."""
    found: dict[str, object] = {}
    for part in duckdb:
        left, right = set(duckdb[part]), set(spark[part])
        if left != right or len(duckdb[part]) != len(spark[part]):
            found[part] = {"rows": [len(duckdb[part]), len(spark[part])],
                           "only_duckdb": sorted(left - right)[:SHOWN_DIFFERENCES],
                           "only_spark": sorted(right - left)[:SHOWN_DIFFERENCES]}
    return found


def scorecard(home: Path, truth: Path) -> dict[str, int]:
    from sunlight.synth.scorecard import read_truth, score

    card = score(read_truth(home / "warnings.csv"), read_truth(truth))
    return {"cases": card.cases, "found": card.found, "traps": card.traps, "fired": card.fired,
            "unexpected": card.unexpected}


def on_cluster(cluster: Cluster, home: Path) -> dict[str, object]:
    """`sunlight detect` against the cluster, with the CPU its daemons and executors spent."""
    workers = cluster.alive_workers()
    print(f"cluster up in {cluster.started_seconds:.1f} s at {cluster.master_url}: "
          f"{len(workers)} workers ALIVE", flush=True)
    cpu_before = cluster.cpu_seconds()
    figures: dict[str, object] = dict(
        detect(home, "--engine", "spark", "--spark-master", cluster.master_url))
    figures["cluster_cpu"] = round(cluster.cpu_seconds() - cpu_before, 2)
    completed = cluster.status().get("completedapps", [])
    figures["applications_completed"] = len(completed) if isinstance(completed, list) else 0
    print(f"detected on the cluster in {figures['seconds']} s", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path,
                        help="an ingested SUNLIGHT_HOME; only its warehouse is read "
                             "(default: a county generated and ingested here)")
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-memory", default="2g")
    parser.add_argument("--work", type=Path, help="kept afterwards (default: a temp folder)")
    args = parser.parse_args()
    reaping_orphans()
    work = args.work or Path(tempfile.mkdtemp(prefix="spark-cluster-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        report = measured(args, work)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if report["parity"] != "identical":
        raise SystemExit(1)


def measured(args: argparse.Namespace, work: Path) -> dict[str, object]:
    truth = None
    if args.home:
        warehouse = args.home / "warehouse"
        if not (warehouse / "manifest.json").is_file():
            raise SystemExit(f"{args.home} holds no ingested warehouse (warehouse/manifest.json)")
    else:
        warehouse, truth = generated_warehouse(work, args.persons, args.seed)
    duckdb_home = linked_home(warehouse, work / "duckdb")
    spark_home = linked_home(warehouse, work / "spark")
    report: dict[str, object] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"load {os.getloadavg()[0]:.1f} at start",
        "warehouse": str(warehouse), "detect duckdb": detect(duckdb_home)}
    print(f"detected with DuckDB in {report['detect duckdb']['seconds']} s",  # type: ignore[index]
          flush=True)
    started = time.perf_counter()
    with standalone_cluster(args.workers, memory=args.worker_memory) as cluster:
        report["cluster start s"] = round(cluster.started_seconds, 2)
        report["workers"] = f"{args.workers} × 1 core, {args.worker_memory}"
        report["detect spark cluster"] = on_cluster(cluster, spark_home)
        stopping = time.perf_counter()
    report["cluster stop s"] = round(time.perf_counter() - stopping, 2)
    report["cluster total s"] = round(time.perf_counter() - started, 2)
    report["orphan processes"] = 0  # stop() raised otherwise
    duckdb_rows, spark_rows = stored(duckdb_home), stored(spark_home)
    report["rows compared"] = {part: len(rows) for part, rows in duckdb_rows.items()}
    report["parity"] = differences(duckdb_rows, spark_rows) or "identical"
    if truth:
        report["scorecard duckdb"] = scorecard(duckdb_home, truth)
        report["scorecard spark"] = scorecard(spark_home, truth)
    report["load at end"] = round(os.getloadavg()[0], 1)
    return report


if __name__ == "__main__":
    main()
