WITH numbered AS (
    SELECT
        p.*,
        row_number() OVER (
            PARTITION BY p.id_number, p.program, p.period
            ORDER BY p.paid_on NULLS LAST, p.source_file, p.source_row) AS nth
    FROM paid AS p
)
SELECT
    again.id_number AS subject,
    again.id_number,
    again.name,
    again.program,
    again.township,
    again.village,
    again.period,
    again.amount,
    again.source_dataset, again.source_file, again.source_sheet, again.source_row,
    first.source_dataset AS basis_dataset,
    first.source_file AS basis_file,
    first.source_sheet AS basis_sheet,
    first.source_row AS basis_row,
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
