"""Quality findings of a chunk of files: one per problem, with the offending text as delivered.

Whether a cell fails a check was decided once per distinct input (distinct.py); here that is
looked up for every row by code, and only the rows with some problem are looked at further.
A row wider than its header has cells out of place: it gets one finding, bad_row_shape, not a
finding for every cell that landed in the wrong column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sunlight.contract.datasets import Dataset
from sunlight.ingest.distinct import Distinct, StackedRows

# How much of a delivered value a finding keeps (the rest is in the delivered file).
VALUE_LIMIT = 200

SCHEMA = pa.schema([
    ("dataset", pa.string()), ("file", pa.string()), ("sheet", pa.string()),
    ("row", pa.int32()), ("severity", pa.string()), ("reason", pa.string()),
    ("value", pa.string()), ("column_name", pa.string()), ("detail", pa.string()),
    ("source_file_hash", pa.string()), ("file_index", pa.int32()),
])


@dataclass
class _Found:
    """Findings of one kind: the rows (positions in the stacked rows) and what they say."""

    at: np.ndarray
    column: str | None
    reason: str
    severity: str
    detail: pa.Array | pa.ChunkedArray
    value: pa.Array | pa.ChunkedArray


def _suspects(rows: StackedRows, distinct: dict[str, Distinct]) -> np.ndarray:
    """Positions of the rows with any problem: misshapen, or a cell failing a check."""
    suspect = rows.field_count != rows.width
    for column in distinct.values():
        if column.checks:
            suspect |= column.any_failed()[column.codes]
    return np.flatnonzero(suspect)


def _failed_checks(rows: StackedRows, distinct: dict[str, Distinct],
                   placed: np.ndarray) -> list[_Found]:
    """Every failed check at the given rows, in column order, then check order."""
    found = []
    for name, column in distinct.items():
        units = column.codes[placed]
        for index, check in enumerate(column.checks):
            hit = np.flatnonzero(column.failed(index)[units])
            if len(hit):
                at = placed[hit]
                found.append(_Found(at, name, check.reason, check.severity,
                                    column.table.column(f"detail_{index}").take(units[hit]),
                                    rows.delivered_text(name, at)))
    return found


def _misshapen(rows: StackedRows, at: np.ndarray, reason: str, severity: str,
               consequence: str) -> _Found:
    detail = [f"the row has {count} fields, the header {width}: {consequence}"
              for count, width in zip(rows.field_count[at], rows.width[at], strict=True)]
    return _Found(at, None, reason, severity, pa.array(detail, pa.string()),
                  rows.row_text.take(pa.array(at)))


@dataclass
class Findings:
    """The findings of a chunk's rows, and which rows they reject or only doubt."""

    table: pa.Table  # SCHEMA, ordered by file, row, severity and reason
    rejected: np.ndarray  # per row: some finding rejects it
    doubtful: np.ndarray  # per row: findings, but only warnings


def find(dataset: Dataset, rows: StackedRows, distinct: dict[str, Distinct],
         files: pa.Table) -> Findings:
    """The findings of every row.

    `files` holds source_file, source_sheet and source_file_hash per file of the chunk.
    """
    suspect = _suspects(rows, distinct)
    count, width = rows.field_count[suspect], rows.width[suspect]
    found = _failed_checks(rows, distinct, suspect[count <= width])
    found.append(_misshapen(rows, suspect[count > width], "bad_row_shape", "rejected",
                            "its cells cannot be placed"))
    found.append(_misshapen(rows, suspect[count < width], "short_row", "warning",
                            "the missing ones are taken as empty"))
    found = [f for f in found if len(f.at)]
    rejected = np.zeros(rows.height, dtype=bool)
    doubtful = np.zeros(rows.height, dtype=bool)
    for f in found:
        (rejected if f.severity == "rejected" else doubtful)[f.at] = True
    return Findings(_table(dataset, rows, found, files), rejected, doubtful & ~rejected)


def _table(dataset: Dataset, rows: StackedRows, found: list[_Found],
           files: pa.Table) -> pa.Table:
    at = np.concatenate([f.at for f in found]) if found else np.zeros(0, dtype=np.int64)
    file_index = pa.array(rows.file_index[at])

    def each(value: str | None, f: _Found) -> pa.Array:
        return pa.nulls(len(f.at), pa.string()) if value is None else pa.array(
            [value] * len(f.at), pa.string())

    def joined(parts: list[pa.Array | pa.ChunkedArray]) -> pa.ChunkedArray:
        return pa.chunked_array([c for p in parts for c in _chunks(p)], type=pa.string())

    table = pa.table({
        "dataset": pa.array([dataset.code] * len(at), pa.string()),
        "file": files.column("source_file").take(file_index),
        "sheet": files.column("source_sheet").take(file_index),
        "row": pa.array(rows.source_row[at], pa.int32()),
        "severity": joined([each(f.severity, f) for f in found]),
        "reason": joined([each(f.reason, f) for f in found]),
        "value": _cut(pc.fill_null(joined([f.value for f in found]), "")),
        "column_name": joined([each(f.column, f) for f in found]),
        "detail": joined([f.detail for f in found]),
        "source_file_hash": files.column("source_file_hash").take(file_index),
        "file_index": file_index,
        "position": pa.array(at, pa.int64()),
    })
    # Rows are stacked by file and row number, so their position orders them. Arrow's sort
    # is stable: findings of one row, severity and reason stay in column order.
    table = table.sort_by([("position", "ascending"), ("severity", "ascending"),
                           ("reason", "ascending")])
    return table.drop_columns(["position"]).cast(SCHEMA)


def _cut(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Values as delivered, each cut to VALUE_LIMIT characters and …: a finding shows which
    cell it is about, and a 20 MB cell must not be copied into every report of it."""
    too_long = pc.greater(pc.utf8_length(values), VALUE_LIMIT)
    if not pc.any(too_long).as_py():
        return values
    cut = pc.binary_join_element_wise(pc.utf8_slice_codeunits(values, 0, VALUE_LIMIT), "…", "")
    return pc.if_else(too_long, cut, values)


def _chunks(array: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    return array.chunks if isinstance(array, pa.ChunkedArray) else [array]
