SELECT
    p.id_number AS subject,
    p.id_number,
    p.registry_name AS name,
    p.program,
    p.township,
    p.village,
    p.period,
    p.amount,
    lineage(p),
    'residents' AS basis_dataset,
    r.source_file AS basis_file,
    r.source_sheet AS basis_sheet,
    r.source_row AS basis_row,
    p.program_name AS fact_program_name,
    p.id_number AS fact_id_number,
    p.payee_name AS fact_payee_name,
    p.registry_name AS fact_registry_name,
    0.7 AS fact_strength
FROM paid AS p
JOIN person AS r ON r.id_number = p.id_number
JOIN name_keys AS written ON written.name = p.payee_name
JOIN name_keys AS registered ON registered.name = p.registry_name
WHERE p.payee_name <> p.registry_name
  AND written.name_key <> registered.name_key
