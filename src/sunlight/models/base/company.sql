-- The business registry restates a company in each delivery: keep one row per unified social
-- credit code, from the file ingested last (within a file, its last row), as `person` does for
-- residents. A row without a code cannot be told apart from another company's: each is kept as
-- delivered (it still names a legal representative; the quality report warns of it).
SELECT
    c.credit_code,
    c.company,
    c.rep_id_number,
    c.rep_name,
    c.registered_capital,
    c.founded_on,
    c.status,
    c.status_date,
    CAST(c.source_file AS VARCHAR) AS source_file,
    CAST(c.source_sheet AS VARCHAR) AS source_sheet,
    c.source_row
FROM businesses AS c
LEFT JOIN batches AS b ON b.file_hash = CAST(c.source_file_hash AS VARCHAR)
QUALIFY c.credit_code IS NULL OR row_number() OVER (
    PARTITION BY c.credit_code ORDER BY b.delivered DESC NULLS LAST, c.source_row DESC) = 1
