"""Rows given as mappings (the API's JSON) as the table a batch file would be: one column per
contract column however each row names it, a key two of a row's keys both name refused, and
a verdict for every row sent, even one ingestion would skip as a file's blank line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from sunlight.contract.datasets import dataset as dataset_of
from sunlight.contract.vocabulary import VOCABULARY
from sunlight.ingest.layout import header_key, synonym_index
from sunlight.screening.verdicts import UNREADABLE, ScreeningResult, Verdict

TEXT_ZH = VOCABULARY.screening_texts
FIRST_ROW = 2
"""The number of rows[0]: as if row 1 were the header."""


class ColumnTwice(ValueError):
    """Two keys of one row name one column of the contract."""

    def __init__(self, index: int, keys: Sequence[str], column: str) -> None:
        self.index, self.keys, self.column = index, tuple(keys), column
        super().__init__(f"rows[{index}]: the keys {', '.join(self.keys)} both name the "
                         f"column {column}")
        self.chinese = (f"第 {index + FIRST_ROW} 行（rows[{index}]）的 "
                        f"{'、'.join(self.keys)} 指同一列“{column}”，只能保留其一。")


@dataclass(frozen=True)
class RowsTable:
    """The rows as a CSV's header and lines, in the rows' order."""

    header: list[str]
    lines: list[list[str]]


def as_table(rows: Sequence[Mapping[str, str]], dataset: str) -> RowsTable:
    """One column per contract column (under its label), then one per key the contract does
    not know; ColumnTwice when two keys of a row name one column."""
    known = dataset_of(dataset)
    index = synonym_index(known)
    labels = {column.name: column.label for column in known.columns}
    column_of = {key: index.get(header_key(key), f"?{key}")
                 for key in dict.fromkeys(key for row in rows for key in row)}
    columns = list(dict.fromkeys(column_of.values()))
    lines = []
    for number, row in enumerate(rows):
        cells: dict[str, str] = {}
        for key, value in row.items():
            column = column_of[key]
            if column in cells:
                raise ColumnTwice(number, [k for k in row if column_of[k] == column],
                                  labels.get(column, column))
            cells[column] = str(value or "")
        lines.append([cells.get(column, "") for column in columns])
    header = [labels.get(column, column.removeprefix("?")) for column in columns]
    return RowsTable(header, lines)


def every_row_judged(result: ScreeningResult, rows: Sequence[Mapping[str, str]]) -> ScreeningResult:
    """A verdict for each row sent: a row ingestion skipped (a blank one, as a file's blank
    line; one it took for a total or a title) is unreadable, saying why."""
    judged = {verdict.row for verdict in result.verdicts}
    added = [Verdict(number, "", "", "", "", "", UNREADABLE, (), _why_skipped(row))
             for number, row in enumerate(rows, start=FIRST_ROW) if number not in judged]
    if not added:
        return result
    return replace(result, verdicts=sorted([*result.verdicts, *added], key=lambda v: v.row))


def _why_skipped(row: Mapping[str, str]) -> str:
    blank = not any(str(value or "").strip() for value in row.values())
    return TEXT_ZH["blank_row"] if blank else TEXT_ZH["row_not_read"]
