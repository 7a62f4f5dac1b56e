"""The duty roster's shifts (when each starts and ends, which shifts a row of it staffs) and
the shifts each post coverage requires, loaded once from duty_shifts.yaml (contract §6)."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sunlight.contract.datasets import DATASETS
from sunlight.contract.loading import load_shipped

ROSTER_SHIFTS: Final = DATASETS["duty_roster"].column("shift").choices
POST_COVERAGES: Final = DATASETS["posts"].column("coverage").choices


class Shift(BaseModel):
    """A shift of the roster: from `starts` on its row's date, for `hours`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shift: str
    starts: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    hours: int = Field(gt=0, le=24, strict=True)
    covers: tuple[str, ...] = Field(min_length=1)

    @property
    def start(self) -> timedelta:
        """How long after midnight of its row's date the shift starts."""
        hours, minutes = self.starts.split(":")
        return timedelta(hours=int(hours), minutes=int(minutes))

    @property
    def end(self) -> timedelta:
        """How long after midnight of its row's date the shift ends (past 24 h: the next date)."""
        return self.start + timedelta(hours=self.hours)


class DutyShifts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    shifts: tuple[Shift, ...]
    coverage: dict[str, tuple[str, ...]]

    @field_validator("shifts")
    @classmethod
    def _every_roster_shift(cls, shifts: tuple[Shift, ...]) -> tuple[Shift, ...]:
        if sorted(s.shift for s in shifts) != sorted(ROSTER_SHIFTS):
            raise ValueError(f"must list each of duty_roster's shifts once: {ROSTER_SHIFTS}")
        return shifts

    @field_validator("coverage")
    @classmethod
    def _every_coverage(cls, coverage: dict[str, tuple[str, ...]]
                        ) -> dict[str, tuple[str, ...]]:
        if sorted(coverage) != sorted(POST_COVERAGES):
            raise ValueError(f"must name each of posts' coverages: {POST_COVERAGES}")
        return coverage

    @model_validator(mode="after")
    def _known_shifts(self) -> DutyShifts:
        named = {*(s for shift in self.shifts for s in shift.covers),
                 *(s for needed in self.coverage.values() for s in needed)}
        if unknown := named - set(ROSTER_SHIFTS):
            raise ValueError(f"unknown shifts {', '.join(sorted(unknown))}")
        return self


DUTY_SHIFTS: Final = load_shipped("duty_shifts.yaml", DutyShifts)
