SELECT
    e.id_number,
    e.program_code AS program,
    e.name,
    e.start_month,
    e.end_month,
    year(e.start_month) * 12 + month(e.start_month) - 1 AS start_index,
    e.declared_area,
    'enrollments' AS source_dataset,
    CAST(e.source_file AS VARCHAR) AS source_file,
    CAST(e.source_sheet AS VARCHAR) AS source_sheet,
    e.source_row
FROM enrollments AS e
WHERE e.program_code IS NOT NULL
