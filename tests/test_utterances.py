"""Utterances: one record per thing said, however many outlets reported it."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from schemas.tables import UTTERANCES
from tasks.store.utterances import QUOTES_IN, cluster_utterances, normalise_text

SCHEMA = QUOTES_IN
BENCH = Path(__file__).resolve().parents[1] / "bench"

LONG = (
    "We are going to build an economy that works for everyone, not just those at the top, "
    "and we are going to do it together."
)


def _row(qid, article, entity, name, text, day, outlet):  # type: ignore[no-untyped-def]
    published = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return {
        "quote_id": qid, "article_id": article, "speaker_entity_id": entity,
        "speaker_name": name, "quote_text": text, "said_on": day, "published_at": published,
        "outlet": outlet,
    }  # fmt: skip


def _table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def _groups(assignments: pa.Table) -> dict[str, str]:
    return dict(
        zip(
            assignments.column("quote_id").to_pylist(),
            assignments.column("utterance_id").to_pylist(),
            strict=True,
        )
    )


def test_utterances_have_the_declared_schema() -> None:
    rows = [_row("q1", "a1", "E1", "Hillary Clinton", LONG, date(2016, 9, 12), "nyt")]
    _, utterances = cluster_utterances(_table(rows))
    assert utterances.schema.equals(UTTERANCES.schema)
    _, empty = cluster_utterances(SCHEMA.empty_table())
    assert empty.schema.equals(UTTERANCES.schema)


def test_two_outlets_same_quote_become_one_utterance() -> None:
    rows = [
        _row("q2", "a2", "E1", "Hillary Clinton", f"“{LONG}”", date(2016, 9, 13), "nyt"),
        _row("q1", "a1", "E1", "Hillary Clinton", f'"{LONG}"', date(2016, 9, 12), "wash-post"),
    ]
    assignments, utterances = cluster_utterances(_table(rows))
    assert len(set(_groups(assignments).values())) == 1
    assert utterances.num_rows == 1
    record = utterances.to_pylist()[0]
    assert record["first_said_on"] == date(2016, 9, 12)
    assert record["first_published_at"] == datetime(2016, 9, 12, 12, tzinfo=UTC)
    assert (record["n_quotes"], record["n_articles"], record["n_outlets"]) == (2, 2, 2)
    assert record["canonical_text"] == f'"{LONG}"'  # the earliest member's words
    assert record["speaker_entity_id"] == "E1"


@pytest.mark.parametrize(
    "variant",
    [
        "an economy that works for everyone, not just those at the top",  # trimmed
        LONG.replace("build", "create"),  # one word edited
        LONG.replace(", and we are going to do it together.", "."),  # cut short
        LONG.upper(),  # case
    ],
)
def test_trimmed_or_lightly_edited_versions_join(variant: str) -> None:
    rows = [
        _row("q1", "a1", "E1", "Clinton", LONG, date(2016, 9, 12), "nyt"),
        _row("q2", "a2", "E1", "Clinton", variant, date(2016, 9, 12), "politico"),
    ]
    assignments, utterances = cluster_utterances(_table(rows))
    assert len(set(_groups(assignments).values())) == 1
    assert utterances.to_pylist()[0]["n_outlets"] == 2


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # Same words, different speakers: two utterances.
        (("E1", "Hillary Clinton", LONG), ("E2", "Bernie Sanders", LONG)),
        ((None, "Hillary Clinton", LONG), (None, "Bernie Sanders", LONG)),
        # Same speaker, different words.
        (("E1", "Clinton", LONG), ("E1", "Clinton", "Donald Trump is temperamentally unfit.")),
        # A short fragment is not enough to say it is the same utterance.
        (("E1", "Clinton", LONG), ("E1", "Clinton", "we are going to")),
        # Two different sentences that share a common opening.
        (
            ("E1", "Clinton", "We are going to win Ohio and we are going to win Florida."),
            ("E1", "Clinton", "We are going to raise the minimum wage for every worker."),
        ),
    ],
)
def test_different_speakers_or_words_stay_apart(first: tuple, second: tuple) -> None:
    rows = [
        _row("q1", "a1", *first, date(2016, 9, 12), "nyt"),
        _row("q2", "a2", *second, date(2016, 9, 12), "politico"),
    ]
    assignments, utterances = cluster_utterances(_table(rows))
    assert len(set(_groups(assignments).values())) == 2
    assert utterances.num_rows == 2


def test_name_is_the_speaker_key_when_no_entity_id() -> None:
    rows = [
        _row("q1", "a1", None, "Hillary Clinton", LONG, date(2016, 9, 12), "nyt"),
        _row("q2", "a2", None, "hillary  clinton", LONG, date(2016, 9, 13), "politico"),
    ]
    assignments, _ = cluster_utterances(_table(rows))
    assert len(set(_groups(assignments).values())) == 1


def test_quotes_without_any_speaker_stay_single() -> None:
    rows = [
        _row("q1", "a1", None, None, LONG, date(2016, 9, 12), "nyt"),
        _row("q2", "a2", None, None, LONG, date(2016, 9, 13), "politico"),
    ]
    assignments, _ = cluster_utterances(_table(rows))
    assert len(set(_groups(assignments).values())) == 2


def test_ids_are_stable_across_reruns_and_row_order() -> None:
    rows = [
        _row("q1", "a1", "E1", "Clinton", LONG, date(2016, 9, 12), "nyt"),
        _row("q2", "a2", "E1", "Clinton", LONG[:60], date(2016, 9, 13), "politico"),
        _row("q3", "a3", "E2", "Trump", "Nobody builds walls better than me, believe me.",
             date(2016, 9, 14), "breitbart"),
    ]  # fmt: skip
    first_assignments, first_utterances = cluster_utterances(_table(rows))
    again_assignments, again_utterances = cluster_utterances(_table(list(reversed(rows))))
    assert _groups(first_assignments) == _groups(again_assignments)
    assert first_utterances.equals(again_utterances)
    assert all(u.startswith("u_") for u in _groups(first_assignments).values())


def test_null_dates_and_empty_input() -> None:
    rows = [_row("q1", "a1", "E1", "Clinton", LONG, date(2016, 9, 12), None)]
    rows[0]["said_on"] = None
    rows[0]["published_at"] = None
    _, utterances = cluster_utterances(_table(rows))
    record = utterances.to_pylist()[0]
    assert record["first_said_on"] is None and record["n_outlets"] == 0
    assignments, utterances = cluster_utterances(SCHEMA.empty_table())
    assert assignments.num_rows == 0 and utterances.num_rows == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“We’ll WIN,” she said — again!", "we'll win she said again"),
        ('"We\'ll win," she said - again!', "we'll win she said again"),
        ("'Don't' stop", "don't stop"),
        ("Café  au\nlait", "café au lait"),
        (None, ""),
    ],
)
def test_normalise_text(text: str | None, expected: str) -> None:
    assert normalise_text(text) == expected


@pytest.mark.slow
def test_clusters_at_scale() -> None:
    """200k quotes (a fifth of the 1M budget) over 40k distinct texts, every fourth text also
    quoted with one word changed, by 3,000 speakers and one very busy one (a tenth of all the
    quotes): each speaker's repeats and edited versions of one text are one utterance, and
    nothing else is joined. bench/utterance_scale.py times the same input."""
    sys.path.insert(0, str(BENCH))
    try:
        from utterance_scale import synthetic_quotes
    finally:
        sys.path.remove(str(BENCH))

    quotes, said = synthetic_quotes(200_000, 40_000)
    assignments, utterances = cluster_utterances(quotes)
    assert assignments.num_rows == 200_000
    groups = _groups(assignments)
    found: dict[tuple[str, int], set[str]] = {}
    versions: dict[tuple[str, int], set[bool]] = {}
    for index, (speaker, text, edited) in enumerate(said):
        found.setdefault((speaker, text), set()).add(groups[f"q{index}"])
        versions.setdefault((speaker, text), set()).add(edited)
    assert all(len(ids) == 1 for ids in found.values())  # each (speaker, text) one utterance
    assert len(set(groups.values())) == len(found) == utterances.num_rows  # nothing else joined
    # Both versions of one text from one speaker: what only near-duplicate matching joins. A
    # property of the input, checked so that the asserts above are known to cover it.
    assert sum(len(v) == 2 for v in versions.values()) > 5_000
