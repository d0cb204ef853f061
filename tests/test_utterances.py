"""Utterances: one record per thing said, however many outlets reported it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from schemas.tables import UTTERANCES
from tasks.store.utterances import QUOTES_IN, cluster_utterances, normalise_text

SCHEMA = QUOTES_IN

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
    nothing else is joined."""
    import random

    vocabulary = [f"w{i}" for i in range(5000)]
    rng = random.Random(7)
    # 20-30 words: one word changed keeps Jaccard >= 17/21 of the bigrams, over MIN_JACCARD.
    base_texts = [rng.choices(vocabulary, k=rng.randint(20, 30)) for _ in range(40_000)]
    rows, said_by = [], []
    versions: dict[tuple[str, int], set[bool]] = {}
    for index in range(200_000):
        base = rng.randrange(len(base_texts))
        words = list(base_texts[base])
        if base % 4 == 0 and index % 2:  # the edited version: one word changed
            words[len(words) // 2] = "edited"
        speaker = f"E{base % 3000}" if index % 10 else "E0"
        said_by.append((speaker, base))
        versions.setdefault((speaker, base), set()).add(words != base_texts[base])
        rows.append(
            _row(
                f"q{index}", f"a{index // 5}", speaker, None, " ".join(words), date(2016, 9, 12),
                "nyt",
            )
        )  # fmt: skip
    assignments, utterances = cluster_utterances(_table(rows))
    assert assignments.num_rows == 200_000
    groups = _groups(assignments)
    expected: dict[tuple[str, int], set[str]] = {}
    for index, key in enumerate(said_by):
        expected.setdefault(key, set()).add(groups[f"q{index}"])
    assert all(len(ids) == 1 for ids in expected.values())  # each (speaker, text) one utterance
    assert len(set(groups.values())) == len(expected) == utterances.num_rows  # none joined
    # Both versions of one text from one speaker: what only near-duplicate matching joins. A
    # property of the input, checked so that the asserts above are known to cover it.
    assert sum(len(v) == 2 for v in versions.values()) > 5_000
