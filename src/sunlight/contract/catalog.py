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


Subject = Literal["person", "company"]
Basis = Literal["period", "area", "claimed_worker", "roster_day"]

# Each basis is given by a key of its own in a standard entry (the catalog's words), so that a
# catalog written before company programs existed still reads as it did.
BASIS_KEYS: dict[Basis, str] = {
    "period": "max_amount",
    "area": "rate_per_mu",
    "claimed_worker": "per_claimed_worker",
    "roster_day": "per_roster_day",
}
SUBJECT_BASES: dict[Subject, frozenset[Basis]] = {
    "person": frozenset({"period", "area", "roster_day"}),
    "company": frozenset({"period", "claimed_worker"}),
}


class Standard(BaseModel):
    """The standard in force from a month on: one amount, on one basis."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    valid_from: str = Field(alias="from", pattern=MONTH_PATTERN)
    max_amount: float | None = Field(default=None, ge=0)
    """The most per subject and period."""
    rate_per_mu: float | None = Field(default=None, ge=0)
    """Per 亩 of declared area."""
    per_claimed_worker: float | None = Field(default=None, ge=0)
    """Per worker the company claimed for the period."""
    per_roster_day: float | None = Field(default=None, ge=0)
    """Per day the person is on the duty roster in the period."""

    @model_validator(mode="after")
    def _one_measure(self) -> Standard:
        given = [key for key in BASIS_KEYS.values() if getattr(self, key) is not None]
        if len(given) != 1:
            raise ValueError(f"a standard gives exactly one of {', '.join(BASIS_KEYS.values())}"
                             f" (this one gives {', '.join(given) or 'none'})")
        return self

    @property
    def basis(self) -> Basis:
        """What the amount is counted per."""
        return next(b for b, key in BASIS_KEYS.items() if getattr(self, key) is not None)

    @property
    def rate(self) -> float:
        """The amount per unit of the basis."""
        value = getattr(self, BASIS_KEYS[self.basis])
        assert isinstance(value, float)
        return value


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
    subject: Subject = "person"
    """Who is paid: a person, or a company (paid through `enterprise_payments` only)."""
    policy_basis: str
    conditions: str
    standard_text: str

    @model_validator(mode="after")
    def _standards_fit(self) -> Program:
        bases = {standard.basis for standard in self.standards}
        if len(bases) != 1:
            raise ValueError(f"{self.code}: every standard of a program has the same basis "
                             f"(these give {', '.join(sorted(bases))})")
        basis = bases.pop()
        if basis not in SUBJECT_BASES[self.subject]:
            raise ValueError(f"{self.code}: a {self.subject} program cannot be paid "
                             f"{BASIS_KEYS[basis]}")
        if (basis == "area") != (self.land_type is not None):
            raise ValueError(f"{self.code}: a program paid rate_per_mu names its land_type, "
                             "and only such a program does")
        if self.subject == "company":
            _company_fits(self)
        return self

    @property
    def basis(self) -> Basis:
        """What the standard is counted per (the same in every dated entry)."""
        return self.standards[0].basis

    def standard_for(self, period: str) -> Standard:
        """The standard in force for a period (`YYYY-MM`, or `YYYY` meaning its January)."""
        month = period if len(period) == 7 else f"{period}-01"
        in_force = [s for s in self.standards if s.valid_from <= month]
        return max(in_force, key=lambda s: s.valid_from) if in_force else self.standards[0]


def _company_fits(program: Program) -> None:
    """A company program has none of a person's eligibility or roster listing."""
    person_only = [name for name, given in (
        ("eligibility.min_age", program.eligibility.min_age is not None),
        ("eligibility.disability_levels", bool(program.eligibility.disability_levels)),
        ("eligibility.requires_programs", bool(program.eligibility.requires_programs)),
        ("listed_by: household", program.listed_by == "household")) if given]
    if person_only:
        raise ValueError(f"{program.code}: a company program cannot have "
                         f"{', '.join(person_only)}")


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
        subjects = {p.code: p.subject for p in self.programs}
        for program in self.programs:
            for ref in program.excludes:
                if subjects[ref] != program.subject:
                    raise ValueError(f"{program.code} ({program.subject}) cannot exclude "
                                     f"{ref} ({subjects[ref]})")
        return self

    def of_subject(self, subject: Subject) -> list[Program]:
        """The programs paying persons, or those paying companies."""
        return [p for p in self.programs if p.subject == subject]

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
