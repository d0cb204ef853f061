"""Plain-text dumps: find the article (or articles) in a text that has site furniture around it.

The input is the text of a record as a dump or a page's visible text gives it: a title line,
sometimes a category line above it or a standfirst below it, the body, then whatever the site
put around the article (teasers, job ads, share prompts, newsletter plugs). The approach is
jusText's (Pomikálek 2011), on lines instead of HTML blocks, plus one step jusText lacks:

1. **Classify each line** from text features alone: length, stopword density (jusText's own
   stoplists, chosen by the detected language), whether it ends like a sentence, and a junk
   lexicon of furniture lines (``lexicon/junk_lines.txt``; legal and cookie notices of any
   length, ``junk_notices.txt``). Lines are *good*, *near-good*, *short* or *bad*, with jusText's
   published thresholds; Chinese and Japanese characters count three times in a length.
2. **Smooth by context**: short and near-good lines take the class of their neighbours, so a
   one-line quote or a dateline between two paragraphs is kept and a long teaser among
   navigation links is not.
3. **Take the main run**: the article is the contiguous run of lines with the highest score
   (good lines add their length, bad lines cost theirs, at least ``BAD_LINE_MIN_COST``), the
   maximum-scoring-segment idea of Body Text Extraction (Finn et al. 2001). Teasers and ads far
   below the article are cut off even when a few of them look like prose. A furniture heading
   (``lexicon/junk_end_markers.txt``, ``junk_end_patterns.txt``: "Most read", "12 Comments")
   or an author's note ends the run early, except a box heading ("Related:",
   ``junk_box_headings.txt``) with the article's paragraphs right after it: that box is dropped
   and the article goes on. A list the article announces ("Tour dates:") extends the run.
   Teaser rails (headline, author, date, blurb, repeated with the same number of lines) are
   furniture before the run is taken, however much their blurbs read like prose; undated rails
   (a kicker in capitals over a headline) and photo captions (``lexicon/junk_captions.txt``, or
   the line over a credit, ``junk_credits.txt``) are dropped without costing the run anything; a
   table printed a cell a line with a rank column is the article's. A learned line model (a
   logistic regression over the line's and its neighbours' features, ``models/
   clean_line_model.json``, trained by ``bench/train_line_model.py``) adds its say to each line's
   score. A list of records printed from one template after the run ("June 17 – Nashville, TN @
   Bridgestone Arena") is kept like an announced one. A press release's closing paragraphs about
   the company ("Ascom is a global solutions provider ...") are dropped.
4. **Header and metadata**: title (the repeated page title, or the dump's first line), category
   lines, standfirst, "By ..." bylines and closing author notes ("Jo Bloggs is political
   correspondent for the Daily Planet." gives the author and the outlet), the outlet from the
   site's own boilerplate ("Start your day with The Daily Planet, sign up ...").
5. **Several articles**: a closing author note followed by another titled run of prose starts a
   new article; the rest of the dump is cleaned again from there.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tasks.clean.dates import find_written_dates
from tasks.clean.normalize import detect_language
from tasks.model import Extracted

LEXICON_DIR = Path(__file__).resolve().parents[1] / "lexicon"
LINE_MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "clean_line_model.json"

# jusText's defaults (justext.core: LENGTH_LOW_DEFAULT, LENGTH_HIGH_DEFAULT, STOPWORDS_*),
# chosen by its author on the CleanEval data; characters per paragraph and stopword share.
LENGTH_LOW = 70
LENGTH_HIGH = 200
STOPWORDS_LOW = 0.30
STOPWORDS_HIGH = 0.32
# jusText's "max_heading_distance": a short line this close (in characters) above the first good
# paragraph may be kept as part of the article.
# Furniture lines are short; only lines below this length are tested against the junk lexicon so
# a real paragraph that opens with "Read more ..." survives (the longest furniture line in the
# seeds is ~90 characters; 200 is jusText's LENGTH_HIGH, the length from which a line is prose).
JUNK_LINE_MAX_CHARS = LENGTH_HIGH
# A Chinese or Japanese character holds about as much text as three Latin ones (an English
# translation runs about 3 characters per Han character; kana are syllables of 2-3 letters).
CJK_CHAR_WEIGHT = 3
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
# An in-article box (a "Related:" heading and its links) is at most this many lines before the
# article's prose resumes: on ScrapingHub text mode (even-numbered pages) the boxes inside articles
# span 1-8 lines, while a heading over the furniture after an article is followed by 10-30 lines
# before the next long paragraph (a comment, a footer).
BOX_MAX_LINES = 8
# ... and the article resumes with at least this many paragraphs before the next furniture line:
# a teaser rail alternates one blurb with a "Read more" link.
BOX_RESUME_PARAGRAPHS = 2
# A list announced by a lead-in line ending in ":" is 2-60 items (tour dates, results, steps).
LIST_MIN_ITEMS = 2
LIST_MAX_ITEMS = 60
# The lead-in is a phrase ("The band's 2020 tour dates:"), not a one- or two-word label of the
# page's furniture ("Source:", "Tags:", "About the author:").
LIST_LEAD_MIN_WORDS = 3
# A table printed a cell a line (see ranked_table_lines): 3+ columns (a rank and two cells; two
# columns are a ranked list of links), 12 at most between two ranks, 5+ rows, half its cells
# figures of at most 12 characters ("5040", "-5.44%", "2:16.08").
TABLE_MIN_COLUMNS = 3
TABLE_MAX_COLUMNS = 12
TABLE_MIN_ROWS = 5
TABLE_MIN_FIGURE_SHARE = 0.5
TABLE_CELL_MAX_CHARS = 12
# A list without a lead-in is taken only when its items are printed from one template (a figure
# and the same separators: tour dates, results, fixtures) and there are at least this many: a
# teaser rail of headlines has neither figures in every item nor separators in common.
TEMPLATED_LIST_MIN_ITEMS = 3
# A dump holds a second article only when what follows an author's note is an article in its
# own right: at least this much good prose (the shortest seed article body is ~1.7k characters;
# 400 is about two short news paragraphs).
MIN_SECOND_ARTICLE_CHARS = 400
# An article needs at least one good line; below this many body characters it is not an article
# (a wire brief is ~300 characters; 100 keeps those and drops a stray caption).
MIN_BODY_CHARS = 100
# The standfirst is one sentence under this length when it ends with a full stop (seed
# standfirsts: 58-135 characters; a news lead, which must stay in the body, is typically one
# sentence of 25-35 words, 150-250 characters), and under STANDFIRST_MAX_CHARS when it does not
# end like a sentence (a dek without a full stop is never a body paragraph).
STANDFIRST_SENTENCE_MAX_CHARS = 160
STANDFIRST_MAX_CHARS = 300
# A title is at most this long (headlines: 40-120 characters; 250 leaves room for long ones).
TITLE_MAX_CHARS = 250
# Two lines repeat each other (page <title> and <h1>) above this token Jaccard similarity.
TITLE_REPEAT_JACCARD = 0.6
# A line holding the title with a few more words is the title again ("<title> | Planet", "<title>
# - Planet News"): site names are 1-4 words; a title of at least 4 words is specific enough not
# to be found inside a genuine sentence of this length by chance.
SITE_NAME_MAX_WORDS = 4
TITLE_REPEAT_MIN_WORDS = 4
# In a dump, the header (category line, title, standfirst, byline) sits in the first lines.
HEADER_MAX_LINES = 6
# A link list: a block (lines between blank lines) of at least this many lines whose median line
# is shorter than LENGTH_LOW. Dumps set paragraphs apart with blank lines and menus, teaser rails
# and job widgets line by line (all four seeds); three lines is the smallest list that is not a
# title with its standfirst.
LINK_LIST_MIN_LINES = 3
# A teaser rail: a template unit (headline, author, date, blurb) printed again and again below
# the article. Found by its dates: at least RAIL_MIN_ITEMS date lines at exactly the same
# distance from each other, RAIL_MIN_PERIOD to RAIL_MAX_PERIOD lines (ScrapingHub text mode, even
# pages: rails of 3-12 units, 3-5 lines a unit). Exact spacing is the template's signature: dated
# entries of a live blog or a timeline vary in length.
RAIL_MIN_ITEMS = 3
RAIL_MIN_PERIOD = 2
RAIL_MAX_PERIOD = 6
RAIL_PERIOD_SLACK = 1
# A date line is a date with at most this many other words besides a weekday, a time and a time
# zone ("Air Date: November 19, 2019"); a tour date has a venue and a town ("June 17 -- Bridgestone
# Arena, Nashville, TN").
DATE_LINE_MAX_WORDS = 2
# A press release's "about the company" boilerplate is at least two paragraphs opening with the
# company's name (what it is, where it is based and listed); one such closing paragraph is as
# often the article's own last word ("Emirates is the number one buyer of the A380 ...").
PROFILE_MIN_PARAGRAPHS = 2
# The line model's say in the main run: a line adds LINE_MODEL_WEIGHT * 2 * (p - LINE_MODEL_NEUTRAL)
# times its length (at least BAD_LINE_MIN_COST) to its rule score, p the model's probability that
# it is the article's. Swept on the even pages with the final rules: weight 0, 0.25, 0.5, 1.0 give
# F1 0.948, 0.948, 0.949, 0.949 (flat from 0.5); a neutral point of 0.4 instead of 0.5 favours
# bridging gaps and lost precision (even pages 0.922 vs 0.922-0.923 when it was first tried).
LINE_MODEL_WEIGHT = 0.5
LINE_MODEL_NEUTRAL = 0.5

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
# How a sentence ends, CJK full-width stops and closing brackets included ("。", "！", "」").
_TERMINAL = re.compile(r"[.!?…:;\"'”’»)\]。！？：；」』）]$")
# A line that ends like a sentence (a full stop, not the colon of a label or a lead-in).
_SENTENCE_STOP = re.compile(r"[.!?…。！？][\"'”’»)\]」』）]*$")
_SENTENCE_END = re.compile(r"[.!?…](?:[\"'”’»)\]]*)\s+(?=[\"'“‘«(\[]?[A-Z])")
# Words a date line carries besides its date: figures of a time, am/pm, "at", a zone, a weekday.
_DATE_NOISE_WORD = re.compile(
    r"\d+|[ap]m|at|on|(?-i:[A-Z]{2,4})|(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?",
    re.I,
)
# The opening of a press release's "about the company" paragraph: "Ascom is a global solutions
# provider", "Acme Corp. (NYSE: ACME) is the leading ...".
_PROFILE_OPENING = re.compile(
    r"^(?P<name>[A-Z][\w&.'’-]*(?: [A-Z][\w&.'’-]*){0,3})"
    r"(?: \([^)]{1,40}\))?,? (?:is|are) (?:a|an|the) "
)
_CATEGORY = re.compile(
    r"^[A-Z][\w&'’-]*(?: [A-Z&][\w&'’-]*){0,3}"
    r"(?:\s*[,|/›»>·•]\s*[A-Z][\w&'’-]*(?: [A-Z&][\w&'’-]*){0,3})+$"
)
_NAME = r"[A-Z][\w'’.-]+(?: (?:[A-Z][\w'’.-]+|de|da|van|von|der|le|la|bin|al))*"
_BYLINE = re.compile(
    r"^(?:By|BY|Words by|Written by|Reporting by)\s+"
    rf"(?P<names>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)"
    r"(?:\s*(?:,|\||-|–|—|in)\s*.*)?$"
)
_AUTHOR_NOTE = re.compile(
    rf"^(?P<name>{_NAME}) (?:is|was|writes as) (?:an? |the )?(?P<role>[^.]{{3,100}}?)"
    r" (?:at|for|of|on|with|to) (?:the )?"
    r"(?P<outlet>[A-Z][\w&'’-]*(?: (?:[A-Z][\w&'’-]*|of|and|&))*)[.,]"
)


@dataclass
class _Line:
    index: int
    text: str
    cls: str  # good | near | short | bad
    junk: bool
    in_list: bool = False
    caption: bool = False
    table: bool = False


@functools.cache
def _lexicon_lines(name: str) -> tuple[str, ...]:
    lines = []
    for raw in (LEXICON_DIR / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return tuple(lines)


@functools.cache
def _junk_pattern() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in _lexicon_lines("junk_lines.txt")), re.I)


@functools.cache
def _notice_pattern() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in _lexicon_lines("junk_notices.txt")), re.I)


@functools.cache
def _end_markers() -> frozenset[str]:
    return frozenset(m.lower() for m in _lexicon_lines("junk_end_markers.txt"))


@functools.cache
def _end_pattern() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in _lexicon_lines("junk_end_patterns.txt")), re.I)


@functools.cache
def _box_headings() -> frozenset[str]:
    return frozenset(m.lower() for m in _lexicon_lines("junk_box_headings.txt"))


@functools.cache
def _outlet_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in _lexicon_lines("clean_outlet_patterns.txt"))


@functools.cache
def _journalist_roles() -> frozenset[str]:
    return frozenset(w.lower() for w in _lexicon_lines("clean_journalist_roles.txt"))


@functools.cache
def _stoplist(language: str | None) -> frozenset[str]:
    """jusText's stoplist for an ISO 639-1 code; empty (language-independent mode) if none."""
    if language is None:
        return frozenset()
    names = dict(line.split("\t") for line in _lexicon_lines("clean_stoplist_languages.txt"))
    name = names.get(language)
    if name is None:
        return frozenset()
    import justext

    return frozenset(w.lower() for w in justext.get_stoplist(name))


def is_junk_line(line: str) -> bool:
    """A furniture line: short and matching the junk lexicon, or a legal or cookie notice."""
    if len(line) <= JUNK_LINE_MAX_CHARS and _junk_pattern().match(line) is not None:
        return True
    return _notice_pattern().search(line) is not None


@functools.cache
def _caption_pattern() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in _lexicon_lines("junk_captions.txt")))


@functools.cache
def _credit_pattern() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in _lexicon_lines("junk_credits.txt")), re.I)


def is_credit_line(line: str) -> bool:
    """A photo credit ("(Image: GETTY )", "Photo: Jo Bloggs")."""
    return _credit_pattern().match(line) is not None


def is_caption_line(line: str) -> bool:
    """A photo caption ("Jo Bloggs, left, and Sam Smith ...", "... (AP Photo/Jo Bloggs)")."""
    return _caption_pattern().search(line) is not None


def is_end_marker(line: str) -> bool:
    """A furniture heading after which the article is over ("Related stories", "34 Comments")."""
    heading = line.strip().rstrip(":").strip()
    return heading.lower() in _end_markers() or _end_pattern().fullmatch(heading) is not None


def is_box_heading(line: str) -> bool:
    """A furniture heading that may open a box inside an article ("Related:", "Read more")."""
    return line.strip().rstrip(":").strip().lower() in _box_headings()


def is_category_line(line: str) -> bool:
    """ "Labour Party, UK Politics": section labels separated by commas, pipes or chevrons."""
    return len(line) <= TITLE_MAX_CHARS and _CATEGORY.match(line) is not None


def parse_byline(line: str) -> tuple[str, ...]:
    """Authors of a "By Jo Bloggs and Sam Smith" line, or () when it is not a byline."""
    if len(line) > TITLE_MAX_CHARS:
        return ()
    m = _BYLINE.match(line)
    if not m:
        return ()
    names = re.split(r"\s*(?:,|\band\b|&)\s*", m.group("names"))
    roles = _journalist_roles()
    # "By Jo Bloggs, Political Editor": a comma-separated part naming a role is not a person.
    return tuple(
        n.strip()
        for n in names
        if len(n.split()) >= 2 and not {w.lower() for w in n.split()} & roles
    )


def parse_author_note(line: str) -> tuple[str, str | None] | None:
    """(author, outlet) of an author's note ("Jo Bloggs is political editor for the Planet.")."""
    m = _AUTHOR_NOTE.match(line)
    if not m or len(m.group("name").split()) < 2:
        return None
    role_words = {w.lower() for w in _WORD.findall(m.group("role"))}
    if not role_words & _journalist_roles():
        return None
    return m.group("name"), _outlet_name(m.group("outlet"))


def _outlet_name(raw: str) -> str:
    raw = raw.strip().rstrip(".,")
    if raw.lower().startswith("the "):
        return "The " + raw[4:]
    return raw


def outlet_from_boilerplate(lines: Sequence[str]) -> str | None:
    """The outlet where the site names itself in its furniture, else None."""
    for line in lines:
        if len(line) > JUNK_LINE_MAX_CHARS:
            continue
        for pattern in _outlet_patterns():
            m = pattern.search(line)
            if m:
                return _outlet_name(m.group("outlet"))
    return None


def text_length(text: str) -> int:
    """Length in Latin-script characters: a Chinese or Japanese character counts for
    CJK_CHAR_WEIGHT, so jusText's thresholds (set on European text) mean the same amount of text."""
    return len(text) + (CJK_CHAR_WEIGHT - 1) * len(_CJK.findall(text))


@functools.lru_cache(maxsize=8192)
def _stopword_density(text: str, stopwords: frozenset[str]) -> float:
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0
    return sum(w in stopwords for w in words) / len(words)


def _classify(text: str, stopwords: frozenset[str]) -> tuple[str, bool]:
    """jusText's context-free classes for one line, plus whether the junk lexicon matched."""
    if is_junk_line(text):
        return "bad", True
    if text_length(text) < LENGTH_LOW:
        return "short", False
    # Language-independent mode (no stoplist): jusText sets both stopword thresholds to 0.
    low, high = (STOPWORDS_LOW, STOPWORDS_HIGH) if stopwords else (0.0, 0.0)
    density = _stopword_density(text, stopwords) if stopwords else 0.0
    sentence_like = _TERMINAL.search(text) is not None
    if density >= high and text_length(text) > LENGTH_HIGH:
        # Teaser blurbs are long but stop without a full stop; prose paragraphs end like sentences.
        return ("good" if sentence_like else "near"), False
    if density >= low:
        return "near", False
    return "bad", False


def _neighbour(lines: list[_Line], i: int, step: int, ignore_near: bool) -> str:
    """jusText's _get_neighbour: the nearest class that is not short (nor near-good)."""
    j = i + step
    while 0 <= j < len(lines):
        cls = lines[j].cls
        if cls in ("good", "bad") or (cls == "near" and not ignore_near):
            return cls
        j += step
    return "bad"


def _smooth(lines: list[_Line]) -> None:
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


def _line_score(line: _Line, stopwords: frozenset[str]) -> float:
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
    if line.junk or line.cls == "bad" and line.in_list:
        return -max(size, BAD_LINE_MIN_COST)
    if line.cls == "short":
        if (
            stopwords
            and _SENTENCE_STOP.search(line.text)
            and _stopword_density(line.text, stopwords) >= STOPWORDS_LOW
        ):
            # A short sentence ("Nobody objected.", a line of dialogue) is not navigation: it
            # costs nothing, so an article of short paragraphs is not cut at each of them.
            # Scoring it 0, +0.25 or +0.5 of its length: 0.908, 0.910, 0.910 on the even pages;
            # 0 is the neutral choice (what jusText does with a short line: leave it to context).
            return 0.0
        return -SHORT_LINE_WEIGHT * max(size, BAD_LINE_MIN_COST)
    if not stopwords:  # language-independent mode: length is all there is
        weight = 1.0
    else:
        density = _stopword_density(line.text, stopwords)
        weight = (density - PROSE_ZERO_DENSITY) / (STOPWORDS_HIGH - PROSE_ZERO_DENSITY)
        weight = max(-1.0, min(1.0, weight))
    if weight > 0 and not _TERMINAL.search(line.text):
        weight *= NEAR_GOOD_WEIGHT
    if weight > 0 and size <= LENGTH_HIGH:
        weight *= NEAR_GOOD_WEIGHT
    if line.in_list and weight > 0:
        weight *= NEAR_GOOD_WEIGHT
    return weight * size


def _is_date_line(text: str) -> bool:
    """A line that is a date and little else ("Tuesday November 19, 2019", "20 Nov 2019 08:00")."""
    if text_length(text) >= LENGTH_LOW:
        return False
    dates = find_written_dates(text)
    if len(dates) != 1:
        return False
    rest = text[: dates[0].start] + " " + text[dates[0].end :]
    words = [w for w in _WORD.findall(rest) if not _DATE_NOISE_WORD.fullmatch(w)]
    return len(words) <= DATE_LINE_MAX_WORDS


def teaser_rail_lines(texts: Sequence[str]) -> set[int]:
    """Indexes of the lines of teaser rails: units of a fixed number of lines, each with a date
    line (or a kicker, see _is_kicker) at the same place, repeated at least RAIL_MIN_ITEMS times
    (see RAIL_MIN_PERIOD)."""
    dated = [i for i, text in enumerate(texts) if _is_date_line(text)]
    return _rail_units(texts, dated) | kicker_rail_lines(texts)


def ranked_table_lines(texts: Sequence[str]) -> set[int]:
    """Indexes of the lines of a table printed a cell a line with a rank column (standings,
    results): lines "1", "2", "3" ... at a steady distance of TABLE_MIN_COLUMNS or more lines,
    at least TABLE_MIN_ROWS of them, the cells between mostly figures ("Kyle Busch", "5040",
    "5", "1"); the header row above the first rank is the table's too. A "Most read" list
    ("1", a headline, "2", a headline) has two columns and no figures besides its ranks."""
    table: set[int] = set()
    i = 0
    while i < len(texts):
        if texts[i].strip() != "1":
            i += 1
            continue
        # The column count that carries the ranks furthest: 1 at i, 2 at i + columns, ...
        rows: list[int] = []
        for columns in range(TABLE_MIN_COLUMNS, TABLE_MAX_COLUMNS + 1):
            ranks = [i]
            while ranks[-1] + columns < len(texts) and texts[ranks[-1] + columns].strip() == str(
                len(ranks) + 1
            ):
                ranks.append(ranks[-1] + columns)
            if len(ranks) > len(rows):
                rows = ranks
        if len(rows) < TABLE_MIN_ROWS:
            i += 1
            continue
        period = rows[1] - rows[0]
        end = min(len(texts), rows[-1] + period)
        cells = [texts[j] for j in range(rows[0], end) if j not in rows]
        figures = sum(
            _DIGIT.search(c) is not None and len(c) <= TABLE_CELL_MAX_CHARS for c in cells
        )
        if figures < TABLE_MIN_FIGURE_SHARE * len(cells):
            i += 1
            continue
        table.update(range(max(0, rows[0] - period), end))
        i = end
    return table


def kicker_rail_lines(texts: Sequence[str]) -> set[int]:
    """Indexes of the lines of an undated teaser rail: kicker and headline pairs repeated at a
    steady distance (a tabloid's links to other stories, often printed inside the article)."""
    return _rail_units(
        texts, [i for i in range(len(texts)) if _is_kicker(texts, i)], anchor_leads=True
    )


def _is_kicker(texts: Sequence[str], i: int) -> bool:
    """A tabloid teaser's kicker: a short line in capitals that is not a sentence ("RANDY ANDY",
    "‘NAÏVE AND TRUSTING’"), with a headline (not a sentence either) right after it."""
    text = texts[i]
    return (
        i + 1 < len(texts)
        and text_length(text) < LENGTH_LOW
        and text.upper() == text
        and any(c.isalpha() for c in text)
        and _TERMINAL.search(text.rstrip("’'\"”")) is None
        and text_length(texts[i + 1]) <= LENGTH_HIGH
        and _SENTENCE_STOP.search(texts[i + 1]) is None
    )


def _rail_units(texts: Sequence[str], dated: list[int], anchor_leads: bool = False) -> set[int]:
    """The lines of the units around anchor lines at a steady distance: a date inside its unit
    (headline and author above it, blurb below), or a kicker opening it (``anchor_leads``)."""
    rail: set[int] = set()
    k = 0
    while k < len(dated):
        # The longest chain of date lines from dated[k] whose distances stay within one line of
        # each other (a headline wrapped on two lines makes one unit a line longer).
        chain = [dated[k]]
        for following in dated[k + 1 :]:
            gap = following - chain[-1]
            if not RAIL_MIN_PERIOD <= gap <= RAIL_MAX_PERIOD:
                break
            if len(chain) >= 2 and abs(gap - (chain[-1] - chain[-2])) > RAIL_PERIOD_SLACK:
                break
            chain.append(following)
        if len(chain) < RAIL_MIN_ITEMS:
            k += 1
            continue
        # Lines of a unit above its date (headline, author): the short lines just above the
        # second date, back to the first unit's blurb.
        above = 0
        while (
            not anchor_leads
            and above < chain[1] - chain[0] - 1
            and text_length(texts[chain[1] - 1 - above]) < LENGTH_LOW
        ):
            above += 1
        below = 0  # the last unit: its lines after the date, as many as the unit before had
        while below < chain[-1] - chain[-2] - 1 - above and chain[-1] + 1 + below < len(texts):
            below += 1
        rail.update(range(max(0, chain[0] - above), chain[-1] + 1 + below))
        k += len(chain)
    return rail


# --- Learned line model -------------------------------------------------------------------------
# A logistic regression over per-line features (shape, stopwords, the rules' own verdicts and the
# same for the neighbouring lines), trained by bench/train_line_model.py on the even-numbered
# ScrapingHub pages; weights in models/clean_line_model.json. Its probability that a line is the
# article's adds to the rule score of the main run (see LINE_MODEL_WEIGHT).

# Neighbourhood for context features: this many lines either side (a menu or a teaser block is
# 5-50 lines; an article's run of short lines 3-20).
CONTEXT_LINES = 3
WIDE_CONTEXT_LINES = 10

_UPPER_WORD = re.compile(r"^[A-Z\u00c0-\u00de]")
_DIGIT = re.compile(r"\d")
_PUNCT = re.compile(r"[,;()\[\]%]")
# Separators of a record's fields ("June 17 – Nashville, TN @ Bridgestone Arena", "Bruins 5 |
# Devils 1"); commas and brackets are left out (they vary with the fields' contents).
_ITEM_SEPARATOR = re.compile(r"[–—@|•:/]| - ")

LINE_FEATURE_NAMES = (
    "bias",
    "log_length",
    "log_words",
    "stopword_density",
    "sentence_stop",
    "terminal",
    "colon_end",
    "digit_share",
    "capitalised_share",
    "all_caps",
    "inner_punct_per_word",
    "junk",
    "end_marker",
    "in_list",
    "class_good",
    "class_near",
    "class_short",
    "rule_score",
    "rail",
    "repeated",
    "position",
    "prev_rule_score",
    "next_rule_score",
    "context_rule_score",
    "context_short_share",
    "context_stopword_density",
    "context_junk_share",
    "wide_context_rule_score",
    "wide_context_good_share",
    "context_sentence_stop_share",
    "in_rule_run",
    "lines_outside_rule_run",
    "context_capitalised_share",
    "context_digit_share",
)


def _own_line_features(line: _Line, score: float, stopwords: frozenset[str]) -> list[float]:
    text = line.text
    size = text_length(text)
    words = _WORD.findall(text)
    n_words = max(1, len(words))
    return [
        min(1.0, math.log1p(size) / math.log(1000)),
        min(1.0, math.log1p(len(words)) / math.log(200)),
        _stopword_density(text, stopwords),
        float(_SENTENCE_STOP.search(text) is not None),
        float(_TERMINAL.search(text) is not None),
        float(text.endswith(":")),
        len(_DIGIT.findall(text)) / max(1, len(text)),
        sum(_UPPER_WORD.match(w) is not None for w in words) / n_words,
        float(text.upper() == text and any(c.isalpha() for c in text)),
        min(1.0, len(_PUNCT.findall(text)) / n_words),
        float(line.junk),
        float(is_end_marker(text)),
        float(line.in_list),
        float(line.cls == "good"),
        float(line.cls == "near"),
        float(line.cls == "short"),
        max(-1.0, min(1.0, score / max(size, BAD_LINE_MIN_COST))),
    ]


def line_features(
    lines: Sequence[_Line], scores: Sequence[float], rail: set[int], stopwords: frozenset[str]
) -> list[list[float]]:
    """One feature vector per line (LINE_FEATURE_NAMES), from the line and its neighbours."""
    own = [_own_line_features(ln, s, stopwords) for ln, s in zip(lines, scores, strict=True)]
    counts: dict[str, int] = {}
    for ln in lines:
        counts[ln.text] = counts.get(ln.text, 0) + 1
    n = len(lines)
    rule = [f[16] for f in own]
    span = _main_run(list(scores)) or (0, 0)
    # Window means of some of the line's own features (indexes into _own_line_features).
    columns = {"rule": 16, "short": 15, "stop": 2, "junk": 10, "good": 13, "sentence": 3}
    columns |= {"capital": 7, "digit": 6}
    prefix = {
        name: list(itertools.accumulate((f[c] for f in own), initial=0.0))
        for name, c in columns.items()
    }

    def window_mean(name: str, i: int, size: int, with_self: bool) -> float:
        lo, hi = max(0, i - size), min(n, i + size + 1)
        total = prefix[name][hi] - prefix[name][lo]
        count = hi - lo
        if not with_self:
            total -= own[i][columns[name]]
            count -= 1
        return total / max(1, count)

    out = []
    for i, ln in enumerate(lines):
        out.append(
            [1.0]
            + own[i]
            + [
                float(i in rail),
                float(counts[ln.text] > 1),
                i / max(1, n - 1),
                rule[i - 1] if i > 0 else -1.0,
                rule[i + 1] if i + 1 < n else -1.0,
                window_mean("rule", i, CONTEXT_LINES, False),
                window_mean("short", i, CONTEXT_LINES, False),
                window_mean("stop", i, CONTEXT_LINES, False),
                window_mean("junk", i, CONTEXT_LINES, False),
                window_mean("rule", i, WIDE_CONTEXT_LINES, True),
                window_mean("good", i, WIDE_CONTEXT_LINES, True),
                window_mean("sentence", i, CONTEXT_LINES, False),
                float(span[0] <= i < span[1]),
                min(1.0, math.log1p(max(span[0] - i, i - span[1] + 1, 0)) / math.log(100)),
                window_mean("capital", i, CONTEXT_LINES, False),
                window_mean("digit", i, CONTEXT_LINES, False),
            ]
        )
    return out


def _scored_lines(
    texts: list[str], in_list: list[bool], stopwords: frozenset[str]
) -> tuple[list[_Line], list[float], set[int]]:
    """Each line with its context-free class and its rule score in the main run; the rail."""
    lines = []
    rail = teaser_rail_lines(texts)
    kicker_rail = kicker_rail_lines(texts)
    table = ranked_table_lines(texts)
    for i, text in enumerate(texts):
        cls, junk = _classify(text, stopwords)
        if i in rail and i not in kicker_rail:
            # A teaser rail is furniture, however much its blurbs read like prose.
            cls, junk = "bad", True
        if in_list[i]:
            # A line of a link list is one class worse than it reads on its own.
            cls = {"good": "near", "near": "bad", "short": "bad"}.get(cls, cls)
        if i in table:
            # A table of figures reads as navigation line by line: it is the article's data.
            cls, junk = "good", False
        # An undated rail is printed inside articles as often as after them: like a caption, it
        # is dropped without cutting the article in two.
        caption = not junk and (
            i in kicker_rail
            or is_caption_line(text)
            # the line over a photo credit, when it is not a sentence
            or (
                i + 1 < len(texts)
                and is_credit_line(texts[i + 1])
                and text_length(text) <= LENGTH_HIGH
                and _SENTENCE_STOP.search(text) is None
            )
        )
        lines.append(_Line(i, text, cls, junk, in_list[i], caption, i in table))
    return lines, [_line_score(ln, stopwords) for ln in lines], rail


@functools.cache
def line_model() -> tuple[float, ...] | None:
    """The line model's weights in LINE_FEATURE_NAMES order, or None without a model file."""
    if not LINE_MODEL_PATH.exists():
        return None
    data = json.loads(LINE_MODEL_PATH.read_text(encoding="utf-8"))
    if tuple(data["features"]) != LINE_FEATURE_NAMES:
        raise ValueError(f"{LINE_MODEL_PATH} was trained on other features: retrain it")
    return tuple(float(w) for w in data["weights"])


def line_probability(weights: Sequence[float], features: Sequence[float]) -> float:
    """The model's probability that a line is the article's."""
    z = sum(w * x for w, x in zip(weights, features, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def page_line_features(text: str) -> tuple[list[str], list[list[float]]]:
    """The lines of a whole dump and their feature vectors, as the main run sees them (for
    training the line model)."""
    texts, in_list = _lines_and_lists(text)
    if not texts:
        return [], []
    language = detect_language(" ".join(t for t in texts if text_length(t) >= LENGTH_LOW)[:5000])
    stopwords = _stoplist(language or "en")
    lines, scores, rail = _scored_lines(texts, in_list, stopwords)
    return texts, line_features(lines, scores, rail, stopwords)


def _main_run(scores: list[float]) -> tuple[int, int] | None:
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


def _jaccard(a: str, b: str) -> float:
    ta, tb = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def _repeats_title(line: str, title: str) -> bool:
    """The title again: the same words (case and punctuation aside), or one inside the other with
    a few words around it ("<title> | Planet", "<h1> by Planet Staff")."""
    if len(line) > TITLE_MAX_CHARS:
        return False
    words, title_words = _WORD.findall(line.lower()), _WORD.findall(title.lower())
    if not words or not title_words:
        return False
    shorter, longer = sorted((" ".join(words), " ".join(title_words)), key=len)
    return words == title_words or (
        len(shorter.split()) >= TITLE_REPEAT_MIN_WORDS
        and shorter in longer
        and abs(len(words) - len(title_words)) <= SITE_NAME_MAX_WORDS
    )


def _is_single_sentence(text: str) -> bool:
    return _SENTENCE_END.search(text) is None


@dataclass
class _Found:
    extracted: Extracted
    rest: list[int]  # indexes of the lines after an author's note: a next article may start


def _extract_one(
    texts: list[str],
    in_list: list[bool],
    stopwords: frozenset[str],
    language: str | None,
    dump_outlet: str | None,
) -> _Found | None:
    lines, scores, rail = _scored_lines(texts, in_list, stopwords)
    model = line_model()
    if model is not None:
        features = line_features(lines, scores, rail, stopwords)
        probability = [line_probability(model, f) for f in features]
        scores = [
            score
            + LINE_MODEL_WEIGHT
            * max(text_length(ln.text), BAD_LINE_MIN_COST)
            * 2
            * (p - LINE_MODEL_NEUTRAL)
            for ln, score, p in zip(lines, scores, probability, strict=True)
        ]
    span = _main_run(scores)
    raw_class = [ln.cls for ln in lines]
    _smooth(lines)
    if span is None:
        return None
    start, end = span

    # An author's note or a furniture heading ends the article; what follows a note may be
    # another article.
    authors: list[str] = []
    outlet: str | None = None
    rest: list[int] = []
    body_chars = 0
    # Lines of an in-article box: a furniture heading with the article's prose after it.
    in_box: set[int] = set()
    inside_box = False
    for i in range(start, len(lines)):
        text = lines[i].text
        note = parse_author_note(text)
        if note is not None and body_chars >= MIN_BODY_CHARS:
            authors.append(note[0])
            outlet = note[1]
            end = i
            # What follows may be another article, up to a furniture heading: a comment
            # section ("10 thoughts on ...") after an author's bio is not one.
            rest = list(
                itertools.takewhile(
                    lambda j: not is_end_marker(lines[j].text), range(i + 1, len(lines))
                )
            )
            break
        if i >= end:
            break
        if is_end_marker(text) and body_chars >= MIN_BODY_CHARS:
            if not (is_box_heading(text) and _prose_resumes(lines, raw_class, scores, i + 1, end)):
                end = i
                break
            # "Related:" with the article's prose after it: a box inside the article (links to
            # other stories), not its end; its lines go up to the next paragraph.
            inside_box = True
        if inside_box and scores[i] > 0 and _TERMINAL.search(text):
            inside_box = False
        if inside_box:
            in_box.add(i)
            continue
        if scores[i] > 0:
            body_chars += len(text)
    list_items: set[int] = set()
    if not rest and end == span[1]:
        list_end = _list_after_lead_in(lines, end)
        if list_end == end:
            list_end = _templated_list_after(lines, end)
        list_items = set(range(end, list_end))
        end = list_end

    # Header: what is above the run, plus leading lines of the run that are header-shaped.
    header = [ln for ln in lines[:start] if not ln.junk and not is_end_marker(ln.text)]
    body_lines = [
        ln
        for ln in lines[start:end]
        if not ln.junk
        and not ln.caption
        and ln.index not in in_box
        and (
            scores[ln.index] > 0
            or ln.table
            or raw_class[ln.index] == "short"
            or ln.index in list_items
            # A sentence of names and figures ("Pella beat Jarry 6-4, 6-3.") has few stopwords
            # but is the article's when the run holds it; a teaser or a menu does not end so.
            or _SENTENCE_STOP.search(ln.text) is not None
        )
    ]

    title, title_pos = _find_title(lines, header, start)
    # A byline anywhere in the header or at the top of the body.
    for ln in header + body_lines[:3]:
        names = parse_byline(ln.text)
        if names:
            authors[:0] = [n for n in names if n not in authors]
            if ln in body_lines:
                body_lines.remove(ln)
    # The run may have swallowed the title (a dump whose title line reads like prose), and pages
    # repeat it (the page <title>, the <h1>, a share widget): a line that is the title is not body.
    if title is not None:
        body_lines = [ln for ln in body_lines if not _repeats_title(ln.text, title)]
    standfirst = None
    if title_pos is not None:
        after = [
            ln
            for ln in lines[title_pos + 1 : end]
            if not ln.junk and not parse_byline(ln.text) and not is_category_line(ln.text)
        ]
        if len(after) >= 2 and _standfirst_shaped(after[0].text, after[1].text):
            standfirst = after[0].text
            if after[0] in body_lines:
                body_lines.remove(after[0])

    body_lines = body_lines[: _company_profile_start(body_lines)]
    body = "\n\n".join(ln.text for ln in body_lines)
    if len(body) < MIN_BODY_CHARS:
        return None
    extracted = Extracted(
        body=body,
        title=title,
        standfirst=standfirst,
        authors=tuple(dict.fromkeys(authors)),
        outlet=outlet or dump_outlet,
        language=language,
    )
    return _Found(extracted, rest)


def _company_profile_start(body_lines: list[_Line]) -> int:
    """Where a press release's boilerplate about the company begins, else len(body_lines): the
    article's last PROFILE_MIN_PARAGRAPHS or more paragraphs all open with one name, the first of
    them defining it ("Ascom is a global solutions provider ...", "Ascom is headquartered in
    Baar ...")."""
    for k in range(1, len(body_lines) - PROFILE_MIN_PARAGRAPHS + 1):
        m = _PROFILE_OPENING.match(body_lines[k].text)
        if m is not None and all(
            ln.text.startswith(m.group("name") + " ") for ln in body_lines[k + 1 :]
        ):
            return k
    return len(body_lines)


def _list_after_lead_in(lines: list[_Line], end: int) -> int:
    """The run's end, moved over a list that the article announces ("Tour dates:" then a line
    per date): list items are short lines of few stopwords and the run stops before them."""
    lead = end
    if lead < len(lines) and not lines[lead].text.endswith(":"):
        lead = end - 1
    if lead < 0 or lead >= len(lines) or not lines[lead].text.endswith(":"):
        return end
    if (
        lines[lead].junk
        or is_end_marker(lines[lead].text)
        or len(_WORD.findall(lines[lead].text)) < LIST_LEAD_MIN_WORDS
    ):
        return end
    stop = lead + 1
    while (
        stop < len(lines)
        and stop - lead <= LIST_MAX_ITEMS
        and len(lines[stop].text) <= LENGTH_HIGH
        and not lines[stop].junk
        and not is_end_marker(lines[stop].text)
    ):
        stop += 1
    return max(end, stop) if stop - lead - 1 >= LIST_MIN_ITEMS else end


def _item_signature(text: str) -> tuple[bool, tuple[str, ...]] | None:
    """The shape of a record printed from a template ("June 17 – Nashville, TN @ Bridgestone
    Arena"): whether it opens with a figure and its separators in order; None for a line that
    is not one (no figure, no separator, or prose-long)."""
    if len(text) > LENGTH_HIGH or _DIGIT.search(text) is None or _SENTENCE_STOP.search(text):
        return None
    separators = tuple(dict.fromkeys(_ITEM_SEPARATOR.findall(text)))
    if not separators:
        return None
    return text[:1].isdigit(), separators


def _templated_list_after(lines: list[_Line], end: int) -> int:
    """The run's end, moved over a list of records right after it, under a heading or not ("The
    Doobie Brothers Tour Dates" then "June 9 – West Palm Beach, FL @ Coral Sky Amphitheatre"):
    at least TEMPLATED_LIST_MIN_ITEMS lines of one signature (see _item_signature)."""
    first = end
    if (
        first < len(lines)
        and _item_signature(lines[first].text) is None
        and text_length(lines[first].text) < LENGTH_LOW
        and _TERMINAL.search(lines[first].text) is None
        and not lines[first].junk
        and not is_end_marker(lines[first].text)
    ):
        first += 1  # a heading
    if first >= len(lines):
        return end
    signature = _item_signature(lines[first].text)
    if signature is None:
        return end
    stop = first
    while (
        stop < len(lines)
        and stop - first < LIST_MAX_ITEMS
        and not lines[stop].junk
        and _item_signature(lines[stop].text) == signature
    ):
        stop += 1
    return stop if stop - first >= TEMPLATED_LIST_MIN_ITEMS else end


def _prose_resumes(
    lines: list[_Line], raw_class: list[str], scores: list[float], start: int, end: int
) -> bool:
    """Whether the article goes on after a box that opens at ``start``: a paragraph within
    BOX_MAX_LINES (jusText's class before smoothing: good, or near-good ending with a full stop, a
    news paragraph of one sentence), and from there at least BOX_RESUME_PARAGRAPHS paragraphs of
    prose before the next furniture line."""
    first = next(
        (
            j
            for j in range(start, min(end, start + BOX_MAX_LINES))
            if raw_class[j] == "good"
            or (raw_class[j] == "near" and _SENTENCE_STOP.search(lines[j].text))
        ),
        None,
    )
    if first is None:
        return False
    paragraphs = 0
    for line in lines[first:end]:
        if line.junk or is_end_marker(line.text):
            break
        if scores[line.index] > 0 and _TERMINAL.search(line.text):
            paragraphs += 1
    return paragraphs >= BOX_RESUME_PARAGRAPHS


def _keep_in_run(line: _Line, raw: str) -> bool:
    """Inside the main run: prose stays, furniture and prose-less long lines go."""
    if line.junk:
        return False
    return raw in ("good", "near", "short") or line.cls == "good"


def _standfirst_shaped(line: str, following: str) -> bool:
    """One sentence, not a quote or a lead-in, followed by something longer."""
    limit = STANDFIRST_SENTENCE_MAX_CHARS if _TERMINAL.search(line) else STANDFIRST_MAX_CHARS
    return (
        len(line) <= limit
        and _is_single_sentence(line)
        and not line.endswith(":")
        and line[:1] not in "\"'“‘"
        and len(following) > len(line)
    )


def _find_title(
    lines: list[_Line], header: list[_Line], start: int
) -> tuple[str | None, int | None]:
    """The title: a header line repeating the first line (page <title> then <h1>), else the first
    title-shaped header line of a dump."""
    candidates = [
        ln
        for ln in header
        if len(ln.text) <= TITLE_MAX_CHARS
        and not is_category_line(ln.text)
        and not parse_byline(ln.text)
    ]
    if not candidates:
        # A dump may open straight with its title and the run start on it.
        if start < len(lines):
            first = lines[start]
            if len(first.text) <= TITLE_MAX_CHARS and not _TERMINAL.search(first.text):
                return first.text, first.index
        return None, None
    first = candidates[0]
    for ln in reversed(candidates[1:]):
        if _jaccard(ln.text, first.text) >= TITLE_REPEAT_JACCARD or (
            len(ln.text) >= 20 and ln.text in first.text
        ):
            return ln.text, ln.index
    if first.index < HEADER_MAX_LINES:
        return first.text, first.index
    return candidates[-1].text, candidates[-1].index


def clean_text_dump(text: str) -> list[Extracted]:
    """The articles in a plain-text dump (already normalised), furniture removed; [] if none."""
    texts, in_list = _lines_and_lists(text)
    if not texts:
        return []
    language = detect_language(" ".join(t for t in texts if text_length(t) >= LENGTH_LOW)[:5000])
    stopwords = _stoplist(language or "en")
    dump_outlet = outlet_from_boilerplate(texts)
    out: list[Extracted] = []
    remaining = list(range(len(texts)))
    while remaining:
        found = _extract_one(
            [texts[i] for i in remaining],
            [in_list[i] for i in remaining],
            stopwords,
            language,
            dump_outlet,
        )
        if found is None:
            break
        if out and len(found.extracted.body) < MIN_SECOND_ARTICLE_CHARS:
            break
        out.append(found.extracted)
        remaining = [remaining[i] for i in found.rest]
    return out


def _lines_and_lists(text: str) -> tuple[list[str], list[bool]]:
    """Non-empty lines, re-flowed, and for each whether it sits in a link list (see
    LINK_LIST_MIN_LINES)."""
    texts: list[str] = []
    in_list: list[bool] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [t.strip() for t in block.split("\n") if t.strip()]
        if not lines:
            continue
        lengths = sorted(len(t) for t in lines)
        listy = len(lines) >= LINK_LIST_MIN_LINES and lengths[len(lengths) // 2] < LENGTH_LOW
        for line in lines:
            if texts and not listy and not in_list[-1] and runs_on(texts[-1], line):
                glue = "" if line[0] in _GLUE_NO_SPACE else " "
                texts[-1] = texts[-1] + glue + line
            else:
                texts.append(line)
                in_list.append(listy)
    return texts, in_list


_GLUE_NO_SPACE = frozenset(",.;:!?)]}’”'%")
_OPENS_CONTINUATION = re.compile(r"^(?:[a-z\u00df-\u00ff]|[,.;:!?)\]}’”%](?:\s|$))")


@functools.cache
def _continuation_words() -> frozenset[str]:
    return frozenset(w.lower() for w in _lexicon_lines("clean_continuation_words.txt"))


def runs_on(line: str, following: str) -> bool:
    """Whether ``following`` continues the sentence ``line`` leaves open: a paragraph cut into
    pieces by inline markup (a link becomes its own line) or hard-wrapped at the source."""
    if _TERMINAL.search(line) or is_junk_line(following) or is_junk_line(line):
        return False
    if _OPENS_CONTINUATION.match(following):
        return True
    last = _WORD.findall(line[-30:].lower())
    return line.endswith((",", "(", "–", "—")) or bool(last and last[-1] in _continuation_words())
