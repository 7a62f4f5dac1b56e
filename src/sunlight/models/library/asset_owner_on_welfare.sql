WITH assets AS (
    SELECT
        coalesce(r.household_id, '?' || v.owner_id_number) AS household,
        v.owner_id_number AS owner_id,
        coalesce(v.owner_name, r.name) AS owner_name,
        coalesce(v.registered_on, DATE '1900-01-01') AS held_from,
        CAST(NULL AS DATE) AS held_until,
        '名下登记有' || v.vehicle_type || coalesce('（' || v.plate || '）', '') AS what,
        'vehicles' AS source_dataset,
        CAST(v.source_file AS VARCHAR) AS source_file,
        CAST(v.source_sheet AS VARCHAR) AS source_sheet,
        v.source_row
    FROM vehicles AS v
    LEFT JOIN person AS r ON r.id_number = v.owner_id_number
    WHERE coalesce(v.status, '正常') = '正常'
      AND regexp_matches(v.vehicle_type, :vehicle_types)
      AND NOT regexp_matches(v.vehicle_type, :excluded_vehicle_types)
    UNION ALL
    SELECT
        coalesce(r.household_id, '?' || b.rep_id_number) AS household,
        b.rep_id_number AS owner_id,
        coalesce(b.rep_name, r.name) AS owner_name,
        coalesce(b.founded_on, DATE '1900-01-01') AS held_from,
        -- A closed company counted until its closure (the month of 注销 itself no longer).
        CASE WHEN list_contains(:closed_statuses, b.status) THEN b.status_date END AS held_until,
        '是' || coalesce(b.company, '某企业') || '（' || b.status
            || coalesce('，' || strftime(b.status_date, '%Y-%m-%d'), '') || '）的法定代表人'
            AS what,
        'businesses' AS source_dataset,
        CAST(b.source_file AS VARCHAR) AS source_file,
        CAST(b.source_sheet AS VARCHAR) AS source_sheet,
        b.source_row
    FROM company AS b  -- each company as its registry row delivered last restates it
    LEFT JOIN person AS r ON r.id_number = b.rep_id_number
    WHERE list_contains(:business_statuses, b.status)
       OR (list_contains(:closed_statuses, b.status) AND b.status_date IS NOT NULL)
),
owning AS (
    SELECT
        p.*,
        a.owner_id, a.owner_name, a.what,
        a.source_dataset AS asset_dataset, a.source_file AS asset_file,
        a.source_sheet AS asset_sheet, a.source_row AS asset_row,
        row_number() OVER (
            PARTITION BY p.source_file, p.source_sheet, p.source_row
            ORDER BY CASE WHEN a.owner_id = p.id_number THEN 0 ELSE 1 END,
                     a.source_dataset DESC, a.source_file, a.source_row) AS nth
    FROM paid AS p
    JOIN assets AS a ON a.household = p.household AND a.held_from <= p.period_end
     AND (a.held_until IS NULL OR a.held_until > p.period_end)
    WHERE list_contains(:programs, p.program)
)
SELECT
    paid_row(),
    asset_dataset AS basis_dataset,
    asset_file AS basis_file,
    asset_sheet AS basis_sheet,
    asset_row AS basis_row,
    program_name AS fact_program_name,
    CASE WHEN owner_id = id_number THEN '本人' ELSE '同户成员' || coalesce(owner_name, '') END
        || what AS fact_asset_zh,
    CASE WHEN owner_id = id_number THEN 0.9 ELSE 0.75 END AS fact_strength,
    owner_id AS involved_id,
    owner_name AS involved_name,
    CASE WHEN asset_dataset = 'vehicles' THEN 'owner' ELSE 'legal_rep' END AS involved_role
FROM owning
WHERE nth = 1
