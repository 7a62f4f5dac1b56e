"""A refused file's header row beside the header its dataset expects, in Chinese words only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sunlight.contract.datasets import Dataset
from sunlight.ingest.errors import HeaderReport


@dataclass(frozen=True)
class FoundHeader:
    """A cell of the file's header row, in its own words, and the column it was taken for."""

    text: str
    means: str  # the expected column's Chinese name; "" when the cell means nothing to it


@dataclass(frozen=True)
class ExpectedHeader:
    """A column of the dataset: its Chinese name, whether it is required, and the file's
    header that was taken for it ("" when none was)."""

    label: str
    required: bool
    found: str
    others: str  # other headers accepted for it, joined with 、


@dataclass(frozen=True)
class HeaderComparison:
    row: int  # 0 when the first rows of the file are all blank
    sheet: str
    found: tuple[FoundHeader, ...]
    expected: tuple[ExpectedHeader, ...]

    @property
    def missing(self) -> tuple[ExpectedHeader, ...]:
        return tuple(e for e in self.expected if e.required and not e.found)


def compare(dataset: Dataset, result: dict[str, Any]) -> HeaderComparison | None:
    """The comparison an upload's result holds (a refusal for its header), else None."""
    if not isinstance(result.get("headers"), dict):
        return None
    report = HeaderReport.from_json(result["headers"])
    labels = {column.name: column.label for column in dataset.columns}
    found = tuple(FoundHeader(text, labels.get(column, "")) for text, column in report.found)
    taken = {column: text for text, column in report.found if column}
    expected = tuple(ExpectedHeader(c.label, c.required, taken.get(c.name, ""),
                                    "、".join(c.synonyms[1:])) for c in dataset.columns)
    return HeaderComparison(report.row, report.sheet, found, expected)
