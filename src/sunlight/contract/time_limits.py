"""Time limits of police case handling (contract §6), loaded from time_limits.yaml or a
deployment's copy (SUNLIGHT_TIME_LIMITS): per case category, the steps due within so many
calendar days of 受理."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sunlight.contract.datasets import DATASETS, safe_load

_CASES = DATASETS["police_cases"]
CATEGORIES: tuple[str, ...] = _CASES.column("category").choices
RECEIVED = "received_at"
STEPS: tuple[str, ...] = tuple(c.name for c in _CASES.columns
                               if c.kind == "datetime" and c.name != RECEIVED)
"""The steps a limit may name: police_cases' date-time columns after 受理."""
MAX_DAYS = 3650


class TimeLimitsError(ValueError):
    """A time limits file that cannot be used; the message names the file and what is wrong."""


class TimeLimit(BaseModel):
    """A step of cases of one category is due within `days` calendar days of 受理."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    category: str
    step: str
    days: int = Field(ge=0, le=MAX_DAYS, strict=True)  # `days: true` is no number of days

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"category {value!r} is not one of {'/'.join(CATEGORIES)}")
        return value

    @field_validator("step")
    @classmethod
    def _known_step(cls, value: str) -> str:
        if value not in STEPS:
            named = ", ".join(f"{s} ({_CASES.column(s).label})" for s in STEPS)
            raise ValueError(f"step {value!r} is not one of {named}")
        return value

    @property
    def step_label(self) -> str:
        """The step as a reader knows it: 立案, 强制措施, 办结."""
        return _CASES.column(self.step).label.removesuffix("时间")


class TimeLimits(BaseModel):
    """Every limit in force; a category without any has none."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    limits: tuple[TimeLimit, ...]
    no_limits: bool = Field(default=False, strict=True)
    """Said explicitly when no limit is in force: an empty list alone is refused."""

    @model_validator(mode="after")
    def _none_only_when_said(self) -> TimeLimits:
        if not self.limits and not self.no_limits:
            raise ValueError("limits is empty: no time limit would be judged; write "
                             "`no_limits: true` if that is meant")
        if self.limits and self.no_limits:
            raise ValueError("no_limits: true, but limits are listed")
        return self

    @model_validator(mode="after")
    def _one_limit_per_step(self) -> TimeLimits:
        seen: set[tuple[str, str]] = set()
        for limit in self.limits:
            key = (limit.category, limit.step)
            if key in seen:
                raise ValueError(f"{limit.category} {limit.step} is limited twice")
            seen.add(key)
        return self

    def rows(self) -> list[dict[str, object]]:
        """The limits as rows (category, step, days), for a table the models join."""
        return [{"category": limit.category, "step": limit.step, "days": limit.days}
                for limit in self.limits]


def load_time_limits(path: Path | None = None) -> TimeLimits:
    """The time limits at `path`, or the defaults shipped with Sunlight."""
    return _shipped() if path is None else _load(path)


@cache
def _shipped() -> TimeLimits:
    return _load(None)


def _load(path: Path | None) -> TimeLimits:
    if path is None:
        source = "sunlight/contract/time_limits.yaml"
        text = resources.files("sunlight.contract").joinpath("time_limits.yaml").read_text("utf-8")
    else:
        source = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise TimeLimitsError(f"time limits {source}: cannot read it "
                                  f"({exc.strerror or exc})") from exc
    try:
        return TimeLimits.model_validate(safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise TimeLimitsError(f"time limits {source} are not valid:\n{exc}") from exc
