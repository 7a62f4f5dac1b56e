"""The shared sample batch screened through the workbench page exactly as its truth says:
every `hold` row held for its model, every `pass` row passed (`either` rows may go either way)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.settings import Settings
from sunlight.warehouse.store import Warehouse
from tests.samples.golden_ids import SAMPLES, v1_delivery
from tests.web.conftest import StaffApp, make_staff_app
from tests.web.screening_support import add_finance_officers, screened

COUNTY = SAMPLES / "county-6k-v11"
BATCH = COUNTY / "batch" / "待发放清单_2025年1月.csv"
TRUTH = COUNTY / "screen_truth.csv"


@pytest.fixture(scope="module")
def county_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaffApp]:
    """A workbench over the sample county's v1 datasets, with two finance officers."""
    if not (BATCH.is_file() and TRUTH.is_file()):
        pytest.skip(f"the shared sample batch is not beside this checkout ({BATCH})")
    folder = Path(tmp_path_factory.mktemp("county"))
    home = folder / "home"
    plan = plan_delivery(v1_delivery(COUNTY / "delivery", folder / "v1"))
    ingest(Warehouse(Settings(home=home).warehouse_dir), plan, workers=2)
    built = make_staff_app(home, f"sqlite:///{folder}/app.db")
    add_finance_officers(built)
    yield built
    built.app.state.engine.dispose()


def as_expected(expected: dict[str, str], got: dict[str, str] | None) -> bool:
    """A `hold` row held for its model, a `pass` row passed, an `either` row present."""
    if got is None:
        return False
    if expected["expect"] == "hold":
        return got["verdict"] == "hold" and expected["model"] in got["models"].split(";")
    return expected["expect"] != "pass" or got["verdict"] == "pass"


def test_the_sample_batch_screens_as_its_truth_says(county_app: StaffApp):
    client = county_app.client("caizheng")
    location = screened(county_app, client, BATCH.name, BATCH.read_bytes())
    download = client.get(f"{location}/verdicts.csv")
    assert download.status_code == 200
    verdicts = {row["row"]: row for row in
                csv.DictReader(io.StringIO(download.content.decode("utf-8-sig")))}
    with TRUTH.open(encoding="utf-8-sig", newline="") as handle:
        truth = list(csv.DictReader(handle))
    wrong = [(expected, verdicts.get(expected["row"])) for expected in truth
             if not as_expected(expected, verdicts.get(expected["row"]))]
    assert wrong == []
    held = [t for t in truth if t["expect"] == "hold"]
    assert held, "the truth holds no row: the test would prove nothing"
    page = client.get(location).text
    for expected in held[:5]:  # the page lists the held rows, by the batch's row number
        assert f'data-label="行号" class="num">{expected["row"]}<' in page
