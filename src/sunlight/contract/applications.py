"""Screening one application before approval: what it cannot be judged by, why it is refused."""

from __future__ import annotations

from typing import Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sunlight.contract.loading import load_shipped

RefusalCode = Literal[
    "missing_id_number", "missing_name", "missing_program", "bad_id", "id_checksum",
    "unknown_program", "bad_period", "missing_area", "bad_area", "area_not_applicable",
    "company_program", "paid_by_roster", "too_long",
]
ApplicationVerdictKind = Literal["pass", "hold"]


class ApplicationScreening(BaseModel):
    """applications.yaml: the models not run for an application (never, or for want of rows),
    and the Chinese it speaks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    not_screened: dict[str, str]
    needs_household_rows: dict[str, tuple[str, ...]] = {}
    """Per model, the tables without a row of which in the household it cannot fire."""
    refusals: dict[RefusalCode, str]
    verdicts: dict[ApplicationVerdictKind, str]
    max_field_chars: int = Field(ge=18, le=1_000)

    @model_validator(mode="after")
    def _complete(self) -> ApplicationScreening:
        if missing := set(get_args(RefusalCode)) - set(self.refusals):
            raise ValueError(f"refusals lacks {', '.join(sorted(missing))}")
        if missing := set(get_args(ApplicationVerdictKind)) - set(self.verdicts):
            raise ValueError(f"verdicts lacks {', '.join(sorted(missing))}")
        if both := set(self.not_screened) & set(self.needs_household_rows):
            raise ValueError(f"needs_household_rows names models not screened: {sorted(both)}")
        return self


APPLICATIONS: Final = load_shipped("applications.yaml", ApplicationScreening)
