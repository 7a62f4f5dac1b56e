-- Each case against each time limit of its category (the `time_limits` table, from a
-- deployment's YAML): the step's date when it was taken, else the as-of date it is judged at
-- (run_context). Calendar days between dates, times of day ignored: a step `days` after 受理
-- is in time, one day more is not; a step not taken is overdue once the limit's last day is
-- before the as-of date. The case is seen as it stood at the as-of date.
WITH judged AS (
    SELECT
        c.case_no, c.unit, c.category, c.handler_id_number, c.handler_name,
        c.source_file, c.source_sheet, c.source_row,
        l.step_label, l.days AS limit_days,
        CAST(c.received_at AS DATE) AS received,
        -- At the as-of date a step dated later has not been taken yet.
        CASE WHEN step_on <= r.as_of THEN step_on END AS taken,
        r.as_of
    FROM police_case AS c
    JOIN time_limits AS l ON l.category = c.category
    CROSS JOIN run_context AS r,
    LATERAL (SELECT CAST(CASE l.step
                             WHEN 'filed_at' THEN c.filed_at
                             WHEN 'measures_at' THEN c.measures_at
                             WHEN 'closed_at' THEN c.closed_at
                         END AS DATE) AS step_on)
    -- ...and a case received later does not exist yet.
    WHERE CAST(c.received_at AS DATE) <= r.as_of
),
late AS (
    SELECT
        j.*,
        date_diff('day', j.received, coalesce(j.taken, j.as_of)) AS days_taken
    FROM judged AS j
    WHERE date_diff('day', j.received, coalesce(j.taken, j.as_of)) > j.limit_days
),
-- What each late step says, in the order of the steps' labels; one row per case.
said AS (
    SELECT
        case_no, unit, category, handler_id_number, handler_name,
        source_file, source_sheet, source_row, received, as_of,
        count(*) AS overdue_count,
        bool_or(taken IS NULL) AS still_open,
        string_agg(
            step_label || '应在受理后' || CAST(limit_days AS VARCHAR) || '天内完成（最迟'
            || strftime(received + limit_days, '%Y年%-m月%-d日') || '），'
            || CASE WHEN taken IS NULL
                    THEN '截至' || strftime(as_of, '%Y年%-m月%-d日') || '仍未' || step_label
                         || '，已过' || CAST(days_taken AS VARCHAR) || '天'
                    ELSE '实际于' || strftime(taken, '%Y年%-m月%-d日') || step_label
                         || '，用时' || CAST(days_taken AS VARCHAR) || '天' END
            || '，超期' || CAST(days_taken - limit_days AS VARCHAR) || '天',
            '；' ORDER BY step_label) AS overdue
    FROM late
    GROUP BY case_no, unit, category, handler_id_number, handler_name,
             source_file, source_sheet, source_row, received, as_of
)
SELECT
    case_no AS subject,
    '' AS program,
    strftime(received, '%Y-%m-%d') AS period,
    0 AS amount,
    'police_cases' AS source_dataset, source_file, source_sheet, source_row,
    unit,
    '案件' || case_no || '（' || category || '，' || unit || '）' AS subject_name,
    handler_id_number AS involved_id,
    handler_name AS involved_name,
    'handler' AS involved_role,
    case_no AS fact_case_no,
    category AS fact_category,
    unit AS fact_unit,
    coalesce(handler_name, '未填写') AS fact_handler,
    received AS fact_received,
    CAST(overdue_count AS VARCHAR) AS fact_overdue_count,
    overdue AS fact_overdue,
    as_of AS fact_as_of,
    -- A step not yet taken may only be missing from the data: a little less sure.
    CASE WHEN still_open THEN 0.75 ELSE 0.9 END AS fact_strength
FROM said
