-- A registry delivered monthly repeats people: keep one row per ID, from the file ingested
-- last (file names say nothing reliable: `12月` sorts before `3月`).
SELECT
    r.id_number,
    r.name,
    r.household_id,
    r.relation,
    r.township,
    r.village,
    r.birth_date,
    r.status,
    r.status_date,
    CAST(r.source_file AS VARCHAR) AS source_file,
    CAST(r.source_sheet AS VARCHAR) AS source_sheet,
    r.source_row
FROM residents AS r
LEFT JOIN batches AS b ON b.file_hash = CAST(r.source_file_hash AS VARCHAR)
QUALIFY row_number() OVER (
    PARTITION BY r.id_number ORDER BY b.delivered DESC NULLS LAST, r.source_row DESC) = 1
