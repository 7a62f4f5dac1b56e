-- A registry delivered monthly repeats people: keep one row per ID, the latest delivered.
SELECT
    id_number,
    name,
    household_id,
    township,
    village,
    birth_date,
    status,
    status_date,
    CAST(source_file AS VARCHAR) AS source_file,
    CAST(source_sheet AS VARCHAR) AS source_sheet,
    source_row
FROM residents
QUALIFY row_number() OVER (
    PARTITION BY id_number ORDER BY source_file DESC, source_row DESC) = 1
