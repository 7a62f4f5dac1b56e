-- A case is restated in each delivery as it progresses (contract §1, "Records that change"):
-- one row per case number, from the row delivered last, so a case first delivered open and
-- later closed is one closed case. Steps are date-times; their dates are what limits count.
SELECT
    c.case_no,
    c.unit,
    c.category,
    c.handler_id_number,
    c.handler_name,
    c.received_at,
    c.filed_at,
    c.measures_at,
    c.closed_at,
    c.status,
    CAST(c.source_file AS VARCHAR) AS source_file,
    CAST(c.source_sheet AS VARCHAR) AS source_sheet,
    c.source_row
FROM police_cases AS c
LEFT JOIN batches AS b ON b.file_hash = CAST(c.source_file_hash AS VARCHAR)
QUALIFY row_number() OVER (
    PARTITION BY c.case_no ORDER BY b.delivered DESC NULLS LAST, c.source_row DESC) = 1
