"""A large county: a case core built person by person, the rest clean background written
column-wise. Forced here on small sizes with `core_persons`."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.cli.warnings import judged_by
from sunlight.contract.catalog import load_catalog
from sunlight.models.registry import load_library
from sunlight.synth import generate_county
from sunlight.synth.county import core_size
from sunlight.synth.ids import check_char
from sunlight.synth.scorecard import score
from tests.synth.test_determinism import digest

runner = CliRunner()
PERSONS, CORE, SEED = 30_000, 5_000, 23


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("large")
    result = runner.invoke(app, ["generate", "--out", str(out), "--persons", str(PERSONS),
                                 "--core-persons", str(CORE), "--format", "csv",
                                 "--seed", str(SEED)])
    assert result.exit_code == 0, result.output
    assert f"for {PERSONS:,} persons" in result.output
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def background_residents(root: Path) -> list[dict[str, str]]:
    core = {row["township"] for row in read_csv(root / "truth.csv") if row["township"]}
    files = sorted((root / "delivery" / "residents").glob("*.csv"))
    rows = [row for f in files if f.stem.split("_")[-1] not in core for row in read_csv(f)]
    return rows


def test_background_ids_are_valid_unique_and_say_the_birth_date(large: Path):
    rows = background_residents(large)
    assert len(rows) == PERSONS - CORE
    ids = [row["身份证号"] for row in rows]
    assert all(len(i) == 18 and check_char(i[:17]) == i[17] for i in ids)
    assert all(row["出生日期"].replace("-", "") == row["身份证号"][6:14] for row in rows)
    assert all(int(row["身份证号"][16]) % 2 == (row["性别"] == "男") for row in rows)
    # Unique among themselves and apart from the core's (every registry row of the county).
    everyone = [row for f in sorted((large / "delivery" / "residents").glob("*.csv"))
                for row in read_csv(f)]
    core_ids = {next(v for k, v in row.items() if "身份" in k or "证件" in k)
                for row in everyone} - set(ids)
    assert len(set(ids)) == len(ids) and not core_ids & set(ids)


def test_every_case_is_found_no_trap_fires_and_the_background_raises_nothing(
        large: Path, home: Path, tmp_path: Path):
    assert runner.invoke(app, ["ingest", str(large / "delivery")]).exit_code == 0
    assert runner.invoke(app, ["detect"]).exit_code == 1  # 1: warnings were raised
    export = tmp_path / "warnings.csv"
    assert runner.invoke(app, ["warnings", "export", str(export)]).exit_code == 0
    truth, not_judged = judged_by(read_csv(large / "truth.csv"), load_library(),
                                  load_catalog())
    card = score(read_csv(export), truth)
    assert card.cases > 100 and card.found == card.cases
    assert card.traps > 50 and card.fired == 0
    assert card.unexpected == 0, card.problems[:5]
    assert not_judged == []


def test_same_seed_same_bytes_with_the_large_path(tmp_path: Path):
    generate_county(tmp_path / "a", 12_000, 5, "csv", core_persons=2_000)
    code = ("from pathlib import Path; from sunlight.synth import generate_county; "
            f"generate_county(Path({str(tmp_path / 'b')!r}), 12_000, 5, 'csv', "
            "core_persons=2_000)")
    subprocess.run([sys.executable, "-c", code], check=True,
                   env={**os.environ, "PYTHONHASHSEED": "999"})
    first = digest(tmp_path / "a")
    assert any("第01片" in name for name in first)
    assert first == digest(tmp_path / "b")
    generate_county(tmp_path / "c", 12_000, 6, "csv", core_persons=2_000)
    other = digest(tmp_path / "c")
    assert first["delivery/land/耕地确权登记_第01片.csv"] != other[
        "delivery/land/耕地确权登记_第01片.csv"]


def test_the_core_is_everyone_up_to_the_threshold_and_must_fit():
    assert core_size(150_000) == 150_000
    assert core_size(10_000_000) == 25_000
    assert core_size(30_000, 5_000) == 5_000
    with pytest.raises(ValueError, match="does not fit"):
        core_size(3_000, 5_000)


def test_a_core_larger_than_the_county_is_refused_clearly(tmp_path: Path):
    result = runner.invoke(app, ["generate", "--out", str(tmp_path / "x"), "--persons", "3000",
                                 "--core-persons", "5000"])
    assert result.exit_code == 2 and "does not fit" in result.output
    assert not (tmp_path / "x").exists()
