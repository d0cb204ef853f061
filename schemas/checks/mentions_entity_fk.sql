-- Every mention names an entity in the entities table.
SELECT m.entity_id FROM mentions m LEFT JOIN entities e USING (entity_id) WHERE e.entity_id IS NULL
