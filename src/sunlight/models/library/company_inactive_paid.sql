-- The registry row the company relation keeps (the latest delivered) says whether it was
-- closed; a closure dated in or after the paid month leaves that month's payment alone.
SELECT
    company_row(p),
    p.company_dataset AS basis_dataset,
    p.company_file AS basis_file,
    p.company_sheet AS basis_sheet,
    p.company_row AS basis_row,
    p.program_name AS fact_program_name,
    p.credit_code AS fact_credit_code,
    p.status AS fact_status,
    strftime(p.status_date, '%Y-%m-%d') AS fact_status_date,
    CASE WHEN p.status_date IS NULL THEN '已' || p.status || '（登记未载明日期）'
         ELSE '已于' || CAST(year(p.status_date) AS VARCHAR) || '年'
              || CAST(month(p.status_date) AS VARCHAR) || '月'
              || CAST(day(p.status_date) AS VARCHAR) || '日' || p.status END AS fact_closure,
    CASE WHEN p.status_date IS NULL THEN 0.8 ELSE 0.95 END AS fact_strength
FROM company_paid AS p
WHERE list_contains(:closed_statuses, p.status)
  AND (p.status_date IS NULL OR p.status_date < p.period_start)
