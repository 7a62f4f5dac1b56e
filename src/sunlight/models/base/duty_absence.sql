-- Each duty check that found someone 不在岗 during a shift of theirs on the roster of the unit
-- checked, with that roster row (contract §6): the check at or after the shift's start and
-- before its end; when both the check and the roster row name a post, the same post. A check
-- within two rows of the person (a 全天 and a 白班 of one date) is here once with each.
SELECT
    c.checked_at,
    CAST(c.checked_at AS DATE) AS checked_on,
    c.unit,
    nullif(c.post, '') AS checked_post,
    c.method,
    CAST(c.source_file AS VARCHAR) AS check_file,
    CAST(c.source_sheet AS VARCHAR) AS check_sheet,
    c.source_row AS check_row,
    r.id_number,
    r.name,
    r.police_number,
    r.role,
    r.date AS roster_date,
    r.shift,
    r.post AS roster_post,
    r.source_file AS roster_file,
    r.source_sheet AS roster_sheet,
    r.source_row AS roster_row
FROM duty_checks AS c
JOIN roster_shift AS r
  ON r.id_number = c.id_number
 AND r.unit = c.unit
 AND c.checked_at >= r.shift_start
 AND c.checked_at < r.shift_end
WHERE c.result = '不在岗'
  AND (nullif(c.post, '') IS NULL OR r.post IS NULL OR r.post = c.post)
