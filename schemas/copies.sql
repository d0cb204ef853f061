-- Every copy of every kept article: the article itself and each duplicate of it that was read
-- (the same wire story in another outlet, a re-crawl). Utterance counts, first publication and
-- first outlet are taken over copies, so a story's earliest outlet is known whichever copy was
-- kept. A duplicate is told apart by its URL, or by where it was read when it has none; one at
-- the kept article's own URL is the kept copy read again, so reading a page twice is one copy.
CREATE OR REPLACE VIEW article_copies AS
SELECT article_id,
       article_id AS copy_key,
       outlet,
       published_at,
       url,
       title,
       'kept' AS copy
FROM articles
UNION ALL
SELECT d.duplicate_of AS article_id,
       CASE WHEN d.url = a.url THEN a.article_id
            ELSE coalesce(d.url, d.source_uri || '#' || d.source_locator) END AS copy_key,
       d.outlet,
       d.published_at,
       d.url,
       d.title,
       'duplicate' AS copy
FROM duplicates d
JOIN articles a ON a.article_id = d.duplicate_of;
