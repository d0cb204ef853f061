"""Wire copies carry quotes: every copy of an article counts in utterances, speaker_timeline and
widely_carried, whichever copy was kept as the canonical article."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from tasks.store.utterances import QUOTES_IN, cluster_utterances

STORY = (
    "Rail passengers across the northern counties will see more frequent services from next "
    "spring, the regional transport authority announced on Tuesday.\n\n"
    'Transport minister Jane Holloway said: "The new timetable will cut waiting times across '
    'the whole region, and it will do so without raising a single fare."\n\n'
    "The authority said the changes would add forty trains a day on the busiest lines and that "
    "work on the signalling at three junctions would begin in the autumn.\n\n"
    "Passenger groups welcomed the plan but asked for more detail on weekend services, which "
    "were cut sharply two years ago and have not recovered since then."
)


def _copy(url: str, outlet: str, day: int) -> dict:
    return {
        "url": url,
        "source_domain": outlet,
        "title": "More trains for the north from next spring",
        "date_publish": f"2026-05-{day:02d} 09:00:00",
        "language": "en",
        "maintext": STORY,
    }


def _dump(path: Path, copies: list[dict]) -> str:
    path.write_text("".join(json.dumps(c) + "\n" for c in copies))
    return str(path)


def _one(wh: Path, sql: str) -> tuple:
    with duckdb.connect(str(wh / "whosaid.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchone()


HOLLOWAY = "WHERE speaker_name = 'Jane Holloway' AND canonical_text LIKE '%new timetable%'"


def test_copies_lists_count_in_utterances() -> None:
    """A quote in an article with two copies (one kept, one duplicate) is carried by two
    articles and two outlets, first published with the earlier copy."""
    late = datetime(2026, 5, 3, 9, tzinfo=UTC)
    early = datetime(2026, 5, 2, 9, tzinfo=UTC)
    quotes = pa.Table.from_pylist(
        [
            {
                "quote_id": "q1", "article_id": "a1", "speaker_entity_id": "E1",
                "speaker_name": "Jane Holloway", "quote_text": "The new timetable will cut "
                "waiting times across the whole region", "said_on": date(2026, 5, 3),
                "published_at": late, "outlet": "late.example",
                "copy_keys": ["a1", "https://early.example/trains"],
                "copy_outlets": ["late.example", "early.example"],
                "copy_published_at": [late, early],
            }
        ],
        schema=QUOTES_IN,
    )  # fmt: skip
    _, utterances = cluster_utterances(quotes)
    [u] = utterances.to_pylist()
    assert (u["n_quotes"], u["n_articles"], u["n_outlets"]) == (1, 2, 2)
    assert u["first_published_at"] == early


def test_without_copies_a_quote_is_carried_by_its_article_alone() -> None:
    day = datetime(2026, 5, 3, 9, tzinfo=UTC)
    row = {
        "quote_id": "q1", "article_id": "a1", "speaker_entity_id": "E1",
        "speaker_name": "Jane Holloway", "quote_text": "The new timetable will cut waiting "
        "times across the whole region", "said_on": None, "published_at": day,
        "outlet": "late.example",
    }  # fmt: skip
    _, utterances = cluster_utterances(pa.Table.from_pylist([row], schema=QUOTES_IN))
    [u] = utterances.to_pylist()
    assert (u["n_articles"], u["n_outlets"], u["first_published_at"]) == (1, 1, day)


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_a_wire_story_in_two_outlets_counts_both(tmp_path: Path) -> None:
    """Read in the dump's order, the 3 May copy is kept; the 2 May copy is its duplicate, and
    still the story's first publication and first outlet."""
    from flows.ingest import ingest_with  # noqa: PLC0415

    wh = tmp_path / "wh"
    dump = _dump(
        tmp_path / "wire.jsonl",
        [
            _copy("https://late.example/trains", "late.example", 3),
            _copy("https://early.example/trains", "early.example", 2),
        ],
    )
    got = ingest_with(1)(sources=[dump], warehouse_dir=str(wh), workers=1)
    assert (got["records_read"], got["articles"], got["duplicates"]) == (2, 1, 1)
    assert _one(wh, "SELECT outlet FROM articles") == ("late.example",)
    assert _one(wh, "SELECT outlet, published_at::DATE, title IS NOT NULL FROM duplicates") == (
        "early.example",
        date(2026, 5, 2),
        True,
    )
    n_articles, n_outlets, first, outlet = _one(
        wh,
        "SELECT n_articles, n_outlets, first_published_at::DATE, first_outlet "
        f"FROM widely_carried {HOLLOWAY}",
    )
    assert (n_articles, n_outlets, first, outlet) == (2, 2, date(2026, 5, 2), "early.example")
    assert _one(
        wh,
        f"SELECT outlets FROM speaker_timeline {HOLLOWAY.replace('canonical_text', 'quote_text')}",
    ) == (["early.example", "late.example"],)

    # The same dump read again: the same two copies, counted once each.
    ingest_with(1)(sources=[dump], warehouse_dir=str(wh), workers=1)
    assert _one(wh, f"SELECT n_articles, n_outlets FROM widely_carried {HOLLOWAY}") == (2, 2)


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_a_later_run_that_reads_an_earlier_copy(tmp_path: Path) -> None:
    """The kept article stays the one read first (its quotes, ids and mentions do not move);
    the earlier copy read by a later run becomes the story's first publication."""
    from flows.ingest import ingest_with  # noqa: PLC0415

    wh = tmp_path / "wh"
    monday = _dump(tmp_path / "monday.jsonl", [_copy("https://late.example/t", "late.example", 3)])
    tuesday = _dump(
        tmp_path / "tuesday.jsonl", [_copy("https://early.example/t", "early.example", 2)]
    )
    ingest_with(1)(sources=[monday], warehouse_dir=str(wh), workers=1)
    before = _one(wh, "SELECT article_id, outlet FROM articles")
    assert _one(wh, f"SELECT n_outlets, first_outlet FROM widely_carried {HOLLOWAY}") == (
        1,
        "late.example",
    )
    got = ingest_with(1)(sources=[tuesday], warehouse_dir=str(wh), workers=1)
    assert (got["articles"], got["duplicates"]) == (0, 1)
    assert _one(wh, "SELECT article_id, outlet FROM articles") == before
    assert _one(
        wh,
        f"SELECT n_outlets, first_published_at::DATE, first_outlet FROM widely_carried {HOLLOWAY}",
    ) == (2, date(2026, 5, 2), "early.example")
