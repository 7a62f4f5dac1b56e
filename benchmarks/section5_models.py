"""What the models of contract §5 add to a detection run, on an ingested county.

Run by hand on a home whose warehouse holds a county of `sunlight generate` (companies,
insured headcount, enterprise payments, the duty roster included):

    .venv/bin/python benchmarks/section5_models.py --home HOME [--runs 5]

Each run is a fresh process running the model library through the runner (warehouse views,
catalog tables, shared relations, every query, merging evidence), without the app database:
`all` every model, `without` every model but the five §5 added (their shared relation
`company_paid` then goes unread too). The difference of the medians is what the §5 models
cost; the per-model seconds of `all` say which. CPU seconds (all threads) are given beside
wall seconds, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

SECTION5 = ("COMPANY_INACTIVE_PAID", "COMPANY_UNREGISTERED", "HEADCOUNT_OVERCLAIMED",
            "REP_IS_OFFICIAL", "DUTY_ALLOWANCE_UNEARNED")


def measure(kind: str, home: str) -> dict[str, float]:
    """One detection in this (fresh) process; prints and returns its figures."""
    from sunlight.contract.catalog import load_catalog
    from sunlight.models.registry import load_library
    from sunlight.models.runner import detect
    from sunlight.settings import Settings
    from sunlight.warehouse.duckdb_engine import engine_for
    from sunlight.warehouse.store import Warehouse

    library = load_library()
    models = [model for code, model in library.items() if kind == "all" or code not in SECTION5]
    warehouse = Warehouse(Path(home) / "warehouse")
    catalog = load_catalog()
    started, cpu = time.perf_counter(), time.process_time()
    result = detect(engine_for(Settings(home=Path(home))), warehouse, catalog, models)
    figures = {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
               "models": float(len(models)), "warnings": float(len(result.detections))}
    figures.update({f"model:{o.code}": o.seconds for o in result.outcomes
                    if o.code in SECTION5})
    print(json.dumps(figures))
    return figures


def in_fresh_process(kind: str, home: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--measure", kind, "--home", str(home)],
                         check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--measure", choices=("all", "without"))
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, str(args.home))
        return
    runs: dict[str, list[dict[str, float]]] = {"all": [], "without": []}
    for _ in range(args.runs):  # interleaved, so that a change of load hits both alike
        for kind in runs:
            runs[kind].append(in_fresh_process(kind, args.home))
    report: dict[str, object] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores",
                                 "load": os.getloadavg()[0]}
    for kind, figures in runs.items():
        report[kind] = {key: round(statistics.median(f[key] for f in figures), 3)
                        for key in figures[0]}
    all_runs, without = report["all"], report["without"]
    assert isinstance(all_runs, dict) and isinstance(without, dict)
    report["added_seconds"] = round(all_runs["seconds"] - without["seconds"], 3)
    report["added_cpu"] = round(all_runs["cpu"] - without["cpu"], 3)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
