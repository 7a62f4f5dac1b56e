"""The duty shifts of contract §6 as data (duty_shifts.yaml): the shipped file says the
contract's hours, and a file that does not fit the datasets' shifts and coverages is refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from sunlight.contract.duty_shifts import DUTY_SHIFTS, DutyShifts


def test_the_shipped_shifts_are_the_contracts() -> None:
    hours = {s.shift: (s.start, s.end, s.covers) for s in DUTY_SHIFTS.shifts}
    assert hours == {
        "白班": (timedelta(hours=8), timedelta(hours=20), ("白班",)),
        "夜班": (timedelta(hours=20), timedelta(days=1, hours=8), ("夜班",)),
        "全天": (timedelta(0), timedelta(days=1), ("白班", "夜班"))}
    assert DUTY_SHIFTS.coverage == {"24小时": ("白班", "夜班"), "白班": ("白班",)}


def shipped() -> dict[str, Any]:
    """The shipped file's contents as YAML would give them: lists and mappings."""
    return {"shifts": [{**s.model_dump(), "covers": list(s.covers)} for s in DUTY_SHIFTS.shifts],
            "coverage": {name: list(shifts) for name, shifts in DUTY_SHIFTS.coverage.items()}}


@pytest.mark.parametrize(("change", "problem"), [
    (lambda d: d["shifts"].pop(), "each of duty_roster's shifts"),
    (lambda d: d["shifts"][0].update(shift="早班"), "each of duty_roster's shifts"),
    (lambda d: d["shifts"][0].update(starts="8点"), "should match pattern"),
    (lambda d: d["shifts"][0].update(hours=25), "less than or equal to 24"),
    (lambda d: d["shifts"][2].update(covers=["白班", "中班"]), "unknown shifts 中班"),
    (lambda d: d["coverage"].pop("白班"), "each of posts' coverages"),
    (lambda d: d["coverage"].update({"24小时": ["早班"]}), "unknown shifts 早班"),
])
def test_a_file_that_does_not_fit_the_datasets_is_refused(change: Any, problem: str) -> None:
    data = shipped()
    change(data)
    with pytest.raises(ValidationError, match=problem):
        DutyShifts.model_validate(data)
