"""When each quote was said: the time expression on its cue, resolved against the publication date.

``said_on(doc, quote, published_at)`` reads the dependency parse of the spaCy ``Doc`` the quote
was found in ("said on Friday" -> the Friday before publication); ``resolve_time_expression``
turns the words into a date with a precision. Written dates are read by the parsers of
``tasks.clean.dates``, which publication dates use too.

Conventions (docs/dates.md has the reasoning and the measured figures):

- Week, month and year precision dates are the first day of the span (Monday for a week, the 1st
  for a month, 1 January for a year; a weekend is its Saturday). Read ``said_on`` with
  ``precision``.
- Relative weekdays count back in past-tense reporting: "on Friday" is the most recent Friday on or
  before the publication day (the same day counts: wire copy says "said Tuesday" in Tuesday's
  story); "last Friday" is the most recent Friday strictly before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from schemas.vocab import Precision
from tasks import lexicon
from tasks.clean.dates import (
    WrittenDate,
    alternation,
    find_written_dates,
    month_numbers,
    valid_day,
    weekday_numbers,
)
from tasks.model import Quote, SaidOn


@cache
def _relative_days() -> dict[str, int]:
    table: dict[str, int] = {}
    for line in lexicon.lines("time_relative_days"):
        phrase, offset = line.split("\t")
        table[phrase.strip()] = int(offset)
    return table


@cache
def _speech_events() -> frozenset[str]:
    return frozenset(lexicon.lines("time_speech_events"))


@cache
def _occasion_verbs() -> frozenset[str]:
    return frozenset(lexicon.lines("time_occasion_verbs"))


# ---------------------------------------------------------------------------------------------
# Resolving a time expression against a publication date

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a few": 3, "several": 3,
}  # fmt: skip
_LEADING = re.compile(r"^(?:on|at|in|during|over|from|of|the|earlier|early|late|this past|past)\s+")
_TIME_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"


@dataclass(frozen=True)
class ResolvedTime:
    said_on: date
    precision: Precision  # day, week, month or year


def resolve_time_expression(words: str, published: date | None) -> ResolvedTime | None:
    """The date a time expression names, read as past-tense reporting published on ``published``.

    Absolute expressions ("3 March 2016", "in 2016") resolve without a publication date;
    relative ones ("yesterday", "on Friday", "last week", "3 March") need it. Vague ones
    ("recently", "in the past") give None.
    """
    phrase = re.sub(r"[’']s\b", "", words.lower())
    phrase = re.sub(r"[^\w\s]", " ", phrase)
    phrase = re.sub(r"\s+", " ", phrase).strip()
    previous = None
    while previous != phrase:
        previous, phrase = phrase, _LEADING.sub("", phrase)
    if not phrase:
        return None

    written = find_written_dates(words)
    if written:
        return _resolve_written(written[0], published)

    weekdays = weekday_numbers()
    if phrase in _relative_days():
        return _relative(published, _relative_days()[phrase])
    match = re.fullmatch(
        rf"(last|this|previous)?\s*({alternation(weekdays)}){_TIME_OF_DAY}", phrase
    )
    if match:
        if published is None:
            return None
        back = (published.weekday() - weekdays[match.group(2)]) % 7
        if match.group(1) in ("last", "previous") and back == 0:
            back = 7
        return ResolvedTime(published - timedelta(days=back), "day")
    match = re.fullmatch(
        rf"({alternation(_NUMBER_WORDS)}|\d+) (day|week|month|year)s? (?:ago|earlier)", phrase
    )
    if match:
        if published is None:
            return None
        count = int(match.group(1)) if match.group(1).isdigit() else _NUMBER_WORDS[match.group(1)]
        return _ago(published, count, match.group(2))
    match = re.fullmatch(r"(last|this|previous|that)?\s*(week|weekend|month|year)", phrase)
    if match and match.group(1):
        if published is None or match.group(1) == "that":
            return None
        return _period(published, match.group(2), -1 if match.group(1) != "this" else 0)
    match = re.fullmatch(r"((?:19|20)\d\d)", phrase)
    if match:
        return ResolvedTime(date(int(match.group(1)), 1, 1), "year")
    match = re.fullmatch(rf"({alternation(month_numbers())})(?: ((?:19|20)\d\d))?", phrase)
    if match:
        month = month_numbers()[match.group(1)]
        if match.group(2):
            return ResolvedTime(date(int(match.group(2)), month, 1), "month")
        if published is None:
            return None
        year = published.year if month <= published.month else published.year - 1
        return ResolvedTime(date(year, month, 1), "month")
    return None


def _resolve_written(found: WrittenDate, published: date | None) -> ResolvedTime | None:
    if found.year is not None:
        return ResolvedTime(date(found.year, found.month, found.day), "day")
    if published is None:
        return None
    year = published.year
    if (
        not valid_day(year, found.month, found.day)
        or date(year, found.month, found.day) > published
    ):
        year -= 1  # past-tense reporting: "on Dec. 30" in a story of 2 January is last year's
    if not valid_day(year, found.month, found.day):
        return None
    return ResolvedTime(date(year, found.month, found.day), "day")


def _relative(published: date | None, offset: int) -> ResolvedTime | None:
    return ResolvedTime(published + timedelta(days=offset), "day") if published else None


def _ago(published: date, count: int, unit: str) -> ResolvedTime:
    if unit == "day":
        return ResolvedTime(published - timedelta(days=count), "day")
    if unit == "week":
        return ResolvedTime(published - timedelta(weeks=count), "week")
    if unit == "month":
        months = published.year * 12 + published.month - 1 - count
        return ResolvedTime(date(months // 12, months % 12 + 1, 1), "month")
    return ResolvedTime(date(published.year - count, 1, 1), "year")


def _period(published: date, unit: str, shift: int) -> ResolvedTime:
    """The start of this (shift 0) or the previous (shift -1) week, weekend, month or year."""
    if unit == "week":
        monday = published - timedelta(days=published.weekday())
        return ResolvedTime(monday + timedelta(weeks=shift), "week")
    if unit == "weekend":
        # The weekend of the publication week if it has started, else the one before; "last
        # weekend" read on a Saturday or Sunday is the previous one.
        back = (published.weekday() - 5) % 7
        saturday = published - timedelta(days=back)
        if shift < 0 and back <= 1:
            saturday -= timedelta(weeks=1)
        return ResolvedTime(saturday, "week")
    if unit == "month":
        months = published.year * 12 + published.month - 1 + shift
        return ResolvedTime(date(months // 12, months % 12 + 1, 1), "month")
    return ResolvedTime(date(published.year + shift, 1, 1), "year")


# ---------------------------------------------------------------------------------------------
# said_on
#
# Which time expression governs a quote: only one attached to the cue clause, found through the
# dependency parse, never one inside the quote's content. From the cue verb we follow
#   - its temporal dependents: npadvmod ("said Tuesday"), advmod ("said yesterday"), prep + pobj
#     ("said on Friday", "told the Commons on Tuesday");
#   - into the occasion it names, when a preposition's object is a speech-event noun
#     (time_speech_events.txt): "in an interview last week", "in a statement Tuesday";
#   - its object's prepositions ("told reporters on Monday"), and participles of speaking
#     (time_occasion_verbs.txt) on the cue or the speaker: "Clinton, speaking on Monday, said",
#     "in an interview aired Monday";
#   - the verb a conjoined cue hangs from ("spoke at a rally on Monday and said ...").
# Clausal complements (ccomp, xcomp: the content of indirect speech), other adverbial and relative
# clauses are not followed, and any token inside the quote's span is dropped, so "in 1931" inside
# or about the quote never dates it.

_TIME_LABELS = frozenset({"DATE", "TIME"})
# Hops from the cue verb: "said" -> "in" -> "interview" -> "aired" -> "Monday" is the deepest
# path the cases in tests/test_dates.py need.
MAX_HOPS = 4


def said_on(doc: Any, quote: Quote, published_at: datetime | None) -> SaidOn:
    """When ``quote`` was said: the time expression on its cue, else the publication date."""
    published = published_at.date() if published_at is not None else None
    for span_words in _cue_time_expressions(doc, quote):
        # The recogniser's DATE span can start early ("an interview last week"): try it whole,
        # then without its leading words.
        tokens = span_words.split()
        for words in (" ".join(tokens[i:]) for i in range(len(tokens))):
            resolved = resolve_time_expression(words, published)
            if resolved is not None:
                return SaidOn(resolved.said_on, words, resolved.precision, "expression")
            if published is None and _is_time_words(words):
                return SaidOn(None, words, "unknown", "unknown")
    if published is None:
        return SaidOn(None, None, "unknown", "unknown")
    return SaidOn(published, None, "day", "published")


def _is_time_words(words: str) -> bool:
    return resolve_time_expression(words, date(2000, 6, 15)) is not None


def _cue_time_expressions(doc: Any, quote: Quote) -> list[str]:
    """Time expressions attached to the quote's cue clause, nearest to the cue first."""
    anchor = _cue_anchor(doc, quote)
    if anchor is None:
        return []
    content = (quote.quote_start, quote.quote_end)

    def inside_content(token: Any) -> bool:
        return token.idx < content[1] and token.idx + len(token) > content[0]

    found: dict[tuple[int, int], tuple[int, str]] = {}

    def add(token: Any) -> None:
        span = _time_span(doc, token)
        if span is None:
            return
        start, end = span.start_char, span.end_char
        if not (start < content[1] and end > content[0]):
            found[(start, end)] = (abs(token.i - anchor.i), span.text)

    def visit(token: Any, hops: int) -> None:
        if hops > MAX_HOPS or inside_content(token):
            return
        for child in token.children:
            if inside_content(child):
                continue
            dep = child.dep_
            if dep in ("npadvmod", "advmod", "tmod", "obl", "nmod"):
                add(child)
            elif dep == "prep":
                for obj in child.children:
                    if obj.dep_ != "pobj" or inside_content(obj):
                        continue
                    add(obj)
                    if _is_speech_event(obj):
                        visit(obj, hops + 2)
            elif dep in ("dobj", "dative") and token is anchor:
                visit_preps_only(child)
            elif dep == "nsubj" and token is anchor:
                for part in child.children:
                    if part.dep_ in ("acl", "advcl") and _is_occasion_verb(part):
                        visit(part, hops + 1)
            elif dep in ("advcl", "ccomp", "acl", "xcomp") and _is_occasion_verb(child):
                visit(child, hops + 1)  # "speaking on Monday", "an interview aired Monday"
            elif dep in ("amod", "compound") and _is_speech_event(token):
                add(child)

    def visit_preps_only(token: Any) -> None:
        for child in token.children:
            if child.dep_ == "prep":
                for obj in child.children:
                    if obj.dep_ == "pobj" and not inside_content(obj):
                        add(obj)

    visit(anchor, 0)
    if anchor.dep_ == "conj" and anchor.head.pos_ == "VERB":
        visit(anchor.head, 1)  # "spoke at a rally on Monday and said ..."
    return [text for _, text in sorted(found.values())]


def _cue_anchor(doc: Any, quote: Quote) -> Any | None:
    """The cue's head token (the speech verb), or the verb the speaker is the subject of."""
    if quote.cue_start is not None and quote.cue_end is not None:
        span = doc.char_span(quote.cue_start, quote.cue_end, alignment_mode="expand")
        if span is not None and len(span):
            return span.root
    if quote.speaker_start is not None and quote.speaker_end is not None:
        span = doc.char_span(quote.speaker_start, quote.speaker_end, alignment_mode="expand")
        if span is not None and len(span) and span.root.dep_ in ("nsubj", "nsubjpass"):
            return span.root.head
    return None


def _is_occasion_verb(token: Any) -> bool:
    # VBD too: the tagger often reads "an interview aired Monday" as a past tense.
    return token.tag_ in ("VBG", "VBN", "VBD") and token.lower_ in _occasion_verbs()


def _is_speech_event(token: Any) -> bool:
    word = token.lower_
    return word in _speech_events() or (word.endswith("s") and word[:-1] in _speech_events())


def _time_span(doc: Any, token: Any) -> Any | None:
    """The DATE/TIME entity holding ``token``, or the token with its modifiers when it is a time
    word the entity recogniser missed ("yesterday", "Friday")."""
    if token.ent_type_ in _TIME_LABELS:
        for ent in doc.ents:
            if ent.start <= token.i < ent.end:
                return ent
    word = token.lower_.rstrip(".")
    if word in weekday_numbers() or word in _relative_days() or word in ("week", "month", "year"):
        left = token
        for child in token.lefts:
            if child.lower_ in ("last", "this", "previous", "earlier", "past"):
                left = child
                break
        return doc[left.i : token.i + 1]
    return None
