-- Payments of the company programs the catalog knows (contract §5: paid from
-- enterprise_payments only), shaped like `paid`, with the standard in force for the month and
-- the company as the registry holds it (none for a code it does not know).
SELECT
    e.credit_code,
    e.credit_code_checksum_ok AS checksum_ok,
    e.company AS payee_company,
    coalesce(c.company, e.company) AS company,
    c.credit_code IS NOT NULL AS registered,
    c.rep_id_number,
    c.rep_name,
    c.status,
    c.status_date,
    e.program_code AS program,
    g.name AS program_name,
    g.period AS program_period,
    e.period,
    e.period_start,
    e.period_end,
    year(e.period_start) * 12 + month(e.period_start) - 1 AS period_month,
    e.paid_on,
    e.amount,
    e.account,
    e.claimed_headcount,
    e.township,
    CAST(NULL AS VARCHAR) AS village,
    s.max_amount,
    s.per_claimed_worker,
    'enterprise_payments' AS source_dataset,
    CAST(e.source_file AS VARCHAR) AS source_file,
    CAST(e.source_sheet AS VARCHAR) AS source_sheet,
    e.source_row,
    'businesses' AS company_dataset,
    c.source_file AS company_file,
    c.source_sheet AS company_sheet,
    c.source_row AS company_row
FROM enterprise_payments AS e
JOIN programs AS g ON g.code = e.program_code AND g.subject = 'company'
LEFT JOIN company AS c ON c.credit_code = e.credit_code
LEFT JOIN program_standards AS s ON s.program = e.program_code
 AND s.valid_from <= e.period_start
 AND (s.valid_to IS NULL OR e.period_start < s.valid_to)
