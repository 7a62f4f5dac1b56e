"""Delivered files of one dataset → staged batches: canonical rows and quality findings.

Files are read one by one (rows.py) and then normalised and checked together in one DuckDB
pass: a county delivers dozens of files per dataset, and per-file query planning would cost
more than the rows. Each file still becomes its own batch, with its own Parquet files.

Nothing here touches the warehouse: batches are written to a staging folder and become part
of the warehouse only when the caller commits them (see sunlight.warehouse.store).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
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
    extra: dict[str, Any] = field(default_factory=dict)

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
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        normalise.install_macros(con)
        con.register("catalog_spellings", _catalog_table(catalog))
        con.register("files", _files_table(delivered))
        _register_codes(con, delivered, dataset)
        _normalise(con, dataset)
        _find(con, dataset)
        outcome = _Outcome(_accepted_rows(con, dataset), _findings(con, dataset),
                           _verdicts(con), _rejected_amounts(con, dataset))
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
        for table, path, compression in ((self.accepted, table_path, "snappy"),
                                         (self.findings, findings_path, "zstd")):
            mine = table.filter(pc.equal(table.column("file_index"), index))
            pq.write_table(mine.drop_columns(["file_index"]), path, compression=compression)
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
                    dataset: Dataset) -> None:
    """Stack the files' data rows and dictionary-encode each column.

    `raw_rows` holds the stacked text; `codes` the same rows as integer codes; and
    `distinct_<column>` each distinct cell text once, so normalisers run once per text.
    """
    stacked = pa.concat_tables([
        f.data.add_column(0, "file_index", pa.array([i] * f.data.num_rows, pa.int32()))
        for i, f in enumerate(delivered)]).combine_chunks()
    con.register("raw_rows", stacked)
    codes = {name: stacked.column(name) for name in ("file_index", "source_row", "field_count")}
    for column in dataset.columns:
        encoded = pc.dictionary_encode(stacked.column(normalise.raw(column))).combine_chunks()
        codes[f"code_{column.name}"] = encoded.indices
        con.register(f"distinct_{column.name}", pa.table({
            "code": pa.array(range(len(encoded.dictionary)), pa.int32()),
            "text": encoded.dictionary}))
    con.register("codes", pa.table(codes))


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


def _normalise(con: duckdb.DuckDBPyConnection, dataset: Dataset) -> None:
    """Define `norm`: cleaned text and canonical values of every data row of every file."""
    joins = []
    for column in dataset.columns:
        con.execute(f"CREATE TEMP TABLE dict_{column.name} AS {_dictionary(column)}")
        # LEFT: a column a file did not deliver has no code, and its values stay NULL.
        joins.append(f"LEFT JOIN dict_{column.name} USING (code_{column.name})")
    internal = ", ".join(f"code_{c.name}, {normalise.raw(c)}" for c in dataset.columns)
    rows = (f"SELECT * EXCLUDE ({internal}), files.width FROM codes {' '.join(joins)} "
            "JOIN files USING (file_index)")
    row_level = [o for c in dataset.columns for o in normalise.outputs(c) if o.row_level]
    # A view, not a table: it is read twice (problems, then rows out), and materialising
    # thirty columns costs more than joining twice.
    con.execute(f"CREATE TEMP VIEW norm AS {_staged_select(rows, row_level)}")


def _find(con: duckdb.DuckDBPyConnection, dataset: Dataset) -> None:
    """Build `findings`: one row per problem found, with the offending text as delivered.

    A row wider than its header has cells out of place: it gets one finding, bad_row_shape,
    not a finding for every cell that landed in the wrong column.
    """
    checks = [chk for column in dataset.columns for chk in normalise.checks(column)]
    # One pass over all rows picks the few with any problem; each check then reads only those.
    any_problem = " OR ".join(f"coalesce({chk.condition}, FALSE)" for chk in checks)
    con.execute("CREATE TEMP TABLE suspect AS SELECT * FROM norm "
                f"WHERE field_count > width OR {any_problem or 'FALSE'}")
    parts = [
        f"SELECT file_index, source_row, {_sql_str(chk.column)} AS column_name, "
        f"{_sql_str(chk.reason)} AS reason, {_sql_str(chk.severity)} AS severity, "
        f"{chk.detail} AS detail "
        f"FROM suspect WHERE field_count <= width AND {chk.condition}"
        for chk in checks
    ]
    parts.append(
        "SELECT file_index, source_row, NULL, 'bad_row_shape', 'rejected', "
        "'the row has ' || field_count || ' fields, the header ' || width "
        "FROM suspect WHERE field_count > width"
    )
    delivered_text = " ".join(f"WHEN {_sql_str(c.name)} THEN raw.{normalise.raw(c)}"
                              for c in dataset.columns)
    con.execute(f"""
        CREATE TEMP TABLE findings AS
        SELECT f.*, CASE f.column_name {delivered_text} END AS value
        FROM ({' UNION ALL '.join(parts)}) AS f
        JOIN (SELECT * FROM raw_rows
              WHERE (file_index, source_row) IN (SELECT (file_index, source_row) FROM suspect))
             AS raw USING (file_index, source_row)""")
    con.execute("CREATE TEMP TABLE rejected AS SELECT DISTINCT file_index, source_row "
                "FROM findings WHERE severity = 'rejected'")


def _accepted_rows(con: duckdb.DuckDBPyConnection, dataset: Dataset) -> pa.Table:
    """Canonical rows of every file that no finding rejected, with lineage, as Arrow."""
    names = [o.name for c in dataset.columns for o in normalise.outputs(c) if o.written]
    table: pa.Table = con.sql(f"""
        SELECT {', '.join(names)}, source_file_hash, source_file, source_sheet, source_row,
               file_index
        FROM norm ANTI JOIN rejected USING (file_index, source_row)""").to_arrow_table()
    return table


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
        SEMI JOIN rejected USING (file_index, source_row) GROUP BY file_index""").fetchall()
    return {int(index): Decimal(amount) for index, amount in rows}
