WITH judged AS (
    SELECT
        p.*,
        coalesce(p.max_amount, p.rate_per_mu * d.declared_area) AS exact_allowed,
        d.declared_area, d.enrolled_file, d.enrolled_sheet, d.enrolled_row
    FROM paid_standard AS p
    LEFT JOIN declared_cover AS d
      ON d.source_file = p.source_file AND d.source_sheet = p.source_sheet
     AND d.source_row = p.source_row
)
SELECT
    id_number AS subject,
    id_number,
    name,
    program,
    township,
    village,
    period,
    amount - round(exact_allowed, 2) AS amount,
    lineage(),
    CASE WHEN enrolled_file IS NOT NULL THEN 'enrollments' END AS basis_dataset,
    enrolled_file AS basis_file,
    enrolled_sheet AS basis_sheet,
    enrolled_row AS basis_row,
    program_name AS fact_program_name,
    CASE WHEN max_amount IS NOT NULL
         THEN '每期最高' || printf('%.2f', max_amount) || '元'
         ELSE '每亩' || CAST(CAST(rate_per_mu AS DOUBLE) AS VARCHAR) || '元×申报面积'
              || CAST(CAST(declared_area AS DOUBLE) AS VARCHAR) || '亩='
              || printf('%.2f', round(exact_allowed, 2)) || '元' END AS fact_standard_text,
    0.8 AS fact_strength
FROM judged
WHERE exact_allowed IS NOT NULL
  AND amount - exact_allowed > :rounding_tolerance
