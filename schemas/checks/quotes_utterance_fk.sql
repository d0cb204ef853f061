-- Every quote points at an existing utterance.
SELECT q.quote_id FROM quotes q LEFT JOIN utterances u USING (utterance_id)
WHERE q.utterance_id IS NULL OR u.utterance_id IS NULL
