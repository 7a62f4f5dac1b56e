"""From a read sheet to its data rows: which rows are titles, the header, blanks or totals.

Everything here is vectorised in Arrow and per file, so that many files of one dataset can
then be normalised together in a single DuckDB pass (see batch.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sunlight.contract.datasets import Dataset
from sunlight.ingest import normalise
from sunlight.ingest.layout import Layout, detect_layout
from sunlight.ingest.readers import RawSheet, read_sheet

_TOTAL_LABELS = ("合计", "总计", "小计", "累计")


@dataclass
class RowCounts:
    """Every physical row of a file, accounted for."""

    title: int = 0
    header: int = 0
    blank: int = 0
    total: int = 0  # 合计/总计 (and 小计/累计) rows
    accepted: int = 0
    rejected: int = 0
    doubtful: int = 0  # accepted rows with at least one warning

    @property
    def data(self) -> int:
        return self.accepted + self.rejected


@dataclass
class DeliveredFile:
    """One file read and laid out: its data rows as raw text of the canonical columns."""

    path: Path
    digest: str
    sheet: str
    encoding: str
    layout: Layout
    width: int
    counts: RowCounts  # the non-data kinds; accepted/rejected are filled after checking
    data: pa.Table  # source_row, field_count, row_text, raw_<column> for every column


def _is_blank(texts: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(pc.or_(pc.equal(texts, ""), pc.utf8_is_space(texts)))


def _starts_with_total(cells: list[pa.Array]) -> np.ndarray:
    """Whether each row's first non-blank cell, spaces removed, begins with 合计/总计."""
    first = pc.coalesce(*[pc.if_else(_is_blank(c), None, c) for c in cells])
    squeezed = pc.replace_substring_regex(first, r"\s+", "")
    pattern = "^(" + "|".join(_TOTAL_LABELS) + ")"
    return np.asarray(pc.fill_null(pc.match_substring_regex(squeezed, pattern), False))


def classify(sheet: RawSheet, header_row: int) -> tuple[RowCounts, np.ndarray]:
    """Count the non-data rows and return the mask of data rows."""
    cells = [pc.fill_null(sheet.table.column(f"c{i}"), "") for i in range(sheet.width)]
    joined = pc.binary_join_element_wise(*cells, "") if len(cells) > 1 else cells[0]
    is_blank = _is_blank(joined)
    rows = np.asarray(sheet.table.column("source_row"))
    above, at, below = rows < header_row, rows == header_row, rows > header_row
    # A totals row starts with 合计/总计: its first cell holds 计, or is empty. Only such rows
    # (few) are looked at one by one.
    first = cells[0]
    maybe_total = below & ~is_blank & (np.asarray(pc.match_substring(first, "计"))
                                       | _is_blank(first))
    totals = np.zeros(len(rows), dtype=bool)
    candidates = np.flatnonzero(maybe_total)
    if len(candidates):
        totals[candidates] = _starts_with_total([pc.take(c, candidates) for c in cells])
    # Anything else below the header is data, notes under a totals row included: a note is
    # reported as an unreadable row rather than a data row being taken for a note.
    data = below & ~is_blank & ~totals
    counts = RowCounts(
        title=int((above & ~is_blank).sum()), header=int(at.sum()),
        blank=int((is_blank & ~at).sum()), total=int(totals.sum()),
    )
    return counts, data


def read_delivered(path: Path, digest: str, dataset: Dataset) -> DeliveredFile:
    """Read a file, find its header, keep its data rows; raise UnusableFile if it cannot."""
    sheet = read_sheet(path)
    layout = detect_layout(sheet, dataset)
    counts, data_mask = classify(sheet, layout.header_row)
    rows = sheet.table.filter(pa.array(data_mask))
    columns = {"source_row": rows.column("source_row"),
               "field_count": rows.column("field_count"), "row_text": rows.column("row_text")}
    for column in dataset.columns:
        position = layout.positions.get(column.name)
        columns[normalise.raw(column)] = (
            pc.fill_null(rows.column(f"c{position}"), "") if position is not None
            else pa.nulls(rows.num_rows, pa.string()))
    return DeliveredFile(path, digest, sheet.sheet, sheet.encoding, layout, sheet.width,
                         counts, pa.table(columns))
