"""Delivered files of one dataset → staged batches: canonical rows and quality findings.

Files are read one by one (rows.py) and then normalised and checked together in one DuckDB
pass: a county delivers dozens of files per dataset, and per-file query planning would cost
more than the rows. Each file still becomes its own batch, with its own Parquet files.

Nothing here touches the warehouse: batches are written to a staging folder and become part
of the warehouse only when the caller commits them (see sunlight.warehouse.store).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sunlight.contract.catalog import Catalog
from sunlight.contract.datasets import Column, Dataset
from sunlight.ingest import normalise
from sunlight.ingest.errors import UnusableFile
from sunlight.ingest.normalise import Output
from sunlight.ingest.rows import DeliveredFile, RowCounts, read_delivered

__all__ = ["PreparedBatch", "RowCounts", "file_hash", "prepare_batches", "prepare_file"]


@dataclass
class PreparedBatch:
    """A file read, normalised and staged, not yet committed."""

    file_hash: str
    dataset: str
    file_name: str
    source_path: str
    sheet: str
    encoding: str
    size: int
    counts: RowCounts
    rejected_amount: str  # yuan, two decimals: money in payment rows that could not be read
    headers: dict[str, str]
    ignored_headers: list[str]
    table_path: str  # staged Parquet of canonical rows
    findings_path: str  # staged Parquet of quality findings

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def file_hash(path: Path) -> str:
    """sha256 of the file's bytes: the batch's identity."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def prepare_file(path: Path, dataset: Dataset, catalog: Catalog, staging: Path) -> PreparedBatch:
    """One file as one batch; raise UnusableFile if it cannot be used."""
    [result] = prepare_batches([(path, file_hash(path))], dataset, catalog, staging)
    if isinstance(result, UnusableFile):
        raise result
    return result


def prepare_batches(files: list[tuple[Path, str]], dataset: Dataset, catalog: Catalog,
                    staging: Path, threads: int = 0) -> list[PreparedBatch | UnusableFile]:
    """Stage one batch per (file, sha256) of the dataset, or say why a file is unusable."""
    read: list[DeliveredFile | UnusableFile] = []
    for path, digest in files:
        try:
            read.append(read_delivered(path, digest, dataset))
        except UnusableFile as exc:
            read.append(exc)
    usable = [r for r in read if isinstance(r, DeliveredFile)]
    if not usable:
        return [r for r in read if isinstance(r, UnusableFile)]
    batches = iter(_normalise_together(usable, dataset, catalog, staging, threads))
    return [next(batches) if isinstance(r, DeliveredFile) else r for r in read]


def _normalise_together(delivered: list[DeliveredFile], dataset: Dataset, catalog: Catalog,
                        staging: Path, threads: int) -> list[PreparedBatch]:
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = true")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        normalise.install_macros(con)
        con.register("catalog_spellings", _catalog_table(catalog))
        files = _files_table(delivered)
        con.register("files", files)
        codes = _register_codes(con, delivered, dataset)
        rows = _normalise(con, dataset, codes, files.column("width").combine_chunks())
        _find(con, dataset)
        outcome = _Outcome(_accepted_rows(con, dataset, rows, delivered),
                           _findings(con, dataset), _verdicts(con),
                           _rejected_amounts(con, dataset))
    finally:
        con.close()
    return [outcome.stage(dataset, index, file, staging) for index, file in enumerate(delivered)]


@dataclass
class _Outcome:
    """What the pass over all files found, split back per file."""

    accepted: pa.Table  # canonical rows with lineage and file_index
    findings: pa.Table  # quality findings with file_index
    verdicts: dict[int, tuple[int, int]]  # file_index → (rejected rows, doubtful rows)
    rejected_amounts: dict[int, Decimal]  # file_index → money in rejected payment rows

    def stage(self, dataset: Dataset, index: int, file: DeliveredFile,
              staging: Path) -> PreparedBatch:
        table_path = staging / f"{dataset.code}-{file.digest[:16]}.parquet"
        findings_path = staging / f"quality-{file.digest[:16]}.parquet"
        for table, path in ((self.accepted, table_path), (self.findings, findings_path)):
            pq.write_table(_rows_of_file(table, index).drop_columns(["file_index"]), path,
                           compression="zstd", compression_level=1)
        counts = RowCounts(**asdict(file.counts))
        counts.rejected, counts.doubtful = self.verdicts.get(index, (0, 0))
        counts.accepted = file.data.num_rows - counts.rejected
        return PreparedBatch(
            file_hash=file.digest, dataset=dataset.code, file_name=file.path.name,
            source_path=str(file.path.resolve()), sheet=file.sheet, encoding=file.encoding,
            size=file.path.stat().st_size, counts=counts,
            rejected_amount=f"{self.rejected_amounts.get(index, Decimal(0)):.2f}",
            headers=file.layout.headers, ignored_headers=list(file.layout.ignored_headers),
            table_path=str(table_path), findings_path=str(findings_path),
        )


def _catalog_table(catalog: Catalog) -> pa.Table:
    spellings = catalog.name_index
    periods = {p.code: p.period for p in catalog.programs}
    return pa.table({
        "spelling": list(spellings),
        "code": list(spellings.values()),
        "period": [periods[code] for code in spellings.values()],
    })


def _files_table(delivered: list[DeliveredFile]) -> pa.Table:
    return pa.table({
        "file_index": pa.array(range(len(delivered)), pa.int32()),
        "source_file_hash": [f.digest for f in delivered],
        "source_file": [f.path.name for f in delivered],
        "source_sheet": [f.sheet for f in delivered],
        "width": pa.array([f.width for f in delivered], pa.int32()),
    })


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _register_codes(con: duckdb.DuckDBPyConnection, delivered: list[DeliveredFile],
                    dataset: Dataset) -> dict[str, pa.Array]:
    """Stack the files' data rows and dictionary-encode each column.

    Registers `raw_rows` (the stacked text) and `distinct_<column>` (each distinct cell text
    once, so normalisers run once per text); returns the rows as integer codes.
    """
    stacked = pa.concat_tables([
        f.data.add_column(0, "file_index", pa.array([i] * f.data.num_rows, pa.int32()))
        for i, f in enumerate(delivered)]).combine_chunks()
    con.register("raw_rows", stacked)
    codes = {name: stacked.column(name).chunk(0) if stacked.num_rows else
             pa.array([], stacked.schema.field(name).type)
             for name in ("file_index", "source_row", "field_count", "row_text")}
    for column in dataset.columns:
        encoded = pc.dictionary_encode(stacked.column(normalise.raw(column))).combine_chunks()
        codes[f"code_{column.name}"] = encoded.indices
        con.register(f"distinct_{column.name}", pa.table({
            "code": pa.array(range(len(encoded.dictionary)), pa.int32()),
            "text": encoded.dictionary}))
    return codes


def _staged_select(relation: str, outputs: list[Output], join: str = "") -> str:
    """Wrap `relation` in one SELECT per stage, each adding that stage's outputs."""
    for stage in sorted({o.stage for o in outputs}):
        exprs = ", ".join(f"CAST({o.sql} AS {o.sql_type}) AS {o.name}"
                          for o in outputs if o.stage == stage)
        joined = join if stage == 2 else ""
        relation = f"SELECT prior.*, {exprs} FROM ({relation}) AS prior {joined}"
    return relation


def _dictionary(column: Column) -> str:
    """The per-distinct-text table of one column: its cleaned text and column-level outputs."""
    distinct = (f"SELECT *, {normalise.clean_sql(column)} AS {normalise.clean(column)} "
                f"FROM (SELECT code AS code_{column.name}, text AS {normalise.raw(column)} "
                f"FROM distinct_{column.name})")
    catalog_join = ("LEFT JOIN catalog_spellings AS catalog "
                    "ON catalog.spelling = prior.clean_program" if column.kind == "program"
                    else "")
    local = [o for o in normalise.outputs(column) if not o.row_level]
    return _staged_select(distinct, local, catalog_join)


def _normalise(con: duckdb.DuckDBPyConnection, dataset: Dataset,
               codes: dict[str, pa.Array], widths: pa.Array) -> pa.Table:
    """Every data row of every file with its cleaned text and canonical values; also `norm`.

    Column-level outputs are computed per distinct text in DuckDB and spread back to the rows
    by position (Arrow `take`): no join. Row-level outputs are then computed over the rows.
    """
    columns: dict[str, pa.Array] = {
        "file_index": codes["file_index"], "source_row": codes["source_row"],
        "field_count": codes["field_count"], "row_text": codes["row_text"],
        "width": pc.take(widths, codes["file_index"])}
    for column in dataset.columns:
        values = con.sql(f"SELECT * FROM ({_dictionary(column)}) "
                         f"ORDER BY code_{column.name}").to_arrow_table()
        positions = codes[f"code_{column.name}"]
        for name in values.column_names:
            if name not in (f"code_{column.name}", normalise.raw(column)):
                columns[name] = pc.take(values.column(name), positions)
    rows = pa.table(columns)
    row_level = [o for c in dataset.columns for o in normalise.outputs(c) if o.row_level]
    if row_level:
        con.register("column_level", rows)
        # Row for row in the order of `rows`: the connection preserves insertion order.
        computed = con.sql(
            f"SELECT {', '.join(o.name for o in row_level)} "
            f"FROM ({_staged_select('SELECT * FROM column_level', row_level)})").to_arrow_table()
        for name in computed.column_names:
            rows = rows.append_column(name, computed.column(name))
    con.register("norm", rows)
    return rows


def _find(con: duckdb.DuckDBPyConnection, dataset: Dataset) -> None:
    """Build `findings`: one row per problem found, with the offending text as delivered.

    A row wider than its header has cells out of place: it gets one finding, bad_row_shape,
    not a finding for every cell that landed in the wrong column.
    """
    checks = [chk for column in dataset.columns for chk in normalise.checks(column)]
    # One pass over all rows picks the few with any problem; each check then reads only those.
    any_problem = " OR ".join(f"coalesce({chk.condition}, FALSE)" for chk in checks)
    con.execute("CREATE TEMP TABLE suspect AS SELECT * FROM norm "
                f"WHERE field_count <> width OR {any_problem or 'FALSE'}")
    parts = [
        f"SELECT file_index, source_row, {_sql_str(chk.column)} AS column_name, "
        f"{_sql_str(chk.reason)} AS reason, {_sql_str(chk.severity)} AS severity, "
        f"{chk.detail} AS detail "
        f"FROM suspect WHERE field_count <= width AND {chk.condition}"
        for chk in checks
    ]
    parts += [
        "SELECT file_index, source_row, NULL, 'bad_row_shape', 'rejected', "
        "'the row has ' || field_count || ' fields, the header ' || width || "
        "': its cells cannot be placed' FROM suspect WHERE field_count > width",
        "SELECT file_index, source_row, NULL, 'short_row', 'warning', "
        "'the row has ' || field_count || ' fields, the header ' || width || "
        "': the missing ones are taken as empty' FROM suspect WHERE field_count < width",
    ]
    delivered_text = " ".join(f"WHEN {_sql_str(c.name)} THEN raw.{normalise.raw(c)}"
                              for c in dataset.columns)
    con.execute(f"""
        CREATE TEMP TABLE findings AS
        SELECT f.*, CASE WHEN f.column_name IS NULL THEN raw.row_text
                         ELSE CASE f.column_name {delivered_text} END END AS value
        FROM ({' UNION ALL '.join(parts)}) AS f
        JOIN (SELECT * FROM raw_rows
              WHERE (file_index, source_row) IN (SELECT (file_index, source_row) FROM suspect))
             AS raw USING (file_index, source_row)
""")
    con.execute("CREATE TEMP TABLE rejected AS SELECT DISTINCT file_index, source_row "
                "FROM findings WHERE severity = 'rejected'")


def _accepted_rows(con: duckdb.DuckDBPyConnection, dataset: Dataset, rows: pa.Table,
                   delivered: list[DeliveredFile]) -> pa.Table:
    """Canonical rows of every file that no finding rejected, with lineage."""
    names = [o.name for c in dataset.columns for o in normalise.outputs(c) if o.written]
    accepted = rows.select([*names, "source_row", "file_index"])
    rejected = con.sql("SELECT file_index, source_row FROM rejected").to_arrow_table()
    if rejected.num_rows:  # most deliveries of a chunk have none: no copy then
        keys = _row_keys(rows.column("file_index"), rows.column("source_row"))
        bad = _row_keys(rejected.column("file_index"), rejected.column("source_row"))
        accepted = accepted.filter(pa.array(~np.isin(keys, bad)))
    file_index = accepted.column("file_index").combine_chunks()
    lineage = {  # one value per file, stored once per file by the dictionary encoding
        "source_file_hash": [f.digest for f in delivered],
        "source_file": [f.path.name for f in delivered],
        "source_sheet": [f.sheet for f in delivered],
    }
    out = accepted.select(names)
    for name, per_file in lineage.items():
        out = out.append_column(name, pa.DictionaryArray.from_arrays(
            file_index, pa.array(per_file, pa.string())))
    return out.append_column("source_row", accepted.column("source_row")).append_column(
        "file_index", file_index)


def _rows_of_file(table: pa.Table, index: int) -> pa.Table:
    """The slice of a table ordered by file_index that belongs to one file."""
    file_index = np.asarray(table.column("file_index"))
    start, stop = np.searchsorted(file_index, [index, index + 1])
    return table.slice(int(start), int(stop - start))


def _row_keys(file_index: pa.ChunkedArray, source_row: pa.ChunkedArray) -> np.ndarray:
    return (np.asarray(file_index, dtype=np.int64) << 32) | np.asarray(source_row, np.int64)


def _findings(con: duckdb.DuckDBPyConnection, dataset: Dataset) -> pa.Table:
    table: pa.Table = con.sql(f"""
        SELECT {_sql_str(dataset.code)} AS dataset, files.source_file AS file,
               files.source_sheet AS sheet, source_row AS row, severity, reason,
               coalesce(value, '') AS value, column_name, detail, files.source_file_hash,
               file_index
        FROM findings JOIN files USING (file_index)
        ORDER BY file_index, source_row, severity, reason""").to_arrow_table()
    return table


def _verdicts(con: duckdb.DuckDBPyConnection) -> dict[int, tuple[int, int]]:
    """Rejected and doubtful rows per file, counted from the findings (few), not the rows."""
    rows = con.execute("""
        SELECT file_index, count(*) FILTER (WHERE rejected), count(*) FILTER (WHERE NOT rejected)
        FROM (SELECT file_index, source_row, bool_or(severity = 'rejected') AS rejected
              FROM findings GROUP BY file_index, source_row)
        GROUP BY file_index""").fetchall()
    return {int(index): (int(rejected), int(doubtful)) for index, rejected, doubtful in rows}


def _rejected_amounts(con: duckdb.DuckDBPyConnection, dataset: Dataset) -> dict[int, Decimal]:
    if dataset.code != "payments":
        return {}
    rows = con.execute("""
        SELECT file_index, coalesce(sum(amount), 0) FROM suspect
        SEMI JOIN rejected USING (file_index, source_row)
        WHERE field_count <= width  -- a misshapen row's amount cell may hold anything
        GROUP BY file_index""").fetchall()
    return {int(index): Decimal(amount) for index, amount in rows}
