"""The warehouse contract: every table declared once, as an Arrow schema with a description
per column.

The Parquet writer, the DuckDB DDL (``schemas.ddl``) and the schema reference in
``docs/schema.md`` (``python -m schemas.ddl``) are all generated from these declarations.
Columns may be added; none is renamed or removed without a major version.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from schemas.vocab import (
    DuplicateMethod,
    EntityLabel,
    Gender,
    GenderEvidence,
    Precision,
    PublishedAtSource,
    QuoteFinder,
    QuoteKind,
    QuoteRule,
    RejectStage,
    SaidOnSource,
    SpeakerKind,
    values,
)

UTC_TS = pa.timestamp("us", tz="UTC")
STRINGS = pa.list_(pa.string())
SPANS = pa.list_(pa.struct([("start", pa.int32()), ("end", pa.int32())]))


def col(name: str, type_: pa.DataType, description: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": description})


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    schema: pa.Schema
    key: tuple[str, ...]
    # Columns with a fixed vocabulary, checked after every load (schemas/checks).
    accepted: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Written by parallel batch tasks (True) or rebuilt by the single load step (False).
    per_batch: bool = True
    sort_by: tuple[str, ...] = ()


QUOTE_KINDS = values(QuoteKind)
QUOTE_FINDERS = values(QuoteFinder)
QUOTE_RULES = values(QuoteRule)
SPEAKER_KINDS = values(SpeakerKind)
ENTITY_LABELS = values(EntityLabel)
PRECISIONS = values(Precision)
SAID_ON_SOURCES = values(SaidOnSource)
REJECT_STAGES = values(RejectStage)
PUBLISHED_AT_SOURCES = values(PublishedAtSource)
DUPLICATE_METHODS = values(DuplicateMethod)
GENDERS = values(Gender)
GENDER_EVIDENCE = values(GenderEvidence)

ARTICLES = Table(
    "articles",
    "One row per distinct article. Exact and near duplicates are kept out and listed in "
    "`duplicates`.",
    pa.schema(
        [
            col("article_id", pa.string(), "Stable id: hash of the normalised body text.", False),
            col("source_uri", pa.string(), "File path or URL the record was read from.", False),
            col(
                "source_locator",
                pa.string(),
                "Where in the source: `line:N`, `member:NAME`, `warc:<WARC-Record-ID>`, `file`, "
                "`part:N` for the Nth article of a multi-article dump; nested as `a/b`.",
                False,
            ),
            col("url", pa.string(), "The article's own URL, when known."),
            col(
                "outlet", pa.string(), "Publication name or domain, from metadata or the URL host."
            ),
            col("title", pa.string(), "Headline."),
            col("standfirst", pa.string(), "Standfirst / description line under the headline."),
            col("authors", STRINGS, "Bylined authors, as written."),
            col("published_at", UTC_TS, "Publication time (UTC). NULL when no source gives it."),
            col(
                "published_at_source",
                pa.string(),
                "Where published_at came from: metadata, html, url, text.",
            ),
            col(
                "language",
                pa.string(),
                "ISO 639-1 code detected from the body. The NLP model is English: an article "
                "detected as another language is kept but gets no entities, mentions or quotes.",
            ),
            col(
                "body",
                pa.string(),
                "Cleaned article text; every offset in the warehouse indexes it.",
                False,
            ),
            col("word_count", pa.int32(), "Words in body.", False),
            col(
                "body_cut_chars",
                pa.int32(),
                "Characters cut from the end of an over-long body at a paragraph break (0: whole). "
                "The limit is `Limits.max_article_chars`, 200,000.",
                False,
            ),
            col(
                "content_hash",
                pa.string(),
                "SHA-256 of the normalised body (exact-duplicate key).",
                False,
            ),
            col("run_id", pa.string(), "The run that first loaded the article.", False),
        ]
    ),
    key=("article_id",),
    accepted=(("published_at_source", PUBLISHED_AT_SOURCES),),
    sort_by=("published_at", "article_id"),
)

DUPLICATES = Table(
    "duplicates",
    "Records that repeated an article already kept (exactly, or nearly: the same wire story, a "
    "re-crawl with a changed footer). Counted so that records read = articles + duplicates + "
    "rejects, and each one a copy that carries the kept article's quotes: utterances, "
    "speaker_timeline and widely_carried count every copy (view `article_copies`).",
    pa.schema(
        [
            col("source_uri", pa.string(), "Where the duplicate record was read.", False),
            col("source_locator", pa.string(), "Where in the source.", False),
            col("duplicate_of", pa.string(), "article_id of the canonical article.", False),
            col("method", pa.string(), "exact (same content hash) or near (MinHash).", False),
            col(
                "similarity", pa.float32(), "Estimated Jaccard similarity to the canonical article."
            ),
            col("url", pa.string(), "The duplicate's own URL, when known."),
            col("outlet", pa.string(), "The duplicate's outlet, when known."),
            col("published_at", UTC_TS, "The duplicate's own publication time, when known."),
            col("title", pa.string(), "The duplicate's own headline, when known."),
            col("run_id", pa.string(), "The run that read it.", False),
        ]
    ),
    key=("source_uri", "source_locator", "run_id"),
    accepted=(("method", DUPLICATE_METHODS),),
)

ENTITIES = Table(
    "entities",
    "One row per real-world entity across the whole warehouse (people, organisations, places, "
    "groups), with every name it goes by.",
    pa.schema(
        [
            col("entity_id", pa.string(), "Stable id: hash of label and canonical name.", False),
            col("name", pa.string(), "Canonical (fullest) name, e.g. 'Ed Balls'.", False),
            col("label", pa.string(), "spaCy entity label: PERSON, ORG, GPE, NORP, ...", False),
            col("aliases", STRINGS, "Other surface forms seen: 'Mr Balls', 'Balls'."),
            col("roles", STRINGS, "Roles seen in appositives: 'Shadow Chancellor'."),
            col("n_articles", pa.int32(), "Articles mentioning it.", False),
            col("n_mentions", pa.int32(), "Mentions across all articles.", False),
            col(
                "gender",
                pa.string(),
                "People: female, male or unknown, as the articles' text gives it (the "
                "honorifics used with the name, else the pronouns that refer to the person; "
                "never from a first name), the side with two thirds of the articles that give "
                "one. NULL for other entities.",
            ),
            col(
                "gender_evidence",
                pa.string(),
                "What gender rests on: honorific, pronoun or unknown. NULL for non-people.",
            ),
        ]
    ),
    key=("entity_id",),
    accepted=(
        ("label", ENTITY_LABELS),
        ("gender", GENDERS),
        ("gender_evidence", GENDER_EVIDENCE),
    ),
    per_batch=False,
)

MENTIONS = Table(
    "mentions",
    "Each span of an article body that names an entity.",
    pa.schema(
        [
            col("article_id", pa.string(), "Article whose body the offsets index.", False),
            col("entity_id", pa.string(), "The entity it names.", False),
            col("text", pa.string(), "The span as written.", False),
            col("start", pa.int32(), "Start character offset into articles.body.", False),
            col("end", pa.int32(), "End character offset (exclusive).", False),
            col("label", pa.string(), "spaCy entity label.", False),
        ]
    ),
    key=("article_id", "start", "end"),
    accepted=(("label", ENTITY_LABELS),),
    sort_by=("entity_id", "article_id"),
)

ENTITY_OCCURRENCES = Table(
    "entity_occurrences",
    "Each entity as it appears in one article: the per-article half of `entities`, written by the "
    "parallel NLP tasks and rolled up into `entities` at every load.",
    pa.schema(
        [
            col("entity_id", pa.string(), "The entity.", False),
            col("article_id", pa.string(), "The article it appears in.", False),
            col("name", pa.string(), "Its fullest name in this article.", False),
            col("label", pa.string(), "spaCy entity label.", False),
            col("aliases", STRINGS, "Other surface forms in this article."),
            col("roles", STRINGS, "Roles given to it in this article."),
            col("n_mentions", pa.int32(), "Mentions in this article.", False),
            col(
                "gender",
                pa.string(),
                "People: female, male or unknown in this article (tasks/nlp/gender.py). NULL "
                "for other entities, and in rows of runs made before the column existed.",
            ),
            col(
                "gender_evidence",
                pa.string(),
                "honorific ('Mrs Clinton'), pronoun ('she' referring to the person) or unknown.",
            ),
        ]
    ),
    key=("entity_id", "article_id"),
    accepted=(
        ("label", ENTITY_LABELS),
        ("gender", GENDERS),
        ("gender_evidence", GENDER_EVIDENCE),
    ),
)

QUOTES = Table(
    "quotes",
    "Things people said, one row per occurrence in an article.",
    pa.schema(
        [
            col("quote_id", pa.string(), "Stable id: hash of article_id and offsets.", False),
            col("article_id", pa.string(), "Article the quote was found in.", False),
            col(
                "kind",
                pa.string(),
                "direct (in quote marks), indirect (reported), partial "
                "(a quoted fragment inside reported speech).",
                False,
            ),
            col("quote_text", pa.string(), "What was said, without the quote marks.", False),
            col("quote_start", pa.int32(), "Start offset of quote_text in articles.body.", False),
            col("quote_end", pa.int32(), "End offset (exclusive).", False),
            col(
                "quote_segments",
                SPANS,
                "For a quote its cue splits in two or more pieces "
                '("A," he said, "B."): each piece\'s offsets; quote_text is the pieces joined by '
                "a space and quote_start/quote_end span them all. Empty for a quote in one piece.",
            ),
            col(
                "speaker_text",
                pa.string(),
                "The speaker as written: 'he', 'Mr Balls', 'one insider'.",
            ),
            col("speaker_start", pa.int32(), "Start offset of speaker_text."),
            col("speaker_end", pa.int32(), "End offset of speaker_text."),
            col(
                "speaker_kind",
                pa.string(),
                "person, organisation, unnamed (anonymous source) or unknown.",
                False,
            ),
            col(
                "speaker_entity_id",
                pa.string(),
                "The entity the speaker resolves to: one per person across the warehouse "
                "(linked at load, tasks/store/identity.py).",
            ),
            col(
                "speaker_name",
                pa.string(),
                "Canonical speaker name, e.g. 'Ed Balls': the name of speaker_entity_id's "
                "entity once loaded.",
            ),
            col(
                "speaker_affiliation_entity_id",
                pa.string(),
                "The person or body the speaker speaks for, when the speaker phrase says so: "
                "'aides for Mr Balls', 'a spokesman for the Treasury', \"Clinton's campaign\" "
                "(the speaker is then an unnamed source or an organisation, never the "
                "principal), 'Kellyanne Conway, Trump's campaign manager'.",
            ),
            col(
                "speaker_role",
                pa.string(),
                "The speaker's role in this article, e.g. 'general secretary of the PCS union'.",
            ),
            col("cue", pa.string(), "The cue word as written: 'said', 'argues', 'warning'."),
            col("cue_start", pa.int32(), "Start offset of the cue."),
            col("cue_end", pa.int32(), "End offset of the cue."),
            col("said_on", pa.date32(), "When it was said, as far as the text tells."),
            col(
                "said_on_text",
                pa.string(),
                "The words said_on came from: 'yesterday', 'on Friday'.",
            ),
            col("said_on_precision", pa.string(), "day, week, month, year or unknown.", False),
            col(
                "said_on_source",
                pa.string(),
                "expression (from the text), published (the "
                "publication date, no expression found) or unknown.",
                False,
            ),
            col(
                "confidence",
                pa.float32(),
                "0-1: the measured precision (PolNeAR train) of the rule that found the "
                "quote; at >= 0.8, 0.907 of quotes are right on PolNeAR dev "
                "(docs/quotes.md).",
                False,
            ),
            col(
                "found_by",
                pa.string(),
                "rule (tasks/nlp/quotes/) or tagger (the optional trained attribution tagger, "
                "WHOSAID_ATTRIBUTION_MODEL, confidence 0.65). NULL in rows of runs made before "
                "the column existed, which are all rule.",
            ),
            col(
                "rule",
                pa.string(),
                "The rule that found the quote; confidence is that rule's measured precision, "
                "so filter on rule to keep or drop one way of finding quotes (docs/quotes.md "
                "describes each). NULL in rows of runs made before the column existed.",
            ),
            col("utterance_id", pa.string(), "The utterance this quote reports (set at load)."),
        ]
    ),
    key=("quote_id",),
    accepted=(
        ("kind", QUOTE_KINDS),
        ("found_by", QUOTE_FINDERS),
        ("rule", QUOTE_RULES),
        ("speaker_kind", SPEAKER_KINDS),
        ("said_on_precision", PRECISIONS),
        ("said_on_source", SAID_ON_SOURCES),
    ),
    sort_by=("speaker_name", "said_on"),
)

UTTERANCES = Table(
    "utterances",
    "One row per thing said, however many articles and outlets reported it.",
    pa.schema(
        [
            col(
                "utterance_id", pa.string(), "Stable id: hash of speaker and canonical text.", False
            ),
            col("speaker_entity_id", pa.string(), "The speaker's entity, when resolved."),
            col("speaker_name", pa.string(), "Canonical speaker name."),
            col("canonical_text", pa.string(), "The words, as in the earliest report.", False),
            col("first_said_on", pa.date32(), "Earliest said_on among its quotes."),
            col("first_published_at", UTC_TS, "Earliest publication among the reporting articles."),
            col("n_quotes", pa.int32(), "Quotes reporting it.", False),
            col("n_articles", pa.int32(), "Articles reporting it.", False),
            col("n_outlets", pa.int32(), "Distinct outlets reporting it.", False),
        ]
    ),
    key=("utterance_id",),
    per_batch=False,
)

REJECTS = Table(
    "rejects",
    "Records (or whole sources) that could not become articles, with the reason.",
    pa.schema(
        [
            col("source_uri", pa.string(), "File path or URL.", False),
            col("source_locator", pa.string(), "Where in the source.", False),
            col("stage", pa.string(), "Where it was turned away.", False),
            col("reason", pa.string(), "Why, in one line.", False),
            col("run_id", pa.string(), "The run that met it.", False),
        ]
    ),
    key=("source_uri", "source_locator", "stage", "run_id"),
    accepted=(("stage", REJECT_STAGES),),
)

RUNS = Table(
    "runs",
    "One row per ingest run, with its accounting: records_read = articles + duplicates + rejects.",
    pa.schema(
        [
            col("run_id", pa.string(), "whosaid's run id.", False),
            col("flow_run_id", pa.string(), "Prefect flow run id."),
            col("started_at", UTC_TS, "Start time.", False),
            col("finished_at", UTC_TS, "End time."),
            col("sources", STRINGS, "Sources given to the run."),
            col("records_read", pa.int64(), "Records read from all sources.", False),
            col("articles", pa.int64(), "New articles kept.", False),
            col("duplicates", pa.int64(), "Records that repeated a kept article.", False),
            col("rejects", pa.int64(), "Records rejected.", False),
            col("quotes", pa.int64(), "Quotes found in the new articles.", False),
            col("mentions", pa.int64(), "Entity mentions in the new articles.", False),
            col("stage_seconds", pa.map_(pa.string(), pa.float64()), "Wall time per stage."),
        ]
    ),
    key=("run_id",),
    per_batch=False,
)

TABLES: tuple[Table, ...] = (
    ARTICLES,
    DUPLICATES,
    ENTITIES,
    ENTITY_OCCURRENCES,
    MENTIONS,
    QUOTES,
    UTTERANCES,
    REJECTS,
    RUNS,
)
BY_NAME = {t.name: t for t in TABLES}
