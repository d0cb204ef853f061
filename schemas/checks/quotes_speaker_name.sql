-- A resolved speaker's name is their entity's name (tasks/store/identity.py: rename_speakers),
-- so WHERE speaker_name = 'X' finds every quote of X's entity.
SELECT q.quote_id FROM quotes q JOIN entities e ON e.entity_id = q.speaker_entity_id
WHERE q.speaker_name IS DISTINCT FROM e.name
