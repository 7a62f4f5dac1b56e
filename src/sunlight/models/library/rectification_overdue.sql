-- Rectified after the deadline, or not rectified and the deadline before the as-of date.
-- The finding as it stood at the as-of date: found later, not yet found; rectified later,
-- not yet rectified.
WITH seen AS (
    SELECT
        -- Each column named (not `f.* REPLACE`, which Spark SQL lacks).
        f.finding_no, f.unit, f.found_on, f.category, f.description, f.rectify_by,
        CASE WHEN f.rectified_on <= r.as_of THEN f.rectified_on END AS rectified_on,
        f.inspector, f.source_file, f.source_sheet, f.source_row,
        r.as_of
    FROM inspection_finding AS f
    CROSS JOIN run_context AS r
    WHERE f.found_on <= r.as_of
),
late AS (
    SELECT
        s.*,
        date_diff('day', s.rectify_by, coalesce(s.rectified_on, s.as_of)) AS days_late
    FROM seen AS s
    WHERE s.rectified_on > s.rectify_by
       OR (s.rectified_on IS NULL AND s.rectify_by < s.as_of)
)
SELECT
    finding_no AS subject,
    '' AS program,
    strftime(found_on, '%Y-%m-%d') AS period,
    0 AS amount,
    'inspection_findings' AS source_dataset, source_file, source_sheet, source_row,
    unit,
    '督察问题' || finding_no || '（' || unit || '，' || category || '）' AS subject_name,
    finding_no AS fact_finding_no,
    unit AS fact_unit,
    category AS fact_category,
    coalesce(description, '未填写问题描述') AS fact_description,
    coalesce(inspector, '未填写') AS fact_inspector,
    found_on AS fact_found,
    rectify_by AS fact_rectify_by,
    rectified_on AS fact_rectified_on,
    CAST(days_late AS VARCHAR) AS fact_days_late,
    CASE WHEN rectified_on IS NULL
         THEN '截至' || strftime(as_of, '%Y年%-m月%-d日') || '仍未整改完成，已超期'
              || CAST(days_late AS VARCHAR) || '天'
         ELSE '实际于' || strftime(rectified_on, '%Y年%-m月%-d日') || '整改完成，超期'
              || CAST(days_late AS VARCHAR) || '天'
    END AS fact_lateness,
    as_of AS fact_as_of,
    -- A rectification not yet reported may only be missing from the ledger: a little less sure.
    CASE WHEN rectified_on IS NULL THEN 0.75 ELSE 0.9 END AS fact_strength
FROM late
