WITH serving AS (
    SELECT
        p.*,
        o.category, o.post, o.employer, o.start_date,
        'officials' AS office_dataset,
        CAST(o.source_file AS VARCHAR) AS office_file,
        CAST(o.source_sheet AS VARCHAR) AS office_sheet,
        o.source_row AS office_row,
        row_number() OVER (
            PARTITION BY p.source_file, p.source_sheet, p.source_row
            ORDER BY o.start_date NULLS LAST, o.source_file, o.source_row) AS nth
    FROM paid AS p
    JOIN officials AS o ON o.id_number = p.id_number
    WHERE list_contains(:programs, p.program)
      AND list_contains(:categories, o.category)
      AND (o.start_date IS NULL OR o.start_date <= p.period_end)
      AND (o.end_date IS NULL OR o.end_date >= p.period_start)
)
SELECT
    paid_row(),
    office_dataset AS basis_dataset,
    office_file AS basis_file,
    office_sheet AS basis_sheet,
    office_row AS basis_row,
    program_name AS fact_program_name,
    category AS fact_category,
    coalesce(employer, '') || coalesce(post, '') AS fact_employer,
    strftime(start_date, '%Y-%m-%d') AS fact_start,
    0.95 AS fact_strength
FROM serving
WHERE nth = 1
