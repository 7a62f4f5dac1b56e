"""A generated county's next month, for screening tests through the core, the CLI, the page
and the API: `next_month` (session-scoped) builds a small county with `generate_county(...,
next_batch=True)`, ingests and detects its delivery in a home of its own, and hands over the
batch file and its truth. Tests must not write into `next_month.home`: copy it first
(`home_copy`). `json_batch` gives the rows and truth for JSON screening (`screen_rows`, the
API). `misjudged` holds any screening's verdicts to the truth. The fixture is registered for
every test in tests/conftest.py (pytest_plugins).
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sunlight.detect import run_detection
from sunlight.ingest.errors import UnusableFile
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.ingest.rows import read_file
from sunlight.settings import Settings
from sunlight.synth import generate_county
from sunlight.warehouse.store import Warehouse

PERSONS, SEED = 2000, 23


@dataclass(frozen=True)
class NextMonth:
    county: Path
    """The generator's folder: delivery/, truth.csv, batch/, screen_truth.csv."""
    home: Path
    """SUNLIGHT_HOME with the delivery ingested and detected (SQLite app database)."""
    batch: Path
    truth: dict[int, dict[str, str]]
    """screen_truth.csv by row: expect (hold, pass, either, unreadable), model, note."""

    @property
    def settings(self) -> Settings:
        return Settings(home=self.home, database_url=None)

    def json_batch(self) -> tuple[list[dict[str, str]], dict[int, dict[str, str]]]:
        """The batch as an API client sends it: its readable rows keyed by canonical column
        names, each cell the text the file holds, and the truth keyed by the row numbers
        screening gives JSON rows (the first is row 2). Unreadable rows are left out: an ID
        Excel turned into a number has no JSON form."""
        delivered = read_file(self.batch, "", "payments")
        assert not isinstance(delivered, UnusableFile), delivered
        rows: list[dict[str, str]] = []
        truth: dict[int, dict[str, str]] = {}
        for record in delivered.data.to_pylist():
            want = self.truth[record["source_row"]]
            if want["expect"] == "unreadable":
                continue
            rows.append({key.removeprefix("raw_"): text for key, text in record.items()
                         if key.startswith("raw_") and text is not None})
            truth[len(rows) + 1] = want
        return rows, truth

    def home_copy(self, where: Path) -> Settings:
        """A copy of the home that a test may change."""
        shutil.copytree(self.home, where, symlinks=True)
        return Settings(home=where, database_url=None)


def read_screen_truth(path: Path) -> dict[int, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {int(row["row"]): row for row in csv.DictReader(handle)}


def misjudged(verdicts: Iterable[tuple[int, str, Iterable[str]]],
              truth: dict[int, dict[str, str]]) -> list[str]:
    """Every verdict (row, verdict, models) that breaks the truth, and every truth row without
    a verdict: a bad row not held for its model, a clean row held, an unreadable row read."""
    problems, seen = [], set()
    for row, verdict, models in verdicts:
        seen.add(row)
        want = truth.get(row)
        fired = sorted(models)
        if want is None:
            problems.append(f"row {row}: {verdict} {fired}, a row the truth does not list")
        elif want["expect"] == "hold" and (verdict != "hold" or want["model"] not in fired):
            problems.append(f"row {row}: {verdict} {fired}, not held for {want['model']} "
                            f"({want['note']})")
        elif want["expect"] == "pass" and verdict != "pass":
            problems.append(f"row {row}: {verdict} {fired}, a clean row ({want['note']})")
        elif want["expect"] == "unreadable" and verdict != "unreadable":
            problems.append(f"row {row}: {verdict}, an unreadable row ({want['note']})")
        elif want["expect"] == "either" and verdict == "hold" and want["model"] not in fired:
            problems.append(f"row {row}: held for {fired}, not {want['model']} ({want['note']})")
    problems += [f"row {row}: no verdict ({want['expect']} {want['model']})"
                 for row, want in truth.items() if row not in seen]
    return problems


@pytest.fixture(scope="session")
def next_month(tmp_path_factory: pytest.TempPathFactory) -> NextMonth:
    root = tmp_path_factory.mktemp("next-month")
    report = generate_county(root / "county", PERSONS, SEED, next_batch=True)
    assert report.batch_path is not None and not report.shortfalls, report.shortfalls
    settings = Settings(home=root / "home", database_url=None)
    ingest(Warehouse(settings.warehouse_dir), plan_delivery(root / "county" / "delivery"),
           workers=1)
    run_detection(settings)
    return NextMonth(root / "county", settings.home, report.batch_path,
                     read_screen_truth(root / "county" / "screen_truth.csv"))
