-- The post list restates every post in each delivery (contract §1, "Records that change"):
-- one row per (unit, post), from the row delivered last (the file ingested last; within one
-- ingest the path sorting last, as the batch order has it; within a file, its last row).
SELECT
    p.unit,
    p.post,
    p.kind,
    p.coverage,
    p.active_from,
    p.active_to,
    CAST(p.source_file AS VARCHAR) AS source_file,
    CAST(p.source_sheet AS VARCHAR) AS source_sheet,
    p.source_row
FROM posts AS p
LEFT JOIN batches AS b ON b.file_hash = CAST(p.source_file_hash AS VARCHAR)
QUALIFY row_number() OVER (
    PARTITION BY p.unit, p.post ORDER BY b.delivered DESC NULLS LAST, p.source_row DESC) = 1
