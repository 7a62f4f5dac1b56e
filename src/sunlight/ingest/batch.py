"""One delivered file → one staged batch: canonical rows and quality findings as Parquet.

Nothing here touches the warehouse: the batch is written to a staging folder and becomes part
of the warehouse only when the caller commits it (see sunlight.warehouse.store).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from sunlight.contract.catalog import Catalog
from sunlight.contract.datasets import Column, Dataset
from sunlight.ingest import normalise
from sunlight.ingest.layout import Layout, detect_layout
from sunlight.ingest.normalise import Output
from sunlight.ingest.readers import RawSheet, read_sheet

LINEAGE_COLUMNS = ("source_file_hash", "source_file", "source_sheet", "source_row")
FINDING_COLUMNS = ("dataset", "file", "sheet", "row", "severity", "reason", "value",
                   "column_name", "detail", "source_file_hash")
_TOTAL_LABELS = "^(合计|总计|小计|累计)"


@dataclass
class RowCounts:
    """Every physical row of a file, accounted for."""

    title: int = 0
    header: int = 0
    blank: int = 0
    total: int = 0
    footer: int = 0
    accepted: int = 0
    rejected: int = 0
    doubtful: int = 0  # accepted rows with at least one warning

    @property
    def data(self) -> int:
        return self.accepted + self.rejected


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


def prepare_batch(
    path: Path, dataset: Dataset, catalog: Catalog, staging: Path, digest: str, threads: int = 0
) -> PreparedBatch:
    """Read, classify, normalise and check one file; stage its Parquet files."""
    sheet = read_sheet(path)
    layout = detect_layout(sheet, dataset)
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        normalise.install_macros(con)
        con.register("cells", sheet.table)
        con.register("catalog_spellings", _catalog_table(catalog))
        _classify(con, sheet, layout)
        _normalise(con, sheet, dataset, layout)
        _find(con, dataset, layout, sheet.width)
        lineage = _lineage_sql(digest, path.name, sheet.sheet)
        table_path = staging / f"{dataset.code}-{digest[:16]}.parquet"
        findings_path = staging / f"quality-{digest[:16]}.parquet"
        _write_rows(con, dataset, lineage, table_path)
        _write_findings(con, dataset, digest, path.name, sheet.sheet, findings_path)
        counts = _count(con)
        rejected_amount = _rejected_amount(con, dataset)
    finally:
        con.close()
    return PreparedBatch(
        file_hash=digest, dataset=dataset.code, file_name=path.name,
        source_path=str(path.resolve()), sheet=sheet.sheet, encoding=sheet.encoding,
        size=path.stat().st_size, counts=counts, rejected_amount=rejected_amount,
        headers=layout.headers, ignored_headers=list(layout.ignored_headers),
        table_path=str(table_path), findings_path=str(findings_path),
    )


def prepare_file(path: Path, dataset: Dataset, catalog: Catalog, staging: Path) -> PreparedBatch:
    """prepare_batch for a file whose hash is not yet known."""
    return prepare_batch(path, dataset, catalog, staging, file_hash(path))


def _catalog_table(catalog: Catalog) -> pa.Table:
    spellings = catalog.name_index
    periods = {p.code: p.period for p in catalog.programs}
    return pa.table({
        "spelling": list(spellings),
        "code": list(spellings.values()),
        "period": [periods[code] for code in spellings.values()],
    })


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _lineage_sql(digest: str, file_name: str, sheet: str) -> str:
    return (f"{_sql_str(digest)} AS source_file_hash, {_sql_str(file_name)} AS source_file, "
            f"{_sql_str(sheet)} AS source_sheet, source_row")


_SPACE_ONLY = r"[\s\x{00A0}\x{200B}\x{FEFF}\x{3000}]*"


def _classify(con: duckdb.DuckDBPyConnection, sheet: RawSheet, layout: Layout) -> None:
    """Label the rows that are not data (title, header, blank, total, footer) in `non_data`."""
    cells = [f"c{i}" for i in range(sheet.width)]
    blank = [f"regexp_full_match(coalesce({c}, ''), '{_SPACE_ONLY}')" for c in cells]
    # AND stops at the first cell with text, so a data row costs one cheap test, not a concat.
    all_blank = " AND ".join(blank)
    first_cell = "coalesce(" + ", ".join(f"nullif(sl_squeeze({c}), '')" for c in cells) + ")"
    # A totals row starts with 合计/总计: if the first cell has text without 计, it is not one.
    may_be_total = f"(strpos(coalesce(c0, ''), '计') > 0 OR {blank[0]})"
    header = layout.header_row
    con.execute(f"""
        CREATE TEMP TABLE marked AS
        SELECT source_row, {all_blank} AS is_blank,
               {may_be_total} AND coalesce(regexp_matches({first_cell}, '{_TOTAL_LABELS}'), FALSE)
                   AS is_total
        FROM cells WHERE source_row <= {header} OR {may_be_total}""")
    first_total = con.execute(
        f"SELECT min(source_row) FROM marked WHERE is_total AND source_row > {header}"
    ).fetchone()
    after = first_total[0] if first_total and first_total[0] is not None else 2**31 - 1
    nonempty = " + ".join(f"CAST(NOT regexp_full_match({c}, '{_SPACE_ONLY}') AS INTEGER)"
                          for c in cells)
    con.execute(f"""
        CREATE TEMP TABLE non_data AS
        SELECT source_row, CASE
            WHEN source_row < {header} AND is_blank THEN 'blank'
            WHEN source_row < {header} THEN 'title'
            WHEN source_row = {header} THEN 'header'
            WHEN is_blank THEN 'blank'
            ELSE 'total' END AS row_kind
        FROM marked WHERE source_row <= {header} OR is_blank OR is_total
        UNION ALL
        SELECT source_row, 'footer' FROM cells
        WHERE source_row > {after} AND ({nonempty}) BETWEEN 1 AND 2""")


def _staged_select(relation: str, outputs: list[Output], join: str = "") -> str:
    """Wrap `relation` in one SELECT per stage, each adding that stage's outputs."""
    for stage in sorted({o.stage for o in outputs}):
        exprs = ", ".join(f"CAST({o.sql} AS {o.sql_type}) AS {o.name}"
                          for o in outputs if o.stage == stage)
        joined = join if stage == 2 else ""
        relation = f"SELECT prior.*, {exprs} FROM ({relation}) AS prior {joined}"
    return relation


def _register_codes(con: duckdb.DuckDBPyConnection, sheet: RawSheet, layout: Layout,
                    delivered: list[Column]) -> None:
    """Dictionary-encode each delivered column: `codes` holds the rows as integer codes,
    `distinct_<column>` each distinct cell text once."""
    codes = {"source_row": sheet.table.column("source_row"),
             "field_count": sheet.table.column("field_count")}
    for column in delivered:
        cells = sheet.table.column(f"c{layout.positions[column.name]}").combine_chunks()
        encoded = pc.dictionary_encode(pc.fill_null(cells, ""))
        codes[f"code_{column.name}"] = encoded.indices
        distinct = pa.table({"code": pa.array(range(len(encoded.dictionary)), pa.int32()),
                             "text": encoded.dictionary})
        con.register(f"distinct_{column.name}", distinct)
    con.register("codes", pa.table(codes))


def _normalise(con: duckdb.DuckDBPyConnection, sheet: RawSheet, dataset: Dataset,
               layout: Layout) -> None:
    """Build `norm`: raw text, cleaned text and canonical values of every data row.

    Column-level work runs once per distinct cell text, in a dictionary table per column
    that is joined back to the rows.
    """
    delivered = [c for c in dataset.columns if c.name in layout.positions]
    _register_codes(con, sheet, layout, delivered)
    con.execute("CREATE TEMP VIEW data AS SELECT * FROM codes "
                f"WHERE source_row > {layout.header_row} "
                "AND source_row NOT IN (SELECT source_row FROM non_data)")
    joins, absent = [], []
    for column in dataset.columns:
        local = [o for o in normalise.outputs(column) if not o.row_level]
        if column not in delivered:
            absent += [f"NULL::VARCHAR AS {normalise.raw(column)}",
                       f"NULL::VARCHAR AS {normalise.clean(column)}",
                       *(f"NULL::{o.sql_type} AS {o.name}" for o in local)]
            continue
        distinct = (f"SELECT *, {normalise.clean_sql(column)} AS {normalise.clean(column)} "
                    f"FROM (SELECT code AS code_{column.name}, text AS {normalise.raw(column)} "
                    f"FROM distinct_{column.name})")
        catalog_join = ("LEFT JOIN catalog_spellings AS catalog "
                        "ON catalog.spelling = prior.clean_program" if column.kind == "program"
                        else "")
        con.execute(f"CREATE TEMP TABLE dict_{column.name} AS "
                    f"{_staged_select(distinct, local, catalog_join)}")
        joins.append(f"JOIN dict_{column.name} USING (code_{column.name})")
    internal = ", ".join(f"code_{c.name}, {normalise.raw(c)}" for c in delivered)
    rows = (f"SELECT * EXCLUDE ({internal}) {', ' if absent else ''}{', '.join(absent)} "
            f"FROM data {' '.join(joins)}")
    row_level = [o for c in dataset.columns for o in normalise.outputs(c) if o.row_level]
    con.execute(f"CREATE TEMP TABLE norm AS {_staged_select(rows, row_level)}")


def _find(con: duckdb.DuckDBPyConnection, dataset: Dataset, layout: Layout, width: int) -> None:
    """Build `findings`: one row per problem found, with the offending text as delivered.

    A row wider than its header has cells out of place: it gets one finding, bad_row_shape,
    not a finding for every cell that landed in the wrong column.
    """
    checks = [chk for column in dataset.columns for chk in normalise.checks(column)]
    # One pass over all rows picks the few with any problem; each check then reads only those.
    any_problem = " OR ".join(f"coalesce({chk.condition}, FALSE)" for chk in checks)
    con.execute(f"CREATE TEMP TABLE suspect AS SELECT * FROM norm "
                f"WHERE field_count > {width} OR {any_problem or 'FALSE'}")
    parts = [
        f"SELECT source_row, {_sql_str(chk.column)} AS column_name, "
        f"{_sql_str(chk.reason)} AS reason, {_sql_str(chk.severity)} AS severity, "
        f"{chk.detail} AS detail "
        f"FROM suspect WHERE field_count <= {width} AND {chk.condition}"
        for chk in checks
    ]
    parts.append(
        "SELECT source_row, NULL, 'bad_row_shape', 'rejected', "
        f"'the row has ' || field_count || ' fields, the header {width}' "
        f"FROM suspect WHERE field_count > {width}"
    )
    delivered_text = " ".join(
        f"WHEN {_sql_str(name)} THEN cells.c{i}" for name, i in layout.positions.items())
    value = f"CASE f.column_name {delivered_text} END" if delivered_text else "NULL"
    con.execute(f"""
        CREATE TEMP TABLE findings AS
        SELECT f.*, {value} AS value
        FROM ({' UNION ALL '.join(parts)}) AS f
        JOIN (SELECT * FROM cells WHERE source_row IN (SELECT source_row FROM suspect)) AS cells
        USING (source_row)""")


def _write_rows(con: duckdb.DuckDBPyConnection, dataset: Dataset, lineage: str, out: Path) -> None:
    names = [o.name for c in dataset.columns for o in normalise.outputs(c) if o.written]
    con.execute(f"""
        COPY (SELECT {', '.join(names)}, {lineage} FROM norm
              WHERE source_row NOT IN (SELECT source_row FROM findings WHERE severity = 'rejected'))
        TO {_sql_str(str(out))} (FORMAT parquet, COMPRESSION snappy)""")


def _write_findings(con: duckdb.DuckDBPyConnection, dataset: Dataset, digest: str,
                    file_name: str, sheet: str, out: Path) -> None:
    con.execute(f"""
        COPY (SELECT {_sql_str(dataset.code)} AS dataset, {_sql_str(file_name)} AS file,
                     {_sql_str(sheet)} AS sheet, source_row AS row, severity, reason,
                     coalesce(value, '') AS value, column_name, detail,
                     {_sql_str(digest)} AS source_file_hash
              FROM findings ORDER BY source_row, severity, reason)
        TO {_sql_str(str(out))} (FORMAT parquet, COMPRESSION zstd)""")


def _count(con: duckdb.DuckDBPyConnection) -> RowCounts:
    counts = RowCounts()
    for kind, number in con.execute(
        "SELECT row_kind, count(*) FROM non_data GROUP BY row_kind"
    ).fetchall():
        setattr(counts, kind, int(number))
    # Findings are few: count from them, not from a pass over every row.
    row = con.execute("""
        WITH verdict AS (
            SELECT source_row, bool_or(severity = 'rejected') AS rejected
            FROM findings GROUP BY source_row)
        SELECT (SELECT count(*) FROM norm),
               count(*) FILTER (WHERE rejected),
               count(*) FILTER (WHERE NOT rejected)
        FROM verdict""").fetchone()
    assert row is not None
    data_rows, counts.rejected, counts.doubtful = (int(v) for v in row)
    counts.accepted = data_rows - counts.rejected
    return counts


def _rejected_amount(con: duckdb.DuckDBPyConnection, dataset: Dataset) -> str:
    if dataset.code != "payments":
        return "0.00"
    row = con.execute("""
        SELECT coalesce(sum(amount), 0) FROM norm
        WHERE source_row IN (SELECT source_row FROM findings WHERE severity = 'rejected')
    """).fetchone()
    return f"{row[0] if row else 0:.2f}"

