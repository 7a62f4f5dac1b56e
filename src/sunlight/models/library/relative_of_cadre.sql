WITH cadres AS (
    SELECT
        o.id_number AS cadre_id,
        o.name AS cadre_name,
        coalesce(o.post, '村干部') AS post,
        o.start_date,
        o.end_date,
        coalesce(o.village, r.village) AS village,
        -- as in `paid`: someone the registry does not know is a household of one
        coalesce(r.household_id, '?' || o.id_number) AS household,
        CAST(o.source_file AS VARCHAR) AS source_file,
        CAST(o.source_sheet AS VARCHAR) AS source_sheet,
        o.source_row
    FROM officials AS o
    LEFT JOIN person AS r ON r.id_number = o.id_number
    WHERE o.category = :cadre_category
),
favoured AS (
    SELECT
        p.*,
        c.cadre_id, c.cadre_name, c.post, c.start_date,
        c.source_file AS cadre_file, c.source_sheet AS cadre_sheet, c.source_row AS cadre_row,
        coalesce(r.village, p.village) AS home_village,
        row_number() OVER (
            PARTITION BY p.source_file, p.source_sheet, p.source_row
            ORDER BY CASE WHEN c.cadre_id = p.id_number THEN 0 ELSE 1 END,
                     c.source_file, c.source_row) AS nth
    FROM paid AS p
    LEFT JOIN person AS r ON r.id_number = p.id_number
    JOIN cadres AS c ON c.household = p.household AND c.village = coalesce(r.village, p.village)
    WHERE list_contains(:programs, p.program)
      AND (c.start_date IS NULL OR c.start_date <= p.period_end)
      AND (c.end_date IS NULL OR c.end_date >= p.period_start)
),
hits AS (
    SELECT
        paid_row(),
        'paid' AS role,
        'officials' AS basis_dataset,
        cadre_file AS basis_file,
        cadre_sheet AS basis_sheet,
        cadre_row AS basis_row,
        program_name AS fact_program_name,
        CASE WHEN cadre_id = id_number THEN '本人'
             ELSE '的同户成员' || coalesce(cadre_name, '') END AS fact_relation_zh,
        cadre_name AS fact_cadre_name,
        home_village AS fact_village,
        post AS fact_post,
        strftime(start_date, '%Y-%m-%d') AS fact_start,
        CASE WHEN cadre_id = id_number THEN 1.0 ELSE 0.85 END AS fact_strength,
        cadre_id,
        cadre_id AS involved_id,
        cadre_name AS involved_name,
        'cadre' AS involved_role
    FROM favoured
    WHERE nth = 1
)
SELECT * FROM hits
UNION ALL
-- The registry rows of the payee and the cadre: the same 户号 is the link.
SELECT DISTINCT
    h.subject, h.id_number, h.name, h.program, h.township, h.village,
    '' AS period, 0 AS amount,
    'residents' AS source_dataset, r.source_file, r.source_sheet, r.source_row,
    'basis' AS role,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL
FROM (
    SELECT subject, id_number, name, program, township, village, id_number AS member
    FROM hits
    UNION
    SELECT subject, id_number, name, program, township, village, cadre_id AS member
    FROM hits) AS h
JOIN person AS r ON r.id_number = h.member
