-- Persons' and companies' payments alike: the subject is the payee's ID or the company's
-- unified social credit code (a company warning names its legal representative as id_number).
WITH paid_any AS (
    SELECT id_number AS subject, 'person' AS subject_kind, 'payee' AS subject_role,
           id_number, name, program, program_name, township, village, period, amount, paid_on,
           source_dataset, source_file, source_sheet, source_row
    FROM paid
    UNION ALL
    SELECT credit_code, 'company', 'legal_rep',
           rep_id_number, company, program, program_name, township, village, period, amount,
           paid_on, source_dataset, source_file, source_sheet, source_row
    FROM company_paid
),
-- Only a period paid more than once can hold a duplicate: narrow to those first (a handful
-- of rows out of millions), from the three columns alone: read from `paid_any`, which is then
-- read twice, the engine would first copy every column of every payment.
repeated AS (
    SELECT subject, program, period
    FROM (
        SELECT id_number AS subject, program, period FROM paid
        UNION ALL
        SELECT credit_code, program, period FROM company_paid
    ) AS keys
    GROUP BY subject, program, period
    HAVING count(*) > 1
),
-- A reversal (冲正: the same amount, negative, for the same person, program and period)
-- cancels one payment of that amount; only payments left standing can be duplicates.
signed AS (
    SELECT
        p.*,
        row_number() OVER (
            PARTITION BY p.subject, p.program, p.period, abs(p.amount), p.amount > 0
            ORDER BY p.paid_on NULLS LAST, p.source_file, p.source_row) AS pairing
    FROM paid_any AS p
    JOIN repeated AS r
      ON r.subject = p.subject AND r.program = p.program AND r.period = p.period
),
standing AS (
    SELECT s.*
    FROM signed AS s
    WHERE s.amount > 0
      AND NOT EXISTS (
          SELECT 1 FROM signed AS r
          WHERE r.amount < 0 AND r.subject = s.subject AND r.program = s.program
            AND r.period = s.period AND -r.amount = s.amount AND r.pairing = s.pairing)
),
numbered AS (
    SELECT
        s.*,
        row_number() OVER (
            PARTITION BY s.subject, s.program, s.period
            ORDER BY s.paid_on NULLS LAST, s.source_file, s.source_row) AS nth
    FROM standing AS s
)
SELECT
    again.subject,
    again.subject_kind,
    again.subject_role,
    again.id_number, again.name, again.program, again.township, again.village, again.period,
    again.amount,
    lineage(again),
    basis_row(first),
    again.program_name AS fact_program_name,
    first.source_file AS fact_first_file,
    CAST(first.source_row AS VARCHAR) AS fact_first_row,
    0.9 AS fact_strength
FROM numbered AS again
JOIN numbered AS first
  ON first.subject = again.subject
 AND first.program = again.program
 AND first.period = again.period
 AND first.nth = 1
WHERE again.nth > 1
