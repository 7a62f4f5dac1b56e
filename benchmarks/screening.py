"""Screening a payment batch (issue 14, contract §7) at a 250,000-person county.

Run by hand on a home already ingested and detected from `sunlight generate --persons P
--seed S` (e.g. the one /work/bench/READY.txt announces); the home is copied first (cp -a, to
--work), never written to:

    .venv/bin/python benchmarks/screening.py --home /work/bench/home-250k --persons 250000 --seed 1
    .venv/bin/python benchmarks/screening.py --home ... --api http://127.0.0.1:8000 --token TOKEN

The batches are the county's continuing payees (the generator's world rebuilt from the same
persons and seed, so every payee is one the home knows), month after month from 2025-01 until
the wanted number of rows (a quarter's or a half-year's 一卡通 payments at once), written as
a CSV a department would send. Each batch is screened --repeat times, each time:

- `cli`: `sunlight screen --dataset payments FILE --out V.csv` in a fresh process, timed whole
  (start-up, reading, the models, writing the verdicts), and the seconds it reports;
- `core`: `screen_file` in this process (imports paid once, the engine opened per call as the
  CLI opens it), its own seconds;
- `api` (with --api and --token): POST /api/v1/screen with the batch's rows as JSON (keyed by
  the canonical column names), timed from the first byte sent to the last received. The body
  is {"dataset": "payments", "rows": [...]}: check it against the served OpenAPI document.

CPU seconds (every thread's; the child's for `cli`) say more than wall seconds on a shared
machine. Targets (issue 14): 10,000 rows < 3 s, 100,000 rows < 20 s. Results as JSON lines on stdout
and in --work/results.jsonl.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUNLIGHT = Path(sys.executable).parent / "sunlight"
_COLUMNS = ("program", "id_number", "name", "period", "amount", "account", "township", "village")


def write_batches(persons: int, seed: int, sizes: list[int], work: Path) -> dict[int, Path]:
    """One CSV per size, of continuing payees of the county generated with persons and seed."""
    paths = {n: work / f"batch-{persons}-{seed}-{n}.csv" for n in sizes}
    if all(p.is_file() for p in paths.values()):
        return paths
    from sunlight.synth.batch import write_continuing_batch
    from sunlight.synth.cases import inject_cases
    from sunlight.synth.county import build_world

    started = time.perf_counter()
    world = build_world(persons, seed)
    inject_cases(world)  # the delivery's cases take their households, as when it was written
    for rows, path in paths.items():
        write_continuing_batch(world, rows, path, seed)
    print(f"batches written in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return paths


def copy_home(source: Path, work: Path) -> Path:
    home = work / "home"
    if not home.is_dir():
        subprocess.run(["cp", "-a", str(source), str(home)], check=True)
    return home


def screen_cli(home: Path, batch: Path, out: Path) -> dict[str, object]:
    env = {**os.environ, "SUNLIGHT_HOME": str(home)}
    env.pop("SUNLIGHT_DATABASE_URL", None)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([str(SUNLIGHT), "screen", "--dataset", "payments", str(batch),
                           "--out", str(out)], env=env, capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    if done.returncode not in (0, 1):
        raise SystemExit(f"sunlight screen failed ({done.returncode}): {done.stderr}")
    said = re.search(r"Screened ([\d,]+) rows .* in ([\d.]+) s: ([\d,]+) held", done.stdout)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "reported_s": float(said.group(2)) if said else None,
            "rows": int(said.group(1).replace(",", "")) if said else None,
            "held": int(said.group(3).replace(",", "")) if said else None}


def screen_core(home: Path, batch: Path) -> dict[str, object]:
    from sunlight.screening.core import screen_file
    from sunlight.settings import Settings

    started, cpu = time.perf_counter(), time.process_time()  # every thread's, DuckDB's too
    screened = screen_file(Settings(home=home, database_url=None), batch)
    return {"wall_s": round(time.perf_counter() - started, 2),
            "cpu_s": round(time.process_time() - cpu, 2),
            "reported_s": round(screened.seconds, 2), "rows": len(screened.verdicts),
            "held": screened.held}


def batch_json(batch: Path) -> bytes:
    headers = {"项目名称": "program", "身份证号": "id_number", "公民身份号码": "id_number",
               "姓名": "name", "领取人": "name", "所属期": "period", "所属年月": "period",
               "发放所属期": "period", "金额": "amount", "发放金额": "amount",
               "银行账号": "account", "卡号": "account", "一卡通账号": "account",
               "乡镇": "township", "村": "village"}
    raw = batch.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # the generator writes some batches as GB18030, as counties do
        text = raw.decode("gb18030")
    rows = [{headers.get(re.sub(r"\s|[(（].*", "", k), k): v for k, v in r.items()}
            for r in csv.DictReader(text.splitlines())]
    rows = [{c: r.get(c, "") for c in _COLUMNS} for r in rows]
    return json.dumps({"dataset": "payments", "rows": rows}, ensure_ascii=False).encode()


def screen_api(url: str, token: str, body: bytes) -> dict[str, object]:
    request = urllib.request.Request(
        url.rstrip("/") + "/api/v1/screen", data=body, method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        answer = json.loads(response.read())
    wall = time.perf_counter() - started
    verdicts: list[dict[str, object]] = []
    if isinstance(answer, dict):
        verdicts = answer.get("verdicts") or answer.get("rows") or []
    return {"wall_s": round(wall, 2), "rows": len(verdicts),
            "held": sum(1 for v in verdicts if v.get("verdict") == "hold")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, required=True,
                        help="an ingested and detected home (copied, never written to)")
    parser.add_argument("--persons", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=HERE / "data" / "screening-work")
    parser.add_argument("--api", default="", help="base URL of a running `sunlight serve`")
    parser.add_argument("--token", default="", help="a screening token for --api")
    parser.add_argument("--faces", nargs="+", choices=("cli", "core", "api"),
                        default=["cli", "core", "api"],
                        help="what to measure (api only with --api)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    batches = write_batches(args.persons, args.seed, args.rows, args.work)
    home = copy_home(args.home, args.work)
    machine = {"machine": platform.machine(), "cpus": os.cpu_count(),
               "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    with (args.work / "results.jsonl").open("a", encoding="utf-8") as log:
        for rows, batch in batches.items():
            for run in range(args.repeat if "cli" in args.faces else 0):
                load = os.getloadavg()[0]
                result: dict[str, object] = {"face": "cli", "batch_rows": rows, "run": run,
                                             "load": round(load, 1), **machine}
                result.update(screen_cli(home, batch, args.work / f"verdicts-{rows}.csv"))
                print(json.dumps(result), flush=True)
                log.write(json.dumps(result) + "\n")
            for run in range(args.repeat if "core" in args.faces else 0):
                result = {"face": "core", "batch_rows": rows, "run": run,
                          "load": round(os.getloadavg()[0], 1), **machine}
                result.update(screen_core(home, batch))
                print(json.dumps(result), flush=True)
                log.write(json.dumps(result) + "\n")
            if args.api and "api" in args.faces:
                body = batch_json(batch)
                for run in range(args.repeat):
                    result = {"face": "api", "batch_rows": rows, "run": run,
                              "load": round(os.getloadavg()[0], 1), **machine}
                    result.update(screen_api(args.api, args.token, body))
                    print(json.dumps(result), flush=True)
                    log.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
