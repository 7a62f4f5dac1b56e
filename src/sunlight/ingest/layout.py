"""Where the header is and which delivered column is which canonical column."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pyarrow as pa

from sunlight.contract.datasets import Dataset
from sunlight.ingest.errors import HeaderReport, MissingColumns, UnusableFile
from sunlight.ingest.readers import RawSheet
from sunlight.text import squeeze

# Title rows sit above the header; look no further down than this for it.
HEADER_SEARCH_ROWS = 30
_TRAILING_UNIT = re.compile(r"\([^()]*\)$")
_MARKERS = re.compile(r"^[*※]+|[*※:：]+$")


def header_key(text: str) -> str:
    """A header cell as matched: no spaces, half-width, no required-marker, no trailing unit."""
    key = _MARKERS.sub("", squeeze(text))
    return _TRAILING_UNIT.sub("", key) or key


@cache
def synonym_index(dataset: Dataset) -> dict[str, str]:
    """Header key → canonical column name, for every synonym of the dataset."""
    return {header_key(s): c.name for c in dataset.columns for s in (c.name, *c.synonyms)}


@dataclass(frozen=True)
class Layout:
    """The header row and the delivered column of each canonical column."""

    header_row: int  # as a person counts rows
    positions: dict[str, int]  # canonical column → index of c0..cN-1
    headers: dict[str, str]  # canonical column → header text as delivered
    ignored_headers: tuple[str, ...]  # delivered headers that mean nothing to the contract


def _match(cells: list[str], index: dict[str, str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for i, cell in enumerate(cells):
        column = index.get(header_key(cell)) if cell else None
        if column is not None and column not in positions:
            positions[column] = i
    return positions


def detect_layout(sheet: RawSheet, dataset: Dataset) -> Layout:
    """Find the header among the first rows; refuse the file if a required column is missing."""
    index = synonym_index(dataset)
    top = sheet.table.slice(0, HEADER_SEARCH_ROWS)
    # Decoded first: a dictionary-encoded column would turn its whole dictionary into Python.
    head = pa.table([c.cast(pa.string()) if pa.types.is_dictionary(c.type) else c
                     for c in top.columns], names=top.column_names).to_pylist()
    rows = [[row[f"c{j}"] or "" for j in range(sheet.width)] for row in head]
    best_row, best = -1, dict[str, int]()
    for i, cells in enumerate(rows):
        positions = _match(cells, index)
        if len(positions) > len(best):
            best_row, best = i, positions
    if len(best) < 2:
        closest = best_row if best_row >= 0 else _fullest(rows)
        report = _report(head, rows, closest, best if best_row >= 0 else {}, sheet.sheet)
        raise UnusableFile(_no_header_english(sheet, dataset), _no_header_chinese(sheet, dataset),
                           report)
    missing = [c for c in dataset.required if c.name not in best]
    header_cells = rows[best_row]
    if missing:
        wanted = "; ".join(f"{c.name} (accepted headers: {'、'.join(c.synonyms)})" for c in missing)
        row_number = head[best_row]["source_row"]
        raise MissingColumns(
            f"dataset {dataset.code} ({dataset.label}): required column missing: {wanted}. "
            f"Header found at row {row_number}: {' | '.join(header_cells)}",
            f"第 {row_number} 行被识别为表头，但缺少必填列："
            f"{'、'.join(c.label for c in missing)}",
            _report(head, rows, best_row, best, sheet.sheet))
    used = set(best.values())
    return Layout(
        header_row=int(head[best_row]["source_row"]),
        positions=best,
        headers={c: header_cells[i].strip() for c, i in best.items()},
        ignored_headers=tuple(
            h.strip() for i, h in enumerate(header_cells) if i not in used and h.strip()
        ),
    )


def _fullest(rows: list[list[str]]) -> int:
    """The row with the most filled cells (the first of them): a header the contract does
    not know looks like that; -1 when every row is blank."""
    counts = [sum(1 for cell in cells if cell.strip()) for cells in rows]
    most = max(counts, default=0)
    return counts.index(most) if most else -1


def _report(head: list[dict[str, object]], rows: list[list[str]], at: int,
            positions: dict[str, int], sheet: str) -> HeaderReport:
    if at < 0:
        return HeaderReport(0, (), sheet)
    recognised = {i: column for column, i in positions.items()}
    return HeaderReport.of(int(str(head[at]["source_row"])), rows[at], recognised, sheet)


def _no_header_english(sheet: RawSheet, dataset: Dataset) -> str:
    expected = "; ".join(f"{c.name} ({'/'.join(c.synonyms)})" for c in dataset.required)
    where = f"sheet '{sheet.sheet}' (only the first sheet is read)" if sheet.sheet else "file"
    return (f"no recognisable header for dataset {dataset.code} ({dataset.label}) in the first "
            f"{HEADER_SEARCH_ROWS} rows of the {where}: expected a row with the columns "
            f"{expected}")


def _no_header_chinese(sheet: RawSheet, dataset: Dataset) -> str:
    # The sheet's name is left out: it is the file's own (often "Sheet1"), shown beside the
    # headers found instead.
    where = "第一个工作表（只读取第一个工作表）" if sheet.sheet else "文件"
    return (f"在{where}的前 {HEADER_SEARCH_ROWS} 行中找不到“{dataset.label}”的表头行："
            f"表头应包含{'、'.join(c.label for c in dataset.required)}等列")
