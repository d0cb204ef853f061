"""Dates: when an article was published, and when each quote in it was said.

Four pure functions, called by the rest of the pipeline:

- ``parse_date(value)``: a dump's metadata value -> aware ``datetime`` or None; never raises.
- ``published_from_url(url)``: a date written into a URL path (``/2016/09/12/``, ``/20160912/``).
- ``published_from_text(text)``: the outlet's own date printed in the article text (a dateline,
  a "Published:" label, a date line in the header), with the words it came from.
- ``said_on(doc, quote, published_at)``: the time expression attached to a quote's cue verb,
  resolved against the publication date ("said on Friday" -> the Friday before publication).

Conventions (docs/dates.md has the reasoning and the measured figures):

- Naive values are read as UTC. Values with an offset keep it (not converted to UTC), so that
  ``published_at.date()`` is the date the outlet printed.
- Week, month and year precision dates are the first day of the span (Monday for a week, the 1st
  for a month, 1 January for a year; a weekend is its Saturday). Read ``said_on`` with
  ``precision``.
- Relative weekdays count back in past-tense reporting: "on Friday" is the most recent Friday on or
  before the publication day (the same day counts: wire copy says "said Tuesday" in Tuesday's
  story); "last Friday" is the most recent Friday strictly before it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tasks.model import Quote, SaidOn

LEXICON = Path(__file__).resolve().parents[1] / "lexicon"

# News archives online start in the 1990s; a URL date before 1990 is an id, not a date.
URL_MIN_YEAR = 1990
# parse_date accepts anything a dump might carry for an archive article, nothing absurd.
MIN_YEAR, MAX_YEAR = 1900, 2100
# Epoch values above 1e11 are milliseconds: 1e11 seconds is the year 5138.
EPOCH_MS_ABOVE = 1e11


def _lexicon_lines(name: str) -> list[str]:
    lines = (LEXICON / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def _months() -> dict[str, int]:
    names: dict[str, int] = {}
    for line in _lexicon_lines("time_months.txt"):
        number, *spellings = line.split()
        for spelling in spellings:
            names[spelling] = int(number)
    return names


@cache
def _weekdays() -> dict[str, int]:
    names: dict[str, int] = {}
    for line in _lexicon_lines("time_weekdays.txt"):
        number, *spellings = line.split()
        for spelling in spellings:
            names[spelling] = int(number)
    return names


@cache
def _relative_days() -> dict[str, int]:
    table: dict[str, int] = {}
    for line in _lexicon_lines("time_relative_days.txt"):
        phrase, offset = line.split("\t")
        table[phrase.strip()] = int(offset)
    return table


@cache
def _published_labels() -> list[tuple[str, str]]:
    pairs = [tuple(line.split("\t")) for line in _lexicon_lines("time_published_labels.txt")]
    return sorted(((p.strip(), k.strip()) for p, k in pairs), key=lambda pk: -len(pk[0]))


@cache
def _speech_events() -> frozenset[str]:
    return frozenset(_lexicon_lines("time_speech_events.txt"))


@cache
def _occasion_verbs() -> frozenset[str]:
    return frozenset(_lexicon_lines("time_occasion_verbs.txt"))


def _alternation(words: object) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))  # type: ignore[attr-defined]


@cache
def _date_patterns() -> dict[str, re.Pattern[str]]:
    """Written dates: "Sept. 12, 2016", "12 September 2016", "Monday, Sep 12", "2016-09-12"."""
    month = rf"(?P<month>{_alternation(_months())})\.?"
    weekday = rf"(?:(?:{_alternation(_weekdays())})\.?,?\s+)?"
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
    year = r"(?P<year>(?:19|20)\d\d)"
    return {
        # Month first (US): "Sept. 12, 2016", "September 12 2016", "Sep 12".
        "mdy": re.compile(rf"\b{weekday}{month}\s+{day}(?!\d)(?:,?\s+{year}\b)?", re.I),
        # Day first (UK): "12 September 2016", "12th of September".
        "dmy": re.compile(rf"\b{weekday}{day}\s+(?:of\s+)?{month}(?!\w)(?:,?\s+{year}\b)?", re.I),
        # ISO and slashed year first: "2016-09-12", "2016/09/12".
        "ymd": re.compile(
            r"(?<!\d)(?P<year>(?:19|20)\d\d)[-/.](?P<month>[01]?\d)[-/.](?P<day>[0-3]?\d)(?!\d)"
        ),
    }


@dataclass(frozen=True)
class WrittenDate:
    """A date found in running text; ``year`` is None when the text leaves it out."""

    year: int | None
    month: int
    day: int
    start: int
    end: int
    text: str


def find_written_dates(text: str) -> list[WrittenDate]:
    """Every valid calendar date written in ``text``, in order, without overlaps."""
    found: list[WrittenDate] = []
    for pattern in _date_patterns().values():
        for match in pattern.finditer(text):
            month_text = match.group("month")
            month = int(month_text) if month_text.isdigit() else _months().get(month_text.lower())
            year = int(match.group("year")) if match.group("year") else None
            day = int(match.group("day"))
            if month is None or not _valid_day(year or 2000, month, day):
                continue
            found.append(WrittenDate(year, month, day, match.start(), match.end(), match.group()))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[WrittenDate] = []
    for candidate in found:
        if not kept or candidate.start >= kept[-1].end:
            kept.append(candidate)
    return kept


def _valid_day(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _midnight_utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _in_range(moment: datetime | None, min_year: int = MIN_YEAR) -> datetime | None:
    if moment is None or not min_year <= moment.year <= MAX_YEAR:
        return None
    return moment


# ---------------------------------------------------------------------------------------------
# parse_date


def parse_date(value: Any) -> datetime | None:
    """A publication date from a dump's metadata, as an aware ``datetime``; None for garbage.

    Accepts ISO 8601 with or without zone or time ("2016-09-12", "2016-09-12T17:03:00Z",
    "2017-07-17 17:03:00"), RFC 2822 ("Mon, 12 Sep 2016 17:03:00 +0200"), written dates with a
    year ("September 12, 2016"), epoch seconds (or milliseconds) as int, float or digit string,
    and ``datetime`` / ``date`` objects. Naive values are taken as UTC; an explicit offset is kept.
    Years outside 1900-2100 are garbage. Never raises.
    """
    try:
        return _in_range(_parse_date(value))
    except (ValueError, TypeError, OverflowError, OSError, IndexError):
        return None


def _parse_date(value: Any) -> datetime | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, date):
        return _midnight_utc(value)
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 100:
        return None
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        return _from_epoch(float(text))
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        pass
    if re.match(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d", text):
        try:
            return _aware(parsedate_to_datetime(text))
        except (ValueError, TypeError):
            pass
    written = find_written_dates(text)
    if len(written) == 1 and written[0].year is not None:
        found = written[0]
        return datetime(found.year, found.month, found.day, tzinfo=UTC)  # type: ignore[arg-type]
    return _dateparser_fallback(text)


def _from_epoch(seconds: float) -> datetime | None:
    if not math.isfinite(seconds) or seconds < 0:
        return None
    if seconds > EPOCH_MS_ABOVE:
        seconds /= 1000
    return datetime.fromtimestamp(seconds, tz=UTC)


def _dateparser_fallback(text: str) -> datetime | None:
    """Last resort for odd layouts ("12.09.2016 17:03"), only when a four-digit year is present:
    dateparser reads almost anything ("now", "2 weeks") as some date otherwise."""
    if not re.search(r"(?<!\d)(?:19|20)\d\d(?!\d)", text):
        return None
    import dateparser  # slow import; rarely needed

    settings = {"STRICT_PARSING": True, "PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "DMY"}
    parsed = dateparser.parse(text, languages=["en"], settings=settings)  # type: ignore[arg-type]
    return _aware(parsed) if parsed is not None else None


# ---------------------------------------------------------------------------------------------
# published_from_url

_URL_MONTH = r"(?P<month>0?[1-9]|1[0-2])"
_URL_DAY = r"(?P<day>0?[1-9]|[12]\d|3[01])"
_URL_PATTERNS = (
    # /2016/09/12/, /2016-09-12-slug, /2016_09_12
    re.compile(rf"(?<![\d])(?P<year>(?:19|20)\d\d)[/_-]{_URL_MONTH}[/_-]{_URL_DAY}(?![\d])"),
    # /20160912/, /20160912-slug (not inside a longer number: ids like 201609123456)
    re.compile(
        r"(?<![\d])(?P<year>(?:19|20)\d\d)(?P<month>0[1-9]|1[0-2])(?P<day>0[1-9]|[12]\d|3[01])(?![\d])"
    ),
)


@cache
def _url_month_name_pattern() -> re.Pattern[str]:
    # /2016/sep/12/ (The Guardian), /2016/september/12/
    return re.compile(
        rf"(?<![\d])(?P<year>(?:19|20)\d\d)/(?P<month>{_alternation(_months())})/{_URL_DAY}(?![\d])",
        re.I,
    )


def published_from_url(url: str | None) -> datetime | None:
    """A full date (year, month and day) written into the URL's path; midnight UTC.

    A bare year or year/month ("/2016/", "/2016/09/") is not a publication date and gives None.
    """
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for pattern in (*_URL_PATTERNS, _url_month_name_pattern()):
        for match in pattern.finditer(path):
            month_text = match.group("month")
            month = int(month_text) if month_text.isdigit() else _months()[month_text.lower()]
            year, day = int(match.group("year")), int(match.group("day"))
            if year >= URL_MIN_YEAR and _valid_day(year, month, day):
                return _in_range(datetime(year, month, day, tzinfo=UTC), URL_MIN_YEAR)
    return None


# ---------------------------------------------------------------------------------------------
# published_from_text
#
# The rule: an outlet prints its own date in a few fixed places, and a date anywhere else is
# about the story (an event, an anniversary, a deadline). So only these count, in this order:
#   1. a label the outlet puts before its own date ("Published: 12 September 2016",
#      "Posted on ...", "Updated ...") in the header or the footer; "published" beats "updated";
#   2. a dateline opening one of the first paragraphs ("WASHINGTON, Sept. 12 (Reuters) -",
#      "Dec 29 (Reuters) -", "NEW YORK, Nov. 19 (UPI) --");
#   3. a line of the header that is nothing but a date (with weekday, time, zone, separators),
#      or a byline ("By Jane Doe | September 12, 2016") carrying a date.
# Dates in sentences of the story are never taken, even near the top.

# The header: title, standfirst, byline and date line sit in the first lines of every dump layout
# seen in ../shared/seeds and PolNeAR; 8 non-empty lines covers title + 2-line standfirst + byline +
# date + dateline paragraph with room to spare.
HEADER_LINES = 8
# The footer: "This article was first published on ..." and "Last updated ..." lines.
FOOTER_LINES = 4
# A header line longer than this is a sentence of the story, not a date or byline line.
DATE_LINE_MAX_CHARS = 80
# A dateline ends within the first 120 characters of its paragraph
# ("BEDFORD, N.H., Feb. 7 (AP) --").
DATELINE_MAX_CHARS = 120
# A published label must be this close to its date ("Published: 12 September 2016").
LABEL_GAP_CHARS = 12


@dataclass(frozen=True)
class TextDate:
    """The outlet's own date found in an article's text, and how it was found."""

    published_at: datetime
    words: str
    rule: str  # label | dateline | date_line | byline
    year_from: str  # text (printed with the date) | reference (the year of ``reference``)


def published_from_text(text: str, reference: date | None = None) -> tuple[datetime, str] | None:
    """The publication date printed in the article itself, with the words it was read from.

    ``reference`` is optional: a date known to be on or after publication (a crawl or file date),
    used only to supply the year of a dateline that prints none ("Dec 29 (Reuters) -"): the latest
    such date on or before ``reference``. Without it, a yearless dateline gives None.
    """
    found = find_published_in_text(text, reference)
    return (found.published_at, found.words) if found else None


def find_published_in_text(text: str, reference: date | None = None) -> TextDate | None:
    """Like ``published_from_text``, with the rule that fired and where the year came from."""
    if not text:
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    header, footer = (
        lines[:HEADER_LINES],
        lines[-FOOTER_LINES:] if len(lines) > HEADER_LINES else [],
    )
    labelled = _labelled_date(header + footer, reference)
    if labelled is not None:
        return labelled
    for line in header:
        found = _dateline(line, reference)
        if found is not None:
            return found
    for line in header:
        found = _date_line(line)
        if found is not None:
            return found
    return None


# Where an outlet's label stands: at the start of a line, after a separator ("By X | Updated ..."),
# or in the footer formula "This article was first published on ...".
_LABEL_PLACE = re.compile(r"(?:^\W*|[|•·–—]\s*|\b(?:article|story|piece|column|version) was\s+)$")


def _labelled_date(lines: list[str], reference: date | None) -> TextDate | None:
    best: tuple[int, TextDate] | None = None
    for line in lines:
        lowered = line.lower()
        for label, kind in _published_labels():
            for match in re.finditer(rf"(?<![a-z]){re.escape(label)}(?![a-z])", lowered):
                if not _LABEL_PLACE.search(lowered[: match.start()]):
                    continue  # "a book published on July 5" is the story, not the outlet
                after = line[match.end() : match.end() + LABEL_GAP_CHARS + 40]
                gap = re.match(r"[\s:|,\-–—]*(?:on|at)?[\s:]*", after)
                rest = after[gap.end() if gap else 0 :]
                dates = find_written_dates(rest)
                if not dates or dates[0].start > 0 or (gap and gap.end() > LABEL_GAP_CHARS):
                    continue
                made = _complete(dates[0], reference)
                if made is None:
                    continue
                moment, year_from = made
                words = (
                    line[match.start() : match.end()]
                    + after[: dates[0].end + (gap.end() if gap else 0)]
                )
                rank = 0 if kind == "published" else 1
                if best is None or rank < best[0]:
                    best = (rank, TextDate(moment, words.strip(), "label", year_from))
    return best[1] if best else None


_DATELINE = re.compile(
    r"^(?:[A-Z][A-Za-z.'’\- ]*[A-Z.](?:,\s*[A-Z][A-Za-z.'’ ]*)*,\s+)?"  # "BEDFORD, N.H., "
    r"(?P<date>[A-Za-z]{3,9}\.?\s+\d{1,2}(?:,?\s+(?:19|20)\d\d)?)"  # Sept. 12 / Sept. 12, 2016
    r"\s*(?:\((?P<agency>[A-Za-z][A-Za-z .&]{0,30})\))?"  # (Reuters)
    r"\s*(?:-{1,2}|—|–|:|/)"  # the dash that ends a dateline
)


def _dateline(line: str, reference: date | None) -> TextDate | None:
    match = _DATELINE.match(line[:DATELINE_MAX_CHARS])
    if match is None:
        return None
    written = find_written_dates(match.group("date"))
    if len(written) != 1:
        return None
    made = _complete(written[0], reference)
    if made is None:
        return None
    return TextDate(made[0], match.group().strip(), "dateline", made[1])


_DATE_LINE_NOISE = re.compile(
    r"(?:\b\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?|\b[ap]\.?m\.?|\b(?:[A-Z]{2,4}T|GMT|UTC|BST|ET|PT)\b|"
    r"\b(?:updated|published|posted|on|at)\b|[|•·,:\-–—/()])",
    re.I,
)


def _date_line(line: str) -> TextDate | None:
    """A header line that is only a date (with a year), or a byline "By X | Sept. 12, 2016"."""
    if len(line) > DATE_LINE_MAX_CHARS:
        return None
    written = [d for d in find_written_dates(line) if d.year is not None]
    if len(written) != 1:
        return None
    found = written[0]
    rest = line[: found.start] + " " + line[found.end :]
    rest = _DATE_LINE_NOISE.sub(" ", rest)
    for name in _weekdays():
        rest = re.sub(rf"\b{name}\b\.?", " ", rest, flags=re.I)
    moment = datetime(found.year, found.month, found.day, tzinfo=UTC)  # type: ignore[arg-type]
    if not rest.strip():
        return TextDate(moment, line, "date_line", "text")
    if re.match(r"^by\s+[A-Z]", line, re.I) and len(rest.split()) <= 8:
        return TextDate(moment, line, "byline", "text")
    return None


def _complete(found: WrittenDate, reference: date | None) -> tuple[datetime, str] | None:
    """The written date as midnight UTC; a missing year comes from ``reference`` or nowhere."""
    if found.year is not None:
        return datetime(found.year, found.month, found.day, tzinfo=UTC), "text"
    if reference is not None:
        year = reference.year
        if (
            _valid_day(year, found.month, found.day)
            and date(year, found.month, found.day) > reference
        ):
            year -= 1  # published on or before the reference: "Dec 30" seen on 2 January
        if _valid_day(year, found.month, found.day):
            return datetime(year, found.month, found.day, tzinfo=UTC), "reference"
        return None
    # No year printed and no reference: the text cannot say which year. Guessing from the years
    # the story mentions was tried and was wrong on 9 of 10 PolNeAR wire datelines (the stories
    # name historical years, "1972's landmark ruling", far more than their own).
    return None


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
    precision: str  # day | week | month | year


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

    weekdays = _weekdays()
    if phrase in _relative_days():
        return _relative(published, _relative_days()[phrase])
    match = re.fullmatch(
        rf"(last|this|previous)?\s*({_alternation(weekdays)}){_TIME_OF_DAY}", phrase
    )
    if match:
        if published is None:
            return None
        back = (published.weekday() - weekdays[match.group(2)]) % 7
        if match.group(1) in ("last", "previous") and back == 0:
            back = 7
        return ResolvedTime(published - timedelta(days=back), "day")
    match = re.fullmatch(
        rf"({_alternation(_NUMBER_WORDS)}|\d+) (day|week|month|year)s? (?:ago|earlier)", phrase
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
    match = re.fullmatch(rf"({_alternation(_months())})(?: ((?:19|20)\d\d))?", phrase)
    if match:
        month = _months()[match.group(1)]
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
        not _valid_day(year, found.month, found.day)
        or date(year, found.month, found.day) > published
    ):
        year -= 1  # past-tense reporting: "on Dec. 30" in a story of 2 January is last year's
    if not _valid_day(year, found.month, found.day):
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
    if word in _weekdays() or word in _relative_days() or word in ("week", "month", "year"):
        left = token
        for child in token.lefts:
            if child.lower_ in ("last", "this", "previous", "earlier", "past"):
                left = child
                break
        return doc[left.i : token.i + 1]
    return None
