"""Quotes from the optional attribution tagger's spans (``tasks.nlp.attribution_model``): its
Contents that no rule found, each kept only with a tagged Cue next to it and a speaker who
resolves to a person, an organisation or an unnamed source."""

from __future__ import annotations

from collections.abc import Sequence

from schemas.vocab import QuoteRule
from tasks.nlp import attribution_model
from tasks.nlp.attribution_model import TaggedSpan
from tasks.nlp.quotes.context import ArticleContext
from tasks.nlp.quotes.cues import VERB_POS
from tasks.nlp.quotes.rules import CONFIDENCE, Found

# A Content is kept only with a tagged Cue within this many tokens of one of its edges ("said
# that ...", "..., he said" are one or two away); Cues further off belong to other Contents. In
# PolNeAR train, 96% of Cues lie within 3 tokens of their Content.
TAGGED_CUE_WINDOW = 3
# A tagged Source within this many tokens speaks for a Content whose cue word has no subject of
# its own: in PolNeAR train, 99.9% of Sources lie within 40 tokens of their Content (98% within
# 20), about two sentences of news prose.
TAGGED_SOURCE_WINDOW = 40


def tagged_quotes(
    art: ArticleContext, tagged: Sequence[TaggedSpan], found: list[Found]
) -> list[Found]:
    """The tagger's Contents that overlap none of ``found``, attributed to the cue word's
    subject or else to the nearest tagged Source. One whose speaker resolves to no person,
    organisation or unnamed source is dropped: on PolNeAR dev those were right 0.49 of the
    time, with the speaker right 0.68."""
    doc = art.doc

    def tokens(start: int, end: int) -> tuple[int, int]:
        return art.token_index(start), art.token_index(end - 1) + 1

    def gap(a: tuple[int, int], b: tuple[int, int]) -> int:
        return max(a[0] - b[1], b[0] - a[1], 0)

    cues = [tokens(s, e) for label, s, e in tagged if label == "CUE"]
    sources = [tokens(s, e) for label, s, e in tagged if label == "SOURCE"]
    rule: QuoteRule = "tagger"
    # The model's own measured precision when its meta.json records one, else the rule's.
    measured = attribution_model.confidence()
    confidence = CONFIDENCE[rule] if measured is None else measured
    out = []
    for label, start, end in tagged:
        if label != "CONTENT" or any(f.start < end and start < f.end for f in found):
            continue
        span = tokens(start, end)
        near = [c for c in cues if gap(c, span) <= TAGGED_CUE_WINDOW]
        if not near:
            continue
        c0, c1 = min(near, key=lambda c: gap(c, span))
        words = doc[c0:c1]
        # "had declared", "is pushing for": the main verb, not the auxiliary, has the subject.
        cue = next((t for t in words if t.pos_ == "VERB"), words.root)
        speaker = art.speaker_of(cue) if cue.pos_ in VERB_POS else None
        if speaker is None:
            nearest = min(sources, key=lambda s: gap(s, span), default=None)
            if nearest is not None and gap(nearest, span) <= TAGGED_SOURCE_WINDOW:
                source = doc[nearest[0] : nearest[1]]
                speaker = art.resolver.resolve(source.start, source.end, source.root)
        if speaker is None or speaker.kind == "unknown":
            continue
        out.append(
            Found(
                "indirect",
                start,
                end,
                speaker,
                cue,
                rule,
                confidence,
                art.paragraph_of(start),
            )
        )
    return out
