-- A finding is restated until it is rectified (contract §1, "Records that change"): one row per
-- finding number, from the row delivered last, so a finding later delivered rectified is one
-- rectified finding.
SELECT
    f.finding_no,
    f.unit,
    f.found_on,
    f.category,
    f.description,
    f.rectify_by,
    f.rectified_on,
    f.inspector,
    CAST(f.source_file AS VARCHAR) AS source_file,
    CAST(f.source_sheet AS VARCHAR) AS source_sheet,
    f.source_row
FROM inspection_findings AS f
LEFT JOIN batches AS b ON b.file_hash = CAST(f.source_file_hash AS VARCHAR)
QUALIFY row_number() OVER (
    PARTITION BY f.finding_no ORDER BY b.delivered DESC NULLS LAST, f.source_row DESC) = 1
