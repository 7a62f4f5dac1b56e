WITH declared AS (
    SELECT
        p.*,
        g.land_type,
        c.declared_area, c.enrolled_file, c.enrolled_sheet, c.enrolled_row
    FROM paid_standard AS p
    JOIN programs AS g ON g.code = p.program
    JOIN declared_cover AS c
      ON c.source_file = p.source_file AND c.source_sheet = p.source_sheet
     AND c.source_row = p.source_row
    WHERE g.land_type IS NOT NULL
),
judged AS (
    SELECT
        d.*,
        coalesce(h.registered_area, 0) AS registered_area,
        d.declared_area - coalesce(h.registered_area, 0) AS over_area,
        h.source_file AS land_file, h.source_sheet AS land_sheet, h.source_row AS land_row
    FROM declared AS d
    LEFT JOIN holding AS h ON h.household = d.household AND h.land_type = d.land_type
),
hits AS (
    SELECT
        id_number AS subject,
        id_number,
        name,
        program,
        township,
        village,
        period,
        -- Paid beyond what the registered area would have earned at the rate in force.
        greatest(amount - round(rate_per_mu * registered_area, 2), 0) AS amount,
        'paid' AS role,
        lineage(),
        'enrollments' AS basis_dataset,
        enrolled_file AS basis_file,
        enrolled_sheet AS basis_sheet,
        enrolled_row AS basis_row,
        program_name AS fact_program_name,
        land_type AS fact_land_type,
        CAST(CAST(declared_area AS DOUBLE) AS VARCHAR) AS fact_declared_area,
        CAST(CAST(registered_area AS DOUBLE) AS VARCHAR) AS fact_registered_area,
        CAST(CAST(over_area AS DOUBLE) AS VARCHAR) AS fact_over_area,
        CASE WHEN registered_area = 0 THEN 0.9 ELSE 0.8 END AS fact_strength,
        household,
        land_type
    FROM judged
    WHERE rate_per_mu IS NOT NULL
      AND over_area > :tolerance_mu
      AND over_area > :tolerance_share * registered_area
)
SELECT * FROM hits
UNION ALL
-- Every registered parcel of the household's land type: the rows the registered area sums.
SELECT DISTINCT
    h.subject, h.id_number, h.name, h.program, h.township, h.village,
    '' AS period, 0 AS amount, 'basis' AS role,
    'land' AS source_dataset,
    CAST(l.source_file AS VARCHAR) AS source_file,
    CAST(l.source_sheet AS VARCHAR) AS source_sheet,
    l.source_row,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM hits AS h
JOIN (
    SELECT l.*, coalesce(r.household_id, '?' || l.holder_id_number) AS household
    FROM land AS l
    LEFT JOIN person AS r ON r.id_number = l.holder_id_number) AS l
  ON l.household = h.household AND l.land_type = h.land_type
