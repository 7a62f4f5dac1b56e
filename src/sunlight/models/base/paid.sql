-- Payments of the person programs the catalog knows (an unknown program is a quality finding,
-- not a payment a model can judge; a company program is paid through enterprise_payments). Months are numbered year * 12 + month - 1, so that "after the
-- month of death" is a comparison of two numbers in any engine.
SELECT
    p.id_number,
    p.id_number_checksum_ok AS checksum_ok,
    p.name AS payee_name,
    r.name AS registry_name,
    coalesce(r.name, p.name) AS name,
    coalesce(r.household_id, '?' || p.id_number) AS household,
    r.id_number IS NOT NULL AS registered,
    p.program_code AS program,
    g.name AS program_name,
    g.period AS program_period,
    p.period,
    p.period_start,
    p.period_end,
    year(p.period_start) AS period_year,
    year(p.period_start) * 12 + month(p.period_start) - 1 AS period_month,
    year(p.period_end) * 12 + month(p.period_end) - 1 AS period_last_month,
    p.paid_on,
    p.amount,
    p.account,
    coalesce(p.township, r.township) AS township,
    coalesce(p.village, r.village) AS village,
    'payments' AS source_dataset,
    CAST(p.source_file AS VARCHAR) AS source_file,
    CAST(p.source_sheet AS VARCHAR) AS source_sheet,
    p.source_row
FROM payments AS p
JOIN programs AS g ON g.code = p.program_code AND g.subject = 'person'
LEFT JOIN person AS r ON r.id_number = p.id_number
