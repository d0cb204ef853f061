"""Quote marks in plain text: the spans between them, paragraph by paragraph, with no model.

Curly marks say which way they face. A straight double mark opens after a space, a bracket, a
dash, a slash or a colon when a word follows, and otherwise closes (one standing between spaces
closes an open span, else opens one); two apostrophes ('') are a double mark, as some wire copy
writes them. A double mark that opens while another is open ends
the first span there, and a span still open at the end of its paragraph runs to it (a quote
going on into the next paragraph reopens there). Single marks pair only when both are found, as
an apostrophe is more often not a quote mark ("Tom's", "the dogs' bowls"), and not inside a
double-quoted span. Offsets index the text as given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.nlp.speakers import paragraph_spans

OPEN_DOUBLE = "“„«"
CLOSE_DOUBLE = "”»"
OPEN_SINGLE = "‘"
CLOSE_SINGLE = "’"
# Stands in for the second apostrophe of a '' mark, so that every offset stays where it was.
FILLER = "\x00"
# Characters after which a straight quote mark opens a quotation rather than closing one.
OPENING_CONTEXT = " \t\n([{—–-/:"


@dataclass(frozen=True)
class QuotedSpan:
    """Text between quote marks; ``end`` excludes the closing mark, ``closed`` says if one came."""

    open_mark: int
    start: int
    end: int
    closed: bool
    paragraph: int


def find_quoted_spans(text: str) -> list[QuotedSpan]:
    """Spans between quote marks, paragraph by paragraph; unclosed spans end with the paragraph."""
    spans: list[QuotedSpan] = []
    for paragraph, (start, end) in enumerate(paragraph_spans(text)):
        spans.extend(_spans_in_paragraph(text[start:end], start, paragraph))
    return spans


def _spans_in_paragraph(line: str, offset: int, paragraph: int) -> list[QuotedSpan]:
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
    """(opening, closing) positions of the double or the single marks of one paragraph; the
    closing position is None for a span the paragraph leaves open."""
    pairs: list[tuple[int, int | None]] = []
    open_at: int | None = None
    for mark in (_DOUBLE_MARKS if double else _SINGLE_MARKS).finditer(line):
        i, ch = mark.start(), mark.group()
        prev = line[i - 1] if i else " "
        j = i + 2 if i + 1 < len(line) and line[i + 1] == FILLER else i + 1
        nxt = line[j] if j < len(line) else " "
        role = (
            _double_role(ch, prev, nxt, open_at) if double else _single_role(ch, prev, nxt, open_at)
        )
        if role is None:
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


def _double_role(ch: str, prev: str, nxt: str, open_at: int | None) -> str | None:
    if ch in OPEN_DOUBLE:
        return "open"
    if ch in CLOSE_DOUBLE:
        return "close"
    if prev in OPENING_CONTEXT and not nxt.isspace():
        return "open"
    if not prev.isspace():
        return "close"
    return "close" if open_at is not None else "open"


def _single_role(ch: str, prev: str, nxt: str, open_at: int | None) -> str | None:
    if ch == OPEN_SINGLE or (ch == "'" and prev in OPENING_CONTEXT and nxt.isalnum()):
        return "open" if ch == OPEN_SINGLE or open_at is None else None
    if ch in (CLOSE_SINGLE, "'") and open_at is not None and not nxt.isalnum():
        return None if prev.isspace() else "close"
    return None


def _trim_back(line: str, i: int) -> int:
    while i > 0 and line[i - 1].isspace():
        i -= 1
    return i
