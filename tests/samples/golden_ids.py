"""The warning IDs Sunlight gives the shared sample counties, written once as a golden list.

`python -m tests.samples.golden_ids` (re)writes the lists from the code as it is; it was run
before warnings gained subjects (issue 13), so the test holds later code to the IDs of then.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from sunlight.appdb.database import database_url, make_engine, session_factory
from sunlight.appdb.tables import Warning
from sunlight.detect import run_detection
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.models.registry import library
from sunlight.models.runner import police_model
from sunlight.settings import Settings
from sunlight.warehouse.store import Warehouse

HERE = Path(__file__).parent / "golden"
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
COUNTIES = ("county-3k", "county-6k-v11")
COLUMNS = ("model", "subject", "program", "warning_id")
V1_DATASETS = ("residents", "deaths", "disability_certs", "officials", "vehicles", "businesses",
               "land", "enrollments", "payments", "allocations", "approvals")
"""Contract v1's datasets (section 2): what the v1 samples and their truths know."""
V11_PROGRAMS = frozenset({"LINSHI_NONGMINGONG", "LIUGONG", "ZHIBAN"})
"""The programs contract v1.1 added: a warning on one of their payments is not a v1 warning."""
V11_MODELS = frozenset({"COMPANY_INACTIVE_PAID", "COMPANY_UNREGISTERED", "HEADCOUNT_OVERCLAIMED",
                        "REP_IS_OFFICIAL", "DUTY_ALLOWANCE_UNEARNED"})
"""The models contract v1.1 added (section 5): they read its datasets, which a v1 delivery lacks."""
POLICE_MODELS = frozenset(code for code, model in library().items() if police_model(model))
"""The models of police supervision (contract §6): they read its datasets alone, which no
county's delivery holds."""


def golden_path(county: str) -> Path:
    return HERE / f"warning_ids_{county}.csv"


def warning_ids(county: str, home: Path) -> list[tuple[str, str, str, str]]:
    """(model, subject, program, warning_id) of every warning on the county's v1 datasets."""
    settings = Settings(home=home)
    plan = plan_delivery(v1_delivery(SAMPLES / county / "delivery", home / "v1"))
    ingest(Warehouse(settings.warehouse_dir), plan, workers=2)
    run_detection(settings)
    engine = make_engine(database_url(settings))
    try:
        with session_factory(engine)() as session:
            rows = session.execute(select(Warning.model, Warning.subject, Warning.program,
                                          Warning.warning_id)
                                   .order_by(Warning.model, Warning.subject, Warning.program))
            return [tuple(row) for row in rows]  # type: ignore[misc]
    finally:
        engine.dispose()


def ingested_home(sample: Path, home: Path) -> Path:
    """`home` with the shared sample's whole delivery ingested; the test skipped where the
    samples are not beside this checkout."""
    if not sample.is_dir():
        pytest.skip(f"the shared sample {sample.name} is not beside this checkout ({sample})")
    ingest(Warehouse(Settings(home=home).warehouse_dir), plan_delivery(sample / "delivery"),
           workers=2)
    return home


def v1_delivery(delivery: Path, into: Path) -> Path:
    """The delivery's v1 dataset folders alone, linked file by file under `into`."""
    for folder in delivery.iterdir():
        if folder.name in V1_DATASETS:
            (into / folder.name).mkdir(parents=True)
            for path in folder.iterdir():
                (into / folder.name / path.name).symlink_to(path)
    return into


def read_golden(county: str) -> list[tuple[str, str, str, str]]:
    with golden_path(county).open(encoding="utf-8", newline="") as handle:
        return [(r["model"], r["subject"], r["program"], r["warning_id"])
                for r in csv.DictReader(handle)]


def main() -> None:
    import tempfile
    HERE.mkdir(exist_ok=True)
    for county in COUNTIES:
        with tempfile.TemporaryDirectory() as home:
            rows = warning_ids(county, Path(home))
        with golden_path(county).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(rows)
        print(f"{county}: {len(rows)} warnings", file=sys.stderr)


if __name__ == "__main__":
    main()
