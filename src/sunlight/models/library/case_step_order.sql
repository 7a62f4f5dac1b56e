-- Steps compared by their dates, times of day ignored: steps on the same day are in order.
-- The case as it stood at the as-of date: a later step not yet taken, a case received later
-- not yet there.
WITH dated AS (
    SELECT
        c.*,
        CAST(c.received_at AS DATE) AS received,
        CASE WHEN CAST(c.filed_at AS DATE) <= r.as_of THEN CAST(c.filed_at AS DATE) END
            AS filed,
        CASE WHEN CAST(c.measures_at AS DATE) <= r.as_of THEN CAST(c.measures_at AS DATE) END
            AS measures,
        CASE WHEN CAST(c.closed_at AS DATE) <= r.as_of THEN CAST(c.closed_at AS DATE) END
            AS closed
    FROM police_case AS c
    CROSS JOIN run_context AS r
    WHERE CAST(c.received_at AS DATE) <= r.as_of
),
-- Each inversion as a sentence, NULL where the steps are in order.
judged AS (
    SELECT
        d.*,
        CASE WHEN d.category = '刑事' AND d.measures IS NOT NULL AND d.filed IS NULL
             THEN '于' || strftime(d.measures, '%Y年%-m月%-d日') || '采取强制措施，但未立案'
             WHEN d.category = '刑事' AND d.measures < d.filed
             THEN '强制措施（' || strftime(d.measures, '%Y年%-m月%-d日') || '）早于立案（'
                  || strftime(d.filed, '%Y年%-m月%-d日') || '）'
        END AS measures_first,
        CASE WHEN d.filed < d.received
             THEN '立案（' || strftime(d.filed, '%Y年%-m月%-d日') || '）早于受理'
        END AS filed_first,
        CASE WHEN d.closed < d.received
             THEN '办结（' || strftime(d.closed, '%Y年%-m月%-d日') || '）早于受理'
        END AS closed_first
    FROM dated AS d
)
SELECT
    j.case_no AS subject,
    '' AS program,
    strftime(j.received, '%Y-%m-%d') AS period,
    0 AS amount,
    'police_cases' AS source_dataset, j.source_file, j.source_sheet, j.source_row,
    j.unit,
    '案件' || j.case_no || '（' || j.category || '，' || j.unit || '）' AS subject_name,
    j.handler_id_number AS involved_id,
    j.handler_name AS involved_name,
    'handler' AS involved_role,
    j.case_no AS fact_case_no,
    j.category AS fact_category,
    j.unit AS fact_unit,
    coalesce(j.handler_name, '未填写') AS fact_handler,
    j.received AS fact_received,
    CAST((j.measures_first IS NOT NULL)::INTEGER + (j.filed_first IS NOT NULL)::INTEGER
         + (j.closed_first IS NOT NULL)::INTEGER AS VARCHAR) AS fact_disorder_count,
    concat_ws('；', j.measures_first, j.filed_first, j.closed_first) AS fact_disorder,
    r.as_of AS fact_as_of,
    0.9 AS fact_strength
FROM judged AS j
CROSS JOIN run_context AS r
WHERE j.measures_first IS NOT NULL OR j.filed_first IS NOT NULL OR j.closed_first IS NOT NULL
