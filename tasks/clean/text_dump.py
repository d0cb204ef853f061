"""Plain-text dumps: find the article (or articles) in a text that has site furniture around it.

The input is the text of a record as a dump or a page's visible text gives it: a title line,
sometimes a category line above it or a standfirst below it, the body, then whatever the site
put around the article (teasers, job ads, share prompts, newsletter plugs). ``clean_text_dump``
puts the cleaner's parts together:

1. ``tasks.clean.lines`` cuts the dump into lines, classes and scores them (jusText's classes,
   a main run of the highest score), using the detectors of ``tasks.clean.furniture`` (junk
   lines, teaser rails, captions, ranked tables) and the learned ``tasks.clean.line_model``.
2. Here, the run is walked: a furniture heading or an author's note ends the article early,
   except a box heading ("Related:") with the article's paragraphs right after it (the box is
   dropped and the article goes on); a list the article announces ("Tour dates:"), a list of
   records printed from one template or a block of data lines (results, a race card) extends
   it; a page with no prose at all is its longest block of data lines; a press release's
   closing company boilerplate is dropped.
3. ``tasks.clean.header`` reads the title, standfirst, bylines and outlet.
4. **Several articles**: a closing author's note followed by another titled run of prose starts
   a new article; the rest of the dump is cleaned again from there.

docs/cleaning.md describes each step with its figures.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from tasks.clean.furniture import (
    company_profile_start,
    is_box_heading,
    is_caption_line,
    is_credit_line,
    is_date_line,
    is_end_marker,
    is_junk_line,
    kicker_rail_lines,
    ranked_table_lines,
    teaser_rail_lines,
)
from tasks.clean.header import (
    is_category_line,
    outlet_from_boilerplate,
    parse_author_note,
    parse_byline,
    read_header,
    site_names,
)
from tasks.clean.line_model import (
    LINE_FEATURE_NAMES,
    line_model,
    line_probability,
    page_line_features,
    with_model_say,
)
from tasks.clean.line_shape import (
    DIGIT,
    LENGTH_HIGH,
    LENGTH_LOW,
    SENTENCE_STOP,
    TERMINAL,
    WORD,
    stopword_density,
    text_length,
)
from tasks.clean.lines import (
    STOPWORDS_LOW,
    Line,
    language_and_stopwords,
    main_run,
    runs_on,
    scored_lines,
    smooth,
    split_lines,
)
from tasks.model import Extracted

# What other modules and the tests import from here: the cleaner's public names, wherever they
# live.
__all__ = [
    "LINE_FEATURE_NAMES",
    "clean_text_dump",
    "is_box_heading",
    "is_caption_line",
    "is_category_line",
    "is_credit_line",
    "is_end_marker",
    "is_junk_line",
    "kicker_rail_lines",
    "line_model",
    "line_probability",
    "outlet_from_boilerplate",
    "page_line_features",
    "parse_author_note",
    "parse_byline",
    "ranked_table_lines",
    "runs_on",
    "teaser_rail_lines",
    "text_length",
]

# An in-article box (a "Related:" heading and its links) is at most this many lines before the
# article's prose resumes, not counting the lines already known as furniture (junk lines,
# captions): on ScrapingHub text mode (even-numbered pages) the boxes inside articles span 1-8
# lines, while a heading over the furniture after an article is followed by 10-30 lines
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
# A list without a lead-in is taken only when its items are printed from one template (a figure
# and the same separators: tour dates, results, fixtures) and there are at least this many: a
# teaser rail of headlines has neither figures in every item nor separators in common.
TEMPLATED_LIST_MIN_ITEMS = 3
# A block of records after the run (results, fixtures, a menu's dishes with their amounts) is
# at least this many record lines (see _is_record_line), with at most RECORD_GAP_LINES lines
# in a row between two of them that are not records (a "GIRLS SOCCER" or "Day's best:" heading,
# a line of names): three is TEMPLATED_LIST_MIN_ITEMS, two consecutive headings the most a
# results page nests (a sport, then a fixture); the navigation after an article has runs of
# three and more lines without a figure ("Printer friendly page", "Send this article", "Sport").
# Swept 2-4 on the development pages: 3 gives the same F1, 4 takes in the navigation after
# articles (L3S-GN1 -0.0016).
RECORD_MIN_LINES = 3
RECORD_GAP_LINES = 2
# A dump holds a second article only when what follows an author's note is an article in its
# own right: at least this much good prose (the shortest seed article body is ~1.7k characters;
# 400 is about two short news paragraphs).
MIN_SECOND_ARTICLE_CHARS = 400
# An article needs at least one good line; below this many body characters it is not an article
# (a wire brief is ~300 characters; 100 keeps those and drops a stray caption).
MIN_BODY_CHARS = 100

# The title's content words are words of 3+ letters (acronyms like "NHS" count) outside the
# stoplist and outside the site's name; a title of fewer than 2 such words ("Home") says nothing
# about which piece of prose is the article.
TITLE_WORD_MIN_CHARS = 3
TITLE_MIN_WORDS = 2
# The first piece of the main run is not the article when its prose holds under a quarter of
# the title's content words and a later piece holds half of them or more: an article's prose
# names most of its headline's words, so the first piece must fit badly, not just worse. On the
# development pages the first piece of a run cut by a furniture heading holds under a quarter on
# two pages, and a later piece half or more on one of them (a rail of other stories' blurbs
# over the article).
TITLE_FIT_POOR = 0.25
TITLE_FIT_GOOD = 0.5

# Separators of a record's fields ("June 17 – Nashville, TN @ Bridgestone Arena", "Bruins 5 |
# Devils 1"); commas and brackets are left out (they vary with the fields' contents).
_ITEM_SEPARATOR = re.compile(r"[–—@|•:/]| - ")
# A line cut off with an ellipsis ("... over the last few…"): a teaser's blurb, not a paragraph
# the article resumes with.
_CUT_OFF = re.compile(r"(?:…|\.\.\.)$")


def clean_text_dump(text: str) -> list[Extracted]:
    """The articles in a plain-text dump (already normalised), furniture removed; [] if none."""
    texts, in_list = split_lines(text)
    if not texts:
        return []
    language, stopwords = language_and_stopwords(texts)
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


@dataclass
class _Found:
    extracted: Extracted
    rest: list[int]  # indexes of the lines after an author's note: a next article may start


@dataclass
class _RunEnd:
    """Where the article ends inside its run, and what the walk found on the way."""

    end: int
    authors: list[str] = field(default_factory=list)
    outlet: str | None = None
    rest: list[int] = field(default_factory=list)  # lines after an author's note
    in_box: set[int] = field(default_factory=set)  # lines of in-article boxes


def _extract_one(
    texts: list[str],
    in_list: list[bool],
    stopwords: frozenset[str],
    language: str | None,
    dump_outlet: str | None,
) -> _Found | None:
    lines, rule_scores, rail = scored_lines(texts, in_list, stopwords)
    scores = with_model_say(lines, rule_scores, rail, stopwords)
    span = main_run(scores)
    raw_class = [ln.cls for ln in lines]
    smooth(lines)
    list_items: set[int] = set()
    if span is None:
        # No prose at all: the page may be data only (a results round-up); its longest block
        # of records is the article.
        span = _longest_record_block(lines, stopwords)
        if span is None:
            return None
        list_items = set(range(*span))
    start = span[0]
    run = _walk_run(lines, scores, raw_class, *span)
    while (
        not run.rest
        and run.end < span[1]
        and _prose_score(scores, start, run.end) < MIN_SECOND_ARTICLE_CHARS
        and _prose_score(scores, run.end + 1, span[1]) > _prose_score(scores, start, run.end)
    ):
        # A furniture heading that cuts off a few lines of prose (a reader prompt, a promo
        # blurb) from more prose than they hold, in the same run, heads the article: the lines
        # above it were the box.
        start = run.end + 1
        run = _walk_run(lines, scores, raw_class, start, span[1])
    if not run.rest and run.end < span[1]:
        start, run = _best_fitting_piece(lines, scores, raw_class, stopwords, start, run, span[1])
    end = run.end
    if not run.rest and end == span[1] and not list_items:
        list_end = _list_after_lead_in(lines, end)
        if list_end == end:
            list_end = _templated_list_after(lines, end)
        if list_end == end:
            list_end = _record_block_after(lines, end, stopwords)
        list_items = set(range(end, list_end))
        end = list_end
    body_lines = [
        ln
        for ln in lines[start:end]
        if not ln.junk
        and not ln.caption
        and not ln.teaser
        and ln.index not in run.in_box
        and (
            scores[ln.index] > 0
            or ln.table
            or raw_class[ln.index] == "short"
            or ln.index in list_items
            # A sentence of names and figures ("Pella beat Jarry 6-4, 6-3.") has few stopwords
            # but is the article's when the run holds it; a teaser or a menu does not end so.
            or SENTENCE_STOP.search(ln.text) is not None
        )
    ]
    header = read_header(lines, start, end, body_lines, run.authors)
    body_lines = header.body
    body_lines = body_lines[: company_profile_start([ln.text for ln in body_lines])]
    body = "\n\n".join(ln.text for ln in body_lines)
    if len(body) < MIN_BODY_CHARS:
        return None
    extracted = Extracted(
        body=body,
        title=header.title,
        standfirst=header.standfirst,
        authors=tuple(dict.fromkeys(header.authors)),
        outlet=run.outlet or dump_outlet,
        language=language,
    )
    return _Found(extracted, run.rest)


def _walk_run(
    lines: list[Line], scores: list[float], raw_class: list[str], start: int, end: int
) -> _RunEnd:
    """The run from ``start``, up to ``end`` or to what ends the article first: an author's note
    (what follows it may be another article) or a furniture heading, unless that heading opens a
    box inside the article (a "Related:" heading with the article's prose after it)."""
    run = _RunEnd(end)
    body_chars = 0
    inside_box = False
    for i in range(start, len(lines)):
        text = lines[i].text
        note = parse_author_note(text)
        if note is not None and body_chars >= MIN_BODY_CHARS:
            run.authors.append(note[0])
            run.outlet = note[1]
            run.end = i
            # What follows may be another article, up to a furniture heading: a comment
            # section ("10 thoughts on ...") after an author's bio is not one.
            run.rest = list(
                itertools.takewhile(
                    lambda j: not is_end_marker(lines[j].text), range(i + 1, len(lines))
                )
            )
            break
        if i >= run.end:
            break
        if is_end_marker(text) and body_chars >= MIN_BODY_CHARS:
            if not (
                is_box_heading(text) and _prose_resumes(lines, raw_class, scores, i + 1, run.end)
            ):
                run.end = i
                break
            # "Related:" with the article's prose after it: a box inside the article (links to
            # other stories), not its end; its lines go up to the next paragraph.
            inside_box = True
        if inside_box and _is_paragraph(lines[i], scores):
            inside_box = False
        if inside_box:
            run.in_box.add(i)
            continue
        if scores[i] > 0:
            body_chars += len(text)
    return run


def _title_words(lines: list[Line], stopwords: frozenset[str]) -> set[str]:
    """The content words of the dump's title (its first line), its site's name left out:
    lower-cased words of TITLE_WORD_MIN_CHARS or more letters that are not stopwords."""
    title = lines[0].text
    for name in site_names(title, lines):
        title = title.replace(name, " ")
    return {
        w
        for w in WORD.findall(title.lower())
        if len(w) >= TITLE_WORD_MIN_CHARS and not w.isdigit() and w not in stopwords
    }


def _title_fit(
    lines: list[Line], scores: list[float], title: set[str], start: int, end: int
) -> float:
    """The share of the title's content words that the prose of lines [start, end) holds."""
    words: set[str] = set()
    for line in lines[start:end]:
        if scores[line.index] > 0:
            words.update(WORD.findall(line.text.lower()))
    return len(title & words) / len(title)


def _best_fitting_piece(
    lines: list[Line],
    scores: list[float],
    raw_class: list[str],
    stopwords: frozenset[str],
    start: int,
    run: _RunEnd,
    end: int,
) -> tuple[int, _RunEnd]:
    """Of the pieces that furniture headings cut the main run into, the article: the first
    piece, unless it holds under TITLE_FIT_POOR of the content words of the dump's title and a
    later piece with an article's worth of prose holds TITLE_FIT_GOOD or more (the one holding
    most). A rail of other stories' blurbs above the article reads as prose but names other
    stories. The site's name is left out of the title: the site's furniture prints it."""
    title = _title_words(lines, stopwords)
    if len(title) < TITLE_MIN_WORDS or _title_fit(lines, scores, title, start, run.end) >= (
        TITLE_FIT_POOR
    ):
        return start, run
    best_start, best_run, best_fit = start, run, TITLE_FIT_GOOD
    piece = run
    while not piece.rest and piece.end < end:
        piece_start = piece.end + 1
        piece = _walk_run(lines, scores, raw_class, piece_start, end)
        if _prose_score(scores, piece_start, piece.end) < MIN_SECOND_ARTICLE_CHARS:
            continue
        fit = _title_fit(lines, scores, title, piece_start, piece.end)
        if fit >= best_fit:
            best_start, best_run, best_fit = piece_start, piece, fit
    return best_start, best_run


def _prose_score(scores: list[float], start: int, end: int) -> float:
    """The run score of the prose in lines [start, end): its lines that score, summed."""
    return sum(score for score in scores[start:end] if score > 0)


def _prose_resumes(
    lines: list[Line], raw_class: list[str], scores: list[float], start: int, end: int
) -> bool:
    """Whether the article goes on after a box that opens at ``start``: a paragraph within
    BOX_MAX_LINES (jusText's class before smoothing: good, or near-good ending with a full stop, a
    news paragraph of one sentence), and from there at least BOX_RESUME_PARAGRAPHS paragraphs of
    prose before the next furniture line. Each paragraph of the box's window is tried in turn: a
    teaser's blurb in the box ("... you spend more money", then "Read more") is one paragraph
    before a furniture line, the article's own comes after it."""
    counted = 0
    for j in range(start, end):
        # The box ends at the latest at a heading of the furniture after an article ("13
        # comments"); another box heading ("Read more" twice) is part of it.
        if is_end_marker(lines[j].text) and not is_box_heading(lines[j].text):
            break
        opens = raw_class[j] == "good" or (
            raw_class[j] == "near" and SENTENCE_STOP.search(lines[j].text) is not None
        )
        if (
            opens
            and not _CUT_OFF.search(lines[j].text)
            and _article_resumes_at(lines, scores, j, end)
        ):
            return True
        # Lines already known as furniture (junk lines, captions, the dated entries of a
        # "Related Coverage" rail, teasers' headlines) do not make the box longer: the box is
        # bounded by what is left unexplained in it.
        if not (lines[j].junk or lines[j].caption or lines[j].teaser):
            counted += 1
            if counted >= BOX_MAX_LINES:
                break
    return False


def _is_paragraph(line: Line, scores: list[float]) -> bool:
    """A paragraph of prose in the run: it scores and ends like a sentence, not cut off."""
    return (
        scores[line.index] > 0
        and TERMINAL.search(line.text) is not None
        and _CUT_OFF.search(line.text) is None
    )


def _article_resumes_at(lines: list[Line], scores: list[float], start: int, end: int) -> bool:
    """Whether the prose from ``start`` is the article's, resumed after a box: at least
    BOX_RESUME_PARAGRAPHS paragraphs before the next furniture heading, or the run's last
    paragraph when no furniture heading follows it in the run and the next one after the run,
    within BOX_MAX_LINES, opens no box (a "Related Links" box over the article's closing
    paragraph). A teaser's blurb in a rail is followed by the next teaser's "Read more"."""
    paragraphs = _paragraphs_before_furniture(lines, scores, start, end)
    if paragraphs >= BOX_RESUME_PARAGRAPHS:
        return True
    if paragraphs == 0 or any(is_end_marker(ln.text) for ln in lines[start:end]):
        return False
    after = lines[end : end + BOX_MAX_LINES]
    heading = next((ln.text for ln in after if is_end_marker(ln.text)), None)
    return heading is None or not is_box_heading(heading)


def _paragraphs_before_furniture(
    lines: list[Line], scores: list[float], start: int, end: int
) -> int:
    """Paragraphs of prose (scoring, ending like a sentence) from ``start`` up to the next
    furniture heading, counted up to BOX_RESUME_PARAGRAPHS. A junk line inside the article
    ("Advertisement", "Continue reading the main story") does not stop the count."""
    paragraphs = 0
    for line in lines[start:end]:
        if is_end_marker(line.text):
            break
        if _is_paragraph(line, scores):
            paragraphs += 1
            if paragraphs >= BOX_RESUME_PARAGRAPHS:
                break
    return paragraphs


def _list_after_lead_in(lines: list[Line], end: int) -> int:
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
        or len(WORD.findall(lines[lead].text)) < LIST_LEAD_MIN_WORDS
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


def _is_record_line(line: Line, stopwords: frozenset[str]) -> bool:
    """A line of data rather than prose or navigation: it holds a figure and at least two
    words, is no sentence of prose (stopword density under jusText's STOPWORDS_LOW) and is not
    furniture ("Tolivert 25 points. Davis 17 points.", "Eat 60-90 minutes before your workout",
    "1. Earl Of Warwick, 2. Imperium"). A date line is a teaser's, not a record."""
    text = line.text
    words = WORD.findall(text)
    return (
        len(words) >= 2
        # a figure past the first word: "15 Amazing Images of Stars" is a listicle's headline
        and DIGIT.search(text, len(words[0])) is not None
        and not line.junk
        and not line.caption
        and not is_end_marker(text)
        and not _CUT_OFF.search(text)
        and not is_date_line(text)
        and (not stopwords or stopword_density(text, stopwords) < STOPWORDS_LOW)
    )


def _record_block_after(lines: list[Line], end: int, stopwords: frozenset[str]) -> int:
    """The run's end, moved over a block of records right after it (a results round-up, a
    race card, a meal plan): RECORD_MIN_LINES or more record lines (_is_record_line), no more
    than RECORD_GAP_LINES other lines in a row between them, none of them furniture. The block
    ends at its last record."""
    records = 0
    last = end
    gap = 0
    for i in range(end, len(lines)):
        line = lines[i]
        if line.junk or is_end_marker(line.text):
            break
        if _is_record_line(line, stopwords):
            records += 1
            last = i + 1
            gap = 0
            continue
        gap += 1
        if gap > RECORD_GAP_LINES:
            break
    return last if records >= RECORD_MIN_LINES else end


def _longest_record_block(lines: list[Line], stopwords: frozenset[str]) -> tuple[int, int] | None:
    """[start, end) of the dump's longest block of records (see _record_block_after), with the
    heading lines right above its first record (a "GIRLS BASKETBALL" over the first result),
    or None."""
    best: tuple[int, int] | None = None
    i = 0
    while i < len(lines):
        if not _is_record_line(lines[i], stopwords):
            i += 1
            continue
        end = _record_block_after(lines, i, stopwords)
        if end == i:
            i += 1
            continue
        start = i
        while (
            start > 0
            and i - start < RECORD_GAP_LINES
            and not lines[start - 1].junk
            and not is_end_marker(lines[start - 1].text)
            and text_length(lines[start - 1].text) < LENGTH_LOW
            and TERMINAL.search(lines[start - 1].text) is None
        ):
            start -= 1
        if best is None or end - start > best[1] - best[0]:
            best = (start, end)
        i = end
    return best


def _item_signature(text: str) -> tuple[bool, tuple[str, ...]] | None:
    """The shape of a record printed from a template ("June 17 – Nashville, TN @ Bridgestone
    Arena"): whether it opens with a figure and its separators in order; None for a line that
    is not one (no figure, no separator, or prose-long)."""
    if len(text) > LENGTH_HIGH or DIGIT.search(text) is None or SENTENCE_STOP.search(text):
        return None
    separators = tuple(dict.fromkeys(_ITEM_SEPARATOR.findall(text)))
    if not separators:
        return None
    return text[:1].isdigit(), separators


def _templated_list_after(lines: list[Line], end: int) -> int:
    """The run's end, moved over a list of records right after it, under a heading or not ("The
    Doobie Brothers Tour Dates" then "June 9 – West Palm Beach, FL @ Coral Sky Amphitheatre"):
    at least TEMPLATED_LIST_MIN_ITEMS lines of one signature (see _item_signature)."""
    first = end
    if (
        first < len(lines)
        and _item_signature(lines[first].text) is None
        and text_length(lines[first].text) < LENGTH_LOW
        and TERMINAL.search(lines[first].text) is None
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
