-- A shift a post's coverage requires (table coverage_shifts: 白班; for 24小时 also 夜班) with
-- nobody rostered at that post, on a date within the post's active period (both ends
-- inclusive) and the roster's date range (its first to last date over all units). A roster
-- row staffs a post only when it names it; a 全天 row staffs both shifts (table shift_covers).
WITH roster_dates AS (
    SELECT CAST(unnest(generate_series(min(date), max(date), INTERVAL 1 DAY)) AS DATE) AS date
    FROM duty_roster
),
required AS (
    SELECT p.unit, p.post, p.coverage, p.source_file, p.source_sheet, p.source_row, d.date,
           c.shift
    FROM post AS p
    JOIN coverage_shifts AS c ON c.coverage = p.coverage
    JOIN roster_dates AS d
      ON d.date >= coalesce(p.active_from, d.date) AND d.date <= coalesce(p.active_to, d.date)
),
staffed AS (
    -- A row without a post (a unit's duty room, a leader on call) joins no post below.
    SELECT DISTINCT r.unit, r.post, r.date, k.covers AS shift
    FROM duty_roster AS r
    JOIN shift_covers AS k ON k.shift = r.shift
),
gaps AS (
    SELECT q.*, t.starts
    FROM required AS q
    JOIN duty_shifts AS t ON t.shift = q.shift
    ANTI JOIN staffed AS s
      ON s.unit = q.unit AND s.post = q.post AND s.date = q.date AND s.shift = q.shift
),
-- Each date once, with the shifts that had nobody.
gap_dates AS (
    SELECT
        unit, post, coverage, source_file, source_sheet, source_row, date,
        count(*) AS shifts,
        strftime(date, '%Y年%-m月%-d日') || string_agg(shift, '、' ORDER BY starts)
            AS occasion,
        row_number() OVER (PARTITION BY unit, post ORDER BY date) AS n
    FROM gaps
    GROUP BY unit, post, coverage, source_file, source_sheet, source_row, date
),
post_said AS (
    SELECT
        unit,
        post,
        count(*) AS dates,
        sum(shifts) AS shifts,
        string_agg(occasion, '；' ORDER BY n) FILTER (WHERE n <= :shown)
            || CASE WHEN count(*) > :shown THEN '；等' || CAST(count(*) AS VARCHAR) || '天'
                    ELSE '' END AS occasions
    FROM gap_dates
    GROUP BY unit, post
)
-- The post's own row: there is no row for an absence. One query row per date uncovered.
SELECT
    g.unit || '/' || g.post AS subject,
    '' AS program,
    CAST(g.date AS VARCHAR) AS period,
    0 AS amount,
    'posts' AS source_dataset,
    g.source_file,
    g.source_sheet,
    g.source_row,
    'paid' AS role,
    g.unit,
    g.unit AS fact_unit,
    g.post AS fact_post,
    g.coverage AS fact_coverage,
    CAST(s.dates AS VARCHAR) AS fact_dates,
    CAST(s.shifts AS VARCHAR) AS fact_shifts,
    s.occasions AS fact_occasions
FROM gap_dates AS g
JOIN post_said AS s ON s.unit = g.unit AND s.post = g.post
