"""Quotes in quote marks: each quoted span attributed through a cue next to it, the speech verb
whose clause holds it, or the quote before it.

``marked_quotes`` reads the spans of ``tasks.nlp.quotes.marks`` in text order. For each it tries,
in turn:

1. a cue after the closing mark (``"...," X said``, ``"...," said X, the ...``), then before the
   opening one (``X said: "..."``, or a paragraph before that ends ``He said:``): rule
   ``marked_cue``. Quoted words with such a cue in the middle of a sentence that are not a whole
   statement are a ``partial`` quote (``The cuts were "a terrible mistake," she said``);
2. in the middle of a sentence, a speech verb whose complement holds the quoted words
   (``he said he had "huge sympathy" for ...``): a ``partial`` quote, rule ``marked_governed``;
   quoted words no speech verb governs are scare quotes and are dropped;
3. at the start of a sentence, the speaker of the quote before (a quote that goes on):
   ``marked_inherited``; else, for a statement long enough, no speaker at all:
   ``marked_uncued``.

A quote whose cue (or inherited speaker) is the one before's, in the same paragraph, is the next
piece of that quote (``"A," he said, "B."``): one ``Found`` with both as ``parts``.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from schemas.vocab import QuoteKind, QuoteRule
from tasks.nlp.quotes.context import ArticleContext
from tasks.nlp.quotes.cues import TELL_FORMS, VERB_POS, is_speech_verb
from tasks.nlp.quotes.marks import QuotedSpan
from tasks.nlp.quotes.rules import Found, confidence
from tasks.nlp.quotes.syntax import same_token, sentence_end, subject
from tasks.nlp.speakers import Speaker

# Punctuation before an opening mark that introduces the quote ('X said: "..."', 'X said – "'),
# and (without the hyphen) makes quoted words after a mid-sentence cue a quote, not a fragment.
CUE_INTRO_PUNCT = frozenset(":,;—–-")
INTRODUCING_PUNCT = frozenset(":;—–,")
# Punctuation before an opening mark that puts the quote at the start of a sentence.
SENTENCE_OPENERS = frozenset(":;—–.")
SENTENCE_END_INSIDE = ".!?"
SPLIT_END_INSIDE = ",—–-…:;"
# A cue verb must sit within this many tokens of the quote mark it introduces or follows:
# "said Mr Balls, the Shadow Chancellor, in an interview with The Independent on Sunday:" is 14.
MAX_CUE_DISTANCE = 16
# How far past a closing mark to look for the word after it (past spaces and commas): only its
# first letter counts, so any window longer than the spaces and commas gives the same answer.
LOOK_AFTER_CHARS = 40
# Words allowed between a closing quote mark and the ', X said' that follows it ('"..." for
# the victory, Sanders said' has three); on PolNeAR train, 2 and 6 find the same quotes.
AFTER_CUE_SLACK = 4
# A sentence-level quote with no cue and no earlier speaker is kept only from this many words on
# (shorter ones are mostly titles and scare quotes). On PolNeAR train, 4 adds 24 quotes
# (precision -0.001) and 8 drops 23 (+0.001), F1 0.718 all three.
MIN_UNCUED_WORDS = 6
# Quoted words of this many words or more are a statement even when they neither start with a
# capital nor end a sentence; on PolNeAR train, 6 and 10 give the same F1 (0.718).
STATEMENT_WORDS = 8
# An inherited speaker carries over at most this many paragraphs (news quotes run one to three);
# on PolNeAR train, 1 gives F1 -0.0003 and 3 F1 +0.0001.
INHERIT_PARAGRAPHS = 2
# Dependencies quoted words may climb through on their way up to the speech verb governing them:
# complements and objects, not relative or adverbial clauses ("the charge that he is waging a
# "class war"" is a scare quote, not speech).
PARTIAL_CLIMB_DEPS = frozenset(
    {
        "dobj",
        "pobj",
        "attr",
        "acomp",
        "oprd",
        "prep",
        "pcomp",
        "ccomp",
        "xcomp",
        "conj",
        "amod",
        "compound",
        "nsubj",
        "nsubjpass",
        "npadvmod",
        "advmod",
        "dative",
        "appos",
        "nmod",
        "cc",
    }
)
# At most this many other verbs between quoted words and the speech verb governing them; on
# PolNeAR train, 1 drops 4 quotes and 3 adds none, F1 0.718 all three.
PARTIAL_MAX_CLAUSES = 2
# Quoted words in a phrase that says where or to whom something was said are a title, not
# speech: 'said on "This Week"', 'told "New Day"' (most of the partial quotes PolNeAR does not
# match on train).
VENUE_PREPS = frozenset({"on", "in", "at", "to", "during"})


@dataclass(frozen=True)
class _Place:
    """Where a quoted span sits: its tokens, its neighbours, and how it starts and ends."""

    span: QuotedSpan
    content: str
    first_tok: int
    last_tok: int
    open_tok: int
    close_tok: int  # the token of the closing mark (or whatever follows the quoted words)
    paragraph_start: int
    at_paragraph_start: bool
    starts_sentence: bool
    statement: bool
    last_char: str
    previous_span: QuotedSpan | None  # the span before, in the same paragraph
    next_span: QuotedSpan | None  # the span after, in the same paragraph


@dataclass(frozen=True)
class _Attribution:
    """What a phase found for a span: the cue, the speaker, the rule and the kind of quote."""

    cue: Token | None
    speaker: Speaker | None
    rule: QuoteRule
    kind: QuoteKind


def marked_quotes(art: ArticleContext, spans: list[QuotedSpan]) -> list[Found]:
    """Direct and partial quotes of the quoted spans, in text order (see the module docstring)."""
    found: list[Found] = []
    previous: Found | None = None
    for n, span in enumerate(spans):
        place = _place(art, spans, n)
        said = _cued(art, place) or _governed(art, place) or _continued(art, place, previous)
        if said is None:
            continue
        if previous is not None and _next_piece(previous, span, said):
            # The next piece of a split quote, or the same quote going on: one quote, as
            # PolNeAR and readers count it.
            if not previous.parts:
                previous.parts.append((previous.start, previous.end))
            previous.parts.append((span.start, span.end))
            previous.end = span.end
            previous.paragraph = span.paragraph
            continue
        previous = Found(
            said.kind,
            span.start,
            span.end,
            said.speaker,
            said.cue,
            said.rule,
            confidence(said.rule, said.speaker),
            span.paragraph,
        )
        found.append(previous)
    return found


def _place(art: ArticleContext, spans: list[QuotedSpan], n: int) -> _Place:
    """Where the ``n``-th span sits, computed once for every phase."""
    span, text = spans[n], art.text

    def neighbour(k: int) -> QuotedSpan | None:
        other = spans[k] if 0 <= k < len(spans) else None
        return other if other is not None and other.paragraph == span.paragraph else None

    content = text[span.start : span.end]
    first_tok = art.token_index(span.start)
    last_tok = art.token_index(max(span.start, span.end - 1))
    paragraph_start = art.paragraph_start(span.paragraph)
    at_paragraph_start = text[paragraph_start : span.open_mark].strip() == ""
    sent = art.doc[first_tok].sent
    last_char = content.rstrip()[-1:]
    return _Place(
        span=span,
        content=content,
        first_tok=first_tok,
        last_tok=last_tok,
        open_tok=art.token_index(span.open_mark),
        close_tok=last_tok + 1,
        paragraph_start=paragraph_start,
        at_paragraph_start=at_paragraph_start,
        starts_sentence=(
            at_paragraph_start
            or text[sent.start_char : span.open_mark].strip() == ""
            or text[: span.open_mark].rstrip()[-1:] in SENTENCE_OPENERS
        ),
        statement=_is_statement(content, last_char),
        last_char=last_char,
        previous_span=neighbour(n - 1),
        next_span=neighbour(n + 1),
    )


# -- phase 1: a cue next to the marks -------------------------------------------------------


def _cued(art: ArticleContext, place: _Place) -> _Attribution | None:
    """A speech verb after the closing mark or before the opening one. Quoted words with a cue
    in the middle of a sentence that neither read as a statement nor follow an introducing
    colon, semicolon, dash or comma are a partial quote."""
    cued = _cue_after(art, place) or _cue_before(art, place)
    if cued is None:
        return None
    cue, speaker = cued
    partial = (
        not place.starts_sentence
        and not place.statement
        and not _cue_introduces(art.text, place.span)
    )
    return _Attribution(cue, speaker, "marked_cue", "partial" if partial else "direct")


def _cue_after(art: ArticleContext, place: _Place) -> tuple[Token, Speaker | None] | None:
    """'"...," X said.' / '"...," said X, the ... .' / '"..." X told reporters': the first
    speech verb after the closing mark, in the same sentence, with nothing but its speaker (and
    a few words ending the quote's own sentence) between."""
    doc, span = art.doc, place.span
    if not span.closed or not (
        place.last_char in SPLIT_END_INSIDE + "?!"
        or _lower_next(art.text, span)
        or (place.statement and _name_next(doc, place.close_tok))
    ):
        return None
    close_tok = place.close_tok
    hi = min(len(doc), close_tok + MAX_CUE_DISTANCE)
    if place.next_span is not None:
        hi = min(hi, art.token_index(place.next_span.open_mark))
    end = sentence_end(doc, close_tok)
    if end <= close_tok + 1:  # the parse ended the sentence at the mark ('"...?" X said')
        end = sentence_end(doc, close_tok + 1)
    hi = min(hi, end)
    for i in range(close_tok, hi):
        token = doc[i]
        if token.text == "." or "\n" in token.text:
            return None
        if is_speech_verb(token):
            if _only_speaker_between(doc, close_tok, token):
                return token, art.speaker_near(token, close_tok, hi)
            return None
    return None


def _cue_before(art: ArticleContext, place: _Place) -> tuple[Token, Speaker | None] | None:
    """'X said: "..."', 'X writes; "..."', 'X said – "..."': the nearest speech verb before the
    opening mark, in the same sentence and after any quote before it, introducing the quote by
    punctuation or by nothing but "that", a colon or a comma after its own words; else, for a
    quote opening a paragraph, the cue ending the paragraph before ('He said:')."""
    doc, span = art.doc, place.span
    open_tok = place.open_tok
    lo = doc[open_tok].sent.start if open_tok < len(doc) else 0
    if place.previous_span is not None:
        lo = max(lo, art.token_index(place.previous_span.end) + 1)
    lo = max(lo, open_tok - MAX_CUE_DISTANCE, art.token_index(place.paragraph_start))
    intro = art.text[: span.open_mark].rstrip()[-1:] in CUE_INTRO_PUNCT
    for i in range(open_tok - 1, lo - 1, -1):
        token = doc[i]
        if not is_speech_verb(token):
            continue
        tail = doc[token.i + 1 : open_tok]
        introduces = intro or (
            not any(t.pos_ == "VERB" for t in tail)
            and (len(tail) == 0 or tail[-1].lower_ in ("that", ":", ","))
        )
        under = _quoted_under(doc, place.first_tok, place.last_tok, token)
        if under is not None and _venue_or_addressee(under, token):
            break  # 'told "New Day" that ...': the title of a show, not speech
        if introduces:
            return token, art.speaker_near(token, lo, open_tok)
        break
    if place.at_paragraph_start and span.paragraph > 0:
        cue = colon_cue(art, span.paragraph - 1)
        if cue is not None:
            return cue, art.speaker_near(cue, cue.sent.start, cue.sent.end)
    return None


def colon_cue(art: ArticleContext, paragraph: int) -> Token | None:
    """The speech verb of a paragraph that ends in a colon ('..., saying:'), if any."""
    start, end = art.resolver.paragraphs[paragraph]
    block = art.text[start:end].rstrip()
    if not block.endswith(":"):
        return None
    last = art.token_index(start + len(block) - 1)
    for i in range(last - 1, max(art.token_index(start) - 1, last - MAX_CUE_DISTANCE), -1):
        if is_speech_verb(art.doc[i]):
            return art.doc[i]
    return None


def _only_speaker_between(doc: Doc, start: int, verb: Token) -> bool:
    """True when tokens ``[start, verb)`` are only punctuation and the verb's subject phrase."""
    speaker = subject(verb)
    lo, hi = (speaker.left_edge.i, speaker.right_edge.i) if speaker is not None else (-1, -1)
    others = [t for t in doc[start : verb.i] if not (t.is_punct or t.is_space or lo <= t.i <= hi)]
    if not others:
        return True
    # '"... worked so hard" for the victory, Sanders said.': a few words finishing the
    # sentence the quote began, then a comma, then the speaker and the cue ('whether he was
    # "happy" with the plan, insisting ...' has no speaker there: the participle is another's).
    last_other = others[-1].i
    return (
        len(others) <= AFTER_CUE_SLACK
        and last_other + 1 < lo
        and last_other + 1 < verb.i
        and doc[last_other + 1].text == ","
        and not any(t.pos_ in VERB_POS for t in others)
    )


def _lower_next(text: str, span: QuotedSpan) -> bool:
    """True when the words right after the closing mark go on in lower case ('"..." he said')."""
    rest = text[span.end + 1 : span.end + LOOK_AFTER_CHARS].lstrip(" ,")
    return bool(rest) and rest[0].islower()


def _name_next(doc: Doc, close_tok: int) -> bool:
    """True when a name follows the closing mark with no comma ('"..." Ed Balls told reporters')."""
    i = close_tok
    while i < len(doc) and doc[i].is_quote:
        i += 1
    return i < len(doc) and doc[i].pos_ == "PROPN"


def _is_statement(content: str, last_char: str) -> bool:
    """Quoted words that read as a whole statement: a clause that starts capitalised or ends."""
    words = content.split()
    if len(words) >= STATEMENT_WORDS:
        return True
    return bool(words) and words[0][:1].isupper() and last_char in SENTENCE_END_INSIDE + ",!?"


def _cue_introduces(text: str, span: QuotedSpan) -> bool:
    return text[: span.open_mark].rstrip()[-1:] in INTRODUCING_PUNCT


# -- phase 2: a speech verb governing the quoted words ----------------------------------------


def _governed(art: ArticleContext, place: _Place) -> _Attribution | None:
    """In the middle of a sentence, quoted words a speech verb's complement holds are a partial
    quote of the verb's subject (a person, organisation or source: "The memoir describes the
    "donorgate" affair" is no one's words). Returns None at the start of a sentence, where the
    next phase looks."""
    if place.starts_sentence:
        return None
    verb = _governing_speech_verb(art.doc, place.first_tok, place.last_tok)
    if verb is None:
        return None
    speaker = art.speaker_of(verb)
    if speaker is None or speaker.kind == "unknown":
        return None
    return _Attribution(verb, speaker, "marked_governed", "partial")


def _governing_speech_verb(doc: Doc, first: int, last: int) -> Token | None:
    """The speech verb whose complement holds quoted tokens ``[first, last]``, if any."""
    inside = range(first, last + 1)
    node = next((doc[i] for i in inside if not first <= doc[i].head.i <= last), doc[first])
    clauses = 0
    while node.head.i != node.i:
        if node.dep_ not in PARTIAL_CLIMB_DEPS:
            return None
        if node.dep_ == "prep" and node.lower_ in VENUE_PREPS:
            # 'said Sunday on NBC's "Meet the Press"', 'in his podcast "The Axe Files"': the
            # place of speech, however far below the verb the parse hangs it.
            return None
        below, node = node, node.head
        if is_speech_verb(node) and not first <= node.i <= last:
            return None if _venue_or_addressee(below, node) else node
        if node.pos_ in VERB_POS:
            clauses += 1
            if clauses > PARTIAL_MAX_CLAUSES:
                return None
    return None


def _quoted_under(doc: Doc, first: int, last: int, verb: Token) -> Token | None:
    """The child of ``verb`` whose subtree holds quoted tokens ``[first, last]``, if any."""
    node: Token | None = next(
        (doc[i] for i in range(first, last + 1) if not first <= doc[i].head.i <= last), None
    )
    while node is not None and node.head.i != node.i:
        if node.head.i == verb.i:
            return node
        node = node.head
    return None


def _venue_or_addressee(child: Token, verb: Token) -> bool:
    """Whether ``child`` of a speech verb says where or to whom it was said ('said on "This
    Week"', 'told "New Day"'), so quoted words in it are a title, not speech."""
    if child.dep_ in ("dative", "dobj") and verb.lower_ in TELL_FORMS:
        return True
    return child.dep_ == "prep" and child.lower_ in VENUE_PREPS


# -- phase 3: no cue at the start of a sentence ------------------------------------------------


def _continued(art: ArticleContext, place: _Place, previous: Found | None) -> _Attribution | None:
    """At the start of a sentence with no cue: the quote goes on from the one before (a direct
    one up to ``INHERIT_PARAGRAPHS`` on, a partial one in its own paragraph), or, a statement of
    ``MIN_UNCUED_WORDS`` or more, stands with no speaker. A sentence in between whose subject
    is another person hands the quote to them ("..., Pence said. On Sunday, Sen. Sanders
    identified young voters as the key. 'The younger people are ...'")."""
    if not place.starts_sentence:
        return None
    if previous is not None and previous.speaker is not None:
        reach = INHERIT_PARAGRAPHS if previous.kind == "direct" else 0
        if place.span.paragraph - previous.paragraph <= reach:
            between = _person_in_between(art, previous, place)
            if between is not None:
                return _Attribution(None, between, "marked_inherited", "direct")
            return _Attribution(previous.cue, previous.speaker, "marked_inherited", "direct")
    if len(place.content.split()) < MIN_UNCUED_WORDS:
        return None
    return _Attribution(None, None, "marked_uncued", "direct")


def _person_in_between(art: ArticleContext, previous: Found, place: _Place) -> Speaker | None:
    """The person last made the subject of a whole sentence between the quote before and this
    one, when that is someone other than the quote before's speaker (a main clause's subject, as
    ``ArticleContext.speaker_of`` resolves it); None when the last such subject is the speaker
    before or no sentence between has a person as subject."""
    doc = art.doc
    if previous.speaker is None:
        return None
    person: Speaker | None = None
    sent = doc[art.token_index(previous.end)].sent
    while sent.end < len(doc) and doc[sent.end].i < place.open_tok:
        sent = doc[sent.end].sent
        if sent.end > place.open_tok:
            break
        root = sent.root
        # A parse that makes the subject the sentence's root ("Senator Ann Ruiz, who lost the
        # primary, named ...") still names who the sentence is about.
        named_root = root.pos_ == "PROPN" and root.ent_type_ == "PERSON"
        speaker = art.resolve(root) if named_root else art.speaker_of(root)
        if speaker is None or speaker.kind != "person" or speaker.cluster is None:
            continue
        person = None if speaker.cluster == previous.speaker.cluster else speaker
    own = doc[place.open_tok].sent
    before = art.text[own.start_char : place.span.open_mark].rstrip()
    if before.endswith(":") and own.root.i < place.open_tok:
        # The quote opens its sentence's second half, after a colon: the subject of the
        # sentence's main verb, when both come before the quote ("Goldberg imagined Christie
        # was thinking: 'My God ...'" is Goldberg's imagining; on PolNeAR train-develop the
        # subject of the verb nearest the colon, Christie here, puts one more quote wrong).
        speaker = art.speaker_of(own.root)
        if (
            speaker is not None
            and speaker.kind == "person"
            and speaker.cluster is not None
            and speaker.end <= doc[place.open_tok].idx
        ):
            person = None if speaker.cluster == previous.speaker.cluster else speaker
    return person


def _next_piece(previous: Found, span: QuotedSpan, said: _Attribution) -> bool:
    """Whether a direct quote is the next piece of the direct quote before it: the same speaker
    in the same paragraph, through the same cue or inheriting it."""
    return (
        said.kind == "direct"
        and previous.kind == "direct"
        and previous.speaker == said.speaker
        and span.paragraph == previous.paragraph
        and (said.rule == "marked_inherited" or same_token(said.cue, previous.cue))
    )
