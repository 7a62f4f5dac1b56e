"""From a read sheet to its data rows: which rows are titles, the header, blanks or totals.

Everything here works per distinct cell text and per file, so that many files of one dataset
can then be normalised together (see distinct.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sunlight.contract.datasets import Dataset
from sunlight.contract.datasets import dataset as dataset_of
from sunlight.ingest import normalise
from sunlight.ingest.bounds import ReadLimits, default_limits, out_of_memory
from sunlight.ingest.errors import UnusableFile
from sunlight.ingest.layout import Layout, detect_layout
from sunlight.ingest.readers import CELL_TEXT, read_sheet
from sunlight.warehouse.batch import RowCounts

_TOTAL_LABELS = ("合计", "总计", "小计", "累计")


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
    # source_row, field_count, row_text; raw_<column>: dictionary-encoded texts, null when the
    # file has no such column
    data: pa.Table
    other_sheets: tuple[str, ...] = ()  # later sheets holding cells, not read


def cell_codes(column: pa.ChunkedArray | pa.Array) -> pa.DictionaryArray:
    """A column of cell texts as one dictionary array without nulls (a null is an empty cell)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()  # also unifies the chunks' dictionaries
    if not pa.types.is_dictionary(column.type) or column.null_count:
        column = pc.dictionary_encode(pc.fill_null(column.cast(pa.string()), ""))
    return column


def _is_blank(texts: pa.Array) -> np.ndarray:
    # Lengths compared in numpy: a bare 0 handed to Arrow costs an import attempt per call.
    empty = np.asarray(pc.binary_length(texts)) == 0
    blank: np.ndarray = empty | np.asarray(pc.utf8_is_space(texts))
    return blank


def _starts_with_total(texts: pa.Array) -> np.ndarray:
    """Whether each text, spaces removed, begins with 合计/总计."""
    # Every label holds 计: a plain substring search rules out nearly all texts, so that the
    # regular expressions run on the few others only.
    maybe = np.flatnonzero(np.asarray(pc.match_substring(texts, "计")))
    starts = np.zeros(len(texts), dtype=bool)
    if len(maybe):
        squeezed = pc.replace_substring_regex(texts.take(pa.array(maybe)), r"\s+", "")
        pattern = "^(" + "|".join(_TOTAL_LABELS) + ")"
        starts[maybe] = np.asarray(pc.match_substring_regex(squeezed, pattern))
    return starts


def _cell_flags(cell: pa.DictionaryArray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At the given rows: whether the cell is blank, and whether it starts with 合计/总计.

    Decided once per distinct text (of those rows alone, when they are few), not per row.
    """
    codes = cell.indices.to_numpy()[rows]
    texts = cell.dictionary
    if 4 * len(codes) < len(texts):
        used, codes = np.unique(codes, return_inverse=True)
        texts = texts.take(pa.array(used))
    return _is_blank(texts)[codes], _starts_with_total(texts)[codes]


def _blank_and_total(cells: list[pa.DictionaryArray], height: int) -> tuple[np.ndarray,
                                                                             np.ndarray]:
    """Which rows are blank, and which start with 合计/总计 (their first non-blank cell does).

    Nearly every row is decided by its first cell; only rows whose cells so far are blank
    are looked at in the next column.
    """
    undecided = np.arange(height)  # the rows whose cells so far are all blank
    total = np.zeros(height, dtype=bool)
    for cell in cells:
        if not len(undecided):
            break
        blank, starts = _cell_flags(cell, undecided)
        total[undecided[starts & ~blank]] = True
        undecided = undecided[blank]
    is_blank = np.zeros(height, dtype=bool)
    is_blank[undecided] = True
    return is_blank, total


def classify(cells: list[pa.DictionaryArray], rows: np.ndarray,
             header_row: int) -> tuple[RowCounts, np.ndarray]:
    """Count the non-data rows and return the mask of data rows.

    `cells` are the sheet's columns, `rows` its row numbers as a person counts them.
    """
    is_blank, starts_with_total = _blank_and_total(cells, len(rows))
    above, at, below = rows < header_row, rows == header_row, rows > header_row
    totals = below & starts_with_total
    # Anything else below the header is data, notes under a totals row included: a note is
    # reported as an unreadable row rather than a data row being taken for a note.
    data = below & ~is_blank & ~totals
    counts = RowCounts(
        title=int((above & ~is_blank).sum()), header=int(at.sum()),
        blank=int((is_blank & ~at).sum()), total=int(totals.sum()),
    )
    return counts, data


def warm_up() -> None:
    """Nothing: a worker process that runs it has imported what read_file needs."""


def read_file(path: Path, digest: str, code: str,
              limits: ReadLimits | None = None) -> DeliveredFile | UnusableFile:
    """Read a delivered file of a dataset, or say why it is unusable.

    It is what a worker process runs (this module imports no DuckDB): it takes the
    dataset's code and returns the refusal rather than raising it.
    """
    try:
        return read_delivered(path, digest, dataset_of(code), limits)
    except UnusableFile as exc:
        return exc
    except MemoryError:
        return out_of_memory(limits or default_limits())


def read_delivered(path: Path, digest: str, dataset: Dataset,
                   limits: ReadLimits | None = None) -> DeliveredFile:
    """Read a file, find its header, keep its data rows; raise UnusableFile if it cannot."""
    sheet = read_sheet(path, limits)
    layout = detect_layout(sheet, dataset)
    cells = [cell_codes(sheet.table.column(f"c{i}")) for i in range(sheet.width)]
    counts, data_mask = classify(cells, np.asarray(sheet.table.column("source_row")),
                                 layout.header_row)
    is_data = pa.array(data_mask)
    rows = sheet.table.select(["source_row", "field_count", "row_text"]).filter(is_data)
    columns = dict(zip(rows.column_names, rows.columns, strict=True))
    for column in dataset.columns:
        position = layout.positions.get(column.name)
        columns[normalise.raw(column)] = (
            cells[position].filter(is_data) if position is not None else _absent(rows.num_rows))
    return DeliveredFile(path, digest, sheet.sheet, sheet.encoding, layout, sheet.width,
                         counts, pa.table(columns), sheet.other_sheets)


def _absent(height: int) -> pa.DictionaryArray:
    """The cells of a column the file does not have: null."""
    return pa.nulls(height, CELL_TEXT)
