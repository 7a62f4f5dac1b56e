"""Quality checks across files: findings no single file can show, recomputed on every commit.

Death dates: a death is known from `deaths` (police, cremation, medical certificate) and from
`residents.status = 死亡`. The earliest credible date wins; a report more than 31 days after
the earliest one for the same person is a data-quality finding (contract section 2).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from sunlight.warehouse.duckdb_engine import DuckDBEngine

DEATH_DATE_TOLERANCE_DAYS = 31

_FOUND = f"""
    WITH reports AS (
        SELECT id_number, death_date AS reported, 'deaths' AS dataset, source_file,
               source_sheet, source_row
        FROM deaths
        UNION ALL
        SELECT id_number, status_date AS reported, 'residents' AS dataset, source_file,
               source_sheet, source_row
        FROM residents WHERE status = '死亡' AND status_date IS NOT NULL),
    spread AS (
        SELECT *, min(reported) OVER (PARTITION BY id_number) AS earliest FROM reports)
    SELECT dataset, CAST(source_file AS VARCHAR) AS file,
           CAST(source_sheet AS VARCHAR) AS sheet, source_row AS row,
           'warning' AS severity, 'death_date_conflict' AS reason,
           strftime(reported, '%Y-%m-%d') AS value,
           CAST(NULL AS VARCHAR) AS column_name,
           'death reported ' || (reported - earliest) || ' days after the earliest '
               || 'report (' || strftime(earliest, '%Y-%m-%d') || ')' AS detail,
           CAST(NULL AS VARCHAR) AS source_file_hash
    FROM spread WHERE reported - earliest > {DEATH_DATE_TOLERANCE_DAYS}
    -- the same order every time, whichever thread finished first
    ORDER BY dataset, file, sheet, row"""


def write_cross_checks(deaths: list[Path], residents: list[Path], out: Path) -> int:
    """Write the cross-file findings to `out` (Parquet); return how many there are."""
    engine = DuckDBEngine()
    try:
        engine.register_files("deaths", deaths, "deaths")
        engine.register_files("residents", residents, "residents")
        found = engine.query(_FOUND)
    finally:
        engine.close()
    pq.write_table(found, out)
    return int(found.num_rows)
