-- search_quotes('words'): quotes ranked by BM25 over quote_text (DuckDB full-text search).
CREATE OR REPLACE MACRO search_quotes(words) AS TABLE
SELECT w.*, s.score
FROM (SELECT quote_id, fts_main_quotes.match_bm25(quote_id, words) AS score FROM quotes) s
JOIN who_said_what w USING (quote_id)
WHERE s.score IS NOT NULL
ORDER BY s.score DESC;
