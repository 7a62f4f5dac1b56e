"""`generate_county(..., next_batch=True)`: the next month's batch, messy as a department's
file, the same bytes for the same seed, one truth row per data row."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.ingest.rows import read_file
from sunlight.synth import generate_county

PERSONS = 1500


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first, second = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    for out in (first, second):
        generate_county(out, PERSONS, 8, file_format="xlsx", next_batch=True)
    return first, second


def test_the_same_seed_writes_the_same_batch_and_truth(twice: tuple[Path, Path]) -> None:
    first, second = twice
    names = sorted(p.name for p in (first / "batch").iterdir())
    assert names == ["待发放清单_2025年1月.xlsx"]
    for relative in (f"batch/{names[0]}", "screen_truth.csv", "truth.csv"):
        assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative


def test_each_data_row_of_the_batch_has_one_truth_row(twice: tuple[Path, Path]) -> None:
    out = twice[0]
    with (out / "screen_truth.csv").open(encoding="utf-8", newline="") as handle:
        truth = list(csv.DictReader(handle))
    assert [t["row"] for t in truth] == sorted({t["row"] for t in truth}, key=int)
    assert {t["expect"] for t in truth} == {"hold", "pass", "either", "unreadable"}
    batch = out / "batch" / "待发放清单_2025年1月.xlsx"
    delivered = read_file(batch, "", "payments")
    assert not isinstance(delivered, Exception)
    assert delivered.data.column("source_row").to_pylist() == [int(t["row"]) for t in truth]


def test_sunlight_generate_next_batch_writes_the_batch_and_its_truth(tmp_path: Path) -> None:
    out = tmp_path / "county"
    result = CliRunner().invoke(app, ["generate", "--out", str(out), "--persons", "1500",
                                      "--seed", "3", "--format", "csv", "--next-batch"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in (out / "batch").iterdir()] == ["待发放清单_2025年1月.csv"]
    assert "screen_truth.csv" in result.output
    with (out / "screen_truth.csv").open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == ["row", "expect", "model", "note"]
