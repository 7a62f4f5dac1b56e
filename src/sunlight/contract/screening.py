"""Kinds of batch a department screens before paying it (contract §7), from screening.yaml."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sunlight.contract.canonical import data_columns
from sunlight.contract.datasets import DATASETS
from sunlight.contract.loading import load_shipped

VERDICT_FIELDS: Final = ("id_number", "name", "program", "period", "amount")
"""The verdict file's columns read from the batch's rows (contract §7)."""


class BatchKind(BaseModel):
    """One kind of batch: what it is read as and how its verdicts are filled."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset: str
    history_keys: tuple[str, ...] = ()
    not_screened: tuple[str, ...] = ()
    verdict: dict[str, tuple[str, ...]] = Field(min_length=1)

    @model_validator(mode="after")
    def _columns_exist(self) -> BatchKind:
        if self.dataset not in DATASETS:
            raise ValueError(f"{self.dataset} is not a dataset of the contract")
        known = {column.name for column in data_columns(self.dataset)}
        if unknown := set(self.history_keys) - known:
            raise ValueError(f"history_keys {sorted(unknown)} are not columns of {self.dataset}")
        if set(self.verdict) != set(VERDICT_FIELDS):
            raise ValueError(f"verdict must fill exactly {', '.join(VERDICT_FIELDS)}")
        for field, sources in self.verdict.items():
            if not sources or set(sources) - known:
                raise ValueError(f"verdict {field} must name columns of {self.dataset}")
        return self


class Screening(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: dict[str, BatchKind] = Field(min_length=1)
    narrowed: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _narrowed_are_about_people(self) -> Screening:
        for code in self.narrowed:
            if code not in DATASETS or DATASETS[code].person is None:
                raise ValueError(f"narrowed: {code} is not a dataset about people")
        return self


SCREENING: Final = load_shipped("screening.yaml", Screening)
BATCH_KINDS: Final = SCREENING.kinds
NARROWED: Final = SCREENING.narrowed
"""The datasets a screening reads only about the people it concerns (screening.yaml)."""
