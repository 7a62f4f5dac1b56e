"""Police case time limits as data (contract §6): the defaults, a deployment's own copy, and
a file that cannot be used refused with what is wrong in it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.contract.time_limits import TimeLimitsError, load_time_limits
from tests.conftest import write_csv


def test_the_defaults_are_the_contracts() -> None:
    limits = load_time_limits()
    assert [(limit.category, limit.step_label, limit.days) for limit in limits.limits] == [
        ("刑事", "立案", 7), ("行政", "办结", 30), ("涉疫", "办结", 15)]


def test_a_deployments_copy_is_read(tmp_path: Path) -> None:
    path = tmp_path / "limits.yaml"
    path.write_text("limits:\n  - {category: 刑事, step: measures_at, days: 3}\n"
                    "  - {category: 涉疫, step: closed_at, days: 10}\n", encoding="utf-8")
    assert load_time_limits(path).rows() == [
        {"category": "刑事", "step": "measures_at", "days": 3},
        {"category": "涉疫", "step": "closed_at", "days": 10}]


@pytest.mark.parametrize(("limit", "named"), [
    ("{category: 民事, step: closed_at, days: 30}", "category '民事' is not one of 刑事/行政/涉疫"),
    ("{category: 行政, step: received_at, days: 30}", "step 'received_at' is not one of"),
    ("{category: 行政, step: closed_at, days: -1}", "greater than or equal to 0"),
    ("{category: 行政, step: closed_at, days: 三十}", "days"),
    ("{category: 行政, step: closed_at, days: 30, hours: 2}", "hours"),
    ("{category: 行政, step: closed_at}", "days"),
    ("{category: 行政, step: closed_at, days: true}", "days"),  # YAML's true is not 1 day
    ("{category: 行政, step: closed_at, days: 7.5}", "days"),
])
def test_a_limit_that_cannot_be_used_is_refused_naming_it(tmp_path: Path, limit: str,
                                                          named: str) -> None:
    path = tmp_path / "limits.yaml"
    path.write_text(f"limits:\n  - {limit}\n", encoding="utf-8")
    with pytest.raises(TimeLimitsError) as refused:
        load_time_limits(path)
    assert str(path) in str(refused.value) and named in str(refused.value)


def test_no_limit_in_force_must_be_said_not_left_empty(tmp_path: Path) -> None:
    path = tmp_path / "limits.yaml"
    path.write_text("limits: []\n", encoding="utf-8")
    with pytest.raises(TimeLimitsError, match="limits is empty"):
        load_time_limits(path)
    path.write_text("limits: []\nno_limits: true\n", encoding="utf-8")
    assert load_time_limits(path).rows() == []
    path.write_text("limits:\n  - {category: 行政, step: closed_at, days: 30}\n"
                    "no_limits: true\n", encoding="utf-8")
    with pytest.raises(TimeLimitsError, match="limits are listed"):
        load_time_limits(path)


def test_a_step_limited_twice_and_a_missing_file_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "limits.yaml"
    path.write_text("limits:\n  - {category: 行政, step: closed_at, days: 30}\n"
                    "  - {category: 行政, step: closed_at, days: 20}\n", encoding="utf-8")
    with pytest.raises(TimeLimitsError, match="行政 closed_at is limited twice"):
        load_time_limits(path)
    with pytest.raises(TimeLimitsError, match="cannot read it"):
        load_time_limits(tmp_path / "absent.yaml")


def test_detect_refuses_a_bad_time_limits_setting(tmp_path: Path, home: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_csv(tmp_path / "案件.csv", [["案件编号", "办案单位", "案件类别", "受理时间"],
                                            ["A001", "城关派出所", "行政", "2024-03-01 09:00"]])
    assert CliRunner().invoke(app, ["ingest", "--dataset", "police_cases", str(path)]
                              ).exit_code == 0
    limits = tmp_path / "limits.yaml"
    limits.write_text("limits:\n  - {category: 行政, step: closed_at, days: many}\n",
                      encoding="utf-8")
    monkeypatch.setenv("SUNLIGHT_TIME_LIMITS", str(limits))
    result = CliRunner().invoke(app, ["detect"])
    assert result.exit_code == 2
    assert "time limits" in result.output and "days" in result.output
