"""Quotations and reported speech in one article, each attributed to a speaker.

Three kinds come out of ``extract_quotes``:

- ``direct``: words inside quote marks that make up a statement, with the cue before
  (``X said: "..."``), after (``"...," X said`` / ``"...," said X``) or inherited from the
  quote before (split quotes, quotes running over several paragraphs, a paragraph that opens
  with a quote and no cue). A paragraph after ``saying:`` set off without marks is direct too.
- ``partial``: a few quoted words inside a clause governed by a speech verb
  (``he said he had "huge sympathy" for...``). Quoted words that no speech verb governs are
  scare quotes ("class war") and are left alone.
- ``indirect``: a speech verb with a complement clause (``Mr Balls argues that...``), a verb of
  belief or wanting with one (``X believes that ...``, lower confidence, cue kept),
  ``according to X``, and speech nouns with a that-clause (``X's warning that ...``).

The cue words are data (``tasks/lexicon/speech_verbs.txt``, ``speech_nouns.txt``); speakers are
resolved by ``tasks.nlp.speakers.SpeakerResolver``.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from spacy.attrs import IDX, LOWER
from spacy.strings import get_string_id

from tasks.model import EntityCluster, Mention, Quote
from tasks.nlp.entities import doc_text, lexicon_entries
from tasks.nlp.speakers import Speaker, SpeakerResolver, paragraph_spans

OPEN_DOUBLE = "“„«"
CLOSE_DOUBLE = "”»"
OPEN_SINGLE = "‘"
CLOSE_SINGLE = "’"
FILLER = "\x00"
# Characters after which a straight quote mark opens a quotation rather than closing one.
OPENING_CONTEXT = " \t\n([{—–-/:"
CUE_INTRO_PUNCT = frozenset({":", ",", ";", "—", "–", "-", "--"})
SENTENCE_END_INSIDE = ".!?"
SPLIT_END_INSIDE = ",—–-…:;"

# Confidence of each way of finding a quote: its precision on the PolNeAR train split
# (2026-11-22), rounded. PolNeAR marks whole reported clauses, not the quoted fragment, so the
# figure for partial quotes understates them.
CONFIDENCE = {
    "direct_cue": 0.95,  # 3548 quotes
    "direct_inherited": 0.55,  # 524 (0.75 until 2026-11-30, when 256 measured 0.57)
    "direct_unmarked": 0.45,  # 18: a paragraph after "..., saying:"
    "direct_uncued": 0.65,  # 333
    "label": 0.6,  # 248: "Lynch: No outside influence ..."
    "partial": 0.4,  # 374
    "indirect": 0.85,  # 5165
    "according": 0.9,  # 392
    "poll": 0.9,  # 14 (2026-11-30, 13 right): "In a poll released Monday, ..." at sentence start
    "noun": 0.85,  # 62 (0.7 until 2026-11-30, when 42 measured 0.88)
    # Believing, hoping, wanting, supporting ("X believes that ...", "X wants to ..."): 581
    # quotes at train precision 0.77 (2026-11-29), as PolNeAR annotates these as attributions.
    # Set lower on purpose: they report a stance the writer ascribes, not words anyone said, so
    # they rank below every speech cue but the partial and unmarked ones.
    "attitude": 0.55,
    # A Content the optional trained tagger (tasks/nlp/attribution_model.py) marks where no rule
    # found one, with a tagged Cue next to it and a resolved speaker: 102 quotes at 0.67 on the
    # 84 train articles held out from its training (2026-11-30; dev: 172 at 0.65).
    "tagged": 0.65,
}
# Taken off when a speaker was found but is neither a person, organisation nor unnamed source
# (train precision of indirect quotes: 0.86 with such a speaker resolved, 0.75 without).
UNKNOWN_SPEAKER_PENALTY = 0.1
# A cue verb must sit within this many tokens of the quote mark it introduces or follows:
# "said Mr Balls, the Shadow Chancellor, in an interview with The Independent on Sunday:" is 14.
MAX_CUE_DISTANCE = 16
# Words allowed between a closing quote mark and the ', X said' that follows it.
AFTER_CUE_SLACK = 4
# A sentence-level quote with no cue and no earlier speaker is kept only from this many words on
# (shorter ones are mostly titles and scare quotes).
MIN_UNCUED_WORDS = 6
# Indirect speech keeps its "that" ("said that the plan failed"): it is part of the reported
# clause, and PolNeAR's Content includes it (2,327 of the 19,822 train contents start with it).
KEEP_THAT = True
# Speech verbs with an infinitive complement report it ("vowed to take the fight to ...").
INFINITIVE_COMPLEMENTS = True
# ... with the person addressed before it ("urged Republicans to focus"), as PolNeAR does.
OBJECT_BEFORE_INFINITIVE = True
# An object-speech verb's object keeps the predicate right after it ("accused him of lying").
OBJECT_PREDICATES = True
OBJECT_PREDICATE_PREPS = frozenset({"as", "of", "for"})
# A speaker label before a colon ("Lynch: No outside influence ...") is a short name at the
# very start of a line; longer lead-ins are sentences that happen to hold a colon.
LABEL_MAX_WORDS = 5
LABEL_MAX_CHARS = 40
LABEL_MIN_CONTENT_WORDS = 3
# A direct quote that ends a clause its cue reports, after other words of that clause, is a
# partial quote inside that indirect one (PolNeAR's Content is the whole clause).
CLAUSE_HOLDS_QUOTE = True
# Reported content shorter than this many words is too thin to be a statement.
MIN_CONTENT_WORDS = 3
# An object that is what was said may be two words ("endorsed Hillary Clinton", "rejected the
# proposal"). On train (2026-11-29) two words instead of three: F1 +0.004, exact +0.002,
# P -0.005; two-word objects that are names only: F1 +0.001, exact +0.000.
MIN_OBJECT_WORDS = 2
# ... and a name alone is enough ("endorsed Trump", "attacked Clinton").
MIN_NAME_WORDS = 1
# An infinitive of two words is enough ("declined to comment").
MIN_INFINITIVE_WORDS = 2
# Verbs of belief and wanting (cognition_verbs.txt) cue indirect attributions: "X believes that
# ...", "X wants to ...". PolNeAR annotates them; thinking is not saying, so they get their own,
# lower confidence and keep their cue word, and never make quoted words a quote.
ATTITUDE_CUES = True
# "I think", "you know", "it seeks to": with these subjects an attitude verb is mostly talk or a
# thing, not someone's stance (train precision 0.43, 0.45, 0.50 against 0.78 for named people).
ATTITUDE_NO_SPEAKERS = frozenset({"i", "you", "it"})
# ... and whether an attitude whose holder is an unresolved phrase of several words ("The
# initiative seeks to ...", "Anyone expecting Trump to pivot") is dropped: train precision 0.61
# against 0.69-0.71 for they/we/one-word holders. Dropped until 2026-11-29 (F1 -0.002, P
# +0.002); kept since 2026-11-30, when dropping nested quotes had raised train precision to
# 0.858: F1 0.714 -> 0.716, P -0.004, source accuracy -0.001.
ATTITUDE_NEEDS_HOLDER = False
# A participle borrows its speaker from the noun it modifies ("a statement defending ...") or,
# after a preposition, from the clause ("by citing ...").
PARTICIPLE_SUBJECTS = True
# An indirect quote inside what another reports ("Trump said Clinton claimed that ...",
# "according to the filing, Reines asked ...") is the outer speaker's report, not the inner
# speaker's words, and PolNeAR, which gives each token to one attribution, marks the outer one.
# On train (2026-11-30) 834 such quotes were found, at precision 0.33; dropping them: P 0.826
# -> 0.859, F1 0.698 -> 0.704.
DROP_NESTED = True
# The tagger's Contents are added only with a tagged Cue within this many tokens of an edge
# ("said that ...", "... , he said"); Cues further away belong to other Contents. And a
# tagged Source within TAGGED_SOURCE_WINDOW tokens speaks for it when the cue word has no
# subject of its own (about two sentences of news prose).
TAGGED_CUE_WINDOW = 3
TAGGED_SOURCE_WINDOW = 40
# "X is confident that ...", "X was eager to ...": adjectives of stance after a copula
# (stance_adjectives.txt) cue attitudes like the verbs of cognition_verbs.txt. Train
# (2026-11-30): 71 quotes at precision 0.76, F1 0.7170 -> 0.7184, exact F1 0.5419 -> 0.5429,
# P 0.857 -> 0.856; dev F1 0.739 -> 0.740.
STANCE_ADJECTIVES = True
# "told councillors that the town would run short": the parse sometimes hangs the that-clause
# on the addressee as if it were a relative clause; it is the verb's complement. Train
# (2026-11-30): 72 quotes changed or added, 0.89 of them right; F1 0.7169 -> 0.7170, exact F1
# 0.5425 -> 0.5419 (an addressee PolNeAR leaves out); dev F1 0.738 -> 0.739.
ADDRESSEE_THAT_CLAUSE = True
# Whether a quote running into the next paragraph is one quote (True) or one per paragraph.
MERGE_PARAGRAPHS = False
# An inherited speaker carries over at most this many paragraphs (news quotes run one to three).
INHERIT_PARAGRAPHS = 2


@dataclass(frozen=True)
class QuotedSpan:
    """Text between quote marks; ``end`` excludes the closing mark, ``closed`` says if one came."""

    open_mark: int
    start: int
    end: int
    closed: bool
    paragraph: int


@functools.cache
def speech_verb_forms() -> frozenset[str]:
    """Every inflected form of the speech verbs listed in the lexicon."""
    return frozenset(f for entry in lexicon_entries("speech_verbs") for f in _inflect(entry))


@functools.cache
def speech_noun_forms() -> frozenset[str]:
    return frozenset(
        f for entry in lexicon_entries("speech_nouns") for base in entry for f in (base, base + "s")
    )


@functools.cache
def object_verb_forms() -> frozenset[str]:
    """Speech verbs whose object noun phrase is what was said ("announced the arrest")."""
    return frozenset(f for entry in lexicon_entries("object_speech_verbs") for f in _inflect(entry))


@functools.cache
def prep_verb_forms() -> dict[str, frozenset[str]]:
    """Inflected speech verbs whose prepositional object is what was said ("called for a ban"),
    each with the prepositions that introduce it."""
    forms: dict[str, frozenset[str]] = {}
    for entry in lexicon_entries("prep_speech_verbs"):
        verbs, preps = entry[: entry.index("|")], frozenset(entry[entry.index("|") + 1 :])
        for form in _inflect(verbs):
            forms[form] = forms.get(form, frozenset()) | preps
    return forms


@functools.cache
def no_infinitive_verb_forms() -> frozenset[str]:
    """Cue verbs whose infinitive is not what was said ("continues to rise")."""
    return frozenset(f for entry in lexicon_entries("no_infinitive_verbs") for f in _inflect(entry))


def _inflect(entry: tuple[str, ...]) -> set[str]:
    base, irregular = entry[0], entry[1:]
    forms = {base, *irregular}
    if base.endswith("e"):
        forms |= {base + "s", base + "d", base[:-1] + "ing"}
    elif base.endswith("y") and base[-2:-1] not in ("a", "e", "o", "u"):
        forms |= {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    elif base.endswith(("s", "sh", "ch", "x")):
        forms |= {base + "es", base + "ed", base + "ing"}
    else:
        forms |= {base + "s", base + "ed", base + "ing"}
    if _doubles_final(base):
        # "plan" -> "planned", "planning"; "refer" -> "referred". Spelling also doubles where
        # the stress is not final ("offerred"), but such forms never occur, so no harm.
        forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    return forms


def _doubles_final(base: str) -> bool:
    """Whether a verb ends consonant-vowel-consonant, the shape that can double its last letter."""
    vowels = "aeiou"
    return (
        len(base) >= 3
        and base[-1] not in vowels + "wxy"
        and base[-2] in vowels
        and base[-3] not in vowels
    )


def is_speech_verb(token: Any) -> bool:
    return token.lower_ in speech_verb_forms() and token.pos_ in ("VERB", "AUX")


def is_object_cue_verb(token: Any) -> bool:
    """A verb whose object or prepositional object is what was said ("expressed concern",
    "referring to the leak") though it cues no quote marks: an indirect cue only."""
    return token.pos_ in ("VERB", "AUX") and (
        token.lower_ in object_verb_forms() or token.lower_ in prep_verb_forms()
    )


@functools.cache
def attitude_verb_forms() -> frozenset[str]:
    """Verbs of belief, expectation and wanting (``cognition_verbs.txt``): cues for indirect
    attributions only, never for quote marks."""
    return frozenset(f for entry in lexicon_entries("cognition_verbs") for f in _inflect(entry))


@functools.cache
def stance_adjective_forms() -> frozenset[str]:
    """Adjectives of belief or intention after a copula (``stance_adjectives.txt``)."""
    return frozenset(entry[0] for entry in lexicon_entries("stance_adjectives"))


def is_stance_adjective(token: Any) -> bool:
    """ "confident" in "X is confident that ...": an attitude cue whose holder is the copula's
    subject."""
    return (
        STANCE_ADJECTIVES
        and token.pos_ == "ADJ"
        and token.dep_ == "acomp"
        and token.lower_ in stance_adjective_forms()
    )


def is_attitude_verb(token: Any) -> bool:
    return token.lower_ in attitude_verb_forms() and token.pos_ in ("VERB", "AUX")


# -- quote marks ---------------------------------------------------------------------------


def find_quoted_spans(text: str) -> list[QuotedSpan]:
    """Spans between quote marks, paragraph by paragraph; unclosed spans end with the paragraph."""
    spans: list[QuotedSpan] = []
    for paragraph, (start, end) in enumerate(paragraph_spans(text)):
        spans.extend(_spans_in_paragraph(text[start:end], start, paragraph))
    return spans


def _spans_in_paragraph(line: str, offset: int, paragraph: int) -> list[QuotedSpan]:
    # Two apostrophes are a double quote mark in some wire copy (''Like this,'' she said);
    # masking them as '"' plus a filler keeps every offset where it was.
    line = line.replace("''", '"' + FILLER)
    found: list[QuotedSpan] = []
    doubles = _pair_marks(line, double=True)
    for open_at, close_at in doubles:
        found.append(_span(line, offset, paragraph, open_at, close_at))
    covered = [(o, c if c is not None else len(line)) for o, c in doubles]
    for open_at, close_at in _pair_marks(line, double=False):
        if close_at is None:
            continue
        if any(o <= open_at < c for o, c in covered):
            continue
        found.append(_span(line, offset, paragraph, open_at, close_at))
    found = [s for s in found if s.end > s.start]
    found.sort(key=lambda s: s.start)
    return found


def _span(line: str, offset: int, paragraph: int, open_at: int, close_at: int | None) -> QuotedSpan:
    end = close_at if close_at is not None else len(line)
    start = open_at + 1
    while start < end and (line[start].isspace() or line[start] == FILLER):
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return QuotedSpan(
        offset + open_at, offset + start, offset + end, close_at is not None, paragraph
    )


# The characters _pair_marks gives a role to; every other character is skipped, so finding them
# with a regex (in C) instead of visiting each character gives the same pairs, faster.
_DOUBLE_MARKS = re.compile("[" + re.escape(OPEN_DOUBLE + CLOSE_DOUBLE) + '"]')
_SINGLE_MARKS = re.compile("[" + re.escape(OPEN_SINGLE + CLOSE_SINGLE) + "']")


def _pair_marks(line: str, double: bool) -> list[tuple[int, int | None]]:
    pairs: list[tuple[int, int | None]] = []
    open_at: int | None = None
    for mark in (_DOUBLE_MARKS if double else _SINGLE_MARKS).finditer(line):
        i, ch = mark.start(), mark.group()
        prev = line[i - 1] if i else " "
        j = i + 2 if i + 1 < len(line) and line[i + 1] == FILLER else i + 1
        nxt = line[j] if j < len(line) else " "
        if double:
            if ch in OPEN_DOUBLE:
                role = "open"
            elif ch in CLOSE_DOUBLE:
                role = "close"
            elif ch == '"':
                if prev in OPENING_CONTEXT and not nxt.isspace():
                    role = "open"
                elif not prev.isspace():
                    role = "close"
                else:
                    role = "close" if open_at is not None else "open"
            else:
                continue
        else:
            if ch == OPEN_SINGLE or (ch == "'" and prev in OPENING_CONTEXT and nxt.isalnum()):
                if ch == OPEN_SINGLE or open_at is None:
                    role = "open"
                else:
                    continue
            elif ch in (CLOSE_SINGLE, "'") and open_at is not None and not nxt.isalnum():
                if prev.isspace():
                    continue
                role = "close"
            else:
                continue
        if role == "open":
            if open_at is not None and double:
                pairs.append((open_at, _trim_back(line, i)))
            open_at = i
        elif open_at is not None:
            pairs.append((open_at, i))
            open_at = None
    if open_at is not None:
        pairs.append((open_at, None))
    return pairs


def _trim_back(line: str, i: int) -> int:
    while i > 0 and line[i - 1].isspace():
        i -= 1
    return i


# -- extraction ------------------------------------------------------------------------------


@dataclass
class _Found:
    kind: str
    start: int
    end: int
    speaker: Speaker | None
    cue: Any  # spaCy Token or None
    confidence: float
    paragraph: int
    # Pieces of a split quote ('"A," he said, "B."'): (start, end) of each; empty for one piece.
    parts: list[tuple[int, int]] = field(default_factory=list)
    # Cued by a verb of belief or wanting rather than speech ("X believes that ...").
    attitude: bool = False
    found_by: str = "rule"


class _Article:
    def __init__(self, doc: Any, clusters: list[EntityCluster], mentions: list[Mention]) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.resolver = SpeakerResolver(doc, clusters, mentions)
        columns = doc.to_array([LOWER, IDX])
        self.token_starts = columns[:, 1].tolist()
        # Tokens whose lower-case form can cue an indirect quote: the only ones
        # _indirect_quotes looks at (every cue test is a set lookup on that form).
        self.cue_candidates = np.flatnonzero(np.isin(columns[:, 0], _indirect_cue_ids())).tolist()

    def token_index(self, char: int) -> int:
        """Index of the token that contains or starts after ``char``."""
        i = bisect.bisect_right(self.token_starts, char) - 1
        if i < 0:
            return 0
        token = self.doc[i]
        if char >= token.idx + len(token.text) and i + 1 < len(self.doc):
            return i + 1
        return i

    def speaker_of(self, verb: Any) -> Speaker | None:
        """The subject of a speech verb as a resolved speaker, following conjunctions."""
        subject = _subject(verb)
        if subject is None:
            return None
        relative = subject.lower_ in ("who", "that", "which") and verb.dep_ == "relcl"
        if relative:
            subject = verb.head
        start, end = speaker_extent(subject)
        if (relative or subject.i == verb.head.i) and start < verb.left_edge.i < end:
            # "a former adviser who supported ...", "ads attacking ...": the speaker ends
            # before "who" or the participle.
            end = verb.left_edge.i
            while end - 1 > subject.i and self.doc[end - 1].is_punct:
                end -= 1
        return self.resolver.resolve(start, end, subject)

    def speaker_near(self, verb: Any, lo: int, hi: int) -> Speaker | None:
        """A speaker for a cue verb: its subject, else a noun phrase next to it in [lo, hi)."""
        speaker = self.speaker_of(verb)
        if speaker is not None:
            return speaker
        doc = self.doc
        for i in list(range(verb.i + 1, hi)) + list(range(verb.i - 1, lo - 1, -1)):
            token = doc[i]
            if token.pos_ in ("PROPN", "PRON", "NOUN") and not token.is_punct:
                head = token
                while head.dep_ in ("compound", "amod", "det", "poss") and lo <= head.head.i < hi:
                    head = head.head
                start, end = speaker_extent(head)
                return self.resolver.resolve(start, end, head)
        return None


def _subject(verb: Any) -> Any | None:
    """The subject of ``verb``; participles and conjuncts borrow the subject of their clause."""
    node, climbed = verb, False
    for _ in range(5):
        if climbed and node.dep_ == "ccomp" and is_speech_verb(node.head):
            # "X suggested that troops could be drafted in, insisting ...": X insists.
            node = node.head
            continue
        for child in node.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.lower_ not in ("there",):
                return child
        if (
            PARTICIPLE_SUBJECTS
            and node.dep_ == "acl"
            and node.tag_ == "VBG"
            and node.head.pos_ in ("NOUN", "PROPN")
        ):
            # "a statement defending the plan", "polls showing Trump ahead": the noun the
            # participle hangs on is the one speaking.
            return node.head
        if node.dep_ in ("conj", "advcl", "xcomp", "acl") and node.head.i != node.i:
            node, climbed = node.head, True
            continue
        if PARTICIPLE_SUBJECTS and node.dep_ == "pcomp" and node.head.head.i != node.head.i:
            # "He answered by citing ...", "after calling her ...": the clause the preposition
            # belongs to has the subject.
            node, climbed = node.head.head, True
            continue
        return None
    return None


def speaker_extent(head: Any) -> tuple[int, int]:
    """Token range of the speaker phrase headed by ``head``, without appositives or clauses."""
    end = head.right_edge.i + 1
    doc = head.doc
    for child in head.rights:
        after_comma = child.left_edge.i > 0 and doc[child.left_edge.i - 1].text == ","
        if (
            child.dep_ in ("appos", "punct", "advcl")
            or (child.dep_ in ("relcl", "acl") and after_comma)
            or child.text in (",", "(")
        ):
            end = min(end, child.left_edge.i)
    start = head.left_edge.i
    doc = head.doc
    while start < head.i and (doc[start].is_punct or doc[start].dep_ in ("cc", "preconj")):
        start += 1
    while end - 1 > head.i and doc[end - 1].is_punct:
        end -= 1
    # Very long subjects are parse errors more often than speakers; keep the head's own words.
    if end - start > 14:
        start, end = head.i, head.i + 1
        while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].head is head:
            start -= 1
    return start, end


def _direct_quotes(art: _Article, spans: list[QuotedSpan]) -> list[_Found]:
    doc, text = art.doc, art.text
    found: list[_Found] = []
    previous: _Found | None = None
    for n, span in enumerate(spans):
        content = text[span.start : span.end]
        first_tok = art.token_index(span.start)
        last_tok = art.token_index(max(span.start, span.end - 1))
        open_tok = art.token_index(span.open_mark)
        close_tok = last_tok + 1  # the closing mark (or whatever follows)
        para_start = art.resolver.paragraphs[span.paragraph][0]
        at_para_start = text[para_start : span.open_mark].strip() == ""
        prev_span = spans[n - 1] if n else None
        next_span = spans[n + 1] if n + 1 < len(spans) else None
        sent = doc[first_tok].sent
        starts_sentence = (
            at_para_start
            or text[sent.start_char : span.open_mark].strip() == ""
            or text[: span.open_mark].rstrip()[-1:] in (":", ";", "—", "–", ".")
        )
        last_char = content.rstrip()[-1:]

        cue, speaker, how = None, None, ""
        # 1. cue after the quote: '"...," X said.' / '"...," said X, the ... .'
        if span.closed and (
            last_char in SPLIT_END_INSIDE + "?!"
            or _lower_next(text, span)
            or (_is_statement(content, last_char) and _name_next(doc, close_tok))
        ):
            hi = min(len(doc), close_tok + MAX_CUE_DISTANCE)
            if next_span is not None and next_span.paragraph == span.paragraph:
                hi = min(hi, art.token_index(next_span.open_mark))
            end = _sentence_end(doc, close_tok)
            if end <= close_tok + 1:  # the parse ended the sentence at the mark ('"...?" X said')
                end = _sentence_end(doc, close_tok + 1)
            hi = min(hi, end)
            for i in range(close_tok, hi):
                token = doc[i]
                if token.text in (".", "\n") or "\n" in token.text:
                    break
                if is_speech_verb(token):
                    if _only_speaker_between(doc, close_tok, token):
                        cue = token
                        speaker = art.speaker_near(token, close_tok, hi)
                        how = "direct_cue"
                    break
        # 2. cue before the quote: 'X said: "..."', 'X writes; "..."', 'X said – "..."'.
        if cue is None:
            lo = doc[open_tok].sent.start if open_tok < len(doc) else 0
            if prev_span is not None and prev_span.paragraph == span.paragraph:
                lo = max(lo, art.token_index(prev_span.end) + 1)
            lo = max(lo, open_tok - MAX_CUE_DISTANCE, art.token_index(para_start))
            before = text[: span.open_mark].rstrip()
            intro = before[-1:] in CUE_INTRO_PUNCT or before.endswith(("--",))
            for i in range(open_tok - 1, lo - 1, -1):
                token = doc[i]
                if is_speech_verb(token):
                    tail = doc[token.i + 1 : open_tok]
                    tail_ok = (
                        intro
                        or not any(t.pos_ == "VERB" for t in tail)
                        and (len(tail) == 0 or tail[-1].lower_ in ("that", ":", ","))
                    )
                    under = _quoted_under(doc, first_tok, last_tok, token)
                    if under is not None and _venue_or_addressee(under, token):
                        break  # 'told "New Day" that ...': the title of a show, not speech
                    if intro or tail_ok:
                        cue = token
                        speaker = art.speaker_near(token, lo, open_tok)
                        how = "direct_cue"
                    break
            # The cue ends the paragraph before: 'He said:' then a paragraph in quote marks.
            if cue is None and at_para_start and span.paragraph > 0:
                cue = _colon_cue(art, span.paragraph - 1)
                if cue is not None:
                    speaker = art.speaker_near(cue, cue.sent.start, cue.sent.end)
                    how = "direct_cue"
        # A quote with a cue inside a sentence that is not quote-led is a partial quote.
        kind = "direct"
        if (
            cue is not None
            and not starts_sentence
            and how == "direct_cue"
            and not _is_statement(content, last_char)
            and not _cue_introduces(text, span)
        ):
            kind = "partial"
        # 3. no cue: a partial quote inside a clause governed by a speech verb, or a scare quote.
        if cue is None and not starts_sentence:
            verb = _governing_speech_verb(doc, first_tok, last_tok)
            if verb is not None:
                speaker = art.speaker_of(verb)
                # "The memoir describes the "donorgate" affair": a partial quote needs someone
                # (a person, organisation or source) to have said the words.
                if speaker is not None and speaker.kind != "unknown":
                    cue, how, kind = verb, "partial", "partial"
                else:
                    speaker = None
            if cue is None and not _is_statement(content, last_char):
                continue
        # 4. no cue at the start of a sentence: the quote goes on from the one before.
        if cue is None and previous is not None and previous.speaker is not None:
            reach = INHERIT_PARAGRAPHS if previous.kind == "direct" else 0
            if span.paragraph - previous.paragraph <= reach and starts_sentence:
                speaker, how = previous.speaker, "direct_inherited"
                cue = previous.cue
        if cue is None and speaker is None:
            if len(content.split()) < MIN_UNCUED_WORDS or not starts_sentence:
                continue
            how = "direct_uncued"
        confidence = CONFIDENCE[how]
        if speaker is not None and speaker.kind == "unknown":
            confidence -= UNKNOWN_SPEAKER_PENALTY
        if (
            kind == "direct"
            and previous is not None
            and previous.kind == "direct"
            and previous.speaker == speaker
            and span.paragraph - previous.paragraph <= (1 if MERGE_PARAGRAPHS else 0)
            and (how == "direct_inherited" or (cue is not None and _same(cue, previous.cue)))
        ):
            # The next piece of a split quote, or the same quote going on: one quote, as
            # PolNeAR and readers count it.
            if not previous.parts:
                previous.parts.append((previous.start, previous.end))
            previous.parts.append((span.start, span.end))
            previous.end = span.end
            previous.paragraph = span.paragraph
            continue
        item = _Found(kind, span.start, span.end, speaker, cue, confidence, span.paragraph)
        found.append(item)
        previous = item
    return found


def _same(a: Any, b: Any) -> bool:
    """Whether two tokens are the same token (spaCy makes a new Token object on each access)."""
    return a is not None and b is not None and a.i == b.i


def _only_speaker_between(doc: Any, start: int, verb: Any) -> bool:
    """True when tokens ``[start, verb)`` are only punctuation and the verb's subject phrase."""
    subject = _subject(verb)
    lo, hi = (subject.left_edge.i, subject.right_edge.i) if subject is not None else (-1, -1)
    others = [t for t in doc[start : verb.i] if not (t.is_punct or t.is_space or lo <= t.i <= hi)]
    if not others:
        return True
    # '"... worked so hard" for the victory, Sanders said.': a few words finishing the
    # sentence the quote began, then a comma, then the speaker and the cue.
    last_other = others[-1].i
    return (
        len(others) <= AFTER_CUE_SLACK
        and last_other + 1 < verb.i
        and doc[last_other + 1].text == ","
        and not any(t.pos_ in ("VERB", "AUX") for t in others)
    )


def _lower_next(text: str, span: QuotedSpan) -> bool:
    """True when the words right after the closing mark go on in lower case ('"..." he said')."""
    rest = text[span.end + 1 : span.end + 40].lstrip(" ,")
    return bool(rest) and rest[0].islower()


def _name_next(doc: Any, close_tok: int) -> bool:
    """True when a name follows the closing mark with no comma ('"..." Ed Balls told reporters')."""
    i = close_tok
    while i < len(doc) and doc[i].is_quote:
        i += 1
    return i < len(doc) and doc[i].pos_ == "PROPN"


def _sentence_end(doc: Any, i: int) -> int:
    if i >= len(doc):
        return len(doc)
    return int(doc[i].sent.end)


def _is_statement(content: str, last_char: str) -> bool:
    """Quoted words that read as a whole statement: a clause that starts capitalised or ends."""
    words = content.split()
    if len(words) >= 8:
        return True
    return bool(words) and words[0][:1].isupper() and last_char in SENTENCE_END_INSIDE + ",!?"


def _cue_introduces(text: str, span: QuotedSpan) -> bool:
    before = text[: span.open_mark].rstrip()
    return before[-1:] in (":", ";", "—", "–") or before.endswith(",")


def _colon_cue(art: _Article, paragraph: int) -> Any | None:
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


# Dependencies a partial quote may climb through on its way up to the speech verb governing it:
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
# Quoted words in a phrase that says where or to whom something was said are a title, not
# speech: 'said on "This Week"', 'told "New Day"' (2026-11-30: most of the partial quotes
# PolNeAR does not match on train).
VENUE_PREPS = frozenset({"on", "in", "at", "to", "during"})
TELL_FORMS = frozenset({"tell", "tells", "told", "telling"})
# At most this many non-speech verbs between the quoted words and the speech verb.
PARTIAL_MAX_CLAUSES = 2


def _venue_or_addressee(child: Any, verb: Any) -> bool:
    """Whether ``child`` of a speech verb says where or to whom it was said ('said on "This
    Week"', 'told "New Day"'), so quoted words in it are a title, not speech."""
    if child.dep_ in ("dative", "dobj") and verb.lower_ in TELL_FORMS:
        return True
    return child.dep_ == "prep" and child.lower_ in VENUE_PREPS


def _quoted_under(doc: Any, first: int, last: int, verb: Any) -> Any | None:
    """The child of ``verb`` whose subtree holds quoted tokens ``[first, last]``, if any."""
    node = next(
        (doc[i] for i in range(first, last + 1) if not first <= doc[i].head.i <= last), None
    )
    while node is not None and node.head.i != node.i:
        if node.head.i == verb.i:
            return node
        node = node.head
    return None


def _governing_speech_verb(doc: Any, first: int, last: int) -> Any | None:
    """The speech verb whose complement holds quoted tokens ``[first, last]``, if any."""
    inside = range(first, last + 1)
    node = next((doc[i] for i in inside if not first <= doc[i].head.i <= last), doc[first])
    clauses = 0
    while node.head.i != node.i:
        if node.dep_ not in PARTIAL_CLIMB_DEPS:
            return None
        below, node = node, node.head
        if is_speech_verb(node) and not first <= node.i <= last:
            return None if _venue_or_addressee(below, node) else node
        if node.pos_ in ("VERB", "AUX"):
            clauses += 1
            if clauses > PARTIAL_MAX_CLAUSES:
                return None
    return None


def _unmarked_paragraph_quotes(art: _Article, spans: list[QuotedSpan]) -> list[_Found]:
    """A paragraph without quote marks after one that ends '..., saying:' is the quote."""
    found: list[_Found] = []
    paragraphs = art.resolver.paragraphs
    marked = {s.paragraph for s in spans}
    for paragraph in range(len(paragraphs) - 1):
        cue = _colon_cue(art, paragraph)
        if cue is None or paragraph + 1 in marked:
            continue
        start, end = paragraphs[paragraph + 1]
        while start < end and art.text[start].isspace():
            start += 1
        while end > start and art.text[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        speaker = art.speaker_near(cue, cue.sent.start, cue.sent.end)
        confidence = CONFIDENCE["direct_unmarked"]
        found.append(_Found("direct", start, end, speaker, cue, confidence, paragraph + 1))
    return found


def _speaker_label_lines(art: _Article) -> list[_Found]:
    """Headlines and transcripts that name the speaker before a colon: "Lynch: No outside
    influence on FBI probe", "Chris Matthews: Seriously, ..."."""
    found: list[_Found] = []
    doc, text = art.doc, art.text
    for paragraph, (start, end) in enumerate(art.resolver.paragraphs):
        colon = text.find(":", start, min(end, start + LABEL_MAX_CHARS))
        if colon < 0 or colon + 2 >= end:
            continue
        label = text[start:colon]
        if not label.strip() or len(label.split()) > LABEL_MAX_WORDS:
            continue
        first, last = art.token_index(start), art.token_index(colon) - 1
        words = [t for t in doc[first : last + 1] if t.is_alpha]
        if not words or not all(t.text[:1].isupper() or t.is_stop for t in words):
            continue
        if any(t.pos_ in ("VERB", "AUX") for t in doc[first : last + 1]):
            continue  # 'He said: ...' is a cue, handled with the quote marks
        content_start, content_end = colon + 1, end
        while content_start < content_end and text[content_start] in " \t\"“‘'":
            content_start += 1
        while content_end > content_start and text[content_end - 1] in " \t\"”’'":
            content_end -= 1
        if len(text[content_start:content_end].split()) < LABEL_MIN_CONTENT_WORDS:
            continue
        head = doc[last]
        while head.head.i != head.i and first <= head.head.i <= last:
            head = head.head
        speaker = art.resolver.resolve(first, last + 1, head)
        found.append(
            _Found(
                "direct", content_start, content_end, speaker, None, CONFIDENCE["label"], paragraph
            )
        )
    return found


@functools.cache
def _indirect_cue_ids() -> np.ndarray:
    """spaCy hash ids of every lower-case form that can cue an indirect quote."""
    forms = (
        {"according", "in"}
        | speech_noun_forms()
        | speech_verb_forms()
        | attitude_verb_forms()
        | object_verb_forms()
        | set(prep_verb_forms())
        | stance_adjective_forms()
    )
    return np.array(sorted(get_string_id(f) for f in forms), dtype=np.uint64)


def _indirect_quotes(art: _Article) -> list[_Found]:
    doc = art.doc
    found: list[_Found] = []
    nouns = speech_noun_forms()
    for i in art.cue_candidates:
        token = doc[i]
        lower = token.lower_
        if lower == "according":
            item = _according_to(art, token)
            if item is not None:
                found.append(item)
            continue
        if lower == "in" and token.dep_ == "prep":
            item = _in_poll(art, token)
            if item is not None:
                found.append(item)
            continue
        if token.pos_ == "NOUN" and lower in nouns:
            item = _noun_cue(art, token)
            if item is not None:
                found.append(item)
            continue
        adjective = is_stance_adjective(token)
        attitude = not is_speech_verb(token) and (
            is_attitude_verb(token) or adjective or not is_object_cue_verb(token)
        )
        if attitude and not (ATTITUDE_CUES and (is_attitude_verb(token) or adjective)):
            continue
        if attitude and (_is_passive(token) or token.dep_ in ("acl", "amod")):
            # "The bank is expected to act", "Adelson, expected to be the top donor": whoever
            # expects it is not the subject.
            continue
        extent = _complement_extent(token)
        if attitude and extent is not None and not _has_subject_clause(token, extent):
            # "what he believes are ...", "Clinton thinks should be made public": the clause
            # lost its subject to a relative or question, so it is not the whole belief.
            continue
        parts: list[tuple[int, int]] = []
        if extent is not None:
            start_i, end_i, need_verb = extent
            span = _trim(
                doc,
                start_i,
                end_i,
                need_verb=need_verb,
                min_words=_min_words(doc, start_i, end_i, need_verb),
            )
        elif (around := _clause_around(token)) is not None:
            # "The plan, he said, is dead." / "The road is shut, he said, because ...": the
            # clause the verb interrupts, without the verb's own words.
            clause, own_lo, own_hi = around
            pieces = [
                _trim(doc, clause.left_edge.i, own_lo, need_verb=False, min_words=1),
                _trim(doc, own_hi + 1, clause.right_edge.i + 1, need_verb=False, min_words=1),
            ]
            parts = [p for p in pieces if p is not None]
            span = (parts[0][0], parts[-1][1]) if parts else None
            if len(parts) < 2:
                parts = []
            if span is not None and not any(
                t.pos_ in ("VERB", "AUX") for t in clause.subtree if not own_lo <= t.i <= own_hi
            ):
                span = None
        else:
            continue
        if span is None:
            continue
        speaker = art.speaker_of(token.head if adjective else token)
        if speaker is None:
            continue
        if attitude and speaker.text.lower() in ATTITUDE_NO_SPEAKERS:
            continue
        if (
            attitude
            and ATTITUDE_NEEDS_HOLDER
            and speaker.kind == "unknown"
            and (len(speaker.text.split()) > 1 or speaker.text.lower() in ("who", "that"))
        ):
            continue
        start, end = span
        paragraph = art.resolver.paragraph_of(start)
        confidence = CONFIDENCE["attitude" if attitude else "indirect"]
        if speaker.kind == "unknown":
            confidence -= UNKNOWN_SPEAKER_PENALTY
        found.append(
            _Found("indirect", start, end, speaker, token, confidence, paragraph, parts, attitude)
        )
    return found


def _min_words(doc: Any, start_i: int, end_i: int, need_verb: bool) -> int:
    """Fewest words reported content in tokens [start_i, end_i) may have: a name alone is
    enough for an object ("endorsed Trump"), and "to" with a verb for an infinitive."""
    if need_verb:
        words = [t for t in doc[start_i:end_i] if not t.is_punct]
        if len(words) == 2 and words[0].lower_ == "to" and words[1].pos_ == "VERB":
            return MIN_INFINITIVE_WORDS
        return MIN_CONTENT_WORDS
    if all(t.pos_ == "PROPN" for t in doc[start_i:end_i] if not t.is_punct):
        return MIN_NAME_WORDS
    return MIN_OBJECT_WORDS


def _has_subject_clause(verb: Any, extent: tuple[int, int, bool]) -> bool:
    """Whether a clause complement of ``verb`` in ``extent`` has its own subject (infinitives
    and objects, which borrow the verb's subject, pass)."""
    clause = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    if clause is None or not extent[0] <= clause.i < extent[1]:
        return True
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in clause.children)


def _is_passive(verb: Any) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _clause_around(verb: Any) -> tuple[Any, int, int] | None:
    """The clause a speech verb interrupts or follows, and the token range of the verb's words.

    "The plan, he said, is dead": the verb hangs off the clause (parataxis), or the parse has
    the clause as a complement that contains the verb.
    """
    if verb.dep_ == "parataxis" and verb.head.i != verb.i:
        own = [t.i for t in verb.subtree]
        return verb.head, min(own), max(own)
    for clause in verb.children:
        if clause.dep_ == "ccomp" and clause.left_edge.i <= verb.i <= clause.right_edge.i:
            own = [verb.i] + [t.i for c in verb.children if c.i != clause.i for t in c.subtree]
            return clause, min(own), max(own)
    return None


def _before_trailing_participle(clause: Any, end: int) -> int:
    """End of a reported clause before ", calling ..." / ", adding ...": a participle after a
    comma says what the speaker did next, not what they said."""
    doc = clause.doc
    for child in clause.rights:
        if (
            child.dep_ == "advcl"
            and child.tag_ == "VBG"
            and child.left_edge.i == child.i
            and doc[child.i - 1].text == ","
        ):
            return min(end, child.i - 1)
    return end


def _complement_extent(verb: Any) -> tuple[int, int, bool] | None:
    """Token range of what a speech verb reports, and whether that range must hold a verb.

    A that-clause or clause complement ("argues that ...", "..., X said"); else an infinitive
    ("vowed to take the fight to ..."); else, for verbs whose object is what was said, the
    object with its predicate ("called him a fraud", "announced the arrest of ...").
    """
    children = list(verb.children)
    clauses = [c for c in children if c.dep_ == "ccomp"]
    if not clauses and ADDRESSEE_THAT_CLAUSE:
        clauses = [
            clause
            for obj in children
            if obj.dep_ == "dobj" and obj.i > verb.i
            for clause in obj.children
            if _misparsed_that_clause(clause)
        ]
    # The complement after the verb ("X argues that ..."); one before it is the reported
    # clause of '..., X said.'.
    clause = next((c for c in clauses if c.i > verb.i), None) or next(iter(clauses), None)
    if clause is not None:
        start, end = clause.left_edge.i, clause.right_edge.i + 1
        if start <= verb.i < end:
            return None
        return start, _before_trailing_participle(clause, end), True
    infinitive = next((c for c in children if c.dep_ == "xcomp" and c.i > verb.i), None)
    if (
        infinitive is not None
        and INFINITIVE_COMPLEMENTS
        and verb.lower_ not in no_infinitive_verb_forms()
    ):
        start = infinitive.left_edge.i
        # "urged Republicans to focus on ...": who is urged is part of what was said.
        addressee = next(
            (c for c in children if c.dep_ == "dobj" and verb.i < c.i < infinitive.i), None
        )
        if addressee is not None and OBJECT_BEFORE_INFINITIVE:
            start = addressee.left_edge.i
        return start, infinitive.right_edge.i + 1, True
    if verb.lower_ in object_verb_forms():
        objects = [c for c in children if c.dep_ in ("dobj", "oprd") and c.i > verb.i]
        if objects:
            return objects[0].left_edge.i, _with_predicate(verb, objects[-1]), False
    preps = prep_verb_forms().get(verb.lower_)
    if preps:
        prep = next((c for c in children if c.dep_ == "prep" and c.lower_ in preps), None)
        obj = (
            next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
            if prep is not None and prep.i > verb.i
            else None
        )
        if obj is not None:
            return obj.left_edge.i, obj.right_edge.i + 1, False
    return None


def _misparsed_that_clause(clause: Any) -> bool:
    """ "told councillors that the town would ...": a clause the parse hung on the addressee as
    a relative one although "that" only introduces it (a relative "that" would be its subject
    or object) and it has a subject of its own."""
    if clause.dep_ not in ("acl", "relcl") or clause.i < clause.head.i:
        return False
    deps = {(c.dep_, c.lower_) for c in clause.children}
    return ("mark", "that") in deps and any(d in ("nsubj", "nsubjpass") for d, _ in deps)


def _with_predicate(verb: Any, obj: Any) -> int:
    """End of an object with the predicate the verb gives it: "described Trump as "kind"",
    "accused him of lying", "attacked Romney for being a "failed candidate"."""
    end = obj.right_edge.i + 1
    if not OBJECT_PREDICATES:
        return end
    for child in verb.rights:
        if child.i >= end and child.dep_ == "prep" and child.lower_ in OBJECT_PREDICATE_PREPS:
            if child.i != end:
                break
            end = child.right_edge.i + 1
    return end


def _trim(
    doc: Any, start_i: int, end_i: int, need_verb: bool = True, min_words: int = 0
) -> tuple[int, int] | None:
    """Character range of tokens [start_i, end_i) without edge punctuation or leading 'that'."""
    while start_i < end_i and (doc[start_i].is_punct or doc[start_i].is_space):
        start_i += 1
    if (
        not KEEP_THAT
        and start_i < end_i
        and doc[start_i].lower_ == "that"
        and doc[start_i].dep_ == "mark"
    ):
        start_i += 1
    while end_i > start_i and (doc[end_i - 1].is_punct or doc[end_i - 1].is_space):
        end_i -= 1
    words = [t for t in doc[start_i:end_i] if not t.is_punct]
    if len(words) < (min_words or MIN_CONTENT_WORDS) or (
        need_verb and not any(t.pos_ in ("VERB", "AUX") for t in words)
    ):
        return None
    start, end = doc[start_i].idx, doc[end_i - 1].idx + len(doc[end_i - 1].text)
    return start, _past_closing_mark(doc_text(doc), start, end)


def _past_closing_mark(text: str, start: int, end: int) -> int:
    """``end``, or past the closing quote mark when text[start:end] ends inside a quotation
    ('called him an "academic and musician," ...' keeps its closing mark, not a dangling opener).
    """
    content = text[start:end]
    opened = content.count("“") > content.count("”") or content.count('"') % 2 == 1
    if not opened:
        return end
    after = text[end : end + 2]
    for n, ch in enumerate(after):
        if ch in '”"':
            return end + n + 1
        if ch not in ",.":
            break
    return end


def _according_to(art: _Article, token: Any) -> _Found | None:
    to = next((c for c in token.children if c.lower_ == "to"), None)
    obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    if obj is None:
        return None
    return _clause_with_source(art, token, obj, CONFIDENCE["according"])


@functools.cache
def poll_noun_forms() -> frozenset[str]:
    return frozenset(
        f for entry in lexicon_entries("poll_nouns") for base in entry for f in (base, base + "s")
    )


def _in_poll(art: _Article, token: Any) -> _Found | None:
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
    return _clause_with_source(art, token, obj, CONFIDENCE["poll"])


def _clause_with_source(art: _Article, token: Any, obj: Any, confidence: float) -> _Found | None:
    """The sentence around a source phrase ("according to X", "in a poll"), on whichever side
    of the phrase holds more of it, attributed to the phrase's object."""
    doc = art.doc
    phrase_start, phrase_end = token.i, obj.right_edge.i + 1
    sent = token.sent
    left = (sent.start, phrase_start)
    right = (phrase_end, sent.end)
    side = left if left[1] - left[0] >= right[1] - right[0] else right
    span = _trim(doc, *side)
    if span is None:
        return None
    start, end = speaker_extent(obj)
    speaker = art.resolver.resolve(start, end, obj)
    return _Found(
        "indirect",
        span[0],
        span[1],
        speaker,
        token,
        confidence,
        art.resolver.paragraph_of(span[0]),
    )


def _noun_cue(art: _Article, noun: Any) -> _Found | None:
    doc = art.doc
    clause = next(
        (
            c
            for c in noun.children
            if c.dep_ in ("acl", "ccomp", "relcl")
            and any(g.lower_ == "that" and g.dep_ == "mark" for g in c.children)
        ),
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
    span = _trim(doc, clause.left_edge.i, clause.right_edge.i + 1)
    if span is None:
        return None
    start, end = speaker_extent(owner)
    speaker = art.resolver.resolve(start, end, owner)
    return _Found(
        "indirect",
        span[0],
        span[1],
        speaker,
        noun,
        CONFIDENCE["noun"],
        art.resolver.paragraph_of(span[0]),
    )


def _quoted_within(text: str, quote: _Found, clause: _Found) -> bool:
    """Whether a direct quote closes a clause its own cue reports, after words of that clause
    other than "that" ('said that once the Senate goes on recess, "I intend to ..."')."""
    if not CLAUSE_HOLDS_QUOTE or quote.cue is None or clause.cue is None or quote.parts:
        return False
    if quote.cue.i != clause.cue.i or not clause.start < quote.start < clause.end:
        return False
    if quote.end > clause.end + 2:
        return False
    lead = text[clause.start : quote.start].strip(" ,\"“‘'").split()
    return bool(lead) and lead != ["that"]


def _nested(inner: _Found, outer: _Found) -> bool:
    """Whether ``inner`` (cue and content) lies inside what ``outer`` reports."""
    return (
        inner is not outer
        and inner.cue is not None
        and outer.cue is not None
        and outer.start <= inner.cue.idx < outer.end
        and outer.start <= inner.start
        and inner.end <= outer.end + 2
        and not outer.start <= outer.cue.idx < outer.end
    )


def _overlap(a: _Found, b: _Found) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _tagged_quotes(
    art: _Article, tagged: Sequence[tuple[str, int, int]], found: list[_Found]
) -> list[_Found]:
    """The trained tagger's Contents that no rule found, each with a tagged Cue next to it,
    attributed to the cue word's subject or else to the nearest tagged Source. One whose
    speaker resolves to no person, organisation or unnamed source is dropped: on PolNeAR dev
    those were right 0.49 of the time, with the speaker right 0.68 (2026-11-30)."""
    doc = art.doc

    def tokens(start: int, end: int) -> tuple[int, int]:
        return art.token_index(start), art.token_index(end - 1) + 1

    def gap(a: tuple[int, int], b: tuple[int, int]) -> int:
        return max(a[0] - b[1], b[0] - a[1], 0)

    cues = [tokens(s, e) for label, s, e in tagged if label == "CUE"]
    sources = [tokens(s, e) for label, s, e in tagged if label == "SOURCE"]
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
        speaker = art.speaker_of(cue) if cue.pos_ in ("VERB", "AUX") else None
        if speaker is None:
            nearest = min(sources, key=lambda s: gap(s, span), default=None)
            if nearest is not None and gap(nearest, span) <= TAGGED_SOURCE_WINDOW:
                source = doc[nearest[0] : nearest[1]]
                speaker = art.resolver.resolve(source.start, source.end, source.root)
        if speaker is None or speaker.kind == "unknown":
            continue
        confidence = CONFIDENCE["tagged"]
        out.append(
            _Found(
                "indirect",
                start,
                end,
                speaker,
                cue,
                confidence,
                art.resolver.paragraph_of(start),
                found_by="tagger",
            )
        )
    return out


def extract_quotes(
    doc: Any,
    clusters: list[EntityCluster],
    mentions: list[Mention],
    tagged: Sequence[tuple[str, int, int]] = (),
) -> list[Quote]:
    """Direct, partial and indirect quotes of one article, in text order. ``tagged`` holds the
    attribution tagger's (label, start_char, end_char) spans over the same text
    (``tasks.nlp.attribution_model.tag``); without them the rules run alone."""
    art = _Article(doc, clusters, mentions)
    spans = find_quoted_spans(doc_text(doc))
    direct = _direct_quotes(art, spans) + _unmarked_paragraph_quotes(art, spans)
    labelled = _speaker_label_lines(art)
    direct = [d for d in direct if not any(lb.start <= d.start < lb.end for lb in labelled)]
    direct += labelled
    direct_full = [d for d in direct if d.kind == "direct"]
    indirect = []
    reported = _indirect_quotes(art)
    speech = [r for r in reported if not r.attitude]
    for item in reported:
        if item.attitude and any(s.start <= item.cue.idx < s.end for s in speech):
            # "He said he believes that ...": the belief is part of what was said, and
            # PolNeAR annotates the saying (on train 22 of 254 such beliefs matched).
            continue
        inside = [d for d in direct_full if _quoted_within(art.text, d, item)]
        if inside:
            # 'said that once the Senate goes on recess, "I intend to ..."': the quote is part
            # of the reported clause, so the clause is the statement and the quote a partial.
            for d in inside:
                d.kind = "partial"
            direct_full = [d for d in direct_full if d.kind == "direct"]
        # An indirect clause that is really the direct quote (or sits inside it) is dropped.
        if any(_overlap(item, d) > 0.5 * (item.end - item.start) for d in direct_full):
            continue
        if any(d.start <= item.cue.idx < d.end for d in direct_full):
            continue
        indirect.append(item)
    if DROP_NESTED:
        indirect = [item for item in indirect if not any(_nested(item, o) for o in indirect)]
    if tagged:
        indirect += _tagged_quotes(art, tagged, direct + indirect)
    results = sorted(direct + indirect, key=lambda f: (f.start, f.end))
    text = doc_text(doc)
    quotes: list[Quote] = []
    for item in results:
        speaker = item.speaker
        cue = item.cue
        quotes.append(
            Quote(
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
                segments=tuple(item.parts) if len(item.parts) > 1 else (),
                found_by=item.found_by,
            )
        )
    return quotes


__all__ = ["QuotedSpan", "extract_quotes", "find_quoted_spans"]
