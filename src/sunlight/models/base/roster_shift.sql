-- Each roster row with the time its shift covers (contract §6): from its start, inclusive, to
-- its end, exclusive, a 夜班 running to 08:00 of the next date; a 全天 row 00:00–24:00.
SELECT
    r.date,
    r.shift,
    r.unit,
    nullif(r.post, '') AS post,
    r.role,
    r.id_number,
    r.name,
    nullif(r.police_number, '') AS police_number,
    CAST(r.date AS TIMESTAMP) + s.starts AS shift_start,
    CAST(r.date AS TIMESTAMP) + s.ends AS shift_end,
    CAST(r.source_file AS VARCHAR) AS source_file,
    CAST(r.source_sheet AS VARCHAR) AS source_sheet,
    r.source_row
FROM duty_roster AS r
JOIN duty_shifts AS s ON s.shift = r.shift
