WITH shared AS (
    SELECT
        account,
        count(DISTINCT id_number) AS persons,
        count(DISTINCT household) AS households
    FROM paid
    GROUP BY account
    HAVING count(DISTINCT id_number) >= :min_persons
       AND count(DISTINCT household) >= :min_households
),
-- The programs named only for the few shared accounts: for every account they cost the most.
accounts AS (
    SELECT
        s.account,
        s.persons,
        s.households,
        string_agg(DISTINCT p.program_name, '、' ORDER BY p.program_name) AS programs_zh
    FROM shared AS s
    JOIN paid AS p ON p.account = s.account
    GROUP BY s.account, s.persons, s.households
)
SELECT
    p.account AS subject,
    p.account,
    '' AS program,
    p.township,
    p.village,
    p.period,
    p.amount,
    lineage(p),
    -- Every payee is someone the warning concerns (the runner looks up their registry name).
    p.id_number AS involved_id,
    p.payee_name AS involved_name,
    'payee' AS involved_role,
    CAST(a.persons AS VARCHAR) AS fact_persons,
    CAST(a.households AS VARCHAR) AS fact_households,
    a.programs_zh AS fact_programs_zh,
    -- More payees on one card is harder to explain away.
    least(1.0, 0.5 + 0.1 * a.persons) AS fact_strength
FROM paid AS p
JOIN accounts AS a ON a.account = p.account
