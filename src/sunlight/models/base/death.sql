-- Every record of a death: the deaths dataset and registry rows marked 死亡 with a date.
WITH records AS (
    SELECT id_number, death_date, coalesce(source, '死亡信息') AS source,
           'deaths' AS source_dataset, CAST(source_file AS VARCHAR) AS source_file,
           CAST(source_sheet AS VARCHAR) AS source_sheet, source_row
    FROM deaths
    UNION ALL
    SELECT id_number, status_date AS death_date, '户籍注销' AS source,
           'residents' AS source_dataset, CAST(source_file AS VARCHAR) AS source_file,
           CAST(source_sheet AS VARCHAR) AS source_sheet, source_row
    FROM residents
    WHERE status = '死亡' AND status_date IS NOT NULL
),
-- Credible: not before the birth the ID encodes, and not in the future.
credible AS (
    SELECT r.*, min(r.death_date) OVER (PARTITION BY r.id_number) AS earliest
    FROM records AS r
    WHERE r.death_date <= current_date
      AND r.death_date >= make_date(
          coalesce(try_cast(substr(r.id_number, 7, 4) AS INTEGER), 1),
          coalesce(try_cast(substr(r.id_number, 11, 2) AS INTEGER), 1), 1)
)
SELECT
    id_number,
    min(death_date) AS death_date,
    year(min(death_date)) AS death_year,
    year(min(death_date)) * 12 + month(min(death_date)) - 1 AS death_month,
    arg_min(source, death_date) AS source,
    count(DISTINCT source) FILTER (WHERE death_date <= earliest + INTERVAL 31 DAY) AS agreeing,
    string_agg(DISTINCT source, '、' ORDER BY source) AS sources,
    arg_min(source_dataset, death_date) AS source_dataset,
    arg_min(source_file, death_date) AS source_file,
    arg_min(source_sheet, death_date) AS source_sheet,
    arg_min(source_row, death_date) AS source_row
FROM credible
GROUP BY id_number
