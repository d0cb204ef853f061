-- Views for the questions people ask of the warehouse (and the roll-up one of them reads).
-- Recreated after every load.

-- Every quote with who said it, when, and where it was published; the speaker's gender as the
-- text gives it (entities.gender) and whom they speak for ("aides for Mr Balls": Ed Balls).
CREATE OR REPLACE VIEW who_said_what AS
SELECT q.speaker_name,
       q.quote_text,
       q.kind,
       q.said_on,
       a.published_at,
       a.outlet,
       a.title,
       a.url,
       q.article_id,
       q.quote_id,
       q.speaker_text,
       q.speaker_kind,
       q.speaker_role,
       q.speaker_entity_id,
       s.gender AS speaker_gender,
       q.speaker_affiliation_entity_id,
       f.name AS speaker_affiliation_name,
       q.cue,
       q.said_on_text,
       q.said_on_precision,
       q.confidence,
       q.found_by,
       q.rule,
       q.utterance_id
FROM quotes q
JOIN articles a USING (article_id)
LEFT JOIN entities s ON s.entity_id = q.speaker_entity_id
LEFT JOIN entities f ON f.entity_id = q.speaker_affiliation_entity_id;

-- What a person said, one row per utterance (however many outlets carried it), in date order:
--   SELECT * FROM speaker_timeline WHERE speaker_name = 'Ed Balls' ORDER BY said_on;
CREATE OR REPLACE VIEW speaker_timeline AS
SELECT u.speaker_name,
       u.speaker_entity_id,
       coalesce(u.first_said_on, CAST(u.first_published_at AS DATE)) AS said_on,
       u.canonical_text AS quote_text,
       u.first_published_at,
       u.n_articles,
       u.n_outlets,
       (SELECT list(DISTINCT c.outlet ORDER BY c.outlet)
          FROM quotes q JOIN article_copies c USING (article_id)
         WHERE q.utterance_id = u.utterance_id) AS outlets,
       u.utterance_id
FROM utterances u
WHERE u.speaker_name IS NOT NULL
ORDER BY u.speaker_name, said_on NULLS LAST, u.first_published_at;

-- Who each outlet quotes most, by month of publication. most_quoted_live computes it; the view
-- most_quoted reads the same rows from most_quoted_rollup, a table rebuilt here at every load and
-- sorted by month, so a month's answer reads a few row groups instead of joining every quote to
-- every article (16 ms against 0.3-1.8 s at 1M quotes: bench/query_speed.py,
-- docs/performance.md). The roll-up is derived data, not part of the table contract. With the
-- speaker's gender, "how many of each outlet's quoted people are women" is one query:
--   SELECT outlet, speaker_gender, count(DISTINCT speaker_entity_id) FROM most_quoted
--   WHERE speaker_gender IS NOT NULL GROUP BY ALL;
CREATE OR REPLACE VIEW most_quoted_live AS
SELECT a.outlet,
       CAST(date_trunc('month', coalesce(q.said_on, CAST(a.published_at AS DATE))) AS DATE)
           AS month,
       q.speaker_name,
       q.speaker_entity_id,
       e.gender AS speaker_gender,
       count(*) AS n_quotes,
       count(DISTINCT q.utterance_id) AS n_utterances,
       count(DISTINCT q.article_id) AS n_articles
FROM quotes q
JOIN articles a USING (article_id)
LEFT JOIN entities e ON e.entity_id = q.speaker_entity_id
WHERE q.speaker_name IS NOT NULL
GROUP BY ALL;

CREATE OR REPLACE TABLE most_quoted_rollup AS
SELECT * FROM most_quoted_live ORDER BY month, outlet, n_quotes DESC;

CREATE OR REPLACE VIEW most_quoted AS SELECT * FROM most_quoted_rollup;

-- Quotes about an entity: its name is inside the quote, or the quote's article mentions it.
--   SELECT * FROM quotes_about WHERE entity_name = 'Unite' AND mentioned_in = 'quote';
CREATE OR REPLACE VIEW quotes_about AS
SELECT e.entity_id,
       e.name AS entity_name,
       e.label AS entity_label,
       CASE WHEN bool_or(m.start >= q.quote_start AND m."end" <= q.quote_end)
            THEN 'quote' ELSE 'article' END AS mentioned_in,
       q.quote_id,
       q.speaker_name,
       q.quote_text,
       q.kind,
       q.said_on,
       q.article_id
FROM mentions m
JOIN quotes q USING (article_id)
JOIN entities e ON e.entity_id = m.entity_id
WHERE q.speaker_entity_id IS DISTINCT FROM m.entity_id
GROUP BY ALL;

-- Quotes carried by the most outlets, and who had them first. Every copy of an article counts
-- (view article_copies): the outlets whose copies were set aside as duplicates carried it too.
--   SELECT * FROM widely_carried ORDER BY n_outlets DESC LIMIT 10;
CREATE OR REPLACE VIEW widely_carried AS
SELECT u.utterance_id,
       u.speaker_name,
       u.canonical_text,
       u.n_outlets,
       u.n_articles,
       u.first_published_at,
       (SELECT arg_min(c.outlet, c.published_at)
          FROM quotes q JOIN article_copies c USING (article_id)
         WHERE q.utterance_id = u.utterance_id) AS first_outlet
FROM utterances u;
