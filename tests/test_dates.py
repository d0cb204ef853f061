"""Dates: metadata values, URL and text dates (tasks.clean.dates), and when each quote was said
(tasks.nlp.said_on)."""

from __future__ import annotations

import calendar
import csv
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tasks.clean.dates import (
    find_published_in_text,
    parse_date,
    published_from_text,
    published_from_url,
)
from tasks.model import Quote
from tasks.nlp.said_on import resolve_time_expression, said_on

POLNEAR = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "polnear"

# ------------------------------------------------------------------------------------ parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2016-09-12", datetime(2016, 9, 12, tzinfo=UTC)),
        ("2016-09-12T17:03:00Z", datetime(2016, 9, 12, 17, 3, tzinfo=UTC)),
        ("2016-09-12T17:03:00.000+0000", datetime(2016, 9, 12, 17, 3, tzinfo=UTC)),
        ("2017-07-17 17:03:00", datetime(2017, 7, 17, 17, 3, tzinfo=UTC)),
        ("2016-09-12T17:03:00.123456789Z", datetime(2016, 9, 12, 17, 3, 0, 123456, tzinfo=UTC)),
        (
            "2016-09-12T23:30:00-05:00",
            datetime(2016, 9, 12, 23, 30, tzinfo=timezone(timedelta(hours=-5))),
        ),
        (
            "Mon, 12 Sep 2016 17:03:00 +0200",
            datetime(2016, 9, 12, 17, 3, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("Mon, 12 Sep 2016 17:03:00 GMT", datetime(2016, 9, 12, 17, 3, tzinfo=UTC)),
        (1473638400, datetime(2016, 9, 12, tzinfo=UTC)),
        (1473638400.5, datetime(2016, 9, 12, 0, 0, 0, 500000, tzinfo=UTC)),
        (1473638400000, datetime(2016, 9, 12, tzinfo=UTC)),
        ("1473638400", datetime(2016, 9, 12, tzinfo=UTC)),
        ("September 12, 2016", datetime(2016, 9, 12, tzinfo=UTC)),
        ("12 September 2016", datetime(2016, 9, 12, tzinfo=UTC)),
        ("12.09.2016 17:03", datetime(2016, 9, 12, 17, 3, tzinfo=UTC)),
        (date(2016, 9, 12), datetime(2016, 9, 12, tzinfo=UTC)),
        (datetime(2016, 9, 12, 17, 3), datetime(2016, 9, 12, 17, 3, tzinfo=UTC)),
    ],
)
def test_parse_date_reads_metadata_values(value: object, expected: datetime) -> None:
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == expected.utcoffset()


def test_parse_date_keeps_the_printed_offset() -> None:
    parsed = parse_date("2016-09-12T23:30:00-05:00")
    assert parsed is not None and parsed.date() == date(2016, 9, 12)


@pytest.mark.parametrize(
    "value",
    [None, "", "   ", "garbage", "now", "2 weeks ago", "n/a", "0000-00-00", "1850-01-01",
     "2016-13-45", True, False, float("nan"), float("inf"), -5, [], {}, object(), "x" * 500],
)  # fmt: skip
def test_parse_date_gives_none_for_garbage(value: object) -> None:
    assert parse_date(value) is None


# ---------------------------------------------------------------------------- published_from_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.nytimes.com/2016/09/12/us/politics/clinton.html", date(2016, 9, 12)),
        ("https://www.washingtonpost.com/news/2016/9/2/story/", date(2016, 9, 2)),
        ("https://example.com/news/20160912/clinton-health", date(2016, 9, 12)),
        ("https://example.com/politics/2016-09-12-clinton-health", date(2016, 9, 12)),
        ("https://www.theguardian.com/politics/2016/sep/12/brexit", date(2016, 9, 12)),
        ("https://example.com/2016/09/12", date(2016, 9, 12)),
    ],
)
def test_published_from_url_finds_path_dates(url: str, expected: date) -> None:
    found = published_from_url(url)
    assert found is not None and found.date() == expected and found.tzinfo is not None


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "https://example.com/2016/",  # a bare year
        "https://example.com/2016/09/",  # year and month only
        "https://example.com/article/201609123456",  # an id, not a date
        "https://example.com/2016/13/45/slug",  # not a calendar date
        "https://example.com/search?q=2016-09-12",  # the query is not the path
        "https://example.com/1789/07/14/bastille",  # before web archives
        "https://example.com/politics/clinton-health",
    ],
)
def test_published_from_url_refuses_non_dates(url: str | None) -> None:
    assert published_from_url(url) is None


# --------------------------------------------------------------------------- published_from_text


@pytest.mark.parametrize(
    ("text", "expected", "rule"),
    [
        (
            "Clinton health scare.\n\nWASHINGTON, Sept. 12, 2016 (Reuters) - Hillary Clinton on "
            "Monday cancelled a trip.",
            date(2016, 9, 12),
            "dateline",
        ),
        (
            "Title.\n\nNEW YORK, Nov. 19, 2015 (UPI) -- Clinton called for more troops.",
            date(2015, 11, 19),
            "dateline",
        ),
        (
            "Brexit vote.\nPublished: 12 September 2016 17:03 BST\n\nThe prime minister spoke.",
            date(2016, 9, 12),
            "label",
        ),
        (
            "Brexit vote.\nPosted on September 12, 2016 at 5:03 pm\n\nThe prime minister spoke.",
            date(2016, 9, 12),
            "label",
        ),
        (
            "Title\nUpdated: Sept. 14, 2016\nPublished: Sept. 12, 2016\n\nBody text here.",
            date(2016, 9, 12),
            "label",
        ),
        ("Title\nBy Jane Doe | September 12, 2016\n\nBody.", date(2016, 9, 12), "byline"),
        ("Title\nMonday, September 12, 2016\n\nBody.", date(2016, 9, 12), "date_line"),
        ("Title\n12/09/2016\n\nBody.", None, None),  # ambiguous day/month order: refused
        ("Title\n2016-09-12 17:03\n\nBody.", date(2016, 9, 12), "date_line"),
    ],
)
def test_published_from_text_reads_the_outlets_own_date(
    text: str, expected: date | None, rule: str | None
) -> None:
    found = find_published_in_text(text)
    if expected is None:
        assert found is None
    else:
        assert found is not None and found.published_at.date() == expected and found.rule == rule


@pytest.mark.parametrize(
    "text",
    [
        "Remembering 9/11.\n\nOn September 11, 2001, terrorists attacked New York.",
        "The vote.\n\nVoters go to the polls on Nov. 8, 2016, after a long campaign.",
        "Title\n\nBEDFORD, N.H. (AP) — Marco Rubio said on Saturday that he was ready.",
        "Title\n\nThe crash of October 1929 shaped a generation, Sanders said on Monday.",
        "Title\n\nThe deadline, March 3, 2016, passed without a deal in Washington.",
        "",
        "Dec 29 (Reuters) - The senator spoke.",  # no year printed and no reference
        # A yearless dateline is not completed from years the story mentions.
        "Yazidis.\n\nDec 29 (Reuters) - Hillary Clinton on Tuesday said the 2016 race was hers.",
    ],
)
def test_published_from_text_ignores_dates_in_the_story(text: str) -> None:
    assert published_from_text(text) is None


@pytest.mark.parametrize(
    ("text", "reference", "expected", "words"),
    [
        ("Title\n\nDec 30 (Reuters) - The senator spoke.", date(2017, 1, 2),
         date(2016, 12, 30), "Dec 30 (Reuters) -"),  # year-end crossing
        ("Title\n\nNEW YORK, Nov. 19 (UPI) — Clinton spoke.", date(2015, 11, 30),
         date(2015, 11, 19), "NEW YORK, Nov. 19 (UPI) —"),
        ("Title\n\nBEDFORD, N.H., Feb. 7 (AP) -- Rubio spoke.", date(2016, 2, 29),
         date(2016, 2, 7), "BEDFORD, N.H., Feb. 7 (AP) --"),
    ],
)  # fmt: skip
def test_published_from_text_takes_the_year_from_a_reference_date(
    text: str, reference: date, expected: date, words: str
) -> None:
    found = published_from_text(text, reference=reference)
    assert found is not None and (found[0].date(), found[1]) == (expected, words)


# ------------------------------------------------------------------------ resolve_time_expression

WED = date(2016, 9, 14)  # a Wednesday
MON = date(2016, 9, 12)


@pytest.mark.parametrize(
    ("words", "published", "said", "precision"),
    [
        ("Friday", WED, date(2016, 9, 9), "day"),  # weekday before the publication day
        ("on Wednesday", WED, WED, "day"),  # the publication day itself counts
        ("Thursday", WED, date(2016, 9, 8), "day"),  # after it in the week: the week before
        ("last Friday", WED, date(2016, 9, 9), "day"),
        ("last Wednesday", WED, date(2016, 9, 7), "day"),  # "last" never means today
        ("this Monday", WED, MON, "day"),
        ("Tuesday night", WED, date(2016, 9, 13), "day"),
        ("Tuesday's", WED, date(2016, 9, 13), "day"),
        ("Saturday", date(2016, 10, 3), date(2016, 10, 1), "day"),  # month-end crossing
        ("Friday", date(2017, 1, 2), date(2016, 12, 30), "day"),  # year-end crossing
        ("yesterday", date(2017, 1, 1), date(2016, 12, 31), "day"),
        ("last night", date(2016, 3, 1), date(2016, 2, 29), "day"),  # leap day
        ("this morning", WED, WED, "day"),
        ("earlier today", WED, WED, "day"),
        ("two days ago", date(2016, 3, 1), date(2016, 2, 28), "day"),
        ("this week", WED, MON, "week"),
        ("earlier this week", WED, MON, "week"),
        ("last week", WED, date(2016, 9, 5), "week"),
        ("last week", date(2017, 1, 3), date(2016, 12, 26), "week"),
        ("last weekend", WED, date(2016, 9, 10), "week"),
        ("this month", WED, date(2016, 9, 1), "month"),
        ("last month", date(2017, 1, 3), date(2016, 12, 1), "month"),
        ("last year", WED, date(2015, 1, 1), "year"),
        ("on 3 March", WED, date(2016, 3, 3), "day"),
        ("March 3rd", WED, date(2016, 3, 3), "day"),
        ("Dec. 30", date(2017, 1, 2), date(2016, 12, 30), "day"),  # no year: the past one
        ("in March", date(2016, 2, 1), date(2015, 3, 1), "month"),
        ("on March 3, 2015", WED, date(2015, 3, 3), "day"),
        ("on March 3, 2015", None, date(2015, 3, 3), "day"),  # absolute: no publication needed
        ("in 1931", None, date(1931, 1, 1), "year"),
    ],
)
def test_resolve_time_expression(
    words: str, published: date | None, said: date, precision: str
) -> None:
    resolved = resolve_time_expression(words, published)
    assert resolved is not None
    assert (resolved.said_on, resolved.precision) == (said, precision)


@pytest.mark.parametrize(
    ("words", "published"),
    [("recently", WED), ("in the past", WED), ("that week", WED), ("Friday", None),
     ("yesterday", None), ("last week", None), ("", WED), ("the other day", WED)],
)  # fmt: skip
def test_resolve_time_expression_refuses_vague_or_unanchored(
    words: str, published: date | None
) -> None:
    assert resolve_time_expression(words, published) is None


# ----------------------------------------------------------------------------------- said_on


def _quote(text: str, content: str, cue: str, speaker: str) -> Quote:
    q, c, s = text.index(content), text.index(cue), text.index(speaker)
    return Quote(
        kind="direct",
        quote_text=content,
        quote_start=q,
        quote_end=q + len(content),
        speaker_text=speaker,
        speaker_start=s,
        speaker_end=s + len(speaker),
        speaker_kind="person",
        speaker_cluster=None,
        speaker_name=speaker,
        speaker_role=None,
        cue=cue,
        cue_start=c,
        cue_end=c + len(cue),
        confidence=1.0,
        rule="marked_cue",
    )


PUBLISHED = datetime(2016, 9, 14, 18, 0, tzinfo=UTC)  # a Wednesday


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from tasks.nlp.analyse import load_nlp

    return load_nlp()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "content", "cue", "speaker", "said", "words", "precision"),
    [
        ('"We will win," Clinton said on Friday.', "We will win", "said", "Clinton",
         date(2016, 9, 9), "Friday", "day"),
        ("Clinton said yesterday that the economy was strong.", "the economy was strong",
         "said", "Clinton", date(2016, 9, 13), "yesterday", "day"),
        ('"It is over," she said last night.', "It is over", "said", "she",
         date(2016, 9, 13), "last night", "day"),
        ('"It is over," she said this morning.', "It is over", "said", "she",
         date(2016, 9, 14), "this morning", "day"),
        ("The prime minister told the Commons on Tuesday that the deal was done.",
         "the deal was done", "told", "The prime minister", date(2016, 9, 13), "Tuesday", "day"),
        ('"We are ready," Sanders said in an interview last week.', "We are ready", "said",
         "Sanders", date(2016, 9, 5), "last week", "week"),
        ('"We need jobs," Sanders said in an interview with CNN aired Monday.', "We need jobs",
         "said", "Sanders", date(2016, 9, 12), "Monday", "day"),
        ("Clinton said in a statement Tuesday that she would attend.", "she would attend",
         "said", "Clinton", date(2016, 9, 13), "Tuesday", "day"),
        ("On Monday, Clinton said the race was close.", "the race was close", "said", "Clinton",
         date(2016, 9, 12), "Monday", "day"),
        ("Clinton, speaking on Monday, said the race was close.", "the race was close", "said",
         "Clinton", date(2016, 9, 12), "Monday", "day"),
        ('"No," Obama said on 3 March.', "No", "said", "Obama", date(2016, 3, 3), "3 March",
         "day"),
        ("Trump told reporters last Friday that he had no regrets about 2015.",
         "he had no regrets about 2015", "told", "Trump", date(2016, 9, 9), "last Friday", "day"),
    ],
)  # fmt: skip
def test_said_on_reads_the_cue_time(
    nlp, text, content, cue, speaker, said, words, precision
) -> None:  # type: ignore[no-untyped-def]
    result = said_on(nlp(text), _quote(text, content, cue, speaker), PUBLISHED)
    assert (result.said_on, result.said_on_text, result.precision, result.source) == (
        said,
        words,
        precision,
        "expression",
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "content", "cue", "speaker"),
    [
        # The quote is about the past: its dates are content, not when it was said.
        ('"The crash of 1931 was terrible," Trump said.', "The crash of 1931 was terrible",
         "said", "Trump"),
        ("Trump said that in 1931 the economy collapsed.", "in 1931 the economy collapsed",
         "said", "Trump"),
        ('"We will win on Friday," Clinton said.', "We will win on Friday", "said", "Clinton"),
        ('"I was there," he said at the 1931 memorial.', "I was there", "said", "he"),
        ('"We are ready," Sanders said.', "We are ready", "said", "Sanders"),
    ],
)  # fmt: skip
def test_said_on_falls_back_to_publication(nlp, text, content, cue, speaker) -> None:  # type: ignore[no-untyped-def]
    result = said_on(nlp(text), _quote(text, content, cue, speaker), PUBLISHED)
    assert (result.said_on, result.said_on_text, result.precision, result.source) == (
        date(2016, 9, 14),
        None,
        "day",
        "published",
    )


@pytest.mark.slow
def test_said_on_without_publication_date(nlp) -> None:  # type: ignore[no-untyped-def]
    text = '"We will win," Clinton said on Friday.'
    relative = said_on(nlp(text), _quote(text, "We will win", "said", "Clinton"), None)
    assert (relative.said_on, relative.said_on_text, relative.precision, relative.source) == (
        None,
        "Friday",
        "unknown",
        "unknown",
    )
    text = '"We will win," Clinton said on March 3, 2015.'
    absolute = said_on(nlp(text), _quote(text, "We will win", "said", "Clinton"), None)
    assert (absolute.said_on, absolute.precision, absolute.source) == (
        date(2015, 3, 3),
        "day",
        "expression",
    )
    text = '"We will win," Clinton said.'
    bare = said_on(nlp(text), _quote(text, "We will win", "said", "Clinton"), None)
    assert (bare.said_on, bare.precision, bare.source) == (None, "unknown", "unknown")


# ------------------------------------------------------------------------------ PolNeAR floors


def _polnear_articles() -> list[tuple[Path, date]]:
    if not (POLNEAR / "metadata.tsv").exists():
        pytest.skip(f"{POLNEAR} is absent: the PolNeAR date floors read the shared eval data")
    rows = []
    with (POLNEAR / "metadata.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            path = POLNEAR / row["compartment"] / "text" / f"{row['filename']}.txt"
            if path.exists():
                rows.append((path, date.fromisoformat(row["publication_date"])))
    return rows


@pytest.mark.shared
def test_polnear_metadata_dates_parse_exactly() -> None:
    articles = _polnear_articles()
    assert articles
    for _, gold in articles:
        parsed = parse_date(gold.isoformat())
        assert parsed is not None and parsed.date() == gold


@pytest.mark.shared
def test_polnear_text_dates_are_never_wrong() -> None:
    """Floors from bench/eval_dates.py (docs/dates.md). PolNeAR texts print no date with a year in
    their header, so text alone finds none; with the crawl month as reference, the wire datelines
    give 18 exact dates (0.019) and 6 a day off (UPI datelines a day after the metadata date)."""
    exact = found = wrong = 0
    for path, gold in _polnear_articles():
        text = path.read_text(encoding="utf-8")
        assert published_from_text(text) is None  # no year printed: never guessed
        month_end = date(gold.year, gold.month, calendar.monthrange(gold.year, gold.month)[1])
        result = published_from_text(text, reference=month_end)
        if result is None:
            continue
        found += 1
        exact += result[0].date() == gold
        wrong += abs((result[0].date() - gold).days) > 1
    assert wrong == 0
    assert exact >= 18
