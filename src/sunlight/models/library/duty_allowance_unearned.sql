-- Programs paid per roster day are the catalog's (per_roster_day); a day on duty is a date
-- with a roster row of the person, any role and shift (a night shift counts for the date it
-- starts, the date its row carries).
WITH allowance AS (
    SELECT p.*
    FROM paid_standard AS p
    WHERE p.per_roster_day IS NOT NULL
),
duty_days AS (
    SELECT
        d.id_number,
        year(d.date) * 12 + month(d.date) - 1 AS duty_month,
        count(DISTINCT d.date) AS days
    FROM duty_roster AS d
    WHERE d.id_number IN (SELECT id_number FROM allowance)
    GROUP BY d.id_number, year(d.date) * 12 + month(d.date) - 1
),
-- What a month's rows paid in total, against the days of that month; the excess is laid on
-- the rows in payment order, each row at risk for what it paid beyond the allowance.
judged AS (
    SELECT
        a.*,
        coalesce(d.days, 0) AS days,
        a.per_roster_day * coalesce(d.days, 0) AS allowed,
        sum(a.amount) OVER (PARTITION BY a.id_number, a.program, a.period_month) AS month_paid,
        sum(a.amount) OVER (
            PARTITION BY a.id_number, a.program, a.period_month
            ORDER BY a.paid_on NULLS LAST, a.source_file, a.source_sheet, a.source_row
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS paid_so_far
    FROM allowance AS a
    LEFT JOIN duty_days AS d ON d.id_number = a.id_number AND d.duty_month = a.period_month
),
unearned AS (
    SELECT
        j.*,
        greatest(least(j.amount, j.paid_so_far - j.allowed), 0) AS excess
    FROM judged AS j
    WHERE j.month_paid > j.allowed
)
SELECT
    id_number AS subject, id_number, name, program, township, village, period,
    excess AS amount,
    lineage(),
    'paid' AS role,
    program_name AS fact_program_name,
    period AS fact_month,
    CAST(days AS VARCHAR) AS fact_roster_days,
    CASE WHEN days = 0 THEN '当月值班表中没有其值班记录'
         ELSE '当月值班表中仅有' || CAST(days AS VARCHAR) || '天值班记录' END AS fact_roster,
    CAST(per_roster_day AS VARCHAR) AS fact_day_rate_yuan,
    CAST(CAST(allowed AS DECIMAL(18, 2)) AS VARCHAR) AS fact_allowed_yuan,
    CAST(CAST(month_paid AS DECIMAL(18, 2)) AS VARCHAR) AS fact_month_paid_yuan,
    CASE WHEN days = 0 THEN 0.9 ELSE 0.8 END AS fact_strength
FROM unearned
UNION ALL
-- The month's roster rows, which show the days counted.
SELECT
    u.id_number, u.id_number, u.name, u.program, u.township, u.village, u.period,
    0 AS amount,
    'duty_roster', CAST(d.source_file AS VARCHAR), CAST(d.source_sheet AS VARCHAR),
    d.source_row,
    'basis' AS role,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM (SELECT DISTINCT id_number, name, program, township, village, period, period_month
      FROM unearned) AS u
JOIN duty_roster AS d ON d.id_number = u.id_number
 AND year(d.date) * 12 + month(d.date) - 1 = u.period_month
