"""Quality checks across files: findings no single file can show.

Death dates: a death is known from `deaths` (police, cremation, medical certificate) and from
`residents.status = 死亡`. The earliest credible date wins; a report more than 31 days after
the earliest one for the same person is a data-quality finding (contract section 2).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

DEATH_DATE_TOLERANCE_DAYS = 31


def _reports_sql(deaths: list[Path], residents: list[Path]) -> str:
    parts = []
    if deaths:
        parts.append(
            "SELECT id_number, death_date AS reported, 'deaths' AS dataset, source_file, "
            f"source_sheet, source_row FROM read_parquet({_paths(deaths)})")
    if residents:
        parts.append(
            "SELECT id_number, status_date AS reported, 'residents' AS dataset, source_file, "
            f"source_sheet, source_row FROM read_parquet({_paths(residents)}) "
            "WHERE status = '死亡' AND status_date IS NOT NULL")
    return " UNION ALL ".join(parts)


def _paths(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def write_cross_checks(deaths: list[Path], residents: list[Path], out: Path) -> int:
    """Write the cross-file findings to `out` (Parquet); return how many there are."""
    reports = _reports_sql(deaths, residents)
    con = duckdb.connect()
    try:
        if reports:
            con.execute(f"""
                CREATE TEMP TABLE found AS
                WITH spread AS (
                    SELECT *, min(reported) OVER (PARTITION BY id_number) AS earliest
                    FROM ({reports}))
                SELECT dataset, source_file AS file, source_sheet AS sheet, source_row AS row,
                       'warning' AS severity, 'death_date_conflict' AS reason,
                       strftime(reported, '%Y-%m-%d') AS value,
                       CAST(NULL AS VARCHAR) AS column_name,
                       'death reported ' || (reported - earliest) || ' days after the earliest '
                           || 'report (' || strftime(earliest, '%Y-%m-%d') || ')' AS detail,
                       CAST(NULL AS VARCHAR) AS source_file_hash
                FROM spread WHERE reported - earliest > {DEATH_DATE_TOLERANCE_DAYS}
                -- the same order every time, whichever thread finished first
                ORDER BY dataset, file, sheet, row""")
        else:
            con.execute("""
                CREATE TEMP TABLE found (dataset VARCHAR, file VARCHAR, sheet VARCHAR,
                    row INTEGER, severity VARCHAR, reason VARCHAR, value VARCHAR,
                    column_name VARCHAR, detail VARCHAR, source_file_hash VARCHAR)""")
        escaped = str(out).replace("'", "''")
        con.execute(f"COPY found TO '{escaped}' (FORMAT parquet)")
        row = con.execute("SELECT count(*) FROM found").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()
