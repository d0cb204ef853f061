-- search_quotes('words'): quotes containing every word (used when the FTS extension is missing).
CREATE OR REPLACE MACRO search_quotes(words) AS TABLE
SELECT w.*, 1.0 AS score
FROM who_said_what w
WHERE list_bool_and(list_transform(string_split(lower(words), ' '),
                                   x -> x = '' OR contains(lower(w.quote_text), x)))
ORDER BY w.said_on;
