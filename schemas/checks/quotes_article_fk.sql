-- Every quote belongs to a loaded article.
SELECT q.quote_id FROM quotes q LEFT JOIN articles a USING (article_id) WHERE a.article_id IS NULL
