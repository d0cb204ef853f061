"""Reported speech: what a cue word reports, without quote marks, attributed to its subject.

``reported_quotes`` looks only at the tokens whose lower-case form can cue (``cue_candidates``):

- "according to X": the sentence around the phrase, said by X (rule ``according_to``);
- "In a ... poll, ..." opening a sentence: the sentence, said by the poll (``poll``);
- a speech noun with a that-clause and an owner ("X's warning that ...", "the claim by X
  that ..."): the clause; with an owner and no clause, its prepositional object ("X's attacks
  on Y") (``speech_noun``);
- a verb: first its cue (a speech verb or a verb whose object is what was said:
  ``reported_speech``; a verb or adjective of belief or wanting: ``attitude``), then what it
  reports (``complements.complement_extent``, or the clause it interrupts: "The plan, he said,
  is dead"), then its speaker (the subject; for an adjective, the copula's).
"""

from __future__ import annotations

from spacy.tokens import Token

from schemas.vocab import QuoteRule
from tasks.nlp.quotes.complements import (
    OBJECT_PREDICATE_PREPS,
    RELATIVE_TAGS,
    THAT,
    Extent,
    clause_around,
    complement_extent,
    has_subject_clause,
    min_words,
    trim,
)
from tasks.nlp.quotes.context import ArticleContext
from tasks.nlp.quotes.cues import (
    VERB_POS,
    is_attitude_verb,
    is_object_cue_verb,
    is_speech_verb,
    is_stance_adjective,
    object_verb_forms,
    poll_noun_forms,
    speech_noun_forms,
)
from tasks.nlp.quotes.rules import CONFIDENCE, Found, QuoteOptions, confidence
from tasks.nlp.quotes.syntax import is_passive, marked_by

# "I think", "you know", "it seeks to": with these subjects an attitude verb is mostly talk or a
# thing, not someone's stance (train precision 0.43, 0.45, 0.50 against 0.78 for named people).
ATTITUDE_NO_SPEAKERS = frozenset({"i", "you", "it"})

# Where reported content lies: (start, end) characters, and the pieces when the cue's own words
# cut it in two ("The plan, he said, is dead").
Content = tuple[tuple[int, int], list[tuple[int, int]]]


def reported_quotes(art: ArticleContext, options: QuoteOptions) -> list[Found]:
    """Indirect quotes of every cue word in the article, in text order."""
    found: list[Found] = []
    nouns = speech_noun_forms()
    for i in art.cue_candidates:
        token = art.doc[i]
        lower = token.lower_
        if lower == "according":
            item = _according_to(art, token)
        elif lower == "in" and token.dep_ == "prep":
            item = _in_poll(art, token)
        elif token.pos_ == "NOUN" and lower in nouns:
            item = _noun_cue(art, token) or _noun_prep_cue(art, token)
        else:
            item = _verb_cue(art, token, options)
        if item is not None:
            found.append(item)
    return found


# -- cue words -------------------------------------------------------------------------------


def _verb_cue(art: ArticleContext, token: Token, options: QuoteOptions) -> Found | None:
    """What a speech or attitude verb (or stance adjective) reports, said by its subject."""
    rule = _cue_rule(token, options)
    if rule is None:
        return None
    attitude = rule == "attitude"
    if attitude and (is_passive(token) or token.dep_ in ("acl", "amod")):
        # "The bank is expected to act", "Adelson, expected to be the top donor": whoever
        # expects it is not the subject.
        return None
    content = _reported_content(art, token, attitude)
    if content is None:
        return None
    # A stance adjective's holder is the subject of the copula it follows.
    holder = token.head if is_stance_adjective(token) else token
    speaker = art.speaker_of(holder)
    if speaker is None or (attitude and speaker.text.lower() in ATTITUDE_NO_SPEAKERS):
        return None
    (start, end), parts = content
    return Found(
        "indirect",
        start,
        end,
        speaker,
        token,
        rule,
        confidence(rule, speaker),
        art.paragraph_of(start),
        parts,
    )


def _cue_rule(token: Token, options: QuoteOptions) -> QuoteRule | None:
    """Which rule a cue word is for: a speech verb, or a verb whose object is what was said,
    reports speech; a verb of belief or wanting, or a stance adjective after a copula ("is
    confident that"), an attitude (when ``options.attitudes``)."""
    if is_speech_verb(token):
        return "reported_speech"
    if is_attitude_verb(token) or is_stance_adjective(token):
        return "attitude" if options.attitudes else None
    if is_object_cue_verb(token):
        return "reported_speech"
    return None


def _reported_content(art: ArticleContext, token: Token, attitude: bool) -> Content | None:
    """The characters a cue reports: its complement, or else the clause it interrupts."""
    doc = art.doc
    extent = complement_extent(token)
    if extent is not None:
        if attitude and not has_subject_clause(token, extent):
            # "what he believes are ...", "Clinton thinks should be made public": the clause
            # lost its subject to a relative or question, so it is not the whole belief.
            return None
        start_i, end_i, need_verb = extent
        span = trim(doc, start_i, end_i, need_verb=need_verb, min_words=min_words(doc, extent))
        return (span, []) if span is not None else None
    return _relative_object(art, token) or _interrupted_clause(art, token)


def _relative_object(art: ArticleContext, verb: Token) -> Content | None:
    """ "the group, which Hollande blamed for the attacks", "a man whom he described as a
    friend": the relative pronoun the verb takes as its object, with the predicate the verb
    gives it, is what was said of it (PolNeAR's Content: "which ... for the attacks"; on train
    F1 +0.0003, exact F1 +0.0005, dev unchanged)."""
    if verb.dep_ != "relcl" or verb.lower_ not in object_verb_forms():
        return None
    pronoun = next(
        (c for c in verb.children if c.dep_ == "dobj" and c.i < verb.i and c.tag_ in RELATIVE_TAGS),
        None,
    )
    if pronoun is None:
        return None
    doc = art.doc
    word = (pronoun.idx, pronoun.idx + len(pronoun.text))
    predicate = next(
        (c for c in verb.rights if c.dep_ == "prep" and c.lower_ in OBJECT_PREDICATE_PREPS), None
    )
    if predicate is None:
        # The pronoun alone ("which he denies") matched a Content 14 times in 41 on train.
        return None
    rest = trim(doc, predicate.i, predicate.right_edge.i + 1, need_verb=False, min_words=2)
    if rest is None:
        return None
    return (word[0], rest[1]), [word, rest]


def _interrupted_clause(art: ArticleContext, token: Token) -> Content | None:
    """ "The plan, he said, is dead." / "The road is shut, he said, because ...": the clause the
    verb interrupts, without the verb's own words, if it holds a verb of its own."""
    around = clause_around(token)
    if around is None:
        return None
    doc = art.doc
    clause, own_lo, own_hi = around
    pieces = [
        trim(doc, clause.left_edge.i, own_lo, need_verb=False, min_words=1),
        trim(doc, own_hi + 1, clause.right_edge.i + 1, need_verb=False, min_words=1),
    ]
    parts = [p for p in pieces if p is not None]
    if not parts:
        return None
    if not any(t.pos_ in VERB_POS for t in clause.subtree if not own_lo <= t.i <= own_hi):
        return None
    return (parts[0][0], parts[-1][1]), parts if len(parts) >= 2 else []


# -- source phrases --------------------------------------------------------------------------


def _according_to(art: ArticleContext, token: Token) -> Found | None:
    to = next((c for c in token.children if c.lower_ == "to"), None)
    obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    if obj is None:
        return None
    return _clause_with_source(art, token, obj, "according_to")


def _in_poll(art: ArticleContext, token: Token) -> Found | None:
    """'In a Fox News poll released Thursday, 50 percent chose Clinton': a sentence opening "In"
    a poll (or "the average of ... polls") has the poll as its source (poll_nouns.txt says
    why only the opener)."""
    if token.i != token.sent.start:
        return None
    obj = next((c for c in token.children if c.dep_ == "pobj"), None)
    if obj is None or obj.pos_ not in ("NOUN", "PROPN"):
        return None
    polls = poll_noun_forms()
    if obj.lower_ not in polls and not any(
        t.lower_ in polls and t.dep_ == "pobj" and t.head.head is obj for t in obj.subtree
    ):
        return None
    if is_speech_verb(token.head):
        # "In a poll, 52 percent said ...": the speech verb is the cue, and the rules for it
        # take the clause.
        return None
    return _clause_with_source(art, token, obj, "poll")


def _clause_with_source(
    art: ArticleContext, token: Token, obj: Token, rule: QuoteRule
) -> Found | None:
    """The sentence around a source phrase ("according to X", "in a poll"), on whichever side
    of the phrase holds more of it, attributed to the phrase's object."""
    phrase_start, phrase_end = token.i, obj.right_edge.i + 1
    sent = token.sent
    left = (sent.start, phrase_start)
    right = (phrase_end, sent.end)
    side = left if left[1] - left[0] >= right[1] - right[0] else right
    span = trim(art.doc, *side)
    if span is None:
        return None
    return Found(
        "indirect",
        span[0],
        span[1],
        art.resolve(obj),
        token,
        rule,
        CONFIDENCE[rule],
        art.paragraph_of(span[0]),
    )


def _noun_cue(art: ArticleContext, noun: Token) -> Found | None:
    """ "X's warning that ...", "the claim by X that ...": the that-clause, said by the owner."""
    clause = next(
        (c for c in noun.children if c.dep_ in ("acl", "ccomp", "relcl") and marked_by(c, THAT)),
        None,
    )
    if clause is None:
        return None
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None:
        by = next((c for c in noun.children if c.lower_ in ("by", "from")), None)
        owner = next((c for c in by.children if c.dep_ == "pobj"), None) if by else None
    if owner is None:
        return None
    span = trim(art.doc, clause.left_edge.i, clause.right_edge.i + 1)
    if span is None:
        return None
    return _speech_noun_quote(art, noun, owner, span)


# Prepositions that introduce what an owned speech noun is about ("Trump's attacks on Clinton",
# "her remarks about the deal"). On PolNeAR train, 38 of 64 such quotes matched a Content (F1
# +0.0008, dev +0.0008); any cue word used as a noun, not only speech nouns, was 63 of 109 with
# the place "state" left out (dev precision 0.8785, under the floor), 77 of 168 with it.
NOUN_PREPS = frozenset({"on", "for", "about", "of", "against"})


def _noun_prep_cue(art: ArticleContext, noun: Token) -> Found | None:
    """ "Trump's attacks on Clinton", "her comments about the deal": a speech noun with an owner
    and no that-clause reports its prepositional object, said by the owner."""
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None:
        return None
    prep = next((c for c in noun.rights if c.dep_ == "prep" and c.lower_ in NOUN_PREPS), None)
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep else None
    if obj is None:
        return None
    span = trim(art.doc, obj.left_edge.i, obj.right_edge.i + 1, need_verb=False, min_words=1)
    if span is None:
        return None
    return _speech_noun_quote(art, noun, owner, span)


def _speech_noun_quote(
    art: ArticleContext, noun: Token, owner: Token, span: tuple[int, int]
) -> Found:
    """The ``speech_noun`` quote of ``noun`` over the token span ``span``, said by ``owner``."""
    rule: QuoteRule = "speech_noun"
    return Found(
        "indirect",
        span[0],
        span[1],
        art.resolve(owner),
        noun,
        rule,
        CONFIDENCE[rule],
        art.paragraph_of(span[0]),
    )


__all__ = ["Extent", "reported_quotes"]
