-- A quote's affiliation entity, when set, exists and is not the speaker's own.
SELECT q.quote_id FROM quotes q LEFT JOIN entities e ON e.entity_id = q.speaker_affiliation_entity_id
WHERE q.speaker_affiliation_entity_id IS NOT NULL
  AND (e.entity_id IS NULL OR q.speaker_affiliation_entity_id = q.speaker_entity_id)
