-- Payments whose payee's name as paid is written otherwise in the registry: only these names
-- need a key (NAME_MISMATCH's name_keys), a registry and a roster mostly agreeing.
SELECT payee_name, registry_name
FROM paid
WHERE registry_name IS NOT NULL AND payee_name <> registry_name
