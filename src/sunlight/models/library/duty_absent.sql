-- A duty check that found someone 不在岗 during a rostered shift of theirs at the unit checked
-- (relation duty_absence: within the shift's hours, a 夜班 running to 08:00 of the next date;
-- the same post when both name one). Each check is an occurrence, dated the day it was made.
WITH checks AS (
    -- Each check once, with the roster rows it fell in (a 全天 and a 白班 row of one date).
    SELECT
        a.id_number,
        a.check_file,
        a.check_sheet,
        a.check_row,
        a.checked_at,
        a.checked_on,
        a.unit,
        a.checked_post,
        a.method,
        min(a.name) AS name,
        min(a.police_number) AS police_number,
        string_agg(DISTINCT a.shift_said, '、' ORDER BY a.shift_said) AS shifts,
        min(a.roster_post) AS roster_post
    FROM (SELECT *, strftime(roster_date, '%-m月%-d日') || shift AS shift_said
          FROM duty_absence) AS a
    GROUP BY a.id_number, a.check_file, a.check_sheet, a.check_row, a.checked_at, a.checked_on,
             a.unit, a.checked_post, a.method
),
said AS (
    SELECT
        c.*,
        strftime(c.checked_at, '%Y年%-m月%-d日%H:%M') || '（' || coalesce(c.method || '，', '')
            || c.shifts || '，' || c.unit || coalesce(c.checked_post, c.roster_post, '') || '）'
            AS occasion,
        row_number() OVER (PARTITION BY c.id_number
                           ORDER BY c.checked_at, c.check_file, c.check_sheet, c.check_row) AS n
    FROM checks AS c
),
person AS (
    -- What the explanation says of the person: who, how often, and the first occasions.
    SELECT
        s.id_number,
        min(s.name) || coalesce('（警号' || min(s.police_number) || '）', '') AS officer,
        count(*) AS absences,
        string_agg(s.occasion, '；' ORDER BY s.n) FILTER (WHERE s.n <= :shown)
            || CASE WHEN count(*) > :shown THEN '；等' || CAST(count(*) AS VARCHAR) || '次'
                    ELSE '' END AS occasions
    FROM said AS s
    GROUP BY s.id_number
)
-- The checks, each an occurrence.
SELECT
    s.id_number AS subject,
    s.id_number,
    s.name,
    '' AS program,
    CAST(s.checked_on AS VARCHAR) AS period,
    0 AS amount,
    'duty_checks' AS source_dataset,
    s.check_file AS source_file,
    s.check_sheet AS source_sheet,
    s.check_row AS source_row,
    'paid' AS role,
    s.unit,
    p.officer AS fact_officer,
    CAST(p.absences AS VARCHAR) AS fact_absences,
    p.occasions AS fact_occasions
FROM said AS s
JOIN person AS p ON p.id_number = s.id_number
UNION ALL
-- The roster rows that put the person on duty at those times, each of its own date (a 夜班
-- of 10 February is of the 10th, though its check after midnight is of the 11th).
SELECT
    a.id_number, a.id_number, a.name, '', CAST(a.roster_date AS VARCHAR), 0,
    'duty_roster', a.roster_file, a.roster_sheet, a.roster_row,
    'basis', a.unit, NULL, NULL, NULL
FROM duty_absence AS a
