"""The small frozen records that flow between the pure steps of the pipeline.

Every stage takes and returns these (or Arrow tables built from them), so each step can be
tested on its own without Prefect, DuckDB or the file system.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from schemas.vocab import (
    Precision,
    QuoteFinder,
    QuoteKind,
    QuoteRule,
    RejectStage,
    SaidOnSource,
    SpeakerKind,
)


@dataclass(frozen=True)
class RawRecord:
    """One record as a loader found it, before cleaning.

    ``kind`` says how ``content`` is to be read: ``text`` (a plain-text dump, junk attached),
    ``html`` (a page), or ``fields`` (a news-dump record whose ``meta`` already carries title,
    text and so on, as news-please / CC-News JSON Lines do).
    """

    source_uri: str
    source_locator: str
    kind: str
    content: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reject:
    """A record (or a whole source) that could not become an article, and why."""

    source_uri: str
    source_locator: str
    stage: RejectStage
    reason: str


@dataclass(frozen=True)
class Extracted:
    """What cleaning recovers from one record: the article and its metadata, no ids yet."""

    body: str
    title: str | None = None
    standfirst: str | None = None
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    published_at_source: str | None = None
    outlet: str | None = None
    url: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Article:
    """A cleaned article with its identity and provenance."""

    article_id: str
    content_hash: str
    source_uri: str
    source_locator: str
    url: str | None
    outlet: str | None
    title: str | None
    standfirst: str | None
    authors: tuple[str, ...]
    published_at: datetime | None
    published_at_source: str | None
    language: str | None
    body: str
    body_cut_chars: int = 0  # characters cut from the end of an over-long body


@dataclass(frozen=True)
class Mention:
    """One span of ``Article.body`` that names an entity; ``cluster`` indexes the article's
    entities."""

    text: str
    start: int
    end: int
    label: str
    cluster: int


@dataclass(frozen=True)
class EntityCluster:
    """The mentions of one entity inside one article, under its fullest name."""

    name: str
    label: str
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    # People only (None for the rest): male, female or unknown, and what the text said it with
    # (honorific, pronoun, unknown): tasks/nlp/gender.py.
    gender: str | None = None
    gender_evidence: str | None = None


@dataclass(frozen=True)
class Quote:
    """Something someone said, found in one article. Offsets index ``Article.body``.

    ``speaker_cluster`` indexes the article's entity clusters (None when the speaker is not a
    named entity). ``speaker_kind`` is one of ``person``, ``organisation``, ``unnamed`` (an
    anonymous source: "one insider") or ``unknown``. ``rule`` names the rule that found the
    quote, and ``confidence`` is that rule's measured precision (``tasks.nlp.quotes.rules``).
    """

    kind: QuoteKind
    quote_text: str
    quote_start: int
    quote_end: int
    speaker_text: str | None
    speaker_start: int | None
    speaker_end: int | None
    speaker_kind: SpeakerKind
    speaker_cluster: int | None
    speaker_name: str | None
    speaker_role: str | None
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    confidence: float
    rule: QuoteRule
    # For a quote split by its cue ("A," he said, "B."): each piece's (start, end); quote_text
    # is the pieces joined by a space. Empty when the quote is one piece.
    segments: tuple[tuple[int, int], ...] = ()
    # "rule" (tasks/nlp/quotes/) or "tagger" (the optional attribution tagger).
    found_by: QuoteFinder = "rule"
    # The cluster of the person or body the speaker speaks for ("aides for Mr Balls": Ed
    # Balls), when the speaker phrase names one; never the speaker's own cluster.
    speaker_affiliation_cluster: int | None = None


@dataclass(frozen=True)
class SaidOn:
    """When a quote was said, resolved against the article's publication date."""

    said_on: date | None
    said_on_text: str | None
    precision: Precision
    source: SaidOnSource


@dataclass(frozen=True)
class Analysis:
    """Everything the NLP stage finds in one article."""

    article_id: str
    entities: tuple[EntityCluster, ...]
    mentions: tuple[Mention, ...]
    quotes: tuple[Quote, ...]
    said_on: tuple[SaidOn, ...]  # one per quote, same order


@dataclass(frozen=True, kw_only=True)
class RunRow:
    """One ingest run as its ``runs`` row: the fields are the columns of ``schemas.tables.RUNS``,
    in order (``tasks.store.rows.runs_table`` refuses a record that drifts from it)."""

    run_id: str
    flow_run_id: str | None = None
    started_at: datetime
    finished_at: datetime | None = None
    sources: tuple[str, ...] | None = None
    records_read: int
    articles: int
    duplicates: int
    rejects: int
    quotes: int
    mentions: int
    stage_seconds: dict[str, float] = field(default_factory=dict)
