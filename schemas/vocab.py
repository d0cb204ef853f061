"""The warehouse's enumerations: each column with a fixed vocabulary declared once, as a
``Literal`` type for the records in ``tasks.model`` and mypy, and as the tuple of its values
(``values``) for the schema's accepted-values checks and docs (``schemas.tables``).

Kept apart from ``schemas.tables`` so that the pipeline's records can be typed without Arrow.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

QuoteKind = Literal["direct", "indirect", "partial"]
QuoteFinder = Literal["rule", "tagger"]
# The rule that found a quote (tasks/nlp/quotes/); each has its own measured precision, which is
# the quote's confidence (tasks.nlp.quotes.rules.CONFIDENCE, docs/quotes.md).
QuoteRule = Literal[
    "marked_cue",  # quote marks with a speech verb before or after them
    "marked_inherited",  # quote marks, the speaker of the quote before
    "marked_uncued",  # quote marks opening a sentence, no cue and no speaker
    "marked_governed",  # quoted words inside a clause a speech verb governs
    "unmarked_paragraph",  # a paragraph without marks after one ending "..., saying:"
    "speaker_label",  # "Lynch: No outside influence ..."
    "reported_speech",  # a speech verb with what it reports
    "attitude",  # a verb or adjective of belief or wanting with what it reports
    "according_to",  # "according to X"
    "poll",  # a sentence opening "In a ... poll,"
    "speech_noun",  # "X's warning that ..."
    "tagger",  # the optional trained attribution tagger (found_by = 'tagger')
]
SpeakerKind = Literal["person", "organisation", "unnamed", "unknown"]
Precision = Literal["day", "week", "month", "year", "unknown"]
SaidOnSource = Literal["expression", "published", "unknown"]
# Where a record was turned away: listing or opening a source, reading a record, cleaning it, or
# the NLP of an article (the load has no rejects: a failed load keeps the data in Parquet).
RejectStage = Literal["source", "read", "clean", "nlp"]
PublishedAtSource = Literal["metadata", "html", "url", "text"]
DuplicateMethod = Literal["exact", "near"]
# A person's gender as the text gives it, and by what (tasks/nlp/gender.py); never guessed from
# a first name.
Gender = Literal["female", "male", "unknown"]
GenderEvidence = Literal["honorific", "pronoun", "unknown"]
EntityLabel = Literal[
    "PERSON",
    "ORG",
    "GPE",
    "NORP",
    "LOC",
    "FAC",
    "EVENT",
    "PRODUCT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
]


def values(vocabulary: Any) -> tuple[str, ...]:
    """The allowed values of a ``Literal`` vocabulary, in declared order."""
    return tuple(get_args(vocabulary))
