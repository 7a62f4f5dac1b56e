"""Kinds of batch a department screens before paying it (contract §7), from screening.yaml."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sunlight.contract.canonical import data_columns
from sunlight.contract.datasets import DATASETS
from sunlight.contract.loading import load_shipped
from sunlight.contract.vocabulary import VERDICT_COLUMN_ZH

VERDICT_FIELDS: Final = ("id_number", "name", "program", "period", "amount")
"""The verdict file's columns read from the batch's rows (contract §7)."""
ExplanationDetail = Literal["full", "reduced"]
"""What a verdict says of a model that fires: `full`, the warning's own explanation (an
analyst, the machine's operator); `reduced`, the model's fixed `screening_note`, which names
no one and no one's data (a department officer, who sees no warnings)."""


class BatchKind(BaseModel):
    """One kind of batch: what it is read as and how its verdicts are filled."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset: str
    history_keys: tuple[str, ...] = ()
    not_screened: tuple[str, ...] = ()
    verdict: dict[str, tuple[str, ...]] = Field(min_length=1)
    heads: dict[str, str] = Field(default_factory=dict)
    """Chinese heads of verdict columns that differ for this kind from the vocabulary's
    `screening_columns` (a company batch's id_number is its 统一社会信用代码)."""

    @property
    def subject(self) -> Literal["person", "company"]:
        """What a verdict's id_number names: a company when it is read from a credit code."""
        column = DATASETS[self.dataset].column(self.verdict["id_number"][0])
        return "company" if column.kind == "credit_code" else "person"

    def head(self, column: str) -> str:
        """The Chinese head of a verdict column (contract §7) for this kind of batch."""
        return self.heads.get(column, VERDICT_COLUMN_ZH[column])

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
        if unknown := set(self.heads) - set(VERDICT_COLUMN_ZH):
            raise ValueError(f"heads {sorted(unknown)} are not verdict columns")
        return self


class Screening(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: dict[str, BatchKind] = Field(min_length=1)
    narrowed: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _narrowed_are_about_someone(self) -> Screening:
        for code in self.narrowed:
            if code not in DATASETS or (DATASETS[code].person is None
                                        and DATASETS[code].company is None):
                raise ValueError(f"narrowed: {code} is not a dataset about people or companies")
        return self


SCREENING: Final = load_shipped("screening.yaml", Screening)
BATCH_KINDS: Final = SCREENING.kinds
NARROWED: Final = SCREENING.narrowed
"""The datasets a screening reads only about the people and companies it concerns
(screening.yaml)."""
