WITH qualifying AS (
    SELECT c.id_number, l.program
    FROM disability_certs AS c
    JOIN program_levels AS l ON l.level = c.level
    WHERE coalesce(c.status, '有效') <> '注销'
),
-- What the person does hold, for the explanation: their best certificate, if any.
held AS (
    SELECT id_number, level, status, source_file, source_sheet, source_row
    FROM (
        SELECT
            id_number, level, coalesce(status, '有效') AS status,
            CAST(source_file AS VARCHAR) AS source_file,
            CAST(source_sheet AS VARCHAR) AS source_sheet,
            source_row,
            row_number() OVER (
                PARTITION BY id_number
                ORDER BY CASE WHEN status = '注销' THEN 1 ELSE 0 END, level,
                         source_file, source_row) AS nth
        FROM disability_certs) AS ranked
    WHERE nth = 1
),
levels AS (
    SELECT program, string_agg(CAST(level AS VARCHAR), '、' ORDER BY level) AS levels
    FROM program_levels
    GROUP BY program
)
SELECT
    paid_row(p),
    CASE WHEN h.id_number IS NOT NULL THEN 'disability_certs' END AS basis_dataset,
    h.source_file AS basis_file,
    h.source_sheet AS basis_sheet,
    h.source_row AS basis_row,
    p.program_name AS fact_program_name,
    '等级为' || lv.levels || '级' AS fact_levels_zh,
    CASE WHEN h.id_number IS NULL THEN '无残疾人证记录'
         WHEN h.status = '注销' THEN '的残疾人证已注销'
         ELSE '的残疾人证为' || CAST(h.level AS VARCHAR) || '级，不在享受范围内' END
        AS fact_certificate_zh,
    CASE WHEN h.id_number IS NULL THEN 0.8 ELSE 0.95 END AS fact_strength
FROM paid AS p
JOIN levels AS lv ON lv.program = p.program
LEFT JOIN held AS h ON h.id_number = p.id_number
WHERE NOT EXISTS (
    SELECT 1 FROM qualifying AS q WHERE q.id_number = p.id_number AND q.program = p.program)
