"""`sunlight detect` as a user runs it, split into where its time goes.

Run by hand on a home already ingested and detected (never written to: copied first):

    .venv/bin/python benchmarks/detect_command.py --home /work/bench/home-250k --work /tmp/dc
    .venv/bin/python benchmarks/detect_command.py --home ... --work ... --scenarios month \
        --models v1 --repeat 3

Each run is `sunlight detect` in a fresh process on a fresh copy of the home, after one
unmeasured run of this version on it (`settled`). The child
process is the real command (`sunlight.cli.app.main`) with timers wrapped around the steps
of `sunlight.detect.run_detection`; the parent times the process whole, wall and CPU (user +
sys of the child, DuckDB's threads included), so start-up and exit are counted too.

Scenarios:
- `rerun`: nothing changed since the last detection (a user running it again);
- `month`: one more month of payments ingested first (the latest month's, a month later),
  so the entity index of the day is built incrementally, as after a monthly delivery.

`--models v1` runs the 15 models of contract v1 (`--models` of the command); `all` every one.
`--days-later N` runs the measured command N days after the unmeasured one, as a user's month
comes (Debian's libfaketime, package faketime): what a run keeps under the day's key (a query
reading `current_date`; `death` did until it was judged against its files' ingest days) is
computed again.
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
SCENARIOS = ("rerun", "month")
# Contract v1's models: the ones the model table does not mark as added in v1.1 or later.
V1_MODELS = ("DECEASED_PAID", "DUPLICATE_PAYMENT", "EXCLUSIVE_PROGRAMS", "OVER_STANDARD",
             "INELIGIBLE_AGE", "INELIGIBLE_DISABILITY", "OFFICIAL_ON_WELFARE",
             "RELATIVE_OF_CADRE", "ASSET_OWNER_ON_WELFARE", "AREA_OVER_DECLARED",
             "SHARED_ACCOUNT", "UNREGISTERED_PAYEE", "NAME_MISMATCH", "APPROVAL_SKIPPED",
             "FUNDS_WITHHELD")
# The steps of run_detection, in order; each is a name in sunlight.detect (`load_library`
# before this change, so that the script measures the version before too).
STEPS = ("load_library", "loaded_library", "upgrade", "standing_flags", "engine_for",
         "start_beside", "detect", "sync", "refresh", "rebuild_index", "_index",
         "rebuild_oversight")
# `_index` (since the month's index is computed beside the models) waits for that and writes
# it, or calls rebuild_index: where it exists, it is the index's part, rebuild_index within.


def child(report: Path, argv: list[str]) -> None:
    """The command itself, its steps timed; figures written to `report` as it exits."""
    # The parent's clock: a child run days later (libfaketime) reads its own shifted by that.
    spawned_at = float(os.environ["DETECT_BENCH_SPAWNED"]) + float(
        os.environ.get("DETECT_BENCH_SHIFT", "0"))
    imports_from = time.time()
    cpu0 = time.process_time()
    # What `sunlight detect` imports before it runs, as `main` imports it: OpenBLAS on one
    # thread, the cycle collector off and what was imported frozen (measuring imports made
    # with the collector on overstated start-up by 0.2-0.5 s).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    import sunlight.cli.app as cli

    cli._imported_quietly("detect")
    import sunlight.detect as detect
    import sunlight.timeline as timeline
    steps: dict[str, list[float]] = {}
    figures: dict[str, object] = {"interpreter": imports_from - spawned_at,
                                  "imports": time.time() - imports_from,
                                  "imports_cpu": time.process_time() - cpu0, "steps": steps}
    models: dict[str, float] = {}
    figures["models"] = models

    def timed(name: str, owner: object, attribute: str) -> None:
        original = getattr(owner, attribute, None)
        if original is None:
            return

        def wrapper(*args: object, **kwargs: object) -> object:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent = steps.setdefault(name, [0.0, 0.0])
                spent[0] += time.perf_counter() - wall
                spent[1] += time.process_time() - cpu

        setattr(owner, attribute, wrapper)

    for name in STEPS:
        timed(name, timeline if name == "refresh" else detect, name)
    _time_models(models)
    from sunlight.cli.app import main

    sys.argv = ["sunlight", "detect", *argv]
    try:
        main()
    except SystemExit as exit_:
        figures["exit_code"] = exit_.code
    finally:
        figures["returned_at"] = time.time() - float(os.environ.get("DETECT_BENCH_SHIFT", "0"))
        figures["cpu_in_command"] = time.process_time() - cpu0
        report.write_text(json.dumps(figures))


def _time_models(models: dict[str, float]) -> None:
    """The models' own seconds (ModelOutcome.seconds), summed, beside the rest of detect."""
    import sunlight.models.runner as runner

    original = runner._run_one

    def counted(*args: object, **kwargs: object) -> object:
        outcome = original(*args, **kwargs)  # type: ignore[arg-type]
        models[outcome.code] = outcome.seconds
        return outcome

    runner._run_one = counted  # type: ignore[assignment]


def settled(home: Path, work: Path) -> Path:
    """A copy of `home` after one unmeasured `sunlight detect` of this version: what a
    version stores once after an upgrade (a key it computes otherwise) is not measured."""
    copy = work / "settled"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(home, copy, symlinks=True)
    subprocess.run([sys.executable, "-m", "sunlight", "detect"],
                   env={**os.environ, "SUNLIGHT_HOME": str(copy)}, stdout=subprocess.DEVNULL,
                   check=False)
    return copy


FAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")


def run_once(home: Path, work: Path, scenario: str, codes: str | None,
             days_later: int = 0) -> dict[str, object]:
    """One user's run on a fresh copy of `home`, in a fresh process."""
    copy = work / "home"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(home, copy, symlinks=True)
    if scenario == "month":
        sys.path.insert(0, str(HERE))
        from entity_index import ingest_next_month

        ingest_next_month(copy, "")
    # A user's home was not written a moment ago: the copy's dirty pages (the app database's
    # hundreds of MB) would otherwise be flushed by the run's first fsync, and timed.
    os.sync()
    report = work / "figures.json"
    env = {**os.environ, "SUNLIGHT_HOME": str(copy)}
    env.pop("SUNLIGHT_DATABASE_URL", None)
    argv = ["--models", codes] if codes else []
    load = os.getloadavg()[0]
    before = os.times()
    if days_later:
        env.update(FAKETIME=f"+{days_later}d", LD_PRELOAD=str(FAKETIME),
                   DETECT_BENCH_SHIFT=str(days_later * 86400))
    env["DETECT_BENCH_SPAWNED"] = repr(time.time())
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--child", str(report), *argv], env=env,
                   stdout=subprocess.DEVNULL, check=False)
    ended, after = time.time(), os.times()
    total = time.perf_counter() - started
    figures = dict(json.loads(report.read_text()))
    figures.update(scenario=scenario, load=load, total=total,
                   exit=ended - float(figures["returned_at"]),
                   cpu=(after.children_user - before.children_user)
                   + (after.children_system - before.children_system))
    return figures


def split(figures: dict[str, object]) -> dict[str, float]:
    """Wall seconds by part of the command, in the order they happen."""
    steps: dict[str, list[float]] = figures["steps"]  # type: ignore[assignment]
    models = sum(figures["models"].values())  # type: ignore[attr-defined]
    step = {name: steps.get(name, [0.0, 0.0])[0] for name in STEPS}
    parts = {"start-up": float(figures["interpreter"])  # type: ignore[arg-type]
             + float(figures["imports"]),  # type: ignore[arg-type]
             "open (library, db)": step["load_library"] + step["loaded_library"] + step["upgrade"]
             + step["standing_flags"] + step["engine_for"] + step["start_beside"],
             "prepare/relations": step["detect"] - models, "models": models,
             "sync": step["sync"], "timeline": step["refresh"],
             "index": step["_index"] or step["rebuild_index"],
             "oversight": step["rebuild_oversight"], "exit": float(figures["exit"])}  # type: ignore[arg-type]
    parts["other (print, CLI)"] = float(figures["total"]) - sum(parts.values())  # type: ignore[arg-type]
    return parts


def cpu_split(figures: dict[str, object]) -> dict[str, float]:
    """CPU seconds (user + sys, all threads) by part, where the part can be told apart."""
    steps: dict[str, list[float]] = figures["steps"]  # type: ignore[assignment]
    cpu = {name: steps.get(name, [0.0, 0.0])[1] for name in STEPS}
    return {"imports": float(figures["imports_cpu"]),  # type: ignore[arg-type]
            "open": cpu["load_library"] + cpu["loaded_library"] + cpu["upgrade"]
            + cpu["standing_flags"] + cpu["engine_for"] + cpu["start_beside"],
            "prepare+models": cpu["detect"], "sync": cpu["sync"], "timeline": cpu["refresh"],
            "index": cpu["_index"] or cpu["rebuild_index"], "oversight": cpu["rebuild_oversight"]}


def row(figures: dict[str, object]) -> str:
    parts = split(figures)
    cpu = ", ".join(f"{name} {s:.2f}" for name, s in cpu_split(figures).items())
    return (f"| {figures['scenario']} | {figures['label']} | {figures['load']:.1f} "
            f"| **{figures['total']:.2f}** | {figures['cpu']:.2f} | "
            + " | ".join(f"{s:.2f}" for s in parts.values()) + f" | CPU: {cpu} |")


def header() -> str:
    parts = ("start-up", "open", "prepare/relations", "models", "sync", "timeline", "index",
             "oversight", "exit", "other")
    return ("| scenario | models | load | wall s | CPU s | " + " | ".join(parts)
            + " | CPU s by part |\n"
            + "|---" * (len(parts) + 6) + "|")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=HERE / "data" / "detect-command-work")
    parser.add_argument("--scenarios", default="rerun,month")
    parser.add_argument("--models", default="v1,all", help="v1, all, or both (v1,all)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--days-later", type=int, default=0,
                        help="run the measured command this many days later (libfaketime)")
    args = parser.parse_args()
    if args.days_later and not FAKETIME.is_file():
        parser.error(f"--days-later needs libfaketime ({FAKETIME}): apt-get install faketime")
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    home = settled(args.home.resolve(), args.work.resolve())
    print(header())
    for _ in range(args.repeat):
        for scenario in args.scenarios.split(","):
            if scenario not in SCENARIOS:
                parser.error(f"unknown scenario {scenario!r}; one of {', '.join(SCENARIOS)}")
            for label in args.models.split(","):
                codes = ",".join(V1_MODELS) if label == "v1" else None
                figures = run_once(home, args.work.resolve(), scenario, codes, args.days_later)
                figures["label"] = label
                print(row(figures), flush=True)
                print(json.dumps(figures), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
