-- Every record of a death: the deaths dataset and registry rows marked 死亡 with a date.
WITH records AS (
    SELECT id_number, death_date, coalesce(source, '死亡登记') AS source,
           'deaths' AS source_dataset, CAST(source_file AS VARCHAR) AS source_file,
           CAST(source_sheet AS VARCHAR) AS source_sheet, source_row,
           CAST(source_file_hash AS VARCHAR) AS source_file_hash
    FROM deaths
    UNION ALL
    SELECT id_number, status_date AS death_date, '户籍注销' AS source,
           'residents' AS source_dataset, CAST(source_file AS VARCHAR) AS source_file,
           CAST(source_sheet AS VARCHAR) AS source_sheet, source_row,
           CAST(source_file_hash AS VARCHAR) AS source_file_hash
    FROM residents
    WHERE status = '死亡' AND status_date IS NOT NULL
),
-- Credible: not before the birth the ID encodes (the quality report lists those as
-- death_before_birth, warehouse/cross_checks.py), and not after the day its file was ingested:
-- no one reports a death before it happens. Judged against that day, not today, a mistyped
-- future date never becomes credible as time passes, and a run on a later day finds what an
-- earlier one did (every batch has its day: the manifest records it). An ID whose date is not a
-- real date gives no birth to hold a death against.
credible AS (
    SELECT r.*, min(r.death_date) OVER (PARTITION BY r.id_number) AS earliest
    FROM records AS r
    JOIN batches AS b ON b.file_hash = r.source_file_hash
    WHERE r.death_date <= b.ingested_on
      AND coalesce(
          r.death_date >= CAST(try_strptime(substr(r.id_number, 7, 8), '%Y%m%d') AS DATE), true)
),
-- The earliest record is the evidence; on the same day an official deregistration comes
-- before a registry mark, a certificate and a cremation record, so runs agree on which.
ranked AS (
    SELECT c.*, row_number() OVER (
        PARTITION BY c.id_number
        ORDER BY c.death_date,
                 CASE c.source WHEN '公安注销' THEN 1 WHEN '户籍注销' THEN 2
                               WHEN '医学证明' THEN 3 WHEN '火化' THEN 4 ELSE 5 END,
                 c.source_dataset, c.source_file, c.source_sheet, c.source_row) AS nth
    FROM credible AS c
),
agreement AS (
    SELECT
        id_number,
        count(DISTINCT source) FILTER (WHERE death_date <= earliest + INTERVAL 31 DAY)
            AS agreeing,
        string_agg(DISTINCT source, '、' ORDER BY source) AS sources
    FROM credible
    GROUP BY id_number
)
SELECT
    k.id_number,
    k.death_date,
    year(k.death_date) AS death_year,
    year(k.death_date) * 12 + month(k.death_date) - 1 AS death_month,
    k.source,
    a.agreeing,
    a.sources,
    k.source_dataset,
    k.source_file,
    k.source_sheet,
    k.source_row
FROM ranked AS k
JOIN agreement AS a ON a.id_number = k.id_number
WHERE k.nth = 1
