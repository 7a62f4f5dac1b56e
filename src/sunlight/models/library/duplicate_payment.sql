-- Only a period paid more than once can hold a duplicate: narrow to those first (a handful
-- of rows out of millions).
WITH repeated AS (
    SELECT id_number, program, period
    FROM paid
    GROUP BY id_number, program, period
    HAVING count(*) > 1
),
-- A reversal (冲正: the same amount, negative, for the same person, program and period)
-- cancels one payment of that amount; only payments left standing can be duplicates.
signed AS (
    SELECT
        p.*,
        row_number() OVER (
            PARTITION BY p.id_number, p.program, p.period, abs(p.amount), p.amount > 0
            ORDER BY p.paid_on NULLS LAST, p.source_file, p.source_row) AS pairing
    FROM paid AS p
    JOIN repeated AS r
      ON r.id_number = p.id_number AND r.program = p.program AND r.period = p.period
),
standing AS (
    SELECT s.*
    FROM signed AS s
    WHERE s.amount > 0
      AND NOT EXISTS (
          SELECT 1 FROM signed AS r
          WHERE r.amount < 0 AND r.id_number = s.id_number AND r.program = s.program
            AND r.period = s.period AND -r.amount = s.amount AND r.pairing = s.pairing)
),
numbered AS (
    SELECT
        s.*,
        row_number() OVER (
            PARTITION BY s.id_number, s.program, s.period
            ORDER BY s.paid_on NULLS LAST, s.source_file, s.source_row) AS nth
    FROM standing AS s
)
SELECT
    paid_row(again),
    basis_row(first),
    again.program_name AS fact_program_name,
    first.source_file AS fact_first_file,
    CAST(first.source_row AS VARCHAR) AS fact_first_row,
    0.9 AS fact_strength
FROM numbered AS again
JOIN numbered AS first
  ON first.id_number = again.id_number
 AND first.program = again.program
 AND first.period = again.period
 AND first.nth = 1
WHERE again.nth > 1
