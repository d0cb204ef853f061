-- Every mention belongs to a loaded article.
SELECT m.article_id FROM mentions m LEFT JOIN articles a USING (article_id) WHERE a.article_id IS NULL
