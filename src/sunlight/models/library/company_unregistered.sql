-- Codes are compared as ingestion cleaned them (case, width and spaces do not count); a code
-- whose check character fails is a quality finding as well, and a likelier forgery.
SELECT
    company_row(p),
    p.program_name AS fact_program_name,
    p.credit_code AS fact_credit_code,
    CASE WHEN p.checksum_ok THEN '校验位正确' ELSE '校验位不符' END AS fact_checksum,
    CASE WHEN p.checksum_ok THEN 0.8 ELSE 0.95 END AS fact_strength
FROM company_paid AS p
WHERE NOT p.registered
