WITH pairs AS (
    SELECT program AS a, excluded AS b FROM program_excludes WHERE program < excluded
    UNION
    SELECT excluded AS a, program AS b FROM program_excludes WHERE excluded < program
),
-- Only a person paid by both programs of a pair can have overlapping payments: narrowed to
-- those first, the overlap is looked for in a few thousand payments instead of every one.
both_paid AS (
    SELECT p.id_number, pr.a, pr.b
    FROM paid AS p
    JOIN pairs AS pr ON p.program = pr.a OR p.program = pr.b
    GROUP BY p.id_number, pr.a, pr.b
    HAVING count(DISTINCT p.program) = 2
),
overlapping AS (
    SELECT x.*, pr.a, pr.b
    FROM paid AS x
    JOIN pairs AS pr ON x.program = pr.a OR x.program = pr.b
    JOIN both_paid AS bp ON bp.id_number = x.id_number AND bp.a = pr.a AND bp.b = pr.b
    WHERE EXISTS (
        SELECT 1 FROM paid AS y
        WHERE y.id_number = x.id_number
          AND y.program = CASE WHEN x.program = pr.a THEN pr.b ELSE pr.a END
          AND y.period_start <= x.period_end
          AND x.period_start <= y.period_end)
),
-- The side with less money over the overlap is what was paid twice.
counted AS (
    SELECT id_number, a, b, program
    FROM (
        SELECT id_number, a, b, program, row_number() OVER (
            PARTITION BY id_number, a, b ORDER BY sum(amount), program) AS rank
        FROM overlapping
        GROUP BY id_number, a, b, program) AS sides
    WHERE rank = 1
)
SELECT
    o.id_number AS subject,
    o.id_number,
    o.name,
    o.a AS program,
    o.township,
    o.village,
    o.period,
    CASE WHEN o.program = c.program THEN o.amount ELSE 0 END AS amount,
    CASE WHEN o.program = c.program THEN 'paid' ELSE 'basis' END AS role,
    lineage(o),
    ga.name AS fact_program_a_name,
    gb.name AS fact_program_b_name,
    gc.name AS fact_counted_name,
    0.9 AS fact_strength
FROM overlapping AS o
JOIN counted AS c ON c.id_number = o.id_number AND c.a = o.a AND c.b = o.b
JOIN programs AS ga ON ga.code = o.a
JOIN programs AS gb ON gb.code = o.b
JOIN programs AS gc ON gc.code = c.program
