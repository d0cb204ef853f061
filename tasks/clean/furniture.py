"""Site furniture in a text dump: the lines and blocks a site prints around (and inside) an article.

Each detector reads lines of text only and answers one question, so the main run
(``tasks.clean.lines``) can price what it finds:

- **Furniture lines** from the lexicon (``tasks/lexicon/junk_lines.txt``; legal and cookie notices
  of any length, ``junk_notices.txt``), **end markers** ("Most read", "12 Comments":
  ``junk_end_markers.txt``, ``junk_end_patterns.txt``) and **box headings** that may open a box
  inside the article ("Related:", ``junk_box_headings.txt``).
- **Photo captions** by convention (``junk_captions.txt``) and **credits** (``junk_credits.txt``).
- **Teaser rails**: a template unit (headline, author, date, blurb) printed again and again, found
  by its date lines at a steady distance; **undated rails** found by their capitals kickers;
  **teaser streams**, headline and blurb pairs whose blurbs restate their headlines.
- **Ranked tables** printed a cell a line and **bulleted lists** printed as text: the article's
  data, not navigation.
- A press release's closing **company boilerplate**.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence

from tasks import lexicon
from tasks.clean.dates import find_written_dates
from tasks.clean.line_shape import (
    DIGIT,
    LENGTH_HIGH,
    LENGTH_LOW,
    SENTENCE_STOP,
    TERMINAL,
    WORD,
    text_length,
)

# Furniture lines are short; only lines below this length are tested against the junk lexicon so
# a real paragraph that opens with "Read more ..." survives (the longest furniture line in the
# seeds is ~90 characters; 200 is jusText's LENGTH_HIGH, the length from which a line is prose).
JUNK_LINE_MAX_CHARS = LENGTH_HIGH
# A table printed a cell a line (see ranked_table_lines): 3+ columns (a rank and two cells; two
# columns are a ranked list of links), 12 at most between two ranks, 5+ rows, half its cells
# figures of at most 12 characters ("5040", "-5.44%", "2:16.08").
TABLE_MIN_COLUMNS = 3
TABLE_MAX_COLUMNS = 12
TABLE_MIN_ROWS = 5
TABLE_MIN_FIGURE_SHARE = 0.5
TABLE_CELL_MAX_CHARS = 12
# A teaser rail: a template unit (headline, author, date, blurb) printed again and again below
# the article. Found by its dates: at least RAIL_MIN_ITEMS date lines at exactly the same
# distance from each other, RAIL_MIN_PERIOD to RAIL_MAX_PERIOD lines (ScrapingHub text mode, even
# pages: rails of 3-12 units, 3-5 lines a unit). Exact spacing is the template's signature: dated
# entries of a live blog or a timeline vary in length. RAIL_PERIOD_SLACK: a headline wrapped on
# two lines makes one unit a line longer.
RAIL_MIN_ITEMS = 3
RAIL_MIN_PERIOD = 2
RAIL_MAX_PERIOD = 6
RAIL_PERIOD_SLACK = 1
# A date line is a date with at most this many other words besides a weekday, a time and a time
# zone ("Air Date: November 19, 2019"); a tour date has a venue and a town ("June 17 -- Bridgestone
# Arena, Nashville, TN").
DATE_LINE_MAX_WORDS = 2
# A bulleted list printed as text ("+ Added Slime Block", "* Villager trading has been
# rebalanced", "• 2 cups of flour"): at least BULLET_MIN_ITEMS lines in a row opening with the
# same bullet, their median item at least BULLET_MIN_WORDS words (a menu's items are one or two:
# "• Home", "• Contact us").
BULLET_MIN_ITEMS = 3
BULLET_MIN_WORDS = 3
# ... and at least this share of the words after each item's first in lower case: the items say
# something ("+ Villagers will harvest crops"); a menu or a directory of names ("- Toronto Sun",
# "- Kenora Daily Miner & News") does not. On the development pages the bulleted lists of the
# gold bodies have 0.83-1.0, those of menus and directories 0.0-0.2 (one of 0.43 has one-word
# items); 0.5 is between the two.
BULLET_MIN_LOWER_SHARE = 0.5
# A teaser's headline printed again on the page (a link in a box inside the article and again
# in a rail, or twice in a row: the photo's link and the text's) is a line of at least this
# many words (figures aside: a box score's "0-1 0-0 0" repeats) that is no sentence. An
# article's own subheadings are most often shorter ("Hostage swap", "Understanding Z-Score");
# on the development pages the repeated lines of 5+ words that are no sentence are furniture
# but for 4 of 692 on the two news sets (a table of contents, see TOC_MIN_ENTRIES, aside).
REPEATED_HEADLINE_MIN_WORDS = 5
# A table of contents lists at least this many headings in a row (two are a headline and its
# kicker).
TOC_MIN_ENTRIES = 3
# A teaser stream: a list of other stories printed as headline and blurb pairs with no date or
# kicker between them ("Liverpool manager may sue co-owner" over "The manager is considering
# legal action against the club's co-owner ..."). At least this many pairs in a row; a blurb is
# at most STREAM_BLURB_MAX_CHARS long (one or two sentences of a teaser, where an article's
# paragraphs run longer) and restates its headline: it shares at least one content word (four
# letters or more, compared on its first STREAM_STEM_CHARS letters) with it. A headline has at
# least STREAM_HEADLINE_MIN_WORDS words and is shorter than STREAM_HEADLINE_MAX_CHARS. On the
# development pages of the three sets: 38 lines found, none the gold article's; text mode
# L3S-GN1 0.9669 -> 0.9704 (two pages whose article lost to the stream), the others level.
# Four pairs in a row found one page; sharing a word with a capital letter, one. An article's
# own subheadings over one-paragraph sections ("Anomaly in status code 400" over "... we get
# more alerts:") read alike; a paragraph ending with a colon leads into something and is no
# blurb.
STREAM_MIN_PAIRS = 3
STREAM_BLURB_MAX_CHARS = 300
STREAM_HEADLINE_MIN_WORDS = 3
STREAM_HEADLINE_MAX_CHARS = 150
STREAM_STEM_CHARS = 6
STREAM_STEM_MIN_LETTERS = 4
# A press release's "about the company" boilerplate is at least two paragraphs opening with the
# company's name (what it is, where it is based and listed); one such closing paragraph is as
# often the article's own last word ("Emirates is the number one buyer of the A380 ...").
PROFILE_MIN_PARAGRAPHS = 2

# Words a date line carries besides its date: figures of a time, am/pm, "at", a zone, a weekday.
_DATE_NOISE_WORD = re.compile(
    r"\d+|[ap]m|at|on|(?-i:[A-Z]{2,4})|(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?",
    re.I,
)
# The opening of a press release's "about the company" paragraph: "Ascom is a global solutions
# provider", "Acme Corp. (NYSE: ACME) is the leading ...". A company name is 1-4 capitalised
# words; a ticker in brackets ("(NYSE: ACME)", "(SIX Swiss Exchange: ASCN)") is under 40
# characters.
_PROFILE_OPENING = re.compile(
    r"^(?P<name>[A-Z][\w&.'’-]*(?: [A-Z][\w&.'’-]*){0,3})"
    r"(?: \([^)]{1,40}\))?,? (?:is|are) (?:a|an|the) "
)

# What a template prints after a heading: a colon, an ellipsis, an arrow ("»", "›", ">>").
_HEADING_TAIL = re.compile(r"[\s:.…»›>]+$")

# A headline opens with a capital letter, a figure's word aside, or a quote mark ("'Dancing with
# the Stars' ...").
_HEADLINE_OPENING = re.compile(r"[\"'“‘«]?[^\W\d_]")
# What code, addresses and markup print and headlines do not.
_CODE_CHARS = re.compile(r"[=<>{}$\\|#]|://")

# A bullet of text at a line's start and the space after it ("+ ", "* ", "- ", "• ", "▪ ").
_BULLET = re.compile(r"^([+*•·▪■◦–-])\s+\w")


def _alternatives(name: str, flags: int = 0) -> re.Pattern[str]:
    """One regular expression matching any pattern of a lexicon file."""
    return re.compile("|".join(f"(?:{p})" for p in lexicon.lines(name)), flags)


@functools.cache
def _junk_pattern() -> re.Pattern[str]:
    return _alternatives("junk_lines", re.I)


@functools.cache
def _notice_pattern() -> re.Pattern[str]:
    return _alternatives("junk_notices", re.I)


@functools.cache
def _end_markers() -> frozenset[str]:
    return frozenset(m.lower() for m in lexicon.lines("junk_end_markers"))


@functools.cache
def _end_pattern() -> re.Pattern[str]:
    return _alternatives("junk_end_patterns", re.I)


@functools.cache
def _box_headings() -> frozenset[str]:
    return frozenset(m.lower() for m in lexicon.lines("junk_box_headings"))


@functools.cache
def _caption_pattern() -> re.Pattern[str]:
    return _alternatives("junk_captions")


@functools.cache
def _credit_pattern() -> re.Pattern[str]:
    return _alternatives("junk_credits", re.I)


def is_junk_line(line: str) -> bool:
    """A furniture line: short and matching the junk lexicon, or a legal or cookie notice."""
    if len(line) <= JUNK_LINE_MAX_CHARS and _junk_pattern().match(line) is not None:
        return True
    return has_notice(line)


def has_notice(line: str, start: int = 0) -> bool:
    """A legal or cookie notice (junk at any length) in ``line``, starting at ``start`` or later."""
    return _notice_pattern().search(line, start) is not None


def is_credit_line(line: str) -> bool:
    """A photo credit ("(Image: GETTY )", "Photo: Jo Bloggs")."""
    return _credit_pattern().match(line) is not None


def is_caption_line(line: str) -> bool:
    """A photo caption ("Jo Bloggs, left, and Sam Smith ...", "... (AP Photo/Jo Bloggs)")."""
    return _caption_pattern().search(line) is not None


def is_end_marker(line: str) -> bool:
    """A furniture heading after which the article is over ("Related stories", "34 Comments")."""
    heading = _heading_key(line)
    return heading in _end_markers() or _end_pattern().fullmatch(heading) is not None


def is_box_heading(line: str) -> bool:
    """A furniture heading that may open a box inside an article ("Related:", "Read more")."""
    return _heading_key(line) in _box_headings()


def _heading_key(line: str) -> str:
    """A heading as the lexicons list it: lower-cased, without what a template puts after it
    (":", an ellipsis, "»" or ">>": "More tennis news...", "More Articles in Sports »")."""
    return _HEADING_TAIL.sub("", line.strip()).lower()


def is_date_line(text: str) -> bool:
    """A line that is a date and little else ("Tuesday November 19, 2019", "20 Nov 2019 08:00")."""
    if text_length(text) >= LENGTH_LOW:
        return False
    dates = find_written_dates(text)
    if len(dates) != 1:
        return False
    rest = text[: dates[0].start] + " " + text[dates[0].end :]
    words = [w for w in WORD.findall(rest) if not _DATE_NOISE_WORD.fullmatch(w)]
    return len(words) <= DATE_LINE_MAX_WORDS


def teaser_rail_lines(texts: Sequence[str]) -> set[int]:
    """Indexes of the lines of teaser rails: units of a fixed number of lines, each with a date
    line (or a kicker, see _is_kicker) at the same place, repeated at least RAIL_MIN_ITEMS times
    (see RAIL_MIN_PERIOD)."""
    dated = [i for i, text in enumerate(texts) if is_date_line(text)]
    return _rail_units(texts, dated) | kicker_rail_lines(texts)


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
        and TERMINAL.search(text.rstrip("’'\"”")) is None
        and text_length(texts[i + 1]) <= LENGTH_HIGH
        and SENTENCE_STOP.search(texts[i + 1]) is None
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


def teaser_stream_lines(texts: Sequence[str], stopwords: frozenset[str]) -> set[int]:
    """Indexes of the lines of teaser streams: STREAM_MIN_PAIRS or more headline and blurb pairs
    in a row, each blurb restating its headline (see STREAM_MIN_PAIRS). ``stopwords``: the
    page's stoplist, whose words do not count as shared."""

    def stems(text: str) -> set[str]:
        return {
            w.casefold()[:STREAM_STEM_CHARS]
            for w in WORD.findall(text)
            if len(w) >= STREAM_STEM_MIN_LETTERS
            and not w.isdigit()
            and w.casefold() not in stopwords
        }

    def headline(text: str) -> bool:
        return _headline_shaped(text, STREAM_HEADLINE_MAX_CHARS, STREAM_HEADLINE_MIN_WORDS)

    def blurb(text: str, over: str) -> bool:
        return (
            text_length(text) <= STREAM_BLURB_MAX_CHARS
            and not headline(text)
            and not text.rstrip().endswith(":")
            and bool(stems(text) & stems(over))
        )

    out: set[int] = set()
    i = 0
    while i + 1 < len(texts):
        j = i
        while j + 1 < len(texts) and headline(texts[j]) and blurb(texts[j + 1], texts[j]):
            j += 2
        if (j - i) // 2 >= STREAM_MIN_PAIRS:
            out.update(range(i, j))
            i = j
        else:
            i += 1
    return out


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
        figures = sum(DIGIT.search(c) is not None and len(c) <= TABLE_CELL_MAX_CHARS for c in cells)
        if figures < TABLE_MIN_FIGURE_SHARE * len(cells):
            i += 1
            continue
        table.update(range(max(0, rows[0] - period), end))
        i = end
    return table


def bulleted_list_lines(texts: Sequence[str]) -> set[int]:
    """Indexes of the lines of bulleted lists printed as text (see BULLET_MIN_ITEMS): the
    article's own list (a changelog, a recipe's ingredients, a list of findings), not
    navigation, which a page prints without bullets of text."""
    out: set[int] = set()
    i = 0
    while i < len(texts):
        m = _BULLET.match(texts[i])
        if m is None:
            i += 1
            continue
        j = i + 1
        while j < len(texts) and texts[j].startswith(m.group(1)) and _BULLET.match(texts[j]):
            j += 1
        items = [WORD.findall(t) for t in texts[i:j]]
        words = sorted(len(item) for item in items)
        inner = [w for item in items for w in item[1:]]
        lower = sum(w[:1].islower() for w in inner) / max(1, len(inner))
        if (
            j - i >= BULLET_MIN_ITEMS
            and words[len(words) // 2] >= BULLET_MIN_WORDS
            and lower >= BULLET_MIN_LOWER_SHARE
        ):
            out.update(range(i, j))
        i = j
    return out


def _headline_shaped(text: str, max_chars: int, min_words: int) -> bool:
    """Shorter than ``max_chars``, opening with a capital (or a quote mark), ending neither like a
    sentence nor like a lead-in, with at least ``min_words`` words that are not figures."""
    return (
        text_length(text) < max_chars
        and _HEADLINE_OPENING.match(text) is not None
        and SENTENCE_STOP.search(text) is None
        and not text.endswith(":")
        and sum(not w.isdigit() for w in WORD.findall(text)) >= min_words
    )


def _is_headline(text: str) -> bool:
    """A teaser headline's shape: headline-shaped (``_headline_shaped``), shorter than a
    paragraph, with at least REPEATED_HEADLINE_MIN_WORDS words of letters; no code, address or
    markup ("$ hg amend", "http://...")."""
    return (
        _headline_shaped(text, LENGTH_HIGH, REPEATED_HEADLINE_MIN_WORDS)
        and _CODE_CHARS.search(text) is None
    )


def repeated_headline_lines(texts: Sequence[str]) -> set[int]:
    """Indexes of teasers' headlines: a headline-shaped line (see _is_headline) printed more
    than once on the page over other lines each time (past the headlines of its box or rail), or
    twice in a row (the photo's link, then the text's). A page that prints its article twice (a
    reader view, an AMP copy) repeats its subheadings over the same paragraph, and a table of
    contents lists them before their sections (see _contents_lines): those stay."""
    where: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        if _is_headline(text):
            where.setdefault(text, []).append(i)
    out: set[int] = set()
    for places in where.values():
        if len(places) < 2:
            continue
        printings = [i for k, i in enumerate(places) if k == 0 or places[k - 1] != i - 1]
        twice_in_a_row = len(printings) < len(places)
        # what each printing is over, past the headlines of its box or rail
        following = {next((t for t in texts[i + 1 :] if t not in where), None) for i in printings}
        if twice_in_a_row or len(following) == len(printings):
            out.update(places)
    return out - _contents_lines(texts, where)


def _contents_lines(texts: Sequence[str], where: dict[str, list[int]]) -> set[int]:
    """The entries of tables of contents and the headings they list: a block of short lines
    (entries too short to be headlines among them) holding at least TOC_MIN_ENTRIES repeated
    headlines, each printed again only after the block, in the block's order, most of them over a
    section of prose."""
    out: set[int] = set()
    i = 0
    while i < len(texts):
        j = i
        while j < len(texts) and (
            len(where.get(texts[j], ())) >= 2
            or (text_length(texts[j]) < LENGTH_LOW and SENTENCE_STOP.search(texts[j]) is None)
        ):
            j += 1
        entries = [e for e in range(i, j) if len(where.get(texts[e], ())) >= 2]
        if len(entries) >= TOC_MIN_ENTRIES:
            later = [[k for k in where[texts[e]] if k != e] for e in entries]
            firsts = [min(ks) for ks in later]
            # the headings over their sections: prose between most of them and the next (a
            # section's first subheading may follow its heading; a rail printing the same
            # headlines again has no prose between them)
            gaps = list(itertools.pairwise(firsts))
            sections = 2 * sum(
                any(text_length(t) >= LENGTH_LOW for t in texts[a + 1 : b]) for a, b in gaps
            ) >= len(gaps)
            if all(k >= j for ks in later for k in ks) and firsts == sorted(firsts) and sections:
                out.update(entries)
                out.update(k for ks in later for k in ks)
        i = max(j, i + 1)
    return out


def company_profile_start(paragraphs: Sequence[str]) -> int:
    """Where a press release's boilerplate about the company begins, else len(paragraphs): the
    article's last PROFILE_MIN_PARAGRAPHS or more paragraphs all open with one name, the first of
    them defining it ("Ascom is a global solutions provider ...", "Ascom is headquartered in
    Baar ...")."""
    for k in range(1, len(paragraphs) - PROFILE_MIN_PARAGRAPHS + 1):
        m = _PROFILE_OPENING.match(paragraphs[k])
        if m is not None and all(p.startswith(m.group("name") + " ") for p in paragraphs[k + 1 :]):
            return k
    return len(paragraphs)
