-- A shift a post's coverage requires (table coverage_shifts: 白班; for 24小时 also 夜班) with
-- nobody rostered at that post, on a date within the post's active period (both ends
-- inclusive) and the roster's date range (its first to last date over all units). A roster
-- row staffs a post only when it names it; a 全天 row staffs both shifts (table shift_covers).
-- Dates are never listed one by one: a roster dated 1900 by mistake would make a row of every
-- date since for every post. Between the dates something is staffed, each post's dates fall
-- into stretches staffed alike, found from the roster's rows alone.
WITH roster_range AS (
    SELECT min(date) AS opens, max(date) AS closes FROM duty_roster
),
judged AS (
    -- Each post's dates judged: its active period within the roster's range.
    SELECT
        p.*,
        greatest(coalesce(p.active_from, g.opens), g.opens) AS opens,
        least(coalesce(p.active_to, g.closes), g.closes) AS closes
    FROM post AS p
    CROSS JOIN roster_range AS g
),
staffed AS (
    -- A row without a post (a unit's duty room, a leader on call) joins no post below.
    SELECT DISTINCT r.unit, r.post, r.date, k.covers AS shift
    FROM duty_roster AS r
    JOIN shift_covers AS k ON k.shift = r.shift
),
turns AS (
    -- Where what is staffed may change: the first date judged, each date something is
    -- staffed, and the date after it.
    SELECT unit, post, opens AS date FROM judged WHERE opens <= closes
    UNION
    SELECT s.unit, s.post, s.date + d.after
    FROM staffed AS s
    JOIN judged AS j ON j.unit = s.unit AND j.post = s.post
    CROSS JOIN (VALUES (0), (1)) AS d(after)
    WHERE s.date + d.after BETWEEN j.opens AND j.closes
),
stretches AS (
    -- From each turn to the day before the next: every date of it staffed alike.
    SELECT
        t.unit,
        t.post,
        t.date AS first_date,
        coalesce(lead(t.date) OVER (PARTITION BY t.unit, t.post ORDER BY t.date) - 1, j.closes)
            AS last_date
    FROM turns AS t
    JOIN judged AS j ON j.unit = t.unit AND j.post = t.post
),
gaps AS (
    SELECT
        s.unit, s.post, s.first_date, s.last_date,
        count(*) AS shifts,
        string_agg(c.shift, '、' ORDER BY t.starts) AS missing
    FROM stretches AS s
    JOIN judged AS j ON j.unit = s.unit AND j.post = s.post
    JOIN coverage_shifts AS c ON c.coverage = j.coverage
    JOIN duty_shifts AS t ON t.shift = c.shift
    ANTI JOIN staffed AS f
      ON f.unit = s.unit AND f.post = s.post AND f.date = s.first_date AND f.shift = c.shift
    GROUP BY s.unit, s.post, s.first_date, s.last_date
),
first_dates AS (
    -- The dates the explanation names: at most `shown` of each of the first stretches.
    SELECT
        unit, post, missing,
        CAST(unnest(generate_series(
            first_date, least(last_date, first_date + (:shown - 1)), INTERVAL 1 DAY)) AS DATE)
            AS date
    FROM (SELECT *, row_number() OVER (PARTITION BY unit, post ORDER BY first_date) AS n
          FROM gaps)
    WHERE n <= :shown
),
occasions AS (
    SELECT
        unit, post,
        strftime(date, '%Y年%-m月%-d日') || missing AS occasion,
        row_number() OVER (PARTITION BY unit, post ORDER BY date) AS n
    FROM first_dates
),
post_said AS (
    SELECT
        g.unit,
        g.post,
        sum(date_diff('day', g.first_date, g.last_date) + 1) AS dates,
        sum((date_diff('day', g.first_date, g.last_date) + 1) * g.shifts) AS shifts
    FROM gaps AS g
    GROUP BY g.unit, g.post
),
occasions_said AS (
    SELECT unit, post, string_agg(occasion, '；' ORDER BY n) AS occasions
    FROM occasions
    WHERE n <= :shown
    GROUP BY unit, post
)
-- The post's own row: there is no row for an absence. One query row per stretch uncovered.
SELECT
    g.unit || '/' || g.post AS subject,
    '' AS program,
    CAST(g.first_date AS VARCHAR) AS period,
    CAST(g.last_date AS VARCHAR) AS period_end,
    0 AS amount,
    'posts' AS source_dataset,
    j.source_file,
    j.source_sheet,
    j.source_row,
    'paid' AS role,
    g.unit,
    g.unit AS fact_unit,
    g.post AS fact_post,
    j.coverage AS fact_coverage,
    CAST(s.dates AS VARCHAR) AS fact_dates,
    CAST(s.shifts AS VARCHAR) AS fact_shifts,
    o.occasions || CASE WHEN s.dates > :shown THEN '；等' || CAST(s.dates AS VARCHAR) || '天'
                        ELSE '' END AS fact_occasions
FROM gaps AS g
JOIN judged AS j ON j.unit = g.unit AND j.post = g.post
JOIN post_said AS s ON s.unit = g.unit AND s.post = g.post
LEFT JOIN occasions_said AS o ON o.unit = g.unit AND o.post = g.post
