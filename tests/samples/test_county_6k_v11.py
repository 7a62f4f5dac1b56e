"""The v1.1 sample county, its v1 datasets alone: every case of its truth.csv found as stated
(PAID_BEFORE_BIRTH's first of all), and of truth_v11.csv's rows on persons those of the v1
models (the LINSHI_NONGMINGONG and ZHIBAN payments are in `payments/`), no trap fired,
nothing warned beyond the truth; section 5's models, without their datasets, do not run."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.detect import run_detection
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.models.registry import library
from sunlight.settings import Settings
from sunlight.synth.scorecard import read_truth, score
from sunlight.warehouse.store import Warehouse
from tests.samples.golden_ids import POLICE_MODELS, SAMPLES, V11_MODELS, v1_delivery

COUNTY = SAMPLES / "county-6k-v11"
Rows = list[dict[str, str]]


@pytest.fixture(scope="module")
def warnings(tmp_path_factory: pytest.TempPathFactory) -> Rows:
    """The exported warnings of every model over the county's v1 datasets."""
    if not COUNTY.is_dir():
        pytest.skip(f"the shared sample county-6k-v11 is not beside this checkout ({COUNTY})")
    home = tmp_path_factory.mktemp("home")
    settings = Settings(home=home)
    plan = plan_delivery(v1_delivery(COUNTY / "delivery", home / "v1"))
    ingest(Warehouse(settings.warehouse_dir), plan, workers=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUNLIGHT_HOME", str(home))
        patch.delenv("SUNLIGHT_DATABASE_URL", raising=False)
        outcomes = run_detection(Settings()).result.outcomes
        assert {outcome.code for outcome in outcomes if not outcome.ran} == (
            V11_MODELS | POLICE_MODELS)
        export = home / "warnings.csv"
        result = CliRunner().invoke(app, ["warnings", "export", str(export)])
        assert result.exit_code == 0, result.output
    return read_truth(export)


@pytest.fixture(scope="module")
def truth() -> Rows:
    return read_truth(COUNTY / "truth.csv")


def test_every_paid_before_birth_case_is_found_as_stated_and_no_trap_fires(
        warnings: Rows, truth: Rows) -> None:
    expected = [t for t in truth if t["model"] == "PAID_BEFORE_BIRTH"]
    assert {t["kind"] for t in expected} == {"case", "trap"}
    fired = [w for w in warnings if w["model"] == "PAID_BEFORE_BIRTH"]
    stated = {(w["id_number"], w["program"], w["period_from"], w["period_to"], w["amount"])
              for w in fired}
    for case in (t for t in expected if t["kind"] == "case"):
        assert (case["id_number"], case["program"], case["period_from"], case["period_to"],
                case["amount"]) in stated, case
    traps = {t["id_number"] for t in expected if t["kind"] == "trap"}
    assert [w for w in fired if w["id_number"] in traps] == []
    assert len(fired) == sum(t["kind"] == "case" for t in expected)


@pytest.fixture(scope="module")
def person_truth_v11() -> Rows:
    """truth_v11.csv's rows on a person (an ID number given) of a v1 model: section 5's own
    models need its datasets (the whole delivery is scored in test_county_6k_v11_delivery)."""
    models = set(library()) - V11_MODELS - POLICE_MODELS
    return [t for t in read_truth(COUNTY / "truth_v11.csv")
            if t["id_number"] and t["model"] in models]


def test_the_whole_v1_truth_and_the_v11_person_truth_score_clean(
        warnings: Rows, truth: Rows, person_truth_v11: Rows) -> None:
    card = score(warnings, truth + person_truth_v11)
    assert card.problems == []
    assert card.found == card.cases > 0 and card.fired == 0


def test_the_v11_person_cases_are_the_new_person_programs(person_truth_v11: Rows) -> None:
    """The rows scored above are the contract's: 农民工临时生活补助 under INELIGIBLE_AGE and
    OFFICIAL_ON_WELFARE, with cases and traps of each."""
    kinds = {(t["model"], t["program"], t["kind"]) for t in person_truth_v11}
    assert {(model, "LINSHI_NONGMINGONG", kind) for model in ("INELIGIBLE_AGE",
            "OFFICIAL_ON_WELFARE") for kind in ("case", "trap")} <= kinds
