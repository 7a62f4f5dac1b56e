"""The province benchmark's core (benchmarks/province.py) on a tiny county: it cannot rot."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def province() -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))  # its siblings import each other by plain name
    try:
        return importlib.import_module("province")
    finally:
        sys.path.remove(str(BENCHMARKS))


def _options(work: Path) -> argparse.Namespace:
    return argparse.Namespace(work=work, engine_memory="1GB", driver_memory="1g",
                              executor_memory="1g", worker_memory="1g", timeout=None)


@pytest.mark.slow
def test_a_tiny_county_is_ingested_detected_scored_and_tabled_on_duckdb(
        province: ModuleType, tmp_path: Path) -> None:
    report = province.bench(2000, 1, ["duckdb"], _options(tmp_path))
    assert report["ingest"]["rows"] > 10_000 and report["ingest"]["peak_mb"] > 0
    run = report["runs"]["duckdb"]
    assert not run["stopped"] and run["cpu"] > 0 and run["peak_mb"] > 50
    assert run["said"]["warnings"] > 50
    assert len(run["said"]["by_model"]) == 27
    score = run["score"]
    assert score["cases"] > 50 and score["found"] == score["cases"]
    assert score["traps"] > 50 and score["fired"] == 0 and score["beyond"] == 0
    assert run["agrees"] == "same"
    lines = province.table(report, 27).splitlines()
    assert lines[0].startswith("**2,000 persons** — ingest: 69 files")
    row = lines[-1].split(" | ")
    assert row[0] == "| duckdb" and row[9:12] == [f"{score['cases']}/{score['cases']}",
                                                  f"0/{score['traps']}", "0"]

    again = province.bench(2000, 1, [], _options(tmp_path))  # the county and ingest reused
    assert again["ingest"]["cached"] and again["ingest"]["rows"] == report["ingest"]["rows"]


def test_engines_that_differ_are_told_by_their_warning_ids(province: ModuleType,
                                                          tmp_path: Path) -> None:
    header = "warning_id,model,amount\n"
    exports = {"duckdb": "W-A,DECEASED_PAID,10.00\nW-B,SHARED_ACCOUNT,5.00\n",
               "spark-local": "W-B,SHARED_ACCOUNT,5.00\nW-A,DECEASED_PAID,10.00\n",
               "standalone": "W-A,DECEASED_PAID,10.00\nW-C,SHARED_ACCOUNT,5.00\n"}
    runs = {}
    for engine, text in exports.items():
        (tmp_path / engine).mkdir()
        (tmp_path / engine / "warnings.csv").write_text(header + text, "utf-8")
        runs[engine] = {"home": str(tmp_path / engine), "stopped": False}
    runs["stopped"] = {"home": str(tmp_path), "stopped": True}
    province.agreement(runs)
    assert [runs[e].get("agrees") for e in runs] == ["same", "same", "2 warning IDs differ", None]


def test_a_stopped_run_says_how_far_it_got(province: ModuleType, tmp_path: Path) -> None:
    assert province.how_far(tmp_path, 27) == "stopped before the first model ended"
    (tmp_path / "progress.log").write_text("12.5\tDECEASED_PAID\t3.10\t4\n"
                                           "30.2\tDUPLICATE_PAYMENT\t17.70\t2\n", "utf-8")
    assert (province.how_far(tmp_path, 27)
            == "stopped: 2 of 27 models in 30 s (last DUPLICATE_PAYMENT)")
