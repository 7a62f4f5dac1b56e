"""How each column of a dataset is filled in, from uploads.yaml: the upload templates' guide."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import cast

from sunlight.contract.datasets import COLUMN_KINDS, DATASETS, Column, Dataset, safe_load


@dataclass(frozen=True)
class KindGuide:
    """How a cell of one column kind is written."""

    label: str
    format: str
    example: str
    as_text: bool  # the template formats the column as text, so Excel keeps every digit


@dataclass(frozen=True)
class FillGuide:
    """The guide of every kind, each column's example, and the general notes."""

    kinds: dict[str, KindGuide]
    examples: dict[tuple[str, str], str]  # (dataset code, column) → its own example
    notes: tuple[str, ...]

    def kind(self, column: Column) -> KindGuide:
        return self.kinds[column.kind]

    def example(self, dataset: Dataset, column: Column) -> str:
        """A value ingestion accepts in this column (the first choice of a coded one)."""
        own = self.examples.get((dataset.code, column.name))
        if own is not None:
            return own
        return column.choices[0] if column.choices else self.kinds[column.kind].example


def _load() -> FillGuide:
    text = resources.files("sunlight.contract").joinpath("uploads.yaml").read_text("utf-8")
    raw = cast(dict[str, object], safe_load(text))
    kinds_raw = cast(dict[str, dict[str, object]], raw["kinds"])
    if set(kinds_raw) != COLUMN_KINDS:
        raise ValueError(f"uploads.yaml: kinds must be exactly {sorted(COLUMN_KINDS)}")
    kinds = {kind: KindGuide(str(spec["label"]), str(spec["format"]), str(spec["example"]),
                             bool(spec.get("as_text", False)))
             for kind, spec in kinds_raw.items()}
    examples: dict[tuple[str, str], str] = {}
    for code, columns in cast(dict[str, dict[str, object]], raw["examples"]).items():
        for name, value in columns.items():
            DATASETS[code].column(name)  # a KeyError names a column the contract lacks
            examples[(code, name)] = str(value)
    notes = tuple(str(note) for note in cast(list[object], raw["notes"]))
    return FillGuide(kinds, examples, notes)


FILL_GUIDE: FillGuide = _load()
