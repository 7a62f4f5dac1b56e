"""Delivered files of one dataset → staged batches: canonical rows and quality findings.

Files are read one by one (rows.py) and then normalised and checked together, once per
distinct cell text (distinct.py, findings.py): a county delivers dozens of files per dataset,
and per-file query planning would cost more than the rows. Each file still becomes its own
batch, with its own Parquet files.

Nothing here touches the warehouse: batches are written to a staging folder and become part
of the warehouse only when the caller commits them (see sunlight.warehouse.store).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sunlight.contract.catalog import Catalog
from sunlight.contract.datasets import Dataset
from sunlight.ingest import distinct, findings, normalise
from sunlight.ingest.errors import UnusableFile
from sunlight.ingest.rows import DeliveredFile, read_file
from sunlight.warehouse.batch import RowCounts, StagedBatch

__all__ = ["file_hash", "prepare_file", "read_file", "stage_batches"]


def file_hash(path: Path) -> str:
    """sha256 of the file's bytes: the batch's identity."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def prepare_file(path: Path, dataset: Dataset, catalog: Catalog, staging: Path) -> StagedBatch:
    """One file as one batch; raise UnusableFile if it cannot be used."""
    [result] = stage_batches([read_file(path, file_hash(path), dataset.code)], dataset, catalog,
                             staging)
    if isinstance(result, UnusableFile):
        raise result
    return result


def stage_batches(read: list[DeliveredFile | UnusableFile], dataset: Dataset, catalog: Catalog,
                  staging: Path, threads: int = 0) -> list[StagedBatch | UnusableFile]:
    """Stage one batch per file read of the dataset; pass refusals through."""
    usable = [r for r in read if isinstance(r, DeliveredFile)]
    if not usable:
        return [r for r in read if isinstance(r, UnusableFile)]
    batches = iter(_normalise_together(usable, dataset, catalog, staging, threads))
    return [next(batches) if isinstance(r, DeliveredFile) else r for r in read]


def _normalise_together(delivered: list[DeliveredFile], dataset: Dataset, catalog: Catalog,
                        staging: Path, threads: int) -> list[StagedBatch]:
    rows = distinct.stack(delivered, dataset)
    with distinct.connection(threads) as con:
        columns = distinct.evaluate(con, dataset, catalog, rows)
    files = _files_table(delivered)
    found = findings.find(dataset, rows, columns, files)
    outcome = _Outcome(_accepted_rows(dataset, rows, columns, found.rejected),
                       _rejected_rows(dataset, rows, columns, found.rejected), found.table,
                       _verdicts(rows, found, len(delivered)),
                       _rejected_amounts(dataset, rows, columns, found.rejected),
                       _distinct_inputs(dataset, columns))
    return [outcome.stage(dataset, index, file, staging) for index, file in enumerate(delivered)]


@dataclass
class _Outcome:
    """What the pass over all files found, split back per file."""

    accepted: pa.Table  # canonical rows with source_row and file_index
    rejected: pa.Table  # the same of the rejected rows, null where unreadable
    findings: pa.Table  # quality findings with file_index
    verdicts: dict[int, tuple[int, int]]  # file_index → (rejected rows, doubtful rows)
    rejected_amounts: dict[int, Decimal]  # file_index → money in rejected payment rows
    distinct_inputs: dict[str, int]  # written column → distinct texts it came from (at most)

    def stage(self, dataset: Dataset, index: int, file: DeliveredFile,
              staging: Path) -> StagedBatch:
        table_path = staging / f"{dataset.code}-{file.digest[:16]}.parquet"
        findings_path = staging / f"quality-{file.digest[:16]}.parquet"
        accepted = _with_lineage(_rows_of_file(self.accepted, index), file)
        findings = _rows_of_file(self.findings, index).drop_columns(["file_index"])
        pq.write_table(accepted, table_path, compression="zstd", compression_level=1,
                       use_dictionary=self._repetitive(accepted))
        pq.write_table(findings, findings_path, compression="zstd", compression_level=1)
        rejected = _rows_of_file(self.rejected, index).drop_columns(["file_index"])
        rejected_path = staging / f"rejected-{file.digest[:16]}.parquet"
        if rejected.num_rows:  # never committed: screening reads it (warehouse/batch.py)
            pq.write_table(rejected, rejected_path)
        counts = RowCounts(**asdict(file.counts))
        counts.rejected, counts.doubtful = self.verdicts.get(index, (0, 0))
        counts.accepted = file.data.num_rows - counts.rejected
        return StagedBatch(
            file_hash=file.digest, dataset=dataset.code, file_name=file.path.name,
            source_path=str(file.path.resolve()), sheet=file.sheet, encoding=file.encoding,
            size=file.path.stat().st_size, counts=counts,
            rejected_amount=f"{self.rejected_amounts.get(index, Decimal(0)):.2f}",
            headers=file.layout.headers, ignored_headers=list(file.layout.ignored_headers),
            table_path=str(table_path), findings_path=str(findings_path),
            other_sheets=list(file.other_sheets),
            rejected_path=str(rejected_path) if rejected.num_rows else "",
        )

    def _repetitive(self, rows: pa.Table) -> list[str]:
        """The columns worth a Parquet dictionary: few values, each repeated many times.

        For the others (IDs, names, accounts) the writer would build a dictionary only to
        give it up once it outgrows its page, which costs time and makes bigger files.
        """
        few = max(1, rows.num_rows // _REPEATS)
        return [name for name in rows.column_names
                if pa.types.is_dictionary(rows.schema.field(name).type)
                or self.distinct_inputs.get(name, few + 1) <= few]


# A value that recurs this often on average in a file is stored through a dictionary.
_REPEATS = 20


def _distinct_inputs(dataset: Dataset, columns: dict[str, distinct.Distinct]) -> dict[str, int]:
    """Per written column, how many distinct delivered texts (or combinations) it came from:
    an upper bound on its distinct values."""
    return {output.name: columns[column.name].table.num_rows
            for column in dataset.columns for output in normalise.outputs(column)
            if output.written}


def _files_table(delivered: list[DeliveredFile]) -> pa.Table:
    return pa.table({
        "source_file_hash": pa.array([f.digest for f in delivered], pa.string()),
        "source_file": pa.array([f.path.name for f in delivered], pa.string()),
        "source_sheet": pa.array([f.sheet for f in delivered], pa.string()),
    })


def _accepted_rows(dataset: Dataset, rows: distinct.StackedRows,
                   columns: dict[str, distinct.Distinct], rejected: np.ndarray) -> pa.Table:
    """Canonical rows of every file that no finding rejected, with source_row and file_index.

    Only the written outputs are spread to the rows, and only to the accepted ones.
    """
    return _canonical_rows(dataset, rows, columns,
                           np.flatnonzero(~rejected) if rejected.any() else None)


def _rejected_rows(dataset: Dataset, rows: distinct.StackedRows,
                   columns: dict[str, distinct.Distinct], rejected: np.ndarray) -> pa.Table:
    """The rejected rows' canonical values, null where a value could not be read: what
    screening says of an unreadable row besides why."""
    return _canonical_rows(dataset, rows, columns, np.flatnonzero(rejected))


def _canonical_rows(dataset: Dataset, rows: distinct.StackedRows,
                    columns: dict[str, distinct.Distinct], keep: np.ndarray | None) -> pa.Table:
    """The written outputs of the rows at `keep` (None: all), with source_row and file_index."""
    out = {}
    for column in dataset.columns:
        written = [o.name for o in normalise.outputs(column) if o.written]
        if written:
            units = pa.array(columns[column.name].codes if keep is None
                             else columns[column.name].codes[keep])
            for name in written:
                out[name] = columns[column.name].table.column(name).take(units)
    out["source_row"] = pa.array(rows.source_row if keep is None else rows.source_row[keep])
    out["file_index"] = pa.array(rows.file_index if keep is None else rows.file_index[keep])
    return pa.table(out)


def _with_lineage(rows: pa.Table, file: DeliveredFile) -> pa.Table:
    """A file's canonical rows with their lineage, in place of the chunk's file_index.

    The value of each lineage column is stored once, by a dictionary of that one value: the
    file's Parquet holds nothing of the other files it happened to be normalised with.
    """
    same = pa.array(np.zeros(rows.num_rows, dtype=np.int32))
    lineage = {"source_file_hash": file.digest, "source_file": file.path.name,
               "source_sheet": file.sheet}
    source_row = rows.column("source_row")
    rows = rows.drop_columns(["source_row", "file_index"])
    for name, value in lineage.items():
        rows = rows.append_column(name, pa.DictionaryArray.from_arrays(
            same, pa.array([value], pa.string())))
    return rows.append_column("source_row", source_row)


def _rows_of_file(table: pa.Table, index: int) -> pa.Table:
    """The slice of a table ordered by file_index that belongs to one file."""
    file_index = np.asarray(table.column("file_index"))
    start, stop = np.searchsorted(file_index, [index, index + 1])
    return table.slice(int(start), int(stop - start))


def _verdicts(rows: distinct.StackedRows, found: findings.Findings,
              files: int) -> dict[int, tuple[int, int]]:
    """Rejected and doubtful rows per file."""
    rejected = np.bincount(rows.file_index[found.rejected], minlength=files)
    doubtful = np.bincount(rows.file_index[found.doubtful], minlength=files)
    return {index: (int(rejected[index]), int(doubtful[index])) for index in range(files)}


def _rejected_amounts(dataset: Dataset, rows: distinct.StackedRows,
                      columns: dict[str, distinct.Distinct],
                      rejected: np.ndarray) -> dict[int, Decimal]:
    """Money in rejected payment rows (of a dataset with a `paid_amount`), per file; a
    misshapen row's amount cell may hold anything, so it is not counted."""
    paid = dataset.paid_amount
    if paid is None:
        return {}
    at = np.flatnonzero(rejected & (rows.field_count <= rows.width))
    amounts: dict[int, Decimal] = {}
    for index, amount in zip(rows.file_index[at], columns[paid].output(paid, at)
                             .to_pylist(), strict=True):
        amounts[int(index)] = amounts.get(int(index), Decimal(0)) + (amount or Decimal(0))
    return amounts
