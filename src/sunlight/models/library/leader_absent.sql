-- A unit whose roster names a 带班领导 on any date, on a date it rosters anyone: no 带班领导
-- rostered, or every leader rostered was found 不在岗 by a check during their shift (relation
-- duty_absence). A unit that never rosters a leader (a community's duty room) is not judged.
WITH leading AS (
    SELECT DISTINCT unit FROM duty_roster WHERE role = '带班领导'
),
unit_days AS (
    SELECT
        r.unit,
        r.date,
        count(*) AS rostered,
        count(DISTINCT CASE WHEN r.role = '带班领导' THEN r.id_number END) AS leaders
    FROM duty_roster AS r
    WHERE r.unit IN (SELECT unit FROM leading)
    GROUP BY r.unit, r.date
),
leaders_absent AS (
    -- Per unit and roster date, the leaders found 不在岗 during their shift of that date.
    SELECT unit, roster_date AS date, count(DISTINCT id_number) AS absent
    FROM duty_absence
    WHERE role = '带班领导'
    GROUP BY unit, roster_date
),
uncovered AS (
    SELECT
        d.unit,
        d.date,
        d.rostered,
        d.leaders,
        d.leaders > 0 AS leaders_absent
    FROM unit_days AS d
    LEFT JOIN leaders_absent AS a ON a.unit = d.unit AND a.date = d.date
    WHERE d.leaders = 0 OR a.absent = d.leaders
),
-- What the explanation says of each date: nobody leading, or who was found absent and when.
absent_said AS (
    SELECT unit, date, string_agg(DISTINCT absence, '，' ORDER BY absence) AS absences
    FROM (
        SELECT
            a.unit,
            a.roster_date AS date,
            a.name || '（' || coalesce('警号' || a.police_number || '，', '') || a.shift || '）'
                || strftime(a.checked_at, '%-m月%-d日%H:%M') || coalesce(a.method, '')
                || '核查不在岗' AS absence
        FROM duty_absence AS a
        WHERE a.role = '带班领导'
    )
    GROUP BY unit, date
),
said AS (
    SELECT
        u.*,
        strftime(u.date, '%Y年%-m月%-d日')
            || CASE WHEN u.leaders_absent
                    THEN '带班领导' || s.absences
                    ELSE '排班' || CAST(u.rostered AS VARCHAR) || '人，无带班领导' END
            AS occasion,
        row_number() OVER (PARTITION BY u.unit ORDER BY u.date) AS n
    FROM uncovered AS u
    LEFT JOIN absent_said AS s ON s.unit = u.unit AND s.date = u.date AND u.leaders_absent
),
unit_said AS (
    SELECT
        s.unit,
        count(*) AS dates,
        count(*) FILTER (WHERE NOT s.leaders_absent) AS dates_unled,
        count(*) FILTER (WHERE s.leaders_absent) AS dates_absent,
        string_agg(s.occasion, '；' ORDER BY s.n) FILTER (WHERE s.n <= :shown)
            || CASE WHEN count(*) > :shown THEN '；等' || CAST(count(*) AS VARCHAR) || '天'
                    ELSE '' END AS occasions
    FROM said AS s
    GROUP BY s.unit
),
absent_rows AS (
    -- Every leader absent: the checks that found them so, and their roster rows.
    SELECT u.unit, u.date, a.check_file, a.check_sheet, a.check_row, a.roster_file,
           a.roster_sheet, a.roster_row
    FROM uncovered AS u
    JOIN duty_absence AS a ON a.unit = u.unit AND a.roster_date = u.date AND a.role = '带班领导'
    WHERE u.leaders_absent
),
evidence AS (
    -- A date without a leader: the unit's roster rows of that date, each an occurrence.
    SELECT
        u.unit, u.date, 'duty_roster' AS dataset, CAST(r.source_file AS VARCHAR) AS file,
        CAST(r.source_sheet AS VARCHAR) AS sheet, r.source_row AS row, 'paid' AS role
    FROM uncovered AS u
    JOIN duty_roster AS r ON r.unit = u.unit AND r.date = u.date
    WHERE NOT u.leaders_absent
    UNION
    -- Every leader absent: the checks are the occurrences, the roster rows say why.
    SELECT unit, date, 'duty_checks', check_file, check_sheet, check_row, 'paid'
    FROM absent_rows
    UNION
    SELECT unit, date, 'duty_roster', roster_file, roster_sheet, roster_row, 'basis'
    FROM absent_rows
)
SELECT
    e.unit AS subject,
    '' AS program,
    CAST(e.date AS VARCHAR) AS period,
    0 AS amount,
    e.dataset AS source_dataset,
    e.file AS source_file,
    e.sheet AS source_sheet,
    e.row AS source_row,
    e.role,
    e.unit,
    e.unit AS fact_unit,
    CAST(s.dates AS VARCHAR) AS fact_dates,
    CAST(s.dates_unled AS VARCHAR) AS fact_dates_unled,
    CAST(s.dates_absent AS VARCHAR) AS fact_dates_absent,
    s.occasions AS fact_occasions
FROM evidence AS e
JOIN unit_said AS s ON s.unit = e.unit
