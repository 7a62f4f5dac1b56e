-- The birth date the canonical ID encodes (positions 7-14). An ID whose date is not a real
-- date (19900230) has none: that is a data-quality matter, not a payment before birth.
WITH born AS (
    SELECT
        p.*,
        CAST(try_strptime(substr(p.id_number, 7, 8), '%Y%m%d') AS DATE) AS birth_date
    FROM paid AS p
)
SELECT
    paid_row(),
    program_name AS fact_program_name,
    -- The month, not the day: the rule needs no more, and pages show the fact beside the
    -- masked ID, which hides exactly the birth date.
    strftime(birth_date, '%Y-%m') AS fact_birth_month,
    -- The ID is the payee's own: paying a period before it was born has no innocent reading
    -- short of a wrong ID on the roster, which the verifier checks first.
    0.95 AS fact_strength
FROM born
-- The last month of the period before the birth month; for an annual program that is the
-- same as a year before the birth year, so the birth year itself is due.
WHERE birth_date IS NOT NULL
  AND period_last_month < year(birth_date) * 12 + month(birth_date) - 1
