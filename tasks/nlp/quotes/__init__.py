"""Quotations and reported speech in one article, each attributed to a speaker.

``extract_quotes`` runs the finders over one parsed article and reconciles what they propose:

============================ =============================================================
module                       mechanism
============================ =============================================================
``marks``                    the quote-mark scanner over plain text (no model)
``cues``                     the cue words (speech, attitude, object verbs, speech nouns)
                             in every form, read from ``tasks/lexicon/``
``syntax``, ``context``      parse helpers, and the article as the finders see it
``marked``                   quotes in quote marks: cued, governed, inherited, uncued
``unmarked``                 a paragraph after '..., saying:', and speaker labels
``reported``, ``complements`` reported speech: a cue word and what it reports
``tagged``                   the optional attribution tagger's Contents
``reconcile``                one quote per stretch of text
``rules``                    each rule's confidence, the options, a found quote
============================ =============================================================

Every quote names the rule that found it (``Quote.rule``, the ``quotes.rule`` column), and its
confidence is that rule's measured precision. docs/quotes.md describes each rule and how well
it does.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from tasks.model import EntityCluster, Mention, Quote
from tasks.nlp.attribution_model import TaggedSpan
from tasks.nlp.quotes.context import ArticleContext
from tasks.nlp.quotes.cues import (
    attitude_verb_forms,
    is_attitude_verb,
    is_object_cue_verb,
    is_speech_verb,
    object_verb_forms,
    prep_verb_forms,
    speech_noun_forms,
    speech_verb_forms,
    stance_adjective_forms,
)
from tasks.nlp.quotes.marked import marked_quotes
from tasks.nlp.quotes.marks import QuotedSpan, find_quoted_spans
from tasks.nlp.quotes.reconcile import reconcile, without_labelled
from tasks.nlp.quotes.reported import reported_quotes
from tasks.nlp.quotes.rules import CONFIDENCE, DEFAULT_OPTIONS, Found, QuoteOptions
from tasks.nlp.quotes.tagged import tagged_quotes
from tasks.nlp.quotes.unmarked import speaker_label_lines, unmarked_paragraph_quotes


def extract_quotes(
    doc: Doc,
    clusters: list[EntityCluster],
    mentions: list[Mention],
    tagged: Sequence[TaggedSpan] = (),
    options: QuoteOptions = DEFAULT_OPTIONS,
    byline: tuple[str, ...] = (),
) -> list[Quote]:
    """Direct, partial and indirect quotes of one article, in text order. ``tagged`` holds the
    attribution tagger's (label, start_char, end_char) spans over the same text
    (``tasks.nlp.attribution_model.tag``); without them the rules run alone. ``byline`` is the
    article's authors: the writer's own "I" is the one person it names."""
    art = ArticleContext(doc, clusters, mentions, byline)
    spans = find_quoted_spans(art.text)
    direct = marked_quotes(art, spans) + unmarked_paragraph_quotes(art, spans)
    direct = without_labelled(art.text, direct, speaker_label_lines(art))
    indirect = reconcile(art.text, direct, reported_quotes(art, options), options)
    if tagged:
        indirect += tagged_quotes(art, tagged, direct + indirect)
    found = sorted(direct + indirect, key=lambda f: (f.start, f.end))
    return [_quote(art.text, item) for item in found]


def _quote(text: str, item: Found) -> Quote:
    speaker, cue = item.speaker, item.cue
    if speaker is not None and speaker.refused:
        # Words that stand where a speaker would but name no one who said it (a passive with
        # no agent, the writer's gloss): the quote keeps no speaker rather than a wrong one.
        speaker = None
    return Quote(
        kind=item.kind,
        quote_text=" ".join(text[s:e] for s, e in item.parts)
        if item.parts
        else text[item.start : item.end],
        quote_start=item.start,
        quote_end=item.end,
        speaker_text=speaker.text if speaker else None,
        speaker_start=speaker.start if speaker else None,
        speaker_end=speaker.end if speaker else None,
        speaker_kind=speaker.kind if speaker else "unknown",
        speaker_cluster=speaker.cluster if speaker else None,
        speaker_name=speaker.name if speaker else None,
        speaker_role=speaker.role if speaker else None,
        cue=cue.text if cue is not None else None,
        cue_start=cue.idx if cue is not None else None,
        cue_end=cue.idx + len(cue.text) if cue is not None else None,
        confidence=round(max(0.0, min(1.0, item.confidence)), 3),
        rule=item.rule,
        segments=tuple(item.parts) if len(item.parts) > 1 else (),
        found_by=item.found_by,
        speaker_affiliation_cluster=speaker.affiliation if speaker else None,
    )


__all__ = [
    "CONFIDENCE",
    "DEFAULT_OPTIONS",
    "QuoteOptions",
    "QuotedSpan",
    "attitude_verb_forms",
    "extract_quotes",
    "find_quoted_spans",
    "is_attitude_verb",
    "is_object_cue_verb",
    "is_speech_verb",
    "object_verb_forms",
    "prep_verb_forms",
    "speech_noun_forms",
    "speech_verb_forms",
    "stance_adjective_forms",
]
