-- Offsets index the body: a quote's text is exactly the body slice it claims to be (or, for a
-- quote split by its cue, its pieces joined by a space), and so is every mention's.
SELECT q.quote_id FROM quotes q JOIN articles a USING (article_id)
WHERE q.quote_start < 0 OR q.quote_end > length(a.body) OR q.quote_start >= q.quote_end
   OR (coalesce(len(q.quote_segments), 0) = 0
       AND substr(a.body, q.quote_start + 1, q.quote_end - q.quote_start) <> q.quote_text)
   OR (len(q.quote_segments) > 0
       AND array_to_string(list_transform(q.quote_segments,
                                          s -> substr(a.body, s.start + 1, s."end" - s.start)),
                           ' ') <> q.quote_text)
UNION ALL
SELECT m.article_id FROM mentions m JOIN articles a USING (article_id)
WHERE substr(a.body, m.start + 1, m."end" - m.start) <> m.text
