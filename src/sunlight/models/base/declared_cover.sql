-- Per payment of a program paid by area: the enrollment covering its period with the largest
-- declared area. Its row is the evidence; ties go to the first delivered row, so that every
-- run, and every model that reads it, picks the same.
SELECT source_file, source_sheet, source_row, declared_area,
       enrolled_file, enrolled_sheet, enrolled_row
FROM (
    SELECT
        p.source_file, p.source_sheet, p.source_row,
        e.declared_area,
        e.source_file AS enrolled_file,
        e.source_sheet AS enrolled_sheet,
        e.source_row AS enrolled_row,
        row_number() OVER (
            PARTITION BY p.source_file, p.source_sheet, p.source_row
            ORDER BY e.declared_area DESC, e.source_file, e.source_sheet, e.source_row)
            AS nth
    FROM paid_standard AS p
    JOIN enrolled AS e
      ON e.id_number = p.id_number AND e.program = p.program
     AND e.start_month <= p.period_end
     AND (e.end_month IS NULL OR e.end_month >= p.period_start)
    WHERE p.rate_per_mu IS NOT NULL AND e.declared_area IS NOT NULL) AS covering
WHERE nth = 1
