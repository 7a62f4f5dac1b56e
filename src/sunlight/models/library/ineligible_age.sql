WITH born AS (
    SELECT
        p.*,
        g.min_age,
        -- The canonical ID carries the birth date (positions 7-14).
        try_cast(substr(p.id_number, 7, 4) AS INTEGER) * 12
            + try_cast(substr(p.id_number, 11, 2) AS INTEGER) - 1 AS birth_month
    FROM paid AS p
    JOIN programs AS g ON g.code = p.program
    WHERE g.min_age IS NOT NULL
)
SELECT
    paid_row(),
    program_name AS fact_program_name,
    CAST(min_age AS VARCHAR) AS fact_min_age,
    substr(id_number, 7, 4) || '-' || substr(id_number, 11, 2) AS fact_birth_month,
    CAST(CAST(substr(id_number, 7, 4) AS INTEGER) + min_age AS VARCHAR) || '-'
        || substr(id_number, 11, 2) AS fact_eligible_month,
    0.95 AS fact_strength
FROM born
-- The last month of the period: an annual program qualifies whoever reaches the age that year.
WHERE period_last_month < birth_month + min_age * 12
