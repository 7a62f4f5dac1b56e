"""A generated county's next month (tests/screening/next_month.py): every injected bad row is
held for its model and no clean look-alike or continuing payee is held, through the core and
through `sunlight screen`; the county's own truth still holds with the batch's additions."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.cli.exit_codes import WARNINGS
from sunlight.cli.warnings import judged_by
from sunlight.contract.catalog import load_catalog
from sunlight.models.registry import load_library
from sunlight.screening.core import screen_file, screen_rows
from sunlight.screening.verdicts import VERDICT_COLUMNS
from sunlight.synth.scorecard import read_truth, score
from tests.screening.next_month import NextMonth, misjudged

SCREENED = {"DECEASED_PAID", "PAID_BEFORE_BIRTH", "DUPLICATE_PAYMENT", "OVER_STANDARD",
            "INELIGIBLE_AGE", "INELIGIBLE_DISABILITY", "UNREGISTERED_PAYEE", "NAME_MISMATCH",
            "OFFICIAL_ON_WELFARE", "RELATIVE_OF_CADRE", "ASSET_OWNER_ON_WELFARE",
            "SHARED_ACCOUNT", "EXCLUSIVE_PROGRAMS", "APPROVAL_SKIPPED"}


def test_the_truth_has_a_bad_row_for_every_screened_model_and_clean_look_alikes(
        next_month: NextMonth) -> None:
    truth = next_month.truth.values()
    assert {t["model"] for t in truth if t["expect"] == "hold"} == SCREENED
    look_alikes = [t for t in truth if t["expect"] == "pass" and t["note"] != "continuing payee"]
    assert len(look_alikes) >= len(SCREENED)
    assert sum(t["expect"] == "unreadable" for t in truth) >= 1


def test_the_core_holds_every_bad_row_for_its_model_and_no_clean_row(
        next_month: NextMonth) -> None:
    result = screen_file(next_month.settings, next_month.batch)
    assert misjudged(((v.row, v.verdict, v.models) for v in result.verdicts),
                     next_month.truth) == []
    assert result.held >= len(SCREENED)


def test_the_same_rows_as_json_screen_alike(next_month: NextMonth) -> None:
    rows, truth = next_month.json_batch()
    result = screen_rows(next_month.settings, rows)
    assert misjudged(((v.row, v.verdict, v.models) for v in result.verdicts), truth) == []
    assert result.unreadable == 0 and len(result.verdicts) == len(rows)


def test_sunlight_screen_writes_the_same_verdicts(next_month: NextMonth, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUNLIGHT_HOME", str(next_month.home))
    monkeypatch.delenv("SUNLIGHT_DATABASE_URL", raising=False)
    out = tmp_path / "verdicts.csv"
    result = CliRunner().invoke(app, ["screen", "--dataset", "payments", str(next_month.batch),
                                      "--out", str(out)])
    assert result.exit_code == WARNINGS, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == VERDICT_COLUMNS
    verdicts = ((int(r["row"]), r["verdict"], r["models"].split(";") if r["models"] else [])
                for r in rows)
    assert misjudged(verdicts, next_month.truth) == []


def test_the_countys_own_truth_still_holds_beside_the_batch(
        next_month: NextMonth, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch's cases change the registries (a death in January, new enrollments, an
    official who left): the delivery's warnings are still exactly its truth.csv."""
    monkeypatch.setenv("SUNLIGHT_HOME", str(next_month.home))
    monkeypatch.delenv("SUNLIGHT_DATABASE_URL", raising=False)
    export = tmp_path / "warnings.csv"
    result = CliRunner().invoke(app, ["warnings", "export", str(export)])
    assert result.exit_code == 0, result.output
    # The truth rows the installed models judge (section 5's company models may not be).
    truth, _ = judged_by(read_truth(next_month.county / "truth.csv"), load_library(),
                         load_catalog())
    card = score(read_truth(export), truth)
    assert card.problems == [] and card.found == card.cases and card.fired == 0
    assert card.unexpected == 0


def test_misjudged_names_a_bad_row_passed_a_clean_row_held_and_a_row_left_out() -> None:
    truth = {2: {"expect": "hold", "model": "DECEASED_PAID", "note": "died"},
             3: {"expect": "pass", "model": "", "note": "continuing payee"},
             4: {"expect": "either", "model": "DUPLICATE_PAYMENT", "note": "first of two"},
             5: {"expect": "unreadable", "model": "", "note": "bad_id"}}
    verdicts = [(2, "hold", ["NAME_MISMATCH"]), (3, "hold", ["SHARED_ACCOUNT"]),
                (4, "pass", [])]
    assert [p.split(":")[0] for p in misjudged(verdicts, truth)] == ["row 2", "row 3", "row 5"]
    assert misjudged([(2, "hold", ["DECEASED_PAID"]), (3, "pass", []),
                      (4, "hold", ["DUPLICATE_PAYMENT"]), (5, "unreadable", [])], truth) == []
