"""The program catalog: which subsidy programs exist, their standards and eligibility."""

from __future__ import annotations

from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sunlight.contract.datasets import safe_load
from sunlight.text import squeeze

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class CatalogError(ValueError):
    """A catalog file that cannot be used, with its path and what is wrong."""


class Standard(BaseModel):
    """The standard in force from a month on."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    valid_from: str = Field(alias="from", pattern=MONTH_PATTERN)
    max_amount: float | None = None
    rate_per_mu: float | None = None

    @model_validator(mode="after")
    def _one_measure(self) -> Standard:
        if (self.max_amount is None) == (self.rate_per_mu is None):
            raise ValueError("a standard gives exactly one of max_amount or rate_per_mu")
        return self


class Eligibility(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_age: int | None = None
    disability_levels: list[int] = []
    requires_programs: list[str] = []


class Program(BaseModel):
    """One subsidy program with what the public portal shows about it."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: str
    aliases: list[str] = []
    department: str = ""
    period: Literal["month", "year"]
    land_type: str | None = None
    listed_by: Literal["person", "household"] = "person"
    """How the public roster lists it: a line per person, or per household (户主 and 保障人口)."""
    standards: list[Standard] = Field(min_length=1)
    eligibility: Eligibility = Eligibility()
    excludes: list[str] = []
    policy_basis: str
    conditions: str
    standard_text: str

    def standard_for(self, period: str) -> Standard:
        """The standard in force for a period (`YYYY-MM`, or `YYYY` meaning its January)."""
        month = period if len(period) == 7 else f"{period}-01"
        in_force = [s for s in self.standards if s.valid_from <= month]
        return max(in_force, key=lambda s: s.valid_from) if in_force else self.standards[0]


class Catalog(BaseModel):
    """All programs a deployment supervises."""

    model_config = ConfigDict(extra="forbid")

    version: int = 1
    region: str = ""
    programs: list[Program]

    @model_validator(mode="after")
    def _references_resolve(self) -> Catalog:
        codes = {p.code for p in self.programs}
        if len(codes) != len(self.programs):
            raise ValueError("program codes must be unique")
        for program in self.programs:
            for ref in [*program.excludes, *program.eligibility.requires_programs]:
                if ref not in codes:
                    raise ValueError(f"{program.code} refers to unknown program {ref!r}")
        return self

    @cached_property
    def by_code(self) -> dict[str, Program]:
        return {p.code: p for p in self.programs}

    @cached_property
    def name_index(self) -> dict[str, str]:
        """Every accepted spelling (name, alias, code; spaces and width ignored) → code."""
        index: dict[str, str] = {}
        for program in self.programs:
            for spelling in (program.code, program.name, *program.aliases):
                index[squeeze(spelling)] = program.code
        return index

    def resolve(self, name: str) -> str | None:
        """The catalog code a program name or alias stands for, or None."""
        return self.name_index.get(squeeze(name))


def load_catalog(path: Path | None = None) -> Catalog:
    """The catalog at `path`, or the default shipped with Sunlight."""
    try:
        if path is None:
            source = "sunlight/contract/catalog.yaml"
            text = resources.files("sunlight.contract").joinpath("catalog.yaml").read_text("utf-8")
        else:
            source = str(path)
            text = Path(path).read_text("utf-8")
        return Catalog.model_validate(safe_load(text))
    except FileNotFoundError as exc:
        raise CatalogError(f"program catalog {source}: file not found") from exc
    except (yaml.YAMLError, ValidationError) as exc:
        raise CatalogError(f"program catalog {source} is not valid:\n{exc}") from exc
