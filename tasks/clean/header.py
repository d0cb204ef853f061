"""An article's header in a text dump: title, standfirst, authors and outlet.

- **Title**: the header line repeating the first line (the page ``<title>`` then the ``<h1>``),
  else the dump's first title-shaped line; lines repeating it ("<title> | Planet") leave the body.
- **Category lines** ("Labour Party, UK Politics", "News | World") are skipped.
- **Standfirst**: the one-sentence line right after the title, when a longer paragraph follows.
- **Authors**: "By ..." bylines in the header or at the top of the body, and closing author's
  notes ("Jo Bloggs is political correspondent for the Daily Planet." gives the outlet too;
  journalist roles from ``tasks/lexicon/clean_journalist_roles.txt``).
- **Outlet**: the author's note's, else where the site names itself in its furniture ("Start
  your day with The Daily Planet, sign up ...", ``clean_outlet_patterns.txt``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from tasks import lexicon
from tasks.clean.furniture import JUNK_LINE_MAX_CHARS, is_end_marker, is_junk_line
from tasks.clean.line_shape import TERMINAL, WORD, is_single_sentence
from tasks.clean.lines import Line

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
# A header line of at least this many characters found inside the first line is the title
# within the page's <title> ("<h1>" inside "<h1> | Planet News"); a shorter one may be a word.
TITLE_INSIDE_MIN_CHARS = 20
# A line holding the title with a few more words is the title again ("<title> | Planet", "<title>
# - Planet News"): site names are 1-4 words; a title of at least 4 words is specific enough not
# to be found inside a genuine sentence of this length by chance.
SITE_NAME_MAX_WORDS = 4
TITLE_REPEAT_MIN_WORDS = 4
# The words titles.fold keeps, to find a folded headline's end in a printed line.
_FOLD_WORD = re.compile(r"\w+")
# Punctuation after which a headline goes on with more of itself (see _run_together).
_GOES_ON = re.compile(r"^['’”\"]*[,:;]")
# In a dump, the header (category line, title, standfirst, byline) sits in the first lines.
HEADER_MAX_LINES = 6
# The main run often starts above the byline (a title that reads like prose, a standfirst), so
# a byline is also looked for in the body's first three lines.
BODY_BYLINE_LINES = 3

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
_BYLINE_SEPARATOR = re.compile(r"\s*(?:,|\band\b|&)\s*")
# "<Name> is <role> for <Outlet>.": a role of 3-100 characters ("political correspondent",
# "a freelance writer and the author of three books on ...").
_AUTHOR_NOTE = re.compile(
    rf"^(?P<name>{_NAME}) (?:is|was|writes as) (?:an? |the )?(?P<role>[^.]{{3,100}}?)"
    r" (?:at|for|of|on|with|to) (?:the )?"
    r"(?P<outlet>[A-Z][\w&'’-]*(?: (?:[A-Z][\w&'’-]*|of|and|&))*)[.,]"
)


@functools.cache
def _outlet_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in lexicon.lines("clean_outlet_patterns"))


@functools.cache
def _journalist_roles() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon.lines("clean_journalist_roles"))


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
    names = _BYLINE_SEPARATOR.split(m.group("names"))
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
    role_words = {w.lower() for w in WORD.findall(m.group("role"))}
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


def _jaccard(a: str, b: str) -> float:
    ta, tb = set(WORD.findall(a.lower())), set(WORD.findall(b.lower()))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def repeats_title(line: str, title: str) -> bool:
    """The title again: the same words (case and punctuation aside), or one inside the other with
    a few words around it ("<title> | Planet", "<h1> by Planet Staff")."""
    if len(line) > TITLE_MAX_CHARS:
        return False
    words, title_words = WORD.findall(line.lower()), WORD.findall(title.lower())
    if not words or not title_words:
        return False
    shorter, longer = sorted((" ".join(words), " ".join(title_words)), key=len)
    return words == title_words or (
        len(shorter.split()) >= TITLE_REPEAT_MIN_WORDS
        and shorter in longer
        and abs(len(words) - len(title_words)) <= SITE_NAME_MAX_WORDS
    )


def _standfirst_shaped(line: str, following: str) -> bool:
    """One sentence, not a quote or a lead-in, followed by something longer."""
    limit = STANDFIRST_SENTENCE_MAX_CHARS if TERMINAL.search(line) else STANDFIRST_MAX_CHARS
    return (
        len(line) <= limit
        and is_single_sentence(line)
        and not line.endswith(":")
        and line[:1] not in "\"'“‘"
        and len(following) > len(line)
    )


def find_title(lines: list[Line], header: list[Line], start: int) -> tuple[str | None, int | None]:
    """The title and its line: a header line repeating the first line (page <title> then <h1>),
    else the first title-shaped header line of a dump."""
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
            if len(first.text) <= TITLE_MAX_CHARS and not TERMINAL.search(first.text):
                return first.text, first.index
        return None, None
    first = candidates[0]
    for ln in reversed(candidates[1:]):
        if _jaccard(ln.text, first.text) >= TITLE_REPEAT_JACCARD or (
            len(ln.text) >= TITLE_INSIDE_MIN_CHARS and ln.text in first.text
        ):
            return ln.text, ln.index
    if first.index < HEADER_MAX_LINES:
        return first.text, first.index
    return candidates[-1].text, candidates[-1].index


def site_names(first: str, lines: Sequence[Line]) -> list[str]:
    """What a dump says its site is called: where it names itself in its furniture
    (``outlet_from_boilerplate``), and the pieces at either end of its first line (the page
    ``<title>``) that a furniture line prints again ("© 2019 Harbour News", "Sign up for the
    Harbour News newsletter")."""
    from tasks.clean import titles

    texts = [ln.text for ln in lines]
    names = [name for name in (outlet_from_boilerplate(texts),) if name]
    furniture = [
        f" {titles.fold(ln.text)} " for ln in lines[1:] if ln.junk and is_junk_line(ln.text)
    ]
    parts = titles.title_parts(first)
    # A first line of one short piece may be the site's name alone ("Harbour News" as the whole
    # <title>): a name is 1-4 words (SITE_NAME_MAX_WORDS), and a furniture line printing it
    # again says which.
    if len(parts) > 1 or len(WORD.findall(first)) > SITE_NAME_MAX_WORDS:
        parts = parts[1:]
    for piece in parts:
        if not (first.startswith(piece) or first.endswith(piece)):
            continue
        folded = titles.fold(piece)
        if folded and any(f" {folded} " in line for line in furniture):
            names.append(piece)
    return list(dict.fromkeys(names))


def choose_title(
    lines: list[Line], header: list[Line], guess: str | None, body: Sequence[Line]
) -> str | None:
    """The headline as HTML mode chooses it (``tasks.clean.titles.choose_title``), read from a
    dump:

    - *declared*: its first line (a page's visible text opens with its ``<title>``, site name
      and all);
    - *headings*: the header lines (above the article's run), earlier ones ranked higher, as
      ``<h1>`` is over ``<h2>``: the headline comes before the deck under it. A header line
      holding the whole declared title, site name taken off, and more words ("<headline> by Jo
      Bloggs", "<headline> chevron_left") is the headline run together with furniture, not a
      heading of its own (a piece of it is not enough: "Design Week 2018 | <headline>" prints
      the section with the headline), unless the headline goes on in it after a comma or a
      colon (``_run_together``: the page prints a longer headline than its ``<title>``);
    - *lines*: every line after the first, what the page prints;
    - *site names*: ``site_names``, and the pieces at the ends of the first line that the
      article's lead does not fit when another piece does (``titles.unfit_edges``);
    - *body*: the article (without the lines repeating ``guess``), whose lead a headline found
      above it must fit.

    ``guess`` (``find_title``'s header line) when there is nothing to choose from."""
    from tasks.clean import titles  # titles reads bylines with this module's parse_byline

    if not lines:
        return guess
    first = lines[0].text
    body_text = "\n\n".join(
        ln.text for ln in body if guess is None or not repeats_title(ln.text, guess)
    )
    names = site_names(first, lines)
    lead = titles.lead_stems(body_text)
    names += [p for p in titles.unfit_edges(first, lead, names) if p not in names]
    # A first line that is the site's name and nothing else declares no headline.
    declared = (
        [first]
        if len(first) <= titles.DECLARED_MAX_CHARS
        and not lines[0].junk
        and not titles.is_site_name(first, names)
        else []
    )
    headline = titles.fold(titles.strip_site_name(first, names)) if declared else ""
    shown = [
        ln.text
        for ln in header
        if ln.index > 0 and len(ln.text) <= TITLE_MAX_CHARS and not _run_together(ln.text, headline)
    ]
    title = titles.choose_title(
        declared,
        [(text, len(shown) - i) for i, text in enumerate(shown)],
        [ln.text for ln in lines[1:]],
        site_names=names,
        body=body_text or None,
    )
    if (
        title is not None
        and headline
        and titles.fold(title) != headline
        and len(headline.split()) >= titles.HEADLINE_MIN_WORDS
    ):
        # The page prints its declared headline right above the article (the <title> then the
        # <h1>), and nowhere else: two sources agree, so a headline that only fits the lead
        # better (a caption naming the article's people) does not replace it. A <title> that is
        # the site's name is printed again elsewhere (the logo, the footer: "Leading the Charge"
        # above the headline, "Leading the Charge - News 24" in a sidebar).
        copies = [ln for ln in lines[1:] if _holds(titles.fold(ln.text), headline)]
        near = header[-titles.HEADLINE_LOOKBACK_LINES :]
        if len(copies) == 1 and copies[0] in near and titles.fold(copies[0].text) == headline:
            return copies[0].text
    if title is not None and headline and titles.fold(title) == headline and body_text:
        printed = titles.printed_headline(
            [
                ln.text
                for ln in header
                if ln.index > 0 and not ln.junk and not is_category_line(ln.text)
            ],
            headline,
            body_text,
        )
        if printed is not None:
            return printed
    return title if title is not None else guess


def _holds(folded: str, headline: str) -> bool:
    """Whether a folded line holds the folded headline as a run of words."""
    return bool(headline) and f" {headline} " in f" {folded} "


def _run_together(text: str, headline: str) -> bool:
    """Whether a line is the folded headline run together with furniture: it holds the
    headline as a run of words and more words, and the headline does not go on in it after a
    comma, a colon or a semicolon. The re-flow joins a line to the next with a space ("<headline>
    by Jo Bloggs", "<headline> chevron_left"); a headline printed longer than the <title> has
    it goes on with its own punctuation ("<headline>, says her lawyer")."""
    from tasks.clean import titles

    folded = titles.fold(text)
    if not headline or folded == headline or f" {headline} " not in f" {folded} ":
        return False
    before = f" {folded} ".index(f" {headline} ")
    end = len(folded[:before].split()) + len(headline.split())
    words = list(_FOLD_WORD.finditer(unicodedata.normalize("NFKC", text)))
    if end >= len(words):
        return True
    between = unicodedata.normalize("NFKC", text)[words[end - 1].end() : words[end].start()]
    return not _GOES_ON.match(between)


@dataclass(frozen=True)
class Header:
    """What the header gives an article, and the body lines left once it is taken out."""

    title: str | None
    standfirst: str | None
    authors: list[str]
    body: list[Line]


def read_header(
    lines: list[Line], start: int, end: int, body: list[Line], authors: list[str]
) -> Header:
    """The header of the article whose run is ``lines[start:end]`` and whose body lines are
    ``body``: the title, the standfirst and the bylines' authors (before ``authors``, those of a
    closing note), each taken out of the body where the run holds it."""
    header = [ln for ln in lines[:start] if not ln.junk and not is_end_marker(ln.text)]
    body = list(body)
    authors = list(authors)
    # find_title's line places the standfirst (the line after it); the title is the headline
    # choose_title reads from the whole dump.
    guess, title_pos = find_title(lines, header, start)
    title = choose_title(lines, header, guess, body)
    # A byline anywhere in the header or at the top of the body.
    for ln in header + body[:BODY_BYLINE_LINES]:
        names = parse_byline(ln.text)
        if names:
            authors[:0] = [n for n in names if n not in authors]
            if ln in body:
                body.remove(ln)
    # The run may have swallowed the title line (a dump whose title line reads like prose), and
    # pages repeat it (the page <title>, the <h1>, a share widget): a line that is the title line
    # again is not body. (The headline choose_title settles on may be a body line: a paragraph
    # that opens the article and fits its lead.)
    if guess is not None:
        body = [ln for ln in body if not repeats_title(ln.text, guess)]
    standfirst = None
    if title_pos is not None:
        after = [
            ln
            for ln in lines[title_pos + 1 : end]
            if not ln.junk and not parse_byline(ln.text) and not is_category_line(ln.text)
        ]
        if len(after) >= 2 and _standfirst_shaped(after[0].text, after[1].text):
            standfirst = after[0].text
            if after[0] in body:
                body.remove(after[0])
    return Header(title, standfirst, authors, body)
