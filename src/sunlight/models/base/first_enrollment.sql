-- The first enrollment of each person in each program: where a chain of approvals begins.
SELECT id_number, program, start_month, start_index, source_file, source_sheet, source_row
FROM (
    SELECT *, row_number() OVER (
        PARTITION BY id_number, program ORDER BY start_month, source_file, source_row) AS nth
    FROM enrolled) AS e
WHERE e.nth = 1
