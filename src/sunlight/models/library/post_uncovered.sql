-- A shift a post's coverage requires (table coverage_shifts: 白班; for 24小时 also 夜班) with
-- nobody rostered at that post, on a date within the post's active period (both ends
-- inclusive) and the roster's date range (its first to last date over all units). A roster
-- row staffs a post only when it names it; a 全天 row staffs both shifts (table shift_covers).
-- Dates are never listed one by one: a roster dated 1900 by mistake would make a row of every
-- date since for every post. A date someone is rostered at the post is judged alone; the
-- dates between two such dates (and before the first, after the last) are one stretch with
-- nobody at all: the rows returned grow with the roster's rows, not with its range.
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
    WHERE greatest(coalesce(p.active_from, g.opens), g.opens)
          <= least(coalesce(p.active_to, g.closes), g.closes)
),
required AS (
    -- The shifts each post requires, said in the order of the day.
    SELECT
        j.unit, j.post,
        count(*) AS shifts,
        string_agg(c.shift, '、' ORDER BY t.starts) AS missing
    FROM judged AS j
    JOIN coverage_shifts AS c ON c.coverage = j.coverage
    JOIN duty_shifts AS t ON t.shift = c.shift
    GROUP BY j.unit, j.post
),
staffed_dates AS (
    -- Each date someone is rostered at a post judged, with the shifts they staff. A row
    -- without a post (a unit's duty room, a leader on call) staffs no post.
    SELECT r.unit, r.post, r.date, list(DISTINCT k.covers) AS covered
    FROM duty_roster AS r
    JOIN shift_covers AS k ON k.shift = r.shift
    JOIN judged AS j
      ON j.unit = r.unit AND j.post = r.post AND r.date BETWEEN j.opens AND j.closes
    GROUP BY r.unit, r.post, r.date
),
partly AS (
    -- A date someone is at the post: the shifts it requires that nobody is rostered for.
    SELECT
        d.unit, d.post, d.date AS first_date, d.date AS last_date,
        count(*) AS shifts,
        string_agg(c.shift, '、' ORDER BY t.starts) AS missing
    FROM staffed_dates AS d
    JOIN judged AS j ON j.unit = d.unit AND j.post = d.post
    JOIN coverage_shifts AS c ON c.coverage = j.coverage
    JOIN duty_shifts AS t ON t.shift = c.shift
    WHERE NOT list_contains(d.covered, c.shift)
    GROUP BY d.unit, d.post, d.date
),
edges AS (
    -- Where a stretch with nobody at all begins (the first date judged, or the day after a
    -- date someone is at the post) and where one ends (the day before such a date), each
    -- unless someone is at the post that date.
    SELECT x.unit, x.post, x.date, TRUE AS opening
    FROM (SELECT unit, post, opens AS date FROM judged
          UNION
          SELECT unit, post, date + 1 FROM staffed_dates) AS x
    JOIN judged AS j ON j.unit = x.unit AND j.post = x.post AND x.date <= j.closes
    ANTI JOIN staffed_dates AS s ON s.unit = x.unit AND s.post = x.post AND s.date = x.date
    UNION ALL
    SELECT d.unit, d.post, d.date - 1, FALSE
    FROM staffed_dates AS d
    JOIN judged AS j ON j.unit = d.unit AND j.post = d.post AND d.date - 1 >= j.opens
    ANTI JOIN staffed_dates AS s ON s.unit = d.unit AND s.post = d.post AND s.date = d.date - 1
),
between_dates AS (
    -- Each beginning with the end that follows it (a one-day stretch: the same date), or the
    -- last date judged.
    SELECT e.unit, e.post, e.date AS first_date, coalesce(e.ends, j.closes) AS last_date
    FROM (SELECT *, lead(date) OVER (PARTITION BY unit, post ORDER BY date, NOT opening) AS ends
          FROM edges) AS e
    JOIN judged AS j ON j.unit = e.unit AND j.post = e.post
    WHERE e.opening
),
gaps AS (
    SELECT * FROM partly
    UNION ALL
    SELECT b.unit, b.post, b.first_date, b.last_date, q.shifts, q.missing
    FROM between_dates AS b
    JOIN required AS q ON q.unit = b.unit AND q.post = b.post
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
