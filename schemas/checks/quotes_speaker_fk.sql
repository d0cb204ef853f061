-- A quote's speaker entity, when set, exists.
SELECT q.quote_id FROM quotes q LEFT JOIN entities e ON e.entity_id = q.speaker_entity_id
WHERE q.speaker_entity_id IS NOT NULL AND e.entity_id IS NULL
