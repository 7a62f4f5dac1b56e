-- A legal representative and an official are of one household when the registry gives them
-- one 户号 (someone it lacks is a household of one), so the representative being the official
-- is the same join.
WITH represented AS (
    SELECT p.*, coalesce(r.household_id, '?' || p.rep_id_number) AS rep_household
    FROM company_paid AS p
    LEFT JOIN person AS r ON r.id_number = p.rep_id_number
    WHERE p.rep_id_number IS NOT NULL
),
serving AS (
    SELECT
        o.id_number AS official_id,
        coalesce(r.name, o.name) AS official_name,
        coalesce(r.household_id, '?' || o.id_number) AS household,
        o.category, o.employer, o.post, o.start_date, o.end_date,
        CAST(o.source_file AS VARCHAR) AS source_file,
        CAST(o.source_sheet AS VARCHAR) AS source_sheet,
        o.source_row
    FROM officials AS o
    LEFT JOIN person AS r ON r.id_number = o.id_number
    WHERE list_contains(:categories, o.category)
),
linked AS (
    SELECT
        p.*,
        s.official_id, s.official_name, s.category, s.employer, s.post, s.start_date,
        s.source_file AS office_file, s.source_sheet AS office_sheet, s.source_row AS office_row,
        row_number() OVER (
            PARTITION BY p.source_file, p.source_sheet, p.source_row
            ORDER BY CASE WHEN s.official_id = p.rep_id_number THEN 0 ELSE 1 END,
                     s.start_date NULLS LAST, s.source_file, s.source_row) AS nth
    FROM represented AS p
    JOIN serving AS s ON s.household = p.rep_household
     AND (s.start_date IS NULL OR s.start_date <= p.period_end)
     AND (s.end_date IS NULL OR s.end_date >= p.period_start)
),
chosen AS (
    SELECT * FROM linked WHERE nth = 1
)
SELECT
    company_row(c),
    'paid' AS role,
    'officials' AS basis_dataset,
    c.office_file AS basis_file,
    c.office_sheet AS basis_sheet,
    c.office_row AS basis_row,
    c.program_name AS fact_program_name,
    c.credit_code AS fact_credit_code,
    coalesce(c.rep_name, '') AS fact_rep_name,
    CASE WHEN c.official_id = c.rep_id_number THEN '法定代表人本人即为'
         ELSE '法定代表人的同户成员' || coalesce(c.official_name, '') || '为' END
        || coalesce(c.employer, '') || coalesce(c.post, '') || '（' || c.category || '）'
        AS fact_tie,
    c.category AS fact_category,
    strftime(c.start_date, '%Y-%m-%d') AS fact_start,
    CASE WHEN c.official_id = c.rep_id_number THEN 0.95 ELSE 0.8 END AS fact_strength,
    c.official_id AS involved_id,
    c.official_name AS involved_name,
    'official' AS involved_role
FROM chosen AS c
UNION ALL
-- The registry row naming the representative is shown beside the official's.
SELECT DISTINCT
    c.credit_code, c.rep_id_number, c.company, c.program, c.township, c.village, c.period,
    0 AS amount,
    c.company_dataset, c.company_file, c.company_sheet, c.company_row,
    'basis' AS role,
    NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM chosen AS c
WHERE c.company_row IS NOT NULL
