"""What the case and finding models of contract §6 cost on a prefecture's caseload.

Run by hand:

    .venv/bin/python benchmarks/police_case_models.py [--cases 200000] [--runs 3] [--home DIR]

Writes a delivery of `--cases` police cases (a year, every category, about one in eight late,
open too long or out of order) and a tenth as many inspection findings into `--home` (a new
temporary folder by default), ingests it, then runs CASE_OVERDUE, CASE_STEP_ORDER and
RECTIFICATION_OVERDUE through the runner (warehouse views, run tables, shared relations,
queries, merging evidence; no app database), each run in a fresh process. Prints the median
wall and CPU seconds (all threads), the warnings per model and the ingest time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

MODELS = ("CASE_OVERDUE", "CASE_STEP_ORDER", "RECTIFICATION_OVERDUE")
UNITS = [f"第{n}派出所" for n in range(1, 41)] + ["交警支队", "刑警支队", "巡特警支队"]
START = datetime(2024, 1, 1, 8, 0)
CASE_HEADER = ["案件编号", "办案单位", "案件类别", "主办民警身份证号", "主办民警", "受理时间",
               "立案时间", "强制措施时间", "办结时间", "办理状态"]
FINDING_HEADER = ["问题编号", "被督察单位", "发现日期", "问题类别", "问题描述", "整改期限",
                  "整改完成日期", "督察人员"]


def _at(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def case_row(number: int, draw: random.Random) -> list[str]:
    """A case of the year: mostly in time, some late, open or out of order."""
    from sunlight.synth.ids import check_char

    category = draw.choice(("刑事", "刑事", "行政", "行政", "行政", "涉疫"))
    received = START + timedelta(minutes=draw.randrange(365 * 24 * 60))
    filed = measures = closed = None
    late = draw.random() < 0.12
    if category == "刑事":
        filed = received + timedelta(days=draw.randint(8, 20) if late else draw.randint(0, 7))
        measures = filed + timedelta(days=draw.randint(-3, 10))
    else:
        limit = 15 if category == "涉疫" else 30
        closed = received + timedelta(days=draw.randint(limit + 1, limit + 40) if late
                                      else draw.randint(0, limit))
    if draw.random() < 0.05:
        closed = None
    body = f"6103271980{draw.randrange(1, 13):02d}{draw.randrange(1, 29):02d}001"
    handler = body + check_char(body)
    return [f"A2024{number:07d}", draw.choice(UNITS), category, handler, "民警",
            _at(received), _at(filed), _at(measures), _at(closed),
            "已办结" if closed else "办理中"]


def finding_row(number: int, draw: random.Random) -> list[str]:
    found = START.date() + timedelta(days=draw.randrange(365))
    rectify_by = found + timedelta(days=draw.randint(7, 30))
    rectified = rectify_by + timedelta(days=draw.randint(-10, 5))
    return [f"DC2024{number:06d}", draw.choice(UNITS), found.isoformat(), "值守", "值守不到位",
            rectify_by.isoformat(), "" if draw.random() < 0.1 else rectified.isoformat(),
            "督察"]


def deliver(home: Path, cases: int) -> float:
    """Write and ingest the delivery; the ingest's seconds."""
    from sunlight.ingest.pipeline import ingest, plan_delivery
    from sunlight.warehouse.store import Warehouse

    draw = random.Random(16)
    root = home / "delivery"
    for dataset, header, rows in (
            ("police_cases", CASE_HEADER, (case_row(n, draw) for n in range(cases))),
            ("inspection_findings", FINDING_HEADER,
             (finding_row(n, draw) for n in range(cases // 10)))):
        (root / dataset).mkdir(parents=True, exist_ok=True)
        with (root / dataset / f"{dataset}.csv").open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(rows)
    started = time.perf_counter()
    ingest(Warehouse(home / "warehouse"), plan_delivery(root), workers=2)
    return time.perf_counter() - started


def measure(home: str) -> dict[str, float]:
    """One detection of the three models in this (fresh) process; prints its figures."""
    from sunlight.contract.catalog import load_catalog
    from sunlight.models.registry import load_library
    from sunlight.models.runner import detect
    from sunlight.settings import Settings
    from sunlight.warehouse.duckdb_engine import engine_for
    from sunlight.warehouse.store import Warehouse

    library = load_library()
    models = [library[code] for code in MODELS]
    started, cpu = time.perf_counter(), time.process_time()
    result = detect(engine_for(Settings(home=Path(home))), Warehouse(Path(home) / "warehouse"),
                    load_catalog(), models)
    figures = {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu}
    figures.update({f"warnings:{o.code}": float(o.detections) for o in result.outcomes})
    figures.update({f"seconds:{o.code}": o.seconds for o in result.outcomes})
    print(json.dumps(figures))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--measure", action="store_true")
    args = parser.parse_args()
    if args.measure:
        measure(str(args.home))
        return
    home = args.home or Path(tempfile.mkdtemp(prefix="police-bench-"))
    ingest_seconds = deliver(home, args.cases)
    runs = []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, __file__, "--measure", "--home", str(home)],
                             check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    report = {"machine": f"{platform.machine()}, {os.cpu_count()} cores",
              "load": round(os.getloadavg()[0], 2), "cases": args.cases,
              "findings": args.cases // 10, "ingest_seconds": round(ingest_seconds, 1),
              **{key: round(statistics.median(run[key] for run in runs), 3)
                 for key in runs[0]}}
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
