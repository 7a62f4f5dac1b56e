SELECT
    paid_row(p),
    basis_row(d),
    p.program_name AS fact_program_name,
    d.source AS fact_death_source,
    d.sources AS fact_death_sources,
    strftime(d.death_date, '%Y-%m-%d') AS fact_death_date,
    strftime(d.death_date, '%Y-%m') AS fact_death_month,
    -- Two sources that agree within a month leave little doubt; a police deregistration alone
    -- is still an official act; a single other record may be a clerical slip.
    CASE WHEN d.agreeing >= 2 THEN 1.0 WHEN d.source = '公安注销' THEN 0.85 ELSE 0.7 END
        AS fact_strength
FROM paid AS p
JOIN death AS d ON d.id_number = p.id_number
WHERE CASE WHEN p.program_period = 'year' THEN p.period_year > d.death_year
           ELSE p.period_month > d.death_month END
