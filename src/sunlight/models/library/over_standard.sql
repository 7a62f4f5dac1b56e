WITH judged AS (
    SELECT
        p.id_number AS subject, 'person' AS subject_kind, 'payee' AS subject_role,
        p.id_number, p.name, p.program, p.program_name, p.township, p.village, p.period,
        p.amount, p.source_dataset, p.source_file, p.source_sheet, p.source_row,
        coalesce(p.max_amount, p.rate_per_mu * d.declared_area) AS exact_allowed,
        CASE WHEN p.max_amount IS NOT NULL
             THEN '每期最高' || printf('%.2f', p.max_amount) || '元'
             ELSE '每亩' || CAST(CAST(p.rate_per_mu AS DOUBLE) AS VARCHAR) || '元×申报面积'
                  || CAST(CAST(d.declared_area AS DOUBLE) AS VARCHAR) || '亩='
                  || printf('%.2f', round(p.rate_per_mu * d.declared_area, 2)) || '元'
             END AS standard_text,
        CASE WHEN d.enrolled_file IS NOT NULL THEN 'enrollments' END AS basis_dataset,
        d.enrolled_file AS basis_file, d.enrolled_sheet AS basis_sheet,
        d.enrolled_row AS basis_row
    FROM paid_standard AS p
    LEFT JOIN declared_cover AS d
      ON d.source_file = p.source_file AND d.source_sheet = p.source_sheet
     AND d.source_row = p.source_row
    UNION ALL
    -- A company program's standard per period, or per worker the company claimed for it
    -- (without a claimed headcount nothing can be said).
    SELECT
        c.credit_code, 'company', 'legal_rep',
        c.rep_id_number, c.company, c.program, c.program_name, c.township, c.village, c.period,
        c.amount, c.source_dataset, c.source_file, c.source_sheet, c.source_row,
        coalesce(c.max_amount, c.per_claimed_worker * c.claimed_headcount),
        CASE WHEN c.max_amount IS NOT NULL
             THEN '每期最高' || printf('%.2f', c.max_amount) || '元'
             ELSE '每名申报职工' || printf('%.2f', c.per_claimed_worker) || '元×申报人数'
                  || CAST(c.claimed_headcount AS VARCHAR) || '人='
                  || printf('%.2f', c.per_claimed_worker * c.claimed_headcount) || '元' END,
        NULL, NULL, NULL, NULL
    FROM company_paid AS c
)
SELECT
    subject,
    subject_kind,
    subject_role,
    id_number,
    name,
    program,
    township,
    village,
    period,
    amount - round(exact_allowed, 2) AS amount,
    lineage(),
    basis_dataset,
    basis_file,
    basis_sheet,
    basis_row,
    program_name AS fact_program_name,
    standard_text AS fact_standard_text,
    0.8 AS fact_strength
FROM judged
WHERE exact_allowed IS NOT NULL
  AND amount - exact_allowed > :rounding_tolerance
