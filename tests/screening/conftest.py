"""The shared sample county-6k-v11 ingested and detected once per session, and its batch."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from sunlight.detect import run_detection
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.settings import Settings
from sunlight.warehouse.store import Warehouse
from tests.samples.golden_ids import SAMPLES
from tests.screening.companies import CompanyCounty, company_county

COUNTY = SAMPLES / "county-6k-v11"
BATCH = COUNTY / "batch" / "待发放清单_2025年1月.csv"


@pytest.fixture(scope="session")
def county_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home holding the county's whole delivery (section 5's datasets too, so that every
    model the batch kind screens runs) and its warnings; never written to by tests (copy it
    with `home_copy` first)."""
    if not BATCH.is_file():
        pytest.skip(f"the shared sample county-6k-v11 and its batch are not beside this "
                    f"checkout ({BATCH})")
    home = tmp_path_factory.mktemp("county-6k-v11")
    settings = Settings(home=home, database_url=None)
    plan = plan_delivery(COUNTY / "delivery")
    ingest(Warehouse(settings.warehouse_dir), plan, workers=2)
    run_detection(settings)
    return home


@pytest.fixture
def county(county_home: Path) -> Settings:
    return Settings(home=county_home, database_url=None)


@pytest.fixture
def home_copy(county_home: Path, tmp_path: Path) -> Settings:
    """A copy of the county's home a test may change."""
    home = tmp_path / "home"
    shutil.copytree(county_home, home, symlinks=True)
    return Settings(home=home, database_url=None)


@pytest.fixture(scope="session")
def companies(tmp_path_factory: pytest.TempPathFactory) -> CompanyCounty:
    """The tiny county of companies and Spring-Festival payees, and its two batches
    (tests/screening/companies.py); never written to by tests."""
    return company_county(tmp_path_factory.mktemp("companies"))


def screen_truth() -> dict[int, dict[str, str]]:
    with (COUNTY / "screen_truth.csv").open(encoding="utf-8", newline="") as handle:
        return {int(row["row"]): row for row in csv.DictReader(handle)}
