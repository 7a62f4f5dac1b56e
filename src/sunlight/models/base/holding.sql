-- A household's registered area of a land type is the sum over its members' rows; a holder
-- the registry does not know is a household of one. The first row is kept as evidence.
WITH parcels AS (
    SELECT
        coalesce(r.household_id, '?' || l.holder_id_number) AS household,
        l.land_type,
        l.area,
        CAST(l.source_file AS VARCHAR) AS source_file,
        CAST(l.source_sheet AS VARCHAR) AS source_sheet,
        l.source_row
    FROM land AS l
    LEFT JOIN person AS r ON r.id_number = l.holder_id_number
),
numbered AS (
    SELECT *, row_number() OVER (
        PARTITION BY household, land_type ORDER BY source_file, source_row) AS nth
    FROM parcels
)
SELECT
    household,
    land_type,
    sum(area) AS registered_area,
    count(*) AS parcels,
    'land' AS source_dataset,
    max(CASE WHEN nth = 1 THEN source_file END) AS source_file,
    max(CASE WHEN nth = 1 THEN source_sheet END) AS source_sheet,
    max(CASE WHEN nth = 1 THEN source_row END) AS source_row
FROM numbered
GROUP BY household, land_type
