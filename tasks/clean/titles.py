"""Titles as the page shows them: the headline a reader sees, without the site's name.

A page names its article several times: in what it declares about itself (JSON-LD ``headline``,
``og:title``, ``<title>``, which is usually the headline with the site's name and section around
it: "Sale on hold | Harbour News") and in what it prints (the heading above the article). They
disagree more often than not: a shorter ``og:title`` written for sharing, a ``<title>`` written
for search engines, a logo or a section name in an ``<h1>``. The headline is chosen as a reader
would, most certain first:

1. **A heading that agrees with a declared title.** A heading (``<h1>``-``<h3>``, an element
   whose class or id says headline or title, or one text piece of such an element: "Wednesday,
   09 January 2008" and "Jeremy Clarkson ripped off" inside one ``<h1>``) that is a *title part*
   of a declared title (its whole, or a run of its pieces between separators: "Sale on hold" in
   "Sale on hold | Harbour News"), or that shares most of its words with one (an ``og:title``
   shortened for sharing). The page prints it, so it is what the reader reads.
2. **A printed line that is a title part.** Pages laid out in tables print the headline in a
   ``<font>`` or a ``<td>``: a line of the page's text that is a title part of a declared title.
3. **The line the article hangs from**, when the page declares no title that fits its article
   (a ``<title>`` that is the site's name, "Home", script text): the headline-shaped line among
   those right above the body that shares the most words with the article's lead.
4. **The declared title with the site's name taken off**: leading or trailing pieces that
   are the page's site name (``og:site_name``, the JSON-LD publisher) or its domain.

A piece at either end of a declared title that the article's lead does not fit, when another
piece does, is the site's name too (``unfit_edges``): "... - CBS News" names its site whether
or not the page declares it, and a logo printing "CBS News" is not the headline.

In 1 and 2 a title part beats a heading that only resembles a declared title; of several title
parts the one with the most words wins (a title part "Soccerway" is the site's name, "Holders
Egypt maintain winning run ahead of Nations Cup" the headline), a heading over a plain line when
they tie; of several resembling headings the highest level wins (the <h1>, not the deck under it).
"""

from __future__ import annotations

import functools
import html as html_lib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import lxml.html

from tasks import lexicon
from tasks.clean.furniture import is_junk_line
from tasks.clean.header import parse_byline
from tasks.clean.normalize import normalize_text

# What sets a site's name, a section or a label off a headline in a declared title: bars, double
# colons, guillemets, bullets and underscores with or without spaces ("Ad|ABC 7 News",
# "members _English_Xinhua"); dashes, slashes, "@" and "~" with a space on at least one side
# ("legend- Hindustan Times", "today / Online News @ TheCheers"); a colon after a word ("AFP:
# France to boycott ..."). Hyphens inside words ("Made-for-TV") are not separators. Splitting too
# often only adds candidates: the whole title is always one of its parts.
_SEPARATOR = re.compile(
    r"\s*(?:\|+|::|»|«|·|•|_+)\s*"
    r"|\s+(?:[-–—~/@]+|:)\s*"
    r"|(?<=\S)(?:[-–—~/@]+)\s+"
    r"|(?<=\w):\s+"
)
_WORD = re.compile(r"\w+")
_HEADING_TAGS = {"h1": 3, "h2": 2, "h3": 1}
_NOT_TEXT = ("script", "style", "noscript", "template", "head", "title")
# A heading that is not a title part is still the headline when most of its words are a declared
# title's (an og:title shortened for sharing: "Sweden drops Assange rape investigation" for
# "Julian Assange: Sweden drops rape investigation"): token Jaccard at least this, the value the
# text cleaner uses for two lines that repeat each other (tasks/clean/text_dump.py,
# TITLE_REPEAT_JACCARD).
SIMILAR_JACCARD = 0.6
# Or when one holds the other as a run of at least this many words ("Murder Victim's Mother
# Assails Huckabee" in a <title> that goes on ", Says GOP Presidential Hopeful ..."): four words
# are specific enough not to meet by chance (text_dump.py, TITLE_REPEAT_MIN_WORDS).
CONTAINED_MIN_WORDS = 4
# A headline is at most this long (as text_dump.py's TITLE_MAX_CHARS: headlines run 40-120
# characters, 250 leaves room for long ones) and has at least this many words.
TITLE_MAX_CHARS = 250
HEADLINE_MIN_WORDS = 2
# A domain's top-level and registry second-level labels ("uk", "co", "com", "org") are at most
# this long; a site's own label is longer or the only one left.
DOMAIN_SUFFIX_MAX_CHARS = 3
# A declared title longer than this is not one: a page whose <title> is never closed makes the
# rest of its markup the title (two L3S-GN1 pages; 26,000 characters), and a headline with a site
# name and a section around it stays well under twice the headline's limit.
DECLARED_MAX_CHARS = 2 * TITLE_MAX_CHARS
# A site's name is 1-4 words (text_dump.py, SITE_NAME_MAX_WORDS): a longer piece that holds the
# domain's name ("PolitiFact's guide to understanding tariffs") is a headline about the site.
SITE_NAME_MAX_WORDS = 4
# The line the article hangs from sits among the lines right above the body: the dateline,
# byline, captions and share links between a headline and its first paragraph run to 2-10 lines
# on the L3S-GN1 pages of 2008 read for this (even positions).
HEADLINE_LOOKBACK_LINES = 12
# Its words are compared with the lead: the first this many words of the body.
LEAD_WORDS = 80
# It must share at least this many content words with the lead (a caption or a section name
# shares one by chance; "Mbeki puts top cop on leave" over "President Thabo Mbeki has granted
# ... extended leave of absence" shares two).
HEADLINE_MIN_SHARED = 2
# Words a printed headline shares with a <title> that rewrites it: the smallest count that took
# no deck or teaser line for the headline on the even pages of the title gold (text mode).
PRINTED_MIN_SHARED = 3
# A line under a candidate headline that ends like a sentence and has at least this many words is
# a paragraph of the article (a caption or a dateline is shorter; jusText counts a paragraph of
# under 10 words as short).
LEAD_SENTENCE_MIN_WORDS = 10
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")
# Words are compared by their first letters, so "warns" meets "warned" and "restructures"
# "restructure"; shorter words are compared whole.
WORD_STEM_CHARS = 5


@dataclass(frozen=True)
class _Candidate:
    text: str
    folded: str
    heading: int  # 3 h1, 2 h2, 1 h3, 0 class-named heading, -1 a plain line
    order: int


def fold(text: str) -> str:
    """A title as compared: NFKC, case folded, its words joined by single spaces."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def clean_title(text: str | None) -> str | None:
    """A title as stored: HTML entities decoded (JSON-LD often carries "&#8216;"), normalised."""
    if not text:
        return None
    cleaned = normalize_text(html_lib.unescape(text)).replace("\n", " ")
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    return cleaned or None


def _spans(title: str) -> list[tuple[int, int]]:
    """Where a title's pieces are: the stretches between its separators."""
    spans = []
    position = 0
    for match in _SEPARATOR.finditer(title):
        if title[position : match.start()].strip():
            spans.append((position, match.start()))
        position = match.end()
    if title[position:].strip():
        spans.append((position, len(title)))
    return spans


def title_parts(title: str) -> list[str]:
    """Every run of consecutive pieces of a title, the whole title first: "A - B | C" gives
    "A - B | C", "A - B", "B | C", "A", "B", "C" (with the title's own separators)."""
    spans = _spans(title)
    parts = []
    for size in range(len(spans), 0, -1):
        for i in range(len(spans) - size + 1):
            parts.append(title[spans[i][0] : spans[i + size - 1][1]].strip())
    return list(dict.fromkeys(p for p in parts if p))


def _compact(text: str) -> str:
    return "".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold())).replace("_", "")


def is_site_name(piece: str, site_names: Iterable[str]) -> bool:
    """Whether a piece of a title names the site: the same words as a site name, or, for a
    domain, the domain's name in it or it in the domain ("Express.co.uk" for express.co.uk,
    "CBSSports.com" for cbssports.com, "WSJ" for wsj.com)."""
    folded, compact = fold(piece), _compact(piece)
    if not compact:
        return False
    domain_like = len(folded.split()) <= SITE_NAME_MAX_WORDS
    for name in site_names:
        if not name:
            continue
        if "." in name and " " not in name.strip():
            label = _domain_label(name)
            if domain_like and len(label) >= 3 and (label in compact or compact in label):
                return True
        elif fold(name) == folded:
            return True
    return False


def _domain_label(host: str) -> str:
    """The name part of a host: the last label left once the top-level domain and a short
    second level are taken off ("www.express.co.uk" -> "express", "cbssports.com" ->
    "cbssports", "wsj.com" -> "wsj"). Top-level domains and the second levels registries put
    under them ("co", "com", "net", "org", "gov", "ac") are at most DOMAIN_SUFFIX_MAX_CHARS."""
    labels = [x for x in host.lower().split(".") if x and x != "www"]
    while len(labels) > 1 and len(labels[-1]) <= DOMAIN_SUFFIX_MAX_CHARS:
        labels.pop()
    return _compact(labels[-1]) if labels else ""


def strip_site_name(title: str, site_names: Iterable[str]) -> str:
    """A declared title without the leading and trailing pieces that name the site."""
    names = [n for n in site_names if n]
    spans = _spans(title)
    while len(spans) > 1 and is_site_name(title[spans[-1][0] : spans[-1][1]], names):
        spans.pop()
    while len(spans) > 1 and is_site_name(title[spans[0][0] : spans[0][1]], names):
        spans.pop(0)
    if not spans:
        return title.strip()
    return title[spans[0][0] : spans[-1][1]].strip()


def _jaccard(a: str, b: str) -> float:
    ta, tb = set(a.split()), set(b.split())
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def _contains_run(longer: str, shorter: str) -> bool:
    return len(shorter.split()) >= CONTAINED_MIN_WORDS and f" {shorter} " in f" {longer} "


# Text a reader sees: the body's (the whole page's when it has none), not in a script, a style
# sheet, a noscript or the <title> (which parsers move into the body of a page with a broken
# head). A text's own element is enough: these hold text, not markup (a template's children are
# the one exception, and rare).
_SHOWN = "[not(parent::script or parent::style or parent::noscript or parent::title)]"
# Headings: <h1>-<h3>, and elements whose class or id says headline or title ("headline",
# "storyTitle", "entry-title"; the first letter left out to match either case).
_HEADINGS = (
    "//h1|//h2|//h3|//*[contains(@class, 'eadline') or contains(@class, 'itle')"
    " or contains(@id, 'eadline') or contains(@id, 'itle')]"
)


def _line(text: str) -> str:
    return " ".join(text.split())


def _root(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    body = tree.find(".//body")
    return body if body is not None else tree


def page_headings(tree: lxml.html.HtmlElement) -> list[tuple[str, int]]:
    """Headings in page order: each heading's whole text and, when it has several, each text
    piece, with its level (3 for <h1> down to 0 for a class-named element)."""
    out: list[tuple[str, int]] = []
    for element in _root(tree).xpath(_HEADINGS):
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in _NOT_TEXT:
            continue
        level = _HEADING_TAGS.get(tag, 0)
        pieces = [line for line in map(_line, element.xpath(f".//text(){_SHOWN}")) if line]
        whole = " ".join(pieces)
        if whole and len(whole) <= TITLE_MAX_CHARS:
            out.append((whole, level))
            if len(pieces) > 1:
                out.extend((piece, level) for piece in pieces)
    return out


def page_lines(tree: lxml.html.HtmlElement) -> list[str]:
    """The page's text pieces in page order (each text node, whitespace collapsed), without
    scripts and styles: the lines a reader sees."""
    return [line for line in map(_line, _root(tree).xpath(f".//text(){_SHOWN}")) if line]


def choose_title(
    declared: Sequence[str | None],
    headings: Sequence[tuple[str, int]],
    lines: Sequence[str],
    site_names: Sequence[str | None] = (),
    body: str | None = None,
    derived: Sequence[str | None] = (),
) -> str | None:
    """The headline a reader sees (see the module's docstring for the order).

    ``declared``: the page's declared titles, most explicit first (JSON-LD headline, og:title,
    <title>, ...); ``headings`` as ``page_headings`` gives them; ``lines`` the page's printed
    text pieces in order; ``site_names`` the site's name and host; ``body`` the article's
    text, for finding the line the article hangs from; ``derived`` titles another tool guessed
    from the page itself (trafilatura's), used as declared ones but not as evidence that a
    heading is the headline (``_weak``)."""
    own = usable_titles(declared)
    titles = own + [t for t in usable_titles(derived) if t not in own]
    lead = lead_stems(body)
    names = [n for n in site_names if n]
    names += [p for t in titles for p in unfit_edges(t, lead, names) if p not in names]
    parts: dict[str, str] = {}
    for title in titles:
        for part in title_parts(title):
            folded = fold(part)
            if folded and not is_site_name(part, names):
                parts.setdefault(folded, part)
    whole = [fold(strip_site_name(t, names)) for t in titles]

    printed = [(text, level) for text, level in headings] + [(text, -1) for text in lines]
    candidates = [
        _Candidate(text, fold(text), level, i)
        for i, (text, level) in enumerate(printed)
        if len(text) <= TITLE_MAX_CHARS
    ]
    best: tuple[tuple[int, int, int, int], str] | None = None
    for c in candidates:
        if not c.folded:
            continue
        words = len(c.folded.split())
        if c.folded in parts:
            if words < HEADLINE_MIN_WORDS and c.folded not in whole:
                continue  # a one-word piece ("Opinion", "Soccerway") is a label or a logo
            key = (2, words, c.heading, -c.order)
        elif c.heading >= 0 and any(
            _jaccard(c.folded, w) >= SIMILAR_JACCARD
            or _contains_run(w, c.folded)
            or _contains_run(c.folded, w)
            for w in whole
        ):
            # A heading that only resembles a declared title: the page's main heading is the
            # headline, a deck under it ("Says GOP Presidential Hopeful ...") is not.
            shared = max(len(set(c.folded.split()) & set(w.split())) for w in whole)
            key = (1, c.heading, shared, -c.order)
        else:
            continue
        if (best is None or key > best[0]) and not is_site_name(c.text, names):
            best = (key, c.text)
    if best is not None:
        chosen = _as_declared(best[1], parts)
        if body and _weak(chosen, own, names) and not _fits(chosen, lead):
            return headline_above(lines, body, lead) or chosen
        return chosen

    stripped = strip_site_name(titles[0], names) if titles else None
    if body and (stripped is None or not _fits(stripped, lead)):
        above = headline_above(lines, body, lead)
        if above is not None:
            return above
    return stripped


def unfit_edges(title: str, lead: set[str], site_names: Sequence[str] = ()) -> list[str]:
    """The pieces at either end of a declared title that name the site, told by the article's
    lead: a piece of 1-4 words at the end, 2-4 at the start (a site's name is 1-4 words,
    SITE_NAME_MAX_WORDS; a headline may open with a one-word label, "Obama: ...", "Review:
    ...", while what follows its last separator is the site or its section, "- Sport", "|
    CNN") that does not fit the lead, when another piece of the title, not one of
    ``site_names``, does ("Obama admits US gun laws are his 'biggest frustration' - BBC
    News": the headline is about the article, the site's name is not). A page whose furniture
    never prints its name again still names itself so. None when no such piece fits: a
    feature's headline may share no word with its lead, and a title of a site's name and a
    section ("The Sports Network - National Hockey League") holds no headline to tell them
    from."""
    pieces = [title[a:b].strip() for a, b in _spans(title)]
    if len(pieces) < 2 or not any(
        _fits(p, lead) and not is_site_name(p, site_names) for p in pieces
    ):
        return []

    def unfit(piece: str, least: int = HEADLINE_MIN_WORDS) -> bool:
        words = len(fold(piece).split())
        return least <= words <= SITE_NAME_MAX_WORDS and not _fits(piece, lead)

    names = []
    while len(pieces) > 1 and unfit(pieces[-1], 1):
        names.append(pieces.pop())
    while len(pieces) > 1 and unfit(pieces[0]):
        names.append(pieces.pop(0))
    return names


def usable_titles(declared: Sequence[str | None]) -> list[str]:
    """Declared titles cleaned, each once, without the empty and the overlong."""
    cleaned = (clean_title(d) for d in declared)
    return list(dict.fromkeys(t for t in cleaned if t and len(t) <= DECLARED_MAX_CHARS))


def _weak(title: str, declared: Sequence[str], site_names: Sequence[str]) -> bool:
    """Whether the page's own declarations hardly vouch for a headline: at most one declared
    title holds it, and that one is nothing but it (a <title> with no site name set off, which
    may as well be the site's name alone: "Leading the Charge", "SuperSoccer")."""
    folded = fold(title)
    holders = [t for t in declared if folded in {fold(p) for p in title_parts(t)}]
    return len(holders) == 0 or (len(holders) == 1 and fold(holders[0]) == folded)


def _fits(title: str, lead: set[str]) -> bool:
    """Whether a title shares enough words with the article's lead to be its headline."""
    return len(_stems(title) & lead) >= HEADLINE_MIN_SHARED


def _as_declared(text: str, parts: dict[str, str]) -> str:
    """A printed headline in the declared title's spelling when they are the same words and
    the page prints it in capitals (a style sheet's or a 2008 page's "STARS SLAM ...")."""
    declared = parts.get(fold(text))
    if declared is not None and text.isupper() and not declared.isupper():
        return declared
    return text


@functools.cache
def _stopwords() -> frozenset[str]:
    """English function words (``title_function_words.txt``), left out when a headline's words
    are compared with its lead (a page in another language compares all its words, which only
    makes a fit easier). Not jusText's whole English stoplist: its content words ("family",
    "player", "business") are what a headline shares with its lead."""
    return lexicon.words("title_function_words")


def _stems(text: str) -> set[str]:
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    return {w[:WORD_STEM_CHARS] for w in words if w not in _stopwords() and not w.isdigit()}


def lead_stems(body: str | None) -> set[str]:
    """The content words of the article's lead (its first LEAD_WORDS words), as compared."""
    return _stems(" ".join(body.split()[:LEAD_WORDS])) if body else set()


def _body_start(lines: Sequence[str], body: str) -> int | None:
    """Index of the first printed line the body begins with."""
    first = fold(body.split("\n\n", 1)[0])
    opening = " ".join(first.split()[:6])
    for i, line in enumerate(lines):
        folded = fold(line)
        if len(folded.split()) >= 3 and (opening in folded or first.startswith(folded)):
            return i
    return None


def headline_above(lines: Sequence[str], body: str, lead: set[str]) -> str | None:
    """The headline-shaped line right above the body that shares the most words with its lead:
    2+ words, no full stop at the end, not a byline; of those sharing as many, the one with the
    larger share of its words in the lead, then the nearest. A line of two content words or more
    right over a byline fits however few words it shares (a headline is set over its byline). A
    sentence between the line and the body counts as lead (an opening paragraph the extractor
    left out, under the headline)."""
    start = _body_start(lines, body)
    if start is None:
        return None
    best: tuple[int, float, int] | None = None
    chosen = None
    lead = set(lead)
    for i in range(start - 1, max(-1, start - 1 - HEADLINE_LOOKBACK_LINES), -1):
        line = lines[i]
        if _SENTENCE_END.search(line) and len(line.split()) >= LEAD_SENTENCE_MIN_WORDS:
            lead |= _stems(line)
            continue
        words = fold(line).split()
        if (
            len(words) < HEADLINE_MIN_WORDS
            or len(line) > TITLE_MAX_CHARS
            or line.rstrip().endswith(".")
            or parse_byline(line)
            or is_junk_line(line)
        ):
            continue
        stems = _stems(line)
        shared = len(stems & lead)
        if len(stems) >= HEADLINE_MIN_WORDS and i + 1 < len(lines) and parse_byline(lines[i + 1]):
            # A line of content words over its byline is set as a headline: it fits as one that
            # shares enough words with the lead ("Latest riots test Sarkozy" over "By Jo
            # Bloggs", above "PARIS -- Clashes between youths and riot police ..."); a date
            # over the byline has one content word at most.
            shared = max(shared, HEADLINE_MIN_SHARED)
        # Of lines sharing as many words, the one whose words the lead holds the larger share
        # of: a headline is the article in a few words, a caption also tells what the picture
        # shows. Then the nearest.
        key = (shared, shared / len(stems), i) if stems else (0, 0.0, i)
        if shared >= HEADLINE_MIN_SHARED and (best is None or key > best):
            best, chosen = key, line
    return chosen


def printed_headline(header: Sequence[str], headline: str, body: str) -> str | None:
    """The headline a page prints where it differs from its declared one (a search-engine
    rewrite: "X inks order for 30 jets, talks expansion plans" over the printed "X inks $9
    billion order for 30 jets, will restart plans to ..."). ``header``: the printed lines above
    the article, in order; ``headline``: the declared title, folded, site name off.

    Among the header lines, a headline-shaped one (2+ words, no full stop at its end, not a
    byline or junk) sharing at least PRINTED_MIN_SHARED words with ``headline`` and
    HEADLINE_MIN_SHARED with the body's lead, or one over its byline all of whose 2+ words the
    declared headline holds; the one sharing the most with ``headline`` wins,
    the earlier on a tie (the headline before the deck under it). The whole header is read, not
    the lines right above the article: a page may set a rail of related headlines (20 and more)
    or a video's dates and captions between its headline and the article; a related headline
    shares fewer words with the <title> than the headline it rewrites. None when the header
    prints the declared headline, alone or run together with furniture ("<headline> by Jo
    Bloggs")."""
    lead = lead_stems(body)
    declared = _stems(headline)
    best: tuple[int, int] | None = None
    chosen = None
    header = list(header)
    for i, line in enumerate(header):
        folded = fold(line)
        if folded == headline or (headline and f" {headline} " in f" {folded} "):
            return None
        if (
            len(folded.split()) < HEADLINE_MIN_WORDS
            or len(line) > TITLE_MAX_CHARS
            or line.rstrip().endswith(".")
            or parse_byline(line)
            or is_junk_line(line)
        ):
            continue
        stems = _stems(line)
        shared = len(stems & declared)
        # A short headline over its byline whose every word the <title> has ("The Inquiry
        # Clock" over "By Jo Bloggs", in "Council Inquiry: Mayor Working against the Clock"):
        # a <title> written out from the printed one.
        over_byline = (
            i + 1 < len(header)
            and bool(parse_byline(header[i + 1]))
            and len(stems) >= HEADLINE_MIN_SHARED
            and stems <= declared
        )
        if not over_byline and (
            shared < PRINTED_MIN_SHARED or len(stems & lead) < HEADLINE_MIN_SHARED
        ):
            continue
        if best is None or (shared, -i) > best:
            best, chosen = (shared, -i), line
    return chosen
