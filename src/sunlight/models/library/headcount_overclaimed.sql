-- The insured count of a company and month as last delivered (a later file restates it).
WITH insured AS (
    SELECT
        h.credit_code,
        h.month,
        h.insured_count,
        'insured_headcount' AS source_dataset,
        CAST(h.source_file AS VARCHAR) AS source_file,
        CAST(h.source_sheet AS VARCHAR) AS source_sheet,
        h.source_row
    FROM insured_headcount AS h
    LEFT JOIN batches AS b ON b.file_hash = CAST(h.source_file_hash AS VARCHAR)
    QUALIFY row_number() OVER (
        PARTITION BY h.credit_code, h.month
        ORDER BY b.delivered DESC NULLS LAST, h.source_row DESC) = 1
),
judged AS (
    SELECT
        p.*,
        i.insured_count,
        p.claimed_headcount - i.insured_count AS excess,
        CAST(round(p.amount * 100) AS BIGINT) AS paid_fen,
        i.source_dataset AS insured_dataset, i.source_file AS insured_file,
        i.source_sheet AS insured_sheet, i.source_row AS insured_row
    FROM company_paid AS p
    JOIN insured AS i ON i.credit_code = p.credit_code AND i.month = p.period_start
    WHERE p.claimed_headcount > 0 AND p.amount > 0
),
-- At risk: the share of the payment for the workers claimed beyond the insured ones, to the
-- fen (half a fen up), in whole fen so that no engine's floating point decides a rounding.
at_risk AS (
    SELECT
        j.*,
        CAST(CAST((2 * j.paid_fen * j.excess + j.claimed_headcount)
                  // (2 * j.claimed_headcount) AS DECIMAL(18, 0)) / 100 AS DECIMAL(18, 2))
            AS overclaimed_amount
    FROM judged AS j
    WHERE j.excess > :min_excess_workers
      AND j.excess > :min_excess_share * j.insured_count
)
SELECT
    credit_code AS subject,
    rep_id_number AS id_number,
    company AS name,
    program,
    township,
    village,
    period,
    overclaimed_amount AS amount,
    lineage(),
    insured_dataset AS basis_dataset,
    insured_file AS basis_file,
    insured_sheet AS basis_sheet,
    insured_row AS basis_row,
    period AS basis_period,
    program_name AS fact_program_name,
    credit_code AS fact_credit_code,
    period AS fact_month,
    CAST(claimed_headcount AS VARCHAR) AS fact_claimed_headcount,
    CAST(insured_count AS VARCHAR) AS fact_insured_count,
    CAST(amount AS VARCHAR) AS fact_paid_yuan,
    CAST(overclaimed_amount AS VARCHAR) AS fact_at_risk_yuan,
    CASE WHEN excess > insured_count THEN 0.9 ELSE 0.75 END AS fact_strength
FROM at_risk
