"""Issue 16's target: a prefecture's bureau ingested and its six 督察 models run in 30 s.

    .venv/bin/python benchmarks/police_bureau.py [--work DIR] [--posts 300] [--cases 200000]
                                                [--by-dataset]

Generates the bureau alone (`sunlight generate --bureau-only`: ≈3,000 officers, the posts,
a year of rosters and roll calls, the cases and findings, CSV) into WORK/bureau (kept and
reused when WORK already holds one of the same size), then in fresh processes, each into an
empty home: `sunlight ingest` of the delivery, and `sunlight detect` (the six police models;
the others lack their inputs). Prints wall and CPU seconds and peak memory (RSS) of each.
Then the six models again through the runner alone (no app database), with each model's
seconds; with `--by-dataset`, each dataset ingested alone into a home of its own, to say
which one costs what.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

POLICE = ("DUTY_ABSENT", "LEADER_ABSENT", "POST_UNCOVERED", "CASE_OVERDUE", "CASE_STEP_ORDER",
          "RECTIFICATION_OVERDUE")
TARGET_SECONDS = 30.0


def run(command: list[str], home: Path) -> dict[str, float]:
    """One command in a fresh process: wall and CPU seconds, peak RSS in MB."""
    env = {**os.environ, "SUNLIGHT_HOME": str(home)}
    # Errors to a file, not a pipe: a pipe nobody reads until the end could fill and stall.
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own CPU and peak memory
        seconds = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):  # detect exits 1 when it raised warnings
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed ({code}): {errors.read().decode()}")
    return {"seconds": round(seconds, 2), "cpu": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_mb": round(usage.ru_maxrss / 1024)}


def sunlight(*args: str) -> list[str]:
    return [sys.executable, "-m", "sunlight", *args]


def generated(work: Path, posts: int, cases: int, seed: int) -> Path:
    """WORK/bureau, generated unless it already holds this bureau."""
    out = work / "bureau"
    marker = out / ".synthetic-county"
    wanted = f"bureau posts={posts} cases={cases} seed={seed} format=csv\n"
    if marker.is_file() and marker.read_text("utf-8") == wanted and (
            work / "generated.txt").is_file():
        print(f"reusing {out}")
        return out
    started = time.perf_counter()
    said = subprocess.run(sunlight("generate", "--out", str(out), "--bureau-only", "--posts",
                                   str(posts), "--cases", str(cases), "--seed", str(seed),
                                   "--format", "csv"), check=True, capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "400"}).stdout
    (work / "generated.txt").write_text(said.strip().splitlines()[-1], "utf-8")
    print(f"generated {out} in {time.perf_counter() - started:.1f} s")
    return out


def fresh(home: Path) -> Path:
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    return home


def models_alone(home: Path) -> dict[str, float]:
    """The six models through the runner, in this process (run as `--models-alone HOME`)."""
    from sunlight.contract.catalog import load_catalog
    from sunlight.contract.time_limits import load_time_limits
    from sunlight.models.registry import load_library
    from sunlight.models.runner import detect
    from sunlight.settings import Settings
    from sunlight.warehouse.duckdb_engine import engine_for
    from sunlight.warehouse.store import Warehouse

    settings = Settings(home=home)
    library = load_library()
    started, cpu = time.perf_counter(), time.process_time()
    result = detect(engine_for(settings), Warehouse(settings.warehouse_dir), load_catalog(),
                    [library[code] for code in POLICE], time_limits=load_time_limits(None))
    figures = {"seconds": round(time.perf_counter() - started, 2),
               "cpu": round(time.process_time() - cpu, 2),
               "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    for outcome in result.outcomes:
        figures[f"{outcome.code} s"] = round(outcome.seconds, 2)
        figures[f"{outcome.code} warnings"] = outcome.detections
    return figures


def scored(home: Path, truth: Path, export: Path) -> dict[str, int]:
    """The stored warnings held to the bureau's truth.csv (the demo's scorecard)."""
    from sunlight.synth.scorecard import read_truth, score

    subprocess.run(sunlight("warnings", "export", "--format", "csv", str(export)), check=True,
                   env={**os.environ, "SUNLIGHT_HOME": str(home)}, stdout=subprocess.DEVNULL)
    card = score(read_truth(export), read_truth(truth))
    return {"cases": card.cases, "found": card.found, "traps": card.traps, "fired": card.fired,
            "unexpected": card.unexpected}


def by_dataset(delivery: Path, work: Path) -> dict[str, dict[str, float]]:
    """Each dataset ingested alone into an empty home."""
    figures = {}
    for folder in sorted(p for p in delivery.iterdir() if p.is_dir()):
        root = fresh(work / "alone" / folder.name / "delivery")
        (root / folder.name).mkdir()
        for file in folder.iterdir():  # linked, not copied (ingest follows no symlinked folder)
            os.link(file, root / folder.name / file.name)
        home = fresh(work / "alone" / folder.name / "home")
        figures[folder.name] = run(sunlight("ingest", str(root)), home)
    return figures


def lines(folder: Path) -> int:
    """Data lines of a dataset's CSV files (blank ones too), headers aside."""
    return sum(sum(1 for _ in f.open("rb")) - 1 for f in folder.iterdir())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="kept between runs (default: a temp folder)")
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--by-dataset", action="store_true")
    parser.add_argument("--models-alone", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.models_alone:
        print(json.dumps(models_alone(args.models_alone)))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="police-bureau-"))
    delivery = generated(work, args.posts, args.cases, args.seed) / "delivery"
    home = fresh(work / "home")
    ingest = run(sunlight("ingest", str(delivery)), home)
    detect = run(sunlight("detect"), home)
    card = scored(home, delivery.parent / "truth.csv", work / "warnings.csv")
    alone = subprocess.run([sys.executable, __file__, "--models-alone", str(home)], check=True,
                           capture_output=True, text=True).stdout.strip().splitlines()[-1]
    report: dict[str, object] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
        "generated": (work / "generated.txt").read_text("utf-8")
        if (work / "generated.txt").is_file() else "",
        "lines": {p.name: lines(p) for p in sorted(delivery.iterdir())},
        "ingest": ingest, "detect": detect, "models alone": json.loads(alone),
        "scorecard": card,
        "ingest + detect s": round(ingest["seconds"] + detect["seconds"], 2),
        "target s": TARGET_SECONDS,
    }
    if args.by_dataset:
        report["ingest by dataset"] = by_dataset(delivery, work)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
