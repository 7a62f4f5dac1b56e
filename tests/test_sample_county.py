"""The independently written sample county: what its truth says, Sunlight finds: rows and cases."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.contract.catalog import load_catalog
from sunlight.detect import run_detection
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.models.registry import load_library
from sunlight.models.runner import detect
from sunlight.quality.report import findings
from sunlight.settings import Settings
from sunlight.synth.scorecard import read_truth, score
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from tests.conftest import SAMPLE_COUNTY
from tests.samples.golden_ids import POLICE_MODELS, V11_MODELS


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    if not SAMPLE_COUNTY.is_dir():
        pytest.skip(f"the shared sample county is not beside this checkout ({SAMPLE_COUNTY})")
    warehouse = Warehouse(tmp_path_factory.mktemp("home") / "warehouse")
    ingest(warehouse, plan_delivery(SAMPLE_COUNTY / "delivery"), workers=2)
    return warehouse


def truth_rows(name: str) -> list[dict[str, str]]:
    with (SAMPLE_COUNTY / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_unreadable_row_is_rejected_and_no_other(ingested: Warehouse):
    rejected = {(d, f, s, r) for d, f, s, r, severity, _, _ in findings(ingested)
                if severity == "rejected"}
    expected = {(b["dataset"], b["file"], b["sheet"], int(b["row"]))
                for b in truth_rows("bad_rows.csv")}
    assert rejected == expected


def test_rejection_reasons_match_the_truth(ingested: Warehouse):
    reasons = {(f, r): why for _, f, _, r, severity, why, _ in findings(ingested)
               if severity == "rejected"}
    for bad in truth_rows("bad_rows.csv"):
        assert reasons[(bad["file"], int(bad["row"]))] == bad["reason"].split(":")[0]


def test_title_header_blank_and_total_rows_are_not_data(ingested: Warehouse):
    expected = Counter((n["file"], n["kind"]) for n in truth_rows("non_data_rows.csv"))
    counted: Counter[tuple[str, str]] = Counter()
    for batch in ingested.batches():
        for kind in ("title", "header", "blank", "total"):
            if batch.data["counts"][kind]:
                counted[(batch.file_name, kind)] = batch.data["counts"][kind]
    assert counted == expected


def test_every_row_of_every_file_is_accounted_for(ingested: Warehouse):
    delivered = {p.name: p for p, _ in plan_delivery(SAMPLE_COUNTY / "delivery")}
    for batch in ingested.batches():
        counts = batch.data["counts"]
        accounted = sum(counts[k] for k in ("title", "header", "blank", "total",
                                            "accepted", "rejected"))
        path: Path = delivered[batch.file_name]
        if path.suffix == ".csv":
            assert accounted == _csv_records(path), batch.file_name


def _csv_records(path: Path) -> int:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    return sum(1 for _ in csv.reader(text.splitlines()))


def test_every_case_is_found_as_stated_and_no_trap_fires(
        ingested: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUNLIGHT_HOME", str(ingested.root.parent))
    monkeypatch.delenv("SUNLIGHT_DATABASE_URL", raising=False)
    run = run_detection(Settings())
    # section 5's and 6's models need their datasets, which a v1 county does not deliver
    assert {outcome.code for outcome in run.result.outcomes if not outcome.ran} == (
        V11_MODELS | POLICE_MODELS)
    export = tmp_path / "warnings.csv"
    assert CliRunner().invoke(app, ["warnings", "export", str(export)]).exit_code == 0
    truth = truth_rows("truth.csv")
    # The county was written against contract v1: its truth knows v1's models alone. (It does
    # hold newborns paid before birth, which PAID_BEFORE_BIRTH rightly finds; county-6k-v11,
    # tests/samples/test_county_6k_v11.py, holds that model to a truth.)
    known = {row["model"] for row in truth}
    warnings = [w for w in read_truth(export) if w["model"] in known]
    assert score(warnings, truth).problems == []


def test_detection_says_the_same_every_run(ingested: Warehouse) -> None:
    # DuckDB works in parallel: a tie broken by whichever thread came first would change a
    # warning's evidence or explanation from one run to the next.
    def run() -> dict[tuple[str, str, str], tuple[object, ...]]:
        result = detect(DuckDBEngine(), ingested, load_catalog(), list(load_library().values()))
        return {d.key: (d.period_from, d.period_to, d.amount, d.evidence, d.explanation,
                        d.score) for d in result.detections}

    first = run()
    assert all(run() == first for _ in range(3))
