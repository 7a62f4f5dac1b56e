"""Issue 17 item 5, the province benchmark: ingest, then every model on each engine, side by side.

    PYTHONPATH=src .venv/bin/python benchmarks/province.py --persons 250000 2500000 10000000 \
        --engines duckdb,spark-local,standalone --work /work/bench/province

For each size a county is generated as CSV and ingested once under --work (both cached, with
their figures): `sunlight ingest` in a fresh process, wall, CPU, peak RSS of its process tree,
rows read. Then, per engine, a fresh process runs **all the models through the runner** over
that warehouse (`models.runner.detect`, as `sunlight detect` calls it). That is what item 5
measures: the models, not what `sunlight detect` does after them (the timelines, the entity
index, the 督察 tables). The process then stores the warnings in a SQLite app database of its
own (timed apart: a few hundred warnings) and exports them as the contract's CSV rows, which
are scored against the county's truth.csv (cases found, traps fired, warnings beyond the
truth) and compared across engines (the same rows, warning IDs included).

Engines: `duckdb` (SUNLIGHT_ENGINE_MEMORY, --engine-memory), `spark-local` (local[2], driver
--driver-memory) and `standalone` (a master and two one-core workers of --worker-memory on
this machine, `spark_standalone.py`). Wall, CPU (the process and everything it started: a
Spark driver's JVM) and peak RSS (the process tree, sampled) are the whole process's; the
cluster's daemons' and executors' CPU is counted apart. --timeout stops a run that would not
end in time, and the table says how far it got. Prints one markdown table per size.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest_throughput import tree_rss_kb
from spark_cluster import environment, linked_home, reap_group, reaping_orphans
from spark_standalone import standalone_cluster

SRC = Path(__file__).resolve().parents[1] / "src"
ENGINES = ("duckdb", "spark-local", "standalone")
SAMPLE_SECONDS = 0.5


@dataclass
class Figures:
    """One measured process: wall and CPU seconds, peak RSS of its tree, and what it said."""

    seconds: float
    cpu: float
    peak_mb: float
    load: tuple[float, float]
    said: dict[str, object] = field(default_factory=dict)
    stopped: bool = False


def measured(command: list[str], env: dict[str, str], log: Path,
             timeout: float | None = None) -> Figures:
    """Run `command` in a session of its own, sampling its tree's memory until it ends (or
    is stopped at `timeout`); its last output line, if JSON, is what it said."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    peak_kb, stopped = 0, False
    with _ended_with_us(process.pid):
        while (ended := os.wait4(process.pid, os.WNOHANG))[0] == 0:
            peak_kb = max(peak_kb, tree_rss_kb(process.pid))
            if timeout and time.perf_counter() - started > timeout and not stopped:
                os.killpg(process.pid, signal.SIGTERM)
                stopped = True
            time.sleep(SAMPLE_SECONDS)
        reap_group(process.pid)  # a Spark driver's JVM outlives PySpark by a moment
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(ended[1])
    if code != 0 and not stopped:
        tail = log.read_text("utf-8", "replace").splitlines()[-30:]
        raise SystemExit(f"{' '.join(command)} exited {code}:\n" + "\n".join(tail))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return Figures(round(seconds, 1), round(cpu, 1),
                   round(max(peak_kb, ended[2].ru_maxrss) / 1024),
                   (load, os.getloadavg()[0]), {} if stopped else _last_json(log), stopped)


@contextlib.contextmanager
def _ended_with_us(group: int) -> Iterator[None]:
    """Ctrl-C or SIGTERM here ends the measured process too (its own session would not hear)."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        raise


def _last_json(log: Path) -> dict[str, object]:
    lines = log.read_text("utf-8", "replace").strip().splitlines()
    with contextlib.suppress(IndexError, json.JSONDecodeError):
        said = json.loads(lines[-1])
        if isinstance(said, dict):
            return said
    return {}


def sunlight(*args: str) -> list[str]:
    return [sys.executable, "-m", "sunlight", *args]


def child_env(home: Path, settings: dict[str, str]) -> dict[str, str]:
    """The home's own SQLite database and this checkout's code, whatever PYTHONPATH said."""
    return {**environment(home), **settings, "PYTHONPATH": str(SRC)}


def cached(path: Path, make: Callable[[], dict[str, object]]) -> dict[str, object]:
    """Figures kept beside what they measured, so that a second run reuses both."""
    if path.is_file():
        return {**json.loads(path.read_text("utf-8")), "cached": True}
    figures: dict[str, object] = make()
    path.write_text(json.dumps(figures), "utf-8")
    return figures


def county(work: Path, persons: int, seed: int) -> tuple[Path, dict[str, object]]:
    """The county generated as CSV once: its folder and the generation's figures."""
    folder = work / f"county-{persons}-{seed}"
    work.mkdir(parents=True, exist_ok=True)

    def generate() -> dict[str, object]:
        if (folder / "truth.csv").is_file():
            return {"note": "generated before, not measured here"}
        command = sunlight("generate", "--out", str(folder), "--persons", str(persons),
                           "--seed", str(seed), "--format", "csv")
        return vars(measured(command, child_env(work, {}), work / f"generate-{persons}.log"))

    figures = cached(work / f"generate-{persons}-{seed}.json", generate)
    return folder, figures


def ingested(work: Path, folder: Path, persons: int, seed: int) -> tuple[Path, dict[str, object]]:
    """The county ingested once into a home of its own: the home and the ingest's figures."""
    home = work / f"home-{persons}-{seed}"

    def ingest() -> dict[str, object]:
        home.mkdir(parents=True, exist_ok=True)
        figures = measured(sunlight("ingest", str(folder / "delivery")), child_env(home, {}),
                           work / f"ingest-{persons}.log")
        manifest = json.loads((home / "warehouse" / "manifest.json").read_text("utf-8"))
        batches = manifest["batches"]
        rows = sum(b["counts"]["accepted"] + b["counts"]["rejected"] for b in batches)
        return {**vars(figures), "files": len(batches), "rows": rows}

    return home, cached(home / "ingest.json", ingest)


def engine_run(engine: str, warehouse: Path, run: Path, args: argparse.Namespace
               ) -> dict[str, object]:
    """All the models on one engine in a fresh process over a hard-linked copy of the
    warehouse; the cluster's CPU apart for the standalone cluster."""
    home = linked_home(warehouse, run / engine)
    settings = {"SUNLIGHT_ENGINE_MEMORY": args.engine_memory,
                "SUNLIGHT_SPARK_DRIVER_MEMORY": args.driver_memory,
                "SUNLIGHT_SPARK_EXECUTOR_MEMORY": args.executor_memory}
    command = [sys.executable, __file__, "--child", engine, str(home)]
    if engine != "standalone":
        figures = measured(command, child_env(home, settings), run / f"{engine}.log",
                           args.timeout)
        return {**vars(figures), "home": str(home)}
    with standalone_cluster(2, memory=args.worker_memory, root=run / "cluster") as cluster:
        cpu_before = cluster.cpu_seconds()
        figures = measured([*command, cluster.master_url], child_env(home, settings),
                           run / f"{engine}.log", args.timeout)
        cluster_cpu = cluster.cpu_seconds() - cpu_before
    return {**vars(figures), "home": str(home), "cluster_cpu": round(cluster_cpu, 1),
            "cluster_start": round(cluster.started_seconds, 1)}


def child(engine: str, home: Path, master: str | None) -> None:
    """In the fresh process: start the engine, run every model, store and export."""
    started = time.perf_counter()
    from sunlight.contract.catalog import load_catalog
    from sunlight.contract.time_limits import load_time_limits
    from sunlight.models.parameters import load_overrides
    from sunlight.models.registry import load_library
    from sunlight.models.runner import ModelOutcome, detect, select
    from sunlight.settings import Settings
    from sunlight.warehouse import duckdb_engine, spark_engine
    from sunlight.warehouse.store import Warehouse

    settings = Settings(home=home)
    library = load_library()
    models = select(library, None)
    figures: dict[str, object] = {"imports": time.perf_counter() - started}
    clock = time.perf_counter()
    runner = (duckdb_engine.engine_for(settings) if engine == "duckdb"
              else spark_engine.engine_for(settings, master))
    figures["start"] = time.perf_counter() - clock
    progress = (home / "progress.log").open("w", encoding="utf-8")

    def said(outcome: ModelOutcome) -> None:  # how far a run got, should it be stopped
        progress.write(f"{time.perf_counter() - clock:.1f}\t{outcome.code}\t"
                       f"{outcome.seconds:.2f}\t{outcome.detections}\n")
        progress.flush()

    clock = time.perf_counter()
    result = detect(runner, Warehouse(settings.warehouse_dir), load_catalog(settings.catalog),
                    models, load_overrides(settings.detection_parameters, library),
                    on_model=said, time_limits=load_time_limits(settings.time_limits))
    figures["models"] = time.perf_counter() - clock
    figures["by_model"] = {o.code: round(o.seconds, 2) for o in result.outcomes}
    figures["warnings"] = len(result.detections)
    runner.close()
    figures["store"] = stored_and_exported(result, home)
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v
                      for k, v in figures.items()}), flush=True)


def stored_and_exported(result: object, home: Path) -> float:
    """The run's warnings stored in the home's fresh SQLite database (seconds returned),
    then exported as the contract's CSV to home/warnings.csv."""
    from sunlight.appdb.database import make_engine, session_factory, upgrade
    from sunlight.appdb.warnings import for_export, sync
    from sunlight.detect import fingerprint
    from sunlight.warehouse.store import Warehouse
    from sunlight.warning_export import write_csv

    url = f"sqlite:///{home / 'sunlight.db'}"
    upgrade(url)
    database = make_engine(url)
    clock = time.perf_counter()
    with session_factory(database).begin() as session:
        sync(session, result.detections, models=result.models_run,  # type: ignore[attr-defined]
             fingerprint=fingerprint(Warehouse(home / "warehouse")),
             as_of=result.as_of.day)  # type: ignore[attr-defined]
    seconds = time.perf_counter() - clock
    with session_factory(database)() as session:
        write_csv(for_export(session), home / "warnings.csv")
    database.dispose()
    return seconds


def judged(home: Path, truth: Path) -> dict[str, int]:
    """The export against the truth rows the installed models judge."""
    from sunlight.cli.warnings import judged_by
    from sunlight.contract.catalog import load_catalog
    from sunlight.models.registry import load_library
    from sunlight.synth.scorecard import read_truth, score

    rows, not_judged = judged_by(read_truth(truth), load_library(), load_catalog())
    card = score(read_truth(home / "warnings.csv"), rows)
    return {"cases": card.cases, "found": card.found, "traps": card.traps,
            "fired": card.fired, "beyond": card.unexpected, "not_judged": len(not_judged)}


def exported_rows(home: Path) -> set[tuple[str, ...]]:
    with (home / "warnings.csv").open(encoding="utf-8", newline="") as handle:
        return {tuple(row) for row in csv.reader(handle)}


def agreement(runs: dict[str, dict[str, object]]) -> None:
    """Each finished run's export against the first finished one's: `same` or what differs."""
    done = [engine for engine, run in runs.items() if not run["stopped"]]
    if not done:
        return
    first = exported_rows(Path(str(runs[done[0]]["home"])))
    for engine in done:
        rows = exported_rows(Path(str(runs[engine]["home"])))
        ids = {row[0] for row in rows ^ first}
        runs[engine]["agrees"] = "same" if not ids else f"{len(ids)} warning IDs differ"
        runs[engine]["agrees_with"] = done[0]


def how_far(home: Path, total: int) -> str:
    """A stopped run: the models it finished and the last one's place in the clock."""
    lines = (home / "progress.log").read_text("utf-8").splitlines() if (
        home / "progress.log").is_file() else []
    if not lines:
        return "stopped before the first model ended"
    at, code = lines[-1].split("\t")[:2]
    return f"stopped: {len(lines)} of {total} models in {float(at):.0f} s (last {code})"


def bench(persons: int, seed: int, engines: list[str], args: argparse.Namespace
          ) -> dict[str, object]:
    """One size: the county, its ingest, then each engine's run, scored and compared."""
    folder, generated = county(args.work, persons, seed)
    home, ingest = ingested(args.work, folder, persons, seed)
    report: dict[str, object] = {"persons": persons, "generate": generated, "ingest": ingest}
    runs: dict[str, dict[str, object]] = {}
    for engine in engines:
        print(f"{time.strftime('%H:%M:%S', time.gmtime())} UTC {persons:,} persons: {engine}",
              file=sys.stderr, flush=True)
        run = engine_run(engine, home / "warehouse", args.work / f"runs-{persons}-{seed}", args)
        if not run["stopped"]:
            run["score"] = judged(Path(str(run["home"])), folder / "truth.csv")
        runs[engine] = run
    agreement(runs)
    report["runs"] = runs
    return report


def table(report: dict[str, object], models: int) -> str:
    """The side-by-side markdown table of one size, with its ingest above it."""
    ingest = report["ingest"]
    assert isinstance(ingest, dict)
    lines = [f"**{report['persons']:,} persons** — ingest: {ingest.get('files', '?')} files, "
             f"{ingest.get('rows', 0):,} rows, {ingest['seconds']} s wall, {ingest['cpu']} s "
             f"CPU, peak {ingest['peak_mb']:,} MB, load {ingest['load'][0]:.1f}→"
             f"{ingest['load'][1]:.1f}" + (" (cached)" if ingest.get("cached") else ""), "",
             "| engine | wall s | CPU s | cluster CPU s | peak RSS MB | start s | models s | "
             "store s | warnings | cases found | traps fired | beyond truth | agrees | load |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    runs = report["runs"]
    assert isinstance(runs, dict)
    for engine, run in runs.items():
        said, score = run["said"], run.get("score", {})
        if run["stopped"]:
            lines.append(f"| {engine} | {run['seconds']} | {run['cpu']} | "
                         f"{run.get('cluster_cpu', '')} | {run['peak_mb']:,} | "
                         f"{how_far(Path(run['home']), models)} ||||||||"
                         f" {run['load'][0]:.1f}→{run['load'][1]:.1f} |")
            continue
        lines.append(
            f"| {engine} | {run['seconds']} | {run['cpu']} | {run.get('cluster_cpu', '—')} | "
            f"{run['peak_mb']:,} | {said['start']} | {said['models']} | {said['store']} | "
            f"{said['warnings']} | {score['found']}/{score['cases']} | "
            f"{score['fired']}/{score['traps']} | {score['beyond']} | "
            f"{run.get('agrees', '')} | {run['load'][0]:.1f}→{run['load'][1]:.1f} |")
    return "\n".join(lines)


def slowest(report: dict[str, object], count: int = 5) -> str:
    """Where each finished run's model time went: the shared relations and naming (the
    runner's clock less its models'), then the slowest models."""
    runs = report["runs"]
    assert isinstance(runs, dict)
    parts = []
    for engine, run in runs.items():
        if run["stopped"]:
            continue
        by_model = run["said"]["by_model"]
        rest = run["said"]["models"] - sum(by_model.values())
        top = sorted(by_model.items(), key=lambda item: -item[1])[:count]
        parts.append(f"- {engine}: relations, naming and dating {rest:.1f} s; "
                     + ", ".join(f"{code} {seconds:.1f}" for code, seconds in top))
    return "\n".join(parts)


def machine() -> str:
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return (f"{platform.node()}: {platform.machine()}, {os.cpu_count()} cores, "
            f"{int(memory) / 2**20:.0f} GB, Python {platform.python_version()}, "
            f"load {os.getloadavg()[0]:.1f} at {time.strftime('%Y-%m-%d %H:%M', time.gmtime())}"
            " UTC")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[250_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help="comma-separated, of " + ", ".join(ENGINES) + "; empty: ingest only")
    parser.add_argument("--work", type=Path, required=True, help="counties and homes, kept")
    parser.add_argument("--engine-memory", default="5GB", help="DuckDB's SUNLIGHT_ENGINE_MEMORY")
    parser.add_argument("--driver-memory", default="6g")
    parser.add_argument("--executor-memory", default="2g")
    parser.add_argument("--worker-memory", default="2g")
    parser.add_argument("--timeout", type=float, help="seconds an engine's run may take")
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    if unknown := set(engines) - set(ENGINES):
        parser.error(f"no engine {', '.join(sorted(unknown))}: {', '.join(ENGINES)}")
    args.work = args.work.resolve()
    sys.path.insert(0, str(SRC))  # this checkout's code, as its children get
    reaping_orphans()
    from sunlight.models.registry import load_library

    models = len(load_library())
    print(f"# {machine()}\n# {' '.join(sys.argv)}\n", flush=True)
    for persons in args.persons:
        report = bench(persons, args.seed, engines, args)
        (args.work / f"report-{persons}-{args.seed}.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
        print(table(report, models) + "\n\n" + slowest(report) + "\n", flush=True)


if __name__ == "__main__":
    main()
