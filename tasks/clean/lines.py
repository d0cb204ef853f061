"""Lines of a text dump, their classes and their scores: where the article is.

The approach is jusText's (Pomikálek 2011), on lines instead of HTML blocks, plus a main run:

1. **Lines**: non-empty lines, re-flowed where markup or hard-wrapping cut a sentence in pieces;
   a block of short lines between blank lines is a *link list* (menus, teaser rails, widgets).
2. **Classes** from text alone (``classify``): *good*, *near-good*, *short* or *bad*, with
   jusText's published thresholds and the furniture lexicon (``tasks.clean.furniture``).
3. **Smoothing** (``smooth``): short and near-good lines take the class of their neighbours.
4. **Scores** (``line_score``): a line adds its length weighted by how much it reads like prose,
   furniture and navigation cost theirs; the article is the contiguous run with the highest
   total (``main_run``), the maximum-scoring-segment idea of Body Text Extraction (Finn et al.
   2001). Teasers far below the article are cut off even when a few of them look like prose.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from tasks import lexicon
from tasks.clean.furniture import (
    JUNK_LINE_MAX_CHARS,
    bulleted_list_lines,
    has_notice,
    is_caption_line,
    is_credit_line,
    is_end_marker,
    is_junk_line,
    kicker_rail_lines,
    ranked_table_lines,
    repeated_headline_lines,
    teaser_rail_lines,
    teaser_stream_lines,
)
from tasks.clean.line_shape import (
    LENGTH_HIGH,
    LENGTH_LOW,
    SENTENCE_STOP,
    TERMINAL,
    WORD,
    stoplist,
    stopword_density,
    text_length,
)
from tasks.clean.normalize import detect_language

# jusText's defaults (justext.core: STOPWORDS_LOW_DEFAULT, STOPWORDS_HIGH_DEFAULT), chosen by its
# author on the CleanEval data: the stopword share under which a line is bad, and from which a
# long line is good.
STOPWORDS_LOW = 0.30
STOPWORDS_HIGH = 0.32
# Cost of a bad line in the main-run score, in characters: a navigation line of 15 characters
# costs as much as one of 40, so twenty links separating a teaser from the article outweigh the
# teaser. 40 is about a four-word link line with its share of separators (seeds: nav lines are
# 10-60 characters); swept 20-80 on the seeds and ScrapingHub text mode, flat between 30 and 60.
BAD_LINE_MIN_COST = 40
# Near-good lines (70-200 characters of prose) count for half their length: articles of short
# paragraphs (sports round-ups, briefs) have no good line at all, and jusText loses them whole.
NEAR_GOOD_WEIGHT = 0.5
# Stopword density at which a long line scores 0: between jusText's bad (< 0.30) and the density
# of navigation text (0.0-0.15 on the seeds' furniture); 0.2 puts the ramp's zero there.
PROSE_ZERO_DENSITY = 0.2
# Short lines cost half of what a bad line costs: an article carries a few (subheadings, one-line
# quotes, datelines), a menu is made of them.
SHORT_LINE_WEIGHT = 0.5
# A link list: a block (lines between blank lines) of at least this many lines whose median line
# is shorter than LENGTH_LOW. Dumps set paragraphs apart with blank lines and menus, teaser rails
# and job widgets line by line (all four seeds); three lines is the smallest list that is not a
# title with its standfirst.
LINK_LIST_MIN_LINES = 3
# The last word of a line, for re-flowing, is looked for in its last 30 characters: longer than
# any word of clean_continuation_words.txt with the punctuation around it.
LAST_WORD_CHARS = 30
# How far before a join a legal or cookie notice that straddles it can start: more than the
# longest match of any junk_notices.txt pattern (134 characters, plus one on either side for a
# word boundary); tests/test_clean.py holds the patterns' widest match under it.
NOTICE_MAX_CHARS = 200

# Capital letters that are words of their own in the languages the cleaner reads most (English
# "A", "I"; Portuguese, Spanish, Italian "A", "E", "O", "Y"): a drop cap of one of them may be
# the word itself.
_ONE_LETTER_WORDS = frozenset("AEIOY")
# An HTML tag or comment opening a line, and the tags and web addresses in a line.
_MARKUP_OPENING = re.compile(r"<(?:/?[a-zA-Z][\w:-]*|!--)")
_MARKUP_TAG_OR_ADDRESS = re.compile(r"<[^<>]*>?|\S*://\S*")
_BLOCK_BREAK = re.compile(r"\n\s*\n")
_GLUE_NO_SPACE = frozenset(",.;:!?)]}’”'%")
_OPENS_CONTINUATION = re.compile(r"^(?:[a-z\u00df-\u00ff]|[,.;:!?)\]}’”%](?:\s|$))")
# A date line that opens with its weekday in lower case, as Portuguese, Spanish, French and
# Italian write it ("sexta-feira, 22 de outubro de 2010 às 20:13", "lunes, 3 de mayo de 2021"):
# a weekday, a comma, the day, and a year, on a short line. It is printed under a heading, not
# the rest of the heading's sentence (unless the line before it ends on a word a sentence goes
# on from: "The sale of" over "ships, 12 of them built in 1990, ...").
_LOWER_CASE_DATE_LINE = re.compile(
    r"^[a-z\u00df-\u00ff]+(?:-[a-z\u00df-\u00ff]+)?,\s+[0-3]?\d\b.*\b(?:19|20)\d\d\b"
)

# A byline in lower case ("by Paola Messana", as some sites print it under the headline): "by"
# and one to four capitalised names, the whole line. It is the credit under a heading, not the
# rest of the heading's sentence (a sentence cut by a link to its author goes on after the name).
_LOWER_CASE_BYLINE = re.compile(r"^by\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}$")


@dataclass
class Line:
    """One line of a dump as the main run sees it."""

    index: int
    text: str
    cls: str  # good | near | short | bad
    junk: bool
    in_list: bool = False
    caption: bool = False
    table: bool = False
    # a teaser's headline printed again (see repeated_headline_lines): it costs like a junk line
    # and leaves the body, but the header may still read it as the title
    teaser: bool = False


def language_and_stopwords(texts: list[str]) -> tuple[str | None, frozenset[str]]:
    """The dump's language, told from its lines of prose length, and the stoplist to read it with
    (English when the language cannot be told)."""
    language = detect_language(" ".join(t for t in texts if text_length(t) >= LENGTH_LOW))
    return language, stoplist(language or "en")


def split_lines(text: str) -> tuple[list[str], list[bool]]:
    """Non-empty lines, re-flowed (see ``runs_on``), and for each whether it sits in a link list
    (see LINK_LIST_MIN_LINES). A furniture heading does not take the capitalised line after it,
    nor any line a byline in lower case (``_LOWER_CASE_BYLINE``)."""
    texts: list[str] = []
    in_list: list[bool] = []
    # Whether texts[-1] is a furniture line (is_junk_line), kept up to date at every join so a
    # paragraph re-flowed from thousands of pieces is not tested whole at each of them.
    last_junk = False
    # Whether texts[-1] is a furniture heading ("You might also like"): it ends on a word a
    # sentence cannot end on, but the capitalised headline after it is the furniture it heads,
    # not its sentence. (A line in lower case after it still joins, as after any line.)
    last_marker = False
    for block in _BLOCK_BREAK.split(text):
        lines = [t.strip() for t in block.split("\n") if t.strip()]
        if not lines:
            continue
        lengths = sorted(len(t) for t in lines)
        listy = len(lines) >= LINK_LIST_MIN_LINES and lengths[len(lengths) // 2] < LENGTH_LOW
        for line in lines:
            junk = is_junk_line(line)
            if (
                texts
                and not listy
                and not in_list[-1]
                and not last_junk
                and not (last_marker and not _OPENS_CONTINUATION.match(line))
                and not junk
                and not _LOWER_CASE_BYLINE.match(line)
                and _continues(texts[-1], line)
            ):
                glue = "" if line[0] in _GLUE_NO_SPACE or is_drop_cap(texts[-1], line) else " "
                joined_at = len(texts[-1]) + len(glue)
                texts[-1] = texts[-1] + glue + line
                last_junk = _joined_is_junk(texts[-1], joined_at)
            else:
                texts.append(line)
                in_list.append(listy)
                last_junk = junk
                last_marker = is_end_marker(line)
    return texts, in_list


def is_drop_cap(line: str, following: str) -> bool:
    """Whether ``line`` is a drop cap, the first letter of ``following``'s first word printed
    apart ("W" over "hile the ..."): one capital letter, then a line opening in lower case. A
    letter that is a word of its own ("A", "I", "O", "E", "Y") joins only when its fragment
    cannot be a word after it: one letter ("I" over "t was") or followed by a capitalised word
    (the drop cap of a name: "A" over "dam Schiff's ..."); "A" over "muddled view" stays two
    words."""
    if len(line) != 1 or not line.isupper() or not following[:1].islower():
        return False
    if line not in _ONE_LETTER_WORDS:
        return True
    words = following.split(maxsplit=2)
    fragment = words[0].rstrip(",.;:!?’'")
    return len(fragment) == 1 or (len(words) > 1 and words[1][:1].isupper())


def _joined_is_junk(joined: str, joined_at: int) -> bool:
    """``is_junk_line(joined)`` for two lines neither of which is junk, ``joined`` at
    ``joined_at``. Over JUNK_LINE_MAX_CHARS only the notices can match (is_junk_line tests the
    junk lexicon on shorter lines only), and a notice in neither piece must straddle the join:
    it starts at most NOTICE_MAX_CHARS before it (``search`` from a position still reads the
    character before it for a word boundary)."""
    if len(joined) <= JUNK_LINE_MAX_CHARS:
        return is_junk_line(joined)
    return has_notice(joined, max(0, joined_at - NOTICE_MAX_CHARS))


@functools.cache
def _continuation_words() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon.lines("clean_continuation_words"))


@functools.cache
def _step_heading() -> re.Pattern[str]:
    words = "|".join(re.escape(w.lower()) for w in lexicon.lines("clean_step_words"))
    return re.compile(rf"(?i:{words})\s+\d{{1,2}}\s*[:.]?")


def is_step_heading(text: str) -> bool:
    """A how-to's numbered step heading ("Step 3", "Schritt 2:")."""
    return _step_heading().fullmatch(text.strip()) is not None


def runs_on(line: str, following: str) -> bool:
    """Whether ``following`` continues the sentence ``line`` leaves open: a paragraph cut into
    pieces by inline markup (a link becomes its own line) or hard-wrapped at the source. A
    furniture line neither continues nor is continued."""
    return not is_junk_line(following) and not is_junk_line(line) and _continues(line, following)


def _continues(line: str, following: str) -> bool:
    """``runs_on`` for lines known not to be furniture."""
    # TERMINAL is a line's last character: only the end of a re-flowed paragraph is read.
    if TERMINAL.search(line, max(0, len(line) - LAST_WORD_CHARS)):
        return False
    if _OPENS_CONTINUATION.match(following) and not (
        len(following) < LENGTH_LOW and _LOWER_CASE_DATE_LINE.match(following)
    ):
        return True
    last = WORD.findall(line[-LAST_WORD_CHARS:].lower())
    return line.endswith((",", "(", "–", "—")) or bool(last and last[-1] in _continuation_words())


def classify(text: str, stopwords: frozenset[str]) -> tuple[str, bool]:
    """jusText's context-free classes for one line, plus whether the junk lexicon matched."""
    if is_junk_line(text):
        return "bad", True
    if text_length(text) < LENGTH_LOW:
        return "short", False
    # Language-independent mode (no stoplist): jusText sets both stopword thresholds to 0.
    low, high = (STOPWORDS_LOW, STOPWORDS_HIGH) if stopwords else (0.0, 0.0)
    density = stopword_density(text, stopwords) if stopwords else 0.0
    sentence_like = TERMINAL.search(text) is not None
    if density >= high and text_length(text) > LENGTH_HIGH:
        # Teaser blurbs are long but stop without a full stop; prose paragraphs end like sentences.
        return ("good" if sentence_like else "near"), False
    if density >= low:
        return "near", False
    return "bad", False


def _neighbour(lines: list[Line], i: int, step: int, ignore_near: bool) -> str:
    """jusText's _get_neighbour: the nearest class that is not short (nor near-good)."""
    j = i + step
    while 0 <= j < len(lines):
        cls = lines[j].cls
        if cls in ("good", "bad") or (cls == "near" and not ignore_near):
            return cls
        j += step
    return "bad"


def smooth(lines: list[Line]) -> None:
    """jusText's context-sensitive revision: short and near-good lines take their context."""
    new = []
    for i, line in enumerate(lines):
        cls = line.cls
        if cls == "short":
            prev, nxt = _neighbour(lines, i, -1, True), _neighbour(lines, i, 1, True)
            if prev == nxt == "good":
                cls = "good"
            elif prev == nxt == "bad":
                cls = "bad"
            elif (prev == "bad" and _neighbour(lines, i, -1, False) == "near") or (
                nxt == "bad" and _neighbour(lines, i, 1, False) == "near"
            ):
                cls = "good"
            else:
                cls = "bad"
        new.append(cls)
    for line, cls in zip(lines, new, strict=True):
        line.cls = cls
    new = []
    for i, line in enumerate(lines):
        cls = line.cls
        if cls == "near":
            prev, nxt = _neighbour(lines, i, -1, True), _neighbour(lines, i, 1, True)
            cls = "bad" if prev == nxt == "bad" else "good"
        new.append(cls)
    for line, cls in zip(lines, new, strict=True):
        line.cls = cls


def line_score(line: Line, stopwords: frozenset[str]) -> float:
    """A line's contribution to the main-run score: its length, weighted by how much it reads
    like prose. A soft version of jusText's stopword thresholds: weight +1 at STOPWORDS_HIGH and
    above, 0 at PROSE_ZERO_DENSITY, -1 at and below twice that distance under it; lines that do
    not end like a sentence count half at most; short lines and furniture cost."""
    size = float(text_length(line.text))
    if line.caption:
        # A photo caption is neither the article nor the end of it.
        return 0.0
    if line.table:
        # A table cell counts as much text as a prose line of the same length (at least a
        # short line's cost, so a table holds together against the navigation around it).
        return max(size, BAD_LINE_MIN_COST)
    if line.junk or line.teaser or line.cls == "bad" and line.in_list:
        return -max(size, BAD_LINE_MIN_COST)
    if line.cls == "short":
        if is_step_heading(line.text):
            # A step heading of a how-to sits between the steps' paragraphs: it is part of the
            # instructions, so it costs nothing (like a short sentence below).
            return 0.0
        if (
            stopwords
            and SENTENCE_STOP.search(line.text)
            and stopword_density(line.text, stopwords) >= STOPWORDS_LOW
        ):
            # A short sentence ("Nobody objected.", a line of dialogue) is not navigation: it
            # costs nothing, so an article of short paragraphs is not cut at each of them.
            # Swept 0, +0.25 and +0.5 of its length on the even pages: within 0.002 F1 of each
            # other; 0 is the neutral choice (jusText leaves a short line to its context).
            return 0.0
        return -SHORT_LINE_WEIGHT * max(size, BAD_LINE_MIN_COST)
    if not stopwords:  # language-independent mode: length is all there is
        weight = 1.0
    else:
        density = stopword_density(line.text, stopwords)
        weight = (density - PROSE_ZERO_DENSITY) / (STOPWORDS_HIGH - PROSE_ZERO_DENSITY)
        weight = max(-1.0, min(1.0, weight))
    if weight > 0 and not TERMINAL.search(line.text):
        weight *= NEAR_GOOD_WEIGHT
    if weight > 0 and size <= LENGTH_HIGH:
        weight *= NEAR_GOOD_WEIGHT
    if line.in_list and weight > 0:
        weight *= NEAR_GOOD_WEIGHT
    return weight * size


def is_markup_line(text: str, stopwords: frozenset[str]) -> bool:
    """A line of HTML markup printed as text (an ad slot's ``<script>`` or ``<a href=...><img
    ...>``): a line of LENGTH_LOW or more that opens with a tag, and what is left of it without
    its tags and addresses is no prose (stopword density under STOPWORDS_LOW). A paragraph in
    ``<p>`` tags is prose; a short line of markup is left to the other rules, since a blog post
    about web pages prints its examples (``<script src="app.js"></script>``) in the article."""
    if text_length(text) < LENGTH_LOW or not _MARKUP_OPENING.match(text):
        return False
    rest = _MARKUP_TAG_OR_ADDRESS.sub(" ", text)
    return not stopwords or stopword_density(rest, stopwords) < STOPWORDS_LOW


def scored_lines(
    texts: list[str], in_list: list[bool], stopwords: frozenset[str]
) -> tuple[list[Line], list[float], set[int]]:
    """Each line with its context-free class and its rule score in the main run; the rail."""
    lines = []
    rail = teaser_rail_lines(texts)
    kicker_rail = kicker_rail_lines(texts)
    stream = teaser_stream_lines(texts, stopwords)
    teaser_headlines = repeated_headline_lines(texts)
    # A ranked table and a bulleted list are the article's data, scored as a table's cells.
    table = ranked_table_lines(texts) | bulleted_list_lines(texts)
    for i, text in enumerate(texts):
        cls, junk = classify(text, stopwords)
        if i in rail and i not in kicker_rail:
            # A teaser rail is furniture, however much its blurbs read like prose.
            cls, junk = "bad", True
        if i in teaser_headlines:
            # A teaser's headline printed again is furniture inside the article as after it.
            cls = "bad"
        if in_list[i]:
            # A line of a link list is one class worse than it reads on its own.
            cls = {"good": "near", "near": "bad", "short": "bad"}.get(cls, cls)
        if i in table:
            # A table of figures (or a list of short items) reads as navigation line by line:
            # it is the article's data.
            cls, junk = "good", False
        # An undated rail or a teaser stream is printed inside articles as often as after them:
        # like a caption, it is dropped without cutting the article in two.
        caption = not junk and (
            i in kicker_rail
            or i in stream
            or is_caption_line(text)
            # an ad slot's markup printed as text
            or is_markup_line(text, stopwords)
            # the line over a photo credit, when it is not a sentence
            or (
                i + 1 < len(texts)
                and is_credit_line(texts[i + 1])
                and text_length(text) <= LENGTH_HIGH
                and SENTENCE_STOP.search(text) is None
            )
        )
        lines.append(
            Line(i, text, cls, junk, in_list[i], caption, i in table, i in teaser_headlines)
        )
    # The line model reads a stream's lines as a rail's.
    return lines, [line_score(ln, stopwords) for ln in lines], rail | stream


def main_run(scores: list[float]) -> tuple[int, int] | None:
    """[start, end) of the contiguous run with the highest score (Kadane), or None."""
    best, best_span = 0.0, None
    running, start = 0.0, 0
    for i, score in enumerate(scores):
        if running <= 0:
            running, start = score, i
        else:
            running += score
        if running > best:
            best, best_span = running, (start, i + 1)
    return best_span
