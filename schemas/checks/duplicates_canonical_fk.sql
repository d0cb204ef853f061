-- A duplicate points at a kept article.
SELECT d.source_uri FROM duplicates d LEFT JOIN articles a ON a.article_id = d.duplicate_of
WHERE a.article_id IS NULL
