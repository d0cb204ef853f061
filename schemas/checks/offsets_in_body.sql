-- Offsets index the body: the quoted text is exactly the body slice it claims to be.
SELECT q.quote_id FROM quotes q JOIN articles a USING (article_id)
WHERE q.quote_start < 0 OR q.quote_end > length(a.body) OR q.quote_start >= q.quote_end
   OR substr(a.body, q.quote_start + 1, q.quote_end - q.quote_start) <> q.quote_text
UNION ALL
SELECT m.article_id FROM mentions m JOIN articles a USING (article_id)
WHERE substr(a.body, m.start + 1, m."end" - m.start) <> m.text
