"""Shared fixtures: an isolated SUNLIGHT_HOME, and small delivery files written on the fly."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pytest
import xlsxwriter
from argon2 import PasswordHasher

from sunlight.accounts import users
from sunlight.ingest.normalise import install_macros
from sunlight.settings import Settings
from sunlight.warehouse.store import Warehouse

pytest_plugins = ["tests.databases", "tests.entities.indexed", "tests.screening.next_month"]

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLE_COUNTY = SHARED / "samples" / "county-3k"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With `--dist loadscope` (scripts/test.sh): the units of tests/scheduling.py."""
    if config.getvalue("dist") != "loadscope":
        return None
    from tests.scheduling import ModuleScheduling

    return ModuleScheduling(config, log)


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing() -> Iterator[PasswordHasher]:
    """Argon2id at its least cost while the tests run; yields the app's own hasher.

    The app's (a quarter of a second of CPU, on purpose) made every login of a test cost as
    much, and the tests log in thousands of times. What a login checks stays as it was;
    tests/web/test_auth.py holds the app's own hasher to its cost.
    """
    production = users._hasher
    users._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    users._dummy_hash.cache_clear()
    yield production
    users._hasher = production
    users._dummy_hash.cache_clear()


@pytest.fixture(autouse=True)
def _cheap_dummy_hash(quick_password_hashing: PasswordHasher) -> Iterator[None]:
    """After a test that hashed with another hasher, the dummy hash (kept once made) is made
    again with the cheap one."""
    yield
    users._dummy_hash.cache_clear()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh SUNLIGHT_HOME for one test."""
    path = tmp_path / "home"
    monkeypatch.setenv("SUNLIGHT_HOME", str(path))
    monkeypatch.delenv("SUNLIGHT_CATALOG", raising=False)
    return path


@pytest.fixture
def warehouse(home: Path) -> Warehouse:
    return Warehouse(Settings().warehouse_dir)


@pytest.fixture(scope="session")
def duck() -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection with the sl_* normaliser macros."""
    con = duckdb.connect()
    install_macros(con)
    yield con
    con.close()


@pytest.fixture
def sample_county() -> Path:
    if not SAMPLE_COUNTY.is_dir():
        pytest.skip(f"the shared sample county is not beside this checkout ({SAMPLE_COUNTY})")
    return SAMPLE_COUNTY


Cell = str | int | float | dt.date | None


def write_csv(path: Path, rows: Sequence[Sequence[Cell]], encoding: str = "utf-8") -> Path:
    """A CSV file as a county system would export it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[Cell]], titles: Sequence[str] = (),
               sheet: str = "花名册") -> Path:
    """An xlsx file: merged title rows above `rows` (header first); dates as date cells."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path))
    worksheet = workbook.add_worksheet(sheet)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    width = max(len(r) for r in rows)
    for number, title in enumerate(titles):
        worksheet.merge_range(number, 0, number, width - 1, title)
    for number, row in enumerate(rows, start=len(titles)):
        for column, value in enumerate(row):
            if isinstance(value, dt.date):
                worksheet.write_datetime(number, column, value, date_format)
            elif isinstance(value, int | float):
                worksheet.write_number(number, column, value)
            elif value is not None:
                worksheet.write_string(number, column, value)
    workbook.close()
    return path
