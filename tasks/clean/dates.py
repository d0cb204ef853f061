"""Dates: when an article was published, and the written-date parsers ``tasks.nlp.said_on``
shares (when each quote was said).

Three pure functions, called by the rest of the pipeline:

- ``parse_date(value)``: a dump's metadata value -> aware ``datetime`` or None; never raises.
- ``published_from_url(url)``: a date written into a URL path (``/2016/09/12/``, ``/20160912/``).
- ``published_from_text(text)``: the outlet's own date printed in the article text (a dateline,
  a "Published:" label, a date line in the header), with the words it came from.

Conventions (docs/dates.md has the reasoning and the measured figures):

- Naive values are read as UTC. Values with an offset keep it (not converted to UTC), so that
  ``published_at.date()`` is the date the outlet printed.
- A written date without a year ("Dec 29") takes it from a reference date when one is given,
  never from a guess.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from tasks import lexicon

# News archives online start in the 1990s; a URL date before 1990 is an id, not a date.
URL_MIN_YEAR = 1990
# parse_date accepts anything a dump might carry for an archive article, nothing absurd.
MIN_YEAR, MAX_YEAR = 1900, 2100
# Epoch values above 1e11 are milliseconds: 1e11 seconds is the year 5138.
EPOCH_MS_ABOVE = 1e11


@cache
def month_numbers() -> dict[str, int]:
    """Month names and abbreviations (lower case) -> month number."""
    return _numbered("time_months")


@cache
def weekday_numbers() -> dict[str, int]:
    """Weekday names and abbreviations (lower case) -> ``date.weekday()`` number."""
    return _numbered("time_weekdays")


def _numbered(name: str) -> dict[str, int]:
    names: dict[str, int] = {}
    for line in lexicon.lines(name):
        number, *spellings = line.split()
        for spelling in spellings:
            names[spelling] = int(number)
    return names


@cache
def _published_labels() -> list[tuple[str, str]]:
    pairs = [tuple(line.split("\t")) for line in lexicon.lines("time_published_labels")]
    return sorted(((p.strip(), k.strip()) for p, k in pairs), key=lambda pk: -len(pk[0]))


def alternation(words: object) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))  # type: ignore[attr-defined]


@cache
def _date_patterns() -> dict[str, re.Pattern[str]]:
    """Written dates: "Sept. 12, 2016", "12 September 2016", "Monday, Sep 12", "2016-09-12"."""
    month = rf"(?P<month>{alternation(month_numbers())})\.?"
    weekday = rf"(?:(?:{alternation(weekday_numbers())})\.?,?\s+)?"
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
            month = (
                int(month_text) if month_text.isdigit() else month_numbers().get(month_text.lower())
            )
            year = int(match.group("year")) if match.group("year") else None
            day = int(match.group("day"))
            if month is None or not valid_day(year or 2000, month, day):
                continue
            found.append(WrittenDate(year, month, day, match.start(), match.end(), match.group()))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[WrittenDate] = []
    for candidate in found:
        if not kept or candidate.start >= kept[-1].end:
            kept.append(candidate)
    return kept


def valid_day(year: int, month: int, day: int) -> bool:
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
        rf"(?<![\d])(?P<year>(?:19|20)\d\d)/(?P<month>{alternation(month_numbers())})/{_URL_DAY}(?![\d])",
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
            month = int(month_text) if month_text.isdigit() else month_numbers()[month_text.lower()]
            year, day = int(match.group("year")), int(match.group("day"))
            if year >= URL_MIN_YEAR and valid_day(year, month, day):
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
    for name in weekday_numbers():
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
            valid_day(year, found.month, found.day)
            and date(year, found.month, found.day) > reference
        ):
            year -= 1  # published on or before the reference: "Dec 30" seen on 2 January
        if valid_day(year, found.month, found.day):
            return datetime(year, found.month, found.day, tzinfo=UTC), "reference"
        return None
    # No year printed and no reference: the text cannot say which year. Guessing from the years
    # the story mentions was tried and was wrong on 9 of 10 PolNeAR wire datelines (the stories
    # name historical years, "1972's landmark ruling", far more than their own).
    return None
