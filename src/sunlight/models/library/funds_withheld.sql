WITH allocated AS (
    SELECT township, program_code AS program, year, sum(amount) AS allocated
    FROM allocations
    WHERE program_code IS NOT NULL
    GROUP BY township, program_code, year
),
-- A company program's money goes out through enterprise_payments (contract §5), a person's
-- through payments: both count as paid out.
paid_out AS (
    SELECT township, program, year, sum(amount) AS paid
    FROM (SELECT township, program, period_year AS year, amount FROM paid
          UNION ALL
          SELECT township, program, year(period_start) AS year, amount FROM company_paid)
    GROUP BY township, program, year
),
short AS (
    SELECT a.*, coalesce(p.paid, 0) AS paid, a.allocated - coalesce(p.paid, 0) AS shortfall
    FROM allocated AS a
    LEFT JOIN paid_out AS p
      ON p.township = a.township AND p.program = a.program AND p.year = a.year
    WHERE a.allocated - coalesce(p.paid, 0) > :threshold_share * a.allocated
),
-- Every allocation row is evidence; the shortfall is a fact of the township-year, not a sum
-- of rows (the YAML says `amount: shortfall`).
rows AS (
    SELECT
        s.*,
        'allocations' AS source_dataset,
        CAST(x.source_file AS VARCHAR) AS source_file,
        CAST(x.source_sheet AS VARCHAR) AS source_sheet,
        x.source_row,
        row_number() OVER (
            PARTITION BY s.township, s.program, s.year
            ORDER BY x.source_file, x.source_row) AS nth
    FROM short AS s
    JOIN allocations AS x
      ON x.township = s.township AND x.program_code = s.program AND x.year = s.year
)
SELECT
    r.township || '/' || r.program || '/' || CAST(r.year AS VARCHAR) AS subject,
    r.program,
    r.township,
    CAST(r.year AS VARCHAR) AS period,
    0 AS amount,
    'basis' AS role,
    lineage(r),
    r.shortfall AS fact_shortfall,
    g.name AS fact_program_name,
    CAST(r.year AS VARCHAR) AS fact_year,
    printf('%.2f', r.allocated) AS fact_allocated_yuan,
    printf('%.2f', r.paid) AS fact_paid_yuan,
    '占拨付额' || printf('%.1f', 100 * r.shortfall / r.allocated) || '%' AS fact_short_share,
    printf('%.0f', 100 * :threshold_share) || '%' AS fact_threshold_pct,
    least(1.0, 0.5 + r.shortfall / r.allocated) AS fact_strength
FROM rows AS r
JOIN programs AS g ON g.code = r.program
