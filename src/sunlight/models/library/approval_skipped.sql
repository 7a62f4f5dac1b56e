WITH approvals_begin AS (
    SELECT year(min(date)) * 12 + month(min(date)) - 1 AS first_month FROM approvals
),
-- Judged enrollments: the first of each person and program, if it is not older than the data
-- and the program's approvals were delivered at all (a department that sent no approvals has
-- not shown a chain missing: it has shown nothing).
new_enrollments AS (
    SELECT e.id_number, e.program, e.start_month, e.source_file, e.source_sheet, e.source_row
    FROM first_enrollment AS e
    CROSS JOIN approvals_begin AS b
    WHERE e.start_index >= b.first_month
      AND EXISTS (SELECT 1 FROM approvals AS a WHERE a.program_code = e.program)
),
chains AS (
    SELECT
        id_number,
        program_code AS program,
        count(DISTINCT step) FILTER (WHERE list_contains(:required_steps, step)) AS required_held,
        string_agg(DISTINCT step, '、' ORDER BY step)
            FILTER (WHERE list_contains(:required_steps, step)) AS steps_held,
        min(date) FILTER (WHERE step = :approval_step) AS approved_on
    FROM approvals
    WHERE program_code IS NOT NULL
    GROUP BY id_number, program_code
),
judged AS (
    SELECT
        p.*,
        e.start_month,
        e.source_file AS enrolled_file, e.source_sheet AS enrolled_sheet,
        e.source_row AS enrolled_row,
        c.approved_on,
        coalesce(c.steps_held, '') AS steps_held,
        coalesce(c.required_held, 0) < len(:required_steps) AS lacks_step,
        p.period_month < year(c.approved_on) * 12 + month(c.approved_on) - 1 AS before_approval
    FROM paid AS p
    JOIN new_enrollments AS e ON e.id_number = p.id_number AND e.program = p.program
    LEFT JOIN chains AS c ON c.id_number = p.id_number AND c.program = p.program
),
hits AS (
    SELECT
        paid_row(),
        'paid' AS role,
        'enrollments' AS basis_dataset,
        enrolled_file AS basis_file,
        enrolled_sheet AS basis_sheet,
        enrolled_row AS basis_row,
        program_name AS fact_program_name,
        strftime(start_month, '%Y-%m') AS fact_start,
        CASE WHEN lacks_step
             THEN '审批流程缺少必经环节（应有' || array_to_string(:required_steps, '、')
                  || '，已有：' || CASE WHEN steps_held = '' THEN '无' ELSE steps_held END || '）'
             ELSE :approval_step || '到' || CAST(year(approved_on) AS VARCHAR) || '年'
                  || CAST(month(approved_on) AS VARCHAR) || '月' || CAST(day(approved_on) AS VARCHAR)
                  || '日才完成' END
            AS fact_problem_zh,
        CASE WHEN lacks_step THEN 0.7 ELSE 0.6 END AS fact_strength
    FROM judged
    WHERE lacks_step OR before_approval
)
SELECT * FROM hits
UNION ALL
-- The chain as delivered: the steps there are, with their dates (a missing one shows by its
-- absence).
SELECT DISTINCT
    h.subject, h.id_number, h.name, h.program, h.township, h.village,
    '' AS period, 0 AS amount,
    'approvals' AS source_dataset,
    CAST(a.source_file AS VARCHAR) AS source_file,
    CAST(a.source_sheet AS VARCHAR) AS source_sheet,
    a.source_row,
    'basis' AS role,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM hits AS h
JOIN approvals AS a ON a.id_number = h.id_number AND a.program_code = h.program
