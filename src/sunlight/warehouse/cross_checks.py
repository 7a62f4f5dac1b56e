"""Quality checks across files: findings no single file can show, recomputed on every commit.

Death dates: a death is known from `deaths` (police, cremation, medical certificate) and from
`residents.status = 死亡`. A death dated before the birth the ID encodes, or after the day its
file was ingested (no one reports a death before it happens), is not credible: the models
leave it out (`models/base/death.sql`, the same rules) and it is reported here
(`death_before_birth`, `death_after_ingest`). Of the credible dates the earliest wins; a
report more than 31 days after it for the same person is a data-quality finding
(`death_date_conflict`, contract section 2).

Duplicate keys: a company's insured headcount for one month delivered twice with different
counts (`duplicate_headcount`: which one HEADCOUNT_OVERCLAIMED reads is the model's choice,
the conflict is reported here), and one 案件编号 given different 案件类别 within one delivered
file (`case_category_conflict`; across deliveries a case's record may change).

Roster dates: the roster's date range is its first to last date over all units (contract §6),
so one row dated 2004 for 2024 makes every post uncovered for 20 years (ingestion rejects a
date before 2000: `implausible_date`). The row is kept (the contract's range stands); a
roster date more than a year from the rest of the roster, with no date at all between, is
reported (`roster_date_apart`): the dates in runs without such a
gap are grouped, and every row outside the group holding most rows is named.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sunlight.warehouse.duckdb_engine import DuckDBEngine

DEATH_DATE_TOLERANCE_DAYS = 31
ROSTER_GAP_DAYS = 366
"""A roster with no date in more than a year between two of its dates has a slip in one."""

# The birth date an ID encodes (positions 7-14); none when that is not a real date, and then
# no death is judged against it. models/base/death.sql reads the ID the same way.
_BIRTH = "CAST(try_strptime(substr(id_number, 7, 8), '%Y%m%d') AS DATE)"

_COLUMNS = """CAST(source_file AS VARCHAR) AS file, CAST(source_sheet AS VARCHAR) AS sheet,
           source_row AS row, 'warning' AS severity"""
# Which delivered file a finding is about: an upload's own report lists its cross findings.
_HASH = "CAST(source_file_hash AS VARCHAR) AS source_file_hash"


def _conflicting(dataset: str, reason: str, column: str, key: str, detail: str) -> str:
    """Every row of `dataset` whose `key` (columns) holds other values of `column` too."""
    return f"""SELECT '{dataset}' AS dataset, {_COLUMNS}, '{reason}' AS reason,
           CAST({column} AS VARCHAR) AS value, '{column}' AS column_name,
           '{detail}: ' || array_to_string(found, ', ') AS detail, {_HASH}
    FROM (SELECT *, list_sort(list_distinct(list({column}) OVER (PARTITION BY {key})))
                    AS found
          FROM {dataset})
    WHERE len(found) > 1"""


_FOUND = f"""
    WITH roster_days AS (
        SELECT date, count(*) AS n,
               coalesce(date - lag(date) OVER (ORDER BY date) > {ROSTER_GAP_DAYS}, FALSE) AS apart
        FROM duty_roster GROUP BY date),
    roster_groups AS (
        SELECT date, n, sum(apart::INTEGER) OVER (ORDER BY date) AS part FROM roster_days),
    main_group AS (
        SELECT part, min(date) AS opens, max(date) AS closes FROM roster_groups
        GROUP BY part ORDER BY sum(n) DESC, part DESC LIMIT 1),
    reports AS (
        SELECT id_number, death_date AS reported, 'deaths' AS dataset, 'death_date' AS column_name,
               source_file, source_sheet, source_row, source_file_hash
        FROM deaths
        UNION ALL
        SELECT id_number, status_date AS reported, 'residents' AS dataset,
               'status_date' AS column_name, source_file, source_sheet, source_row,
               source_file_hash
        FROM residents WHERE status = '死亡' AND status_date IS NOT NULL),
    judged AS (
        SELECT r.*, {_BIRTH} AS born, d.ingested_on
        FROM reports AS r
        LEFT JOIN ingest_days AS d ON d.file_hash = CAST(r.source_file_hash AS VARCHAR)),
    credible AS (
        SELECT *, min(reported) OVER (PARTITION BY id_number) AS earliest
        FROM judged WHERE (born IS NULL OR reported >= born)
                      AND (ingested_on IS NULL OR reported <= ingested_on))
    SELECT dataset, {_COLUMNS}, 'death_before_birth' AS reason,
           strftime(reported, '%Y-%m-%d') AS value, column_name,
           'death dated before the birth the ID encodes (' || strftime(born, '%Y-%m-%d')
               || '): left out of the analysis' AS detail,
           {_HASH}
    FROM judged WHERE reported < born
    UNION ALL
    SELECT dataset, {_COLUMNS}, 'death_after_ingest' AS reason,
           strftime(reported, '%Y-%m-%d') AS value, column_name,
           'death dated after the day its file was ingested ('
               || strftime(ingested_on, '%Y-%m-%d') || '): left out of the analysis' AS detail,
           {_HASH}
    FROM judged WHERE reported > ingested_on
    UNION ALL
    SELECT dataset, {_COLUMNS}, 'death_date_conflict' AS reason,
           strftime(reported, '%Y-%m-%d') AS value, CAST(NULL AS VARCHAR) AS column_name,
           'death reported ' || (reported - earliest) || ' days after the earliest '
               || 'report (' || strftime(earliest, '%Y-%m-%d') || ')' AS detail,
           {_HASH}
    FROM credible WHERE reported - earliest > {DEATH_DATE_TOLERANCE_DAYS}
    UNION ALL
    {_conflicting("insured_headcount", "duplicate_headcount", "insured_count",
                  "credit_code, month",
                  "the same company and month delivered with other headcounts too")}
    UNION ALL
    {_conflicting("police_cases", "case_category_conflict", "category",
                  "source_file_hash, case_no",
                  "the same case number is of other categories in this file too")}
    UNION ALL
    SELECT 'duty_roster' AS dataset, {_COLUMNS}, 'roster_date_apart' AS reason,
           strftime(r.date, '%Y-%m-%d') AS value, 'date' AS column_name,
           'more than {ROSTER_GAP_DAYS} days from the rest of the roster ('
               || strftime(m.opens, '%Y-%m-%d') || '..' || strftime(m.closes, '%Y-%m-%d')
               || '), which the roster''s date range still reaches' AS detail,
           {_HASH}
    FROM duty_roster AS r
    JOIN roster_groups AS g ON g.date = r.date
    CROSS JOIN main_group AS m
    WHERE g.part <> m.part
    -- the same order every time, whichever thread finished first
    ORDER BY dataset, file, sheet, row, reason"""

# The datasets the checks read.
CHECKED = ("deaths", "residents", "insured_headcount", "police_cases", "duty_roster")


def write_cross_checks(files: dict[str, list[Path]], out: Path,
                       ingest_days: Mapping[str, date] | None = None) -> int:
    """Write the cross-file findings to `out` (Parquet); return how many there are.

    `files`: the Parquet files of each dataset of CHECKED; `ingest_days`: the day each file
    (by its hash) was ingested, those being committed today.
    """
    days = ingest_days or {}
    engine = DuckDBEngine()
    try:
        for dataset in CHECKED:
            engine.register_files(dataset, files.get(dataset, []), dataset)
        engine.register_table("ingest_days", pa.table({
            "file_hash": pa.array(list(days), pa.string()),
            "ingested_on": pa.array(list(days.values()), pa.date32())}))
        found = engine.query(_FOUND)
    finally:
        engine.close()
    pq.write_table(found, out)
    return int(found.num_rows)
