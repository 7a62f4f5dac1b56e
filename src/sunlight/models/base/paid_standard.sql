-- Payments with the standard in force for their period (the catalog's dated entries).
SELECT p.*, s.max_amount, s.rate_per_mu, s.per_roster_day
FROM paid AS p
LEFT JOIN program_standards AS s ON s.program = p.program
 AND s.valid_from <= p.period_start
 AND (s.valid_to IS NULL OR p.period_start < s.valid_to)
