"""NearDuplicateIndex and DedupeState: the same story twice is found, different stories are not,
and the state stays on disk."""

from __future__ import annotations

import hashlib
import random
import sqlite3
import tracemalloc
from pathlib import Path

import pytest

from tasks.store.dedupe import DedupeState, NearDuplicateIndex, shingles

STORY = [
    "The harbour board agreed on Monday to delay the sale of the old ferry terminal, after a "
    "meeting in which several members said the town had not been asked what it wanted.",
    "Ruth Abernathy, who chairs the board, said the decision was not a retreat but a chance to "
    "listen to residents before anything was signed, and that a public meeting would follow.",
    "The terminal has been empty since the last crossing stopped running four years ago, and "
    "the building has been on the market twice without finding a buyer willing to restore it.",
    "A developer who had offered to turn it into flats told the board that his offer would "
    "stand until the end of the year, but that he could not wait for ever while costs rose.",
    "Residents who spoke at the meeting were divided, some wanting the building kept as a "
    "market hall and others saying the town could not afford to keep an empty shell standing.",
    "The board will meet again in June, when it expects to have the results of a survey of "
    "every household in the town, which is being posted this week and can be returned free.",
]
BODY = "\n\n".join(STORY)
OTHER = (
    "The cottage beside the north lighthouse will open to visitors next spring, the trust that "
    "owns it said on Friday, after a grant covered the cost of repairs to its roof. Volunteers "
    "have already catalogued the keeper's logbooks, which record every ship that passed the "
    "point between the two world wars, and they will be shown in the front room of the cottage."
)


def test_shingles_fold_case_and_punctuation() -> None:
    assert shingles("One two, THREE four five!") == shingles("one two three four five")
    assert shingles("") == set()


@pytest.mark.parametrize(
    "variant",
    [
        BODY,  # the same text again
        BODY + "\n\nThis story was corrected on Tuesday.",  # a re-crawl with a note added
        BODY.replace("Monday", "Tuesday"),  # one word changed
        "\n\n".join(STORY[:-1]),  # the last paragraph trimmed by a second outlet
    ],
)
def test_near_duplicates_are_found(variant: str) -> None:
    index = NearDuplicateIndex()
    assert index.find_or_add("first", BODY) is None
    hit = index.find_or_add("second", variant)
    assert hit is not None
    assert hit[0] == "first"
    assert 0.8 <= hit[1] <= 1.0
    assert len(index) == 1  # a duplicate is not added


@pytest.mark.parametrize(
    "different",
    [OTHER, "\n\n".join(STORY[:2]), "Short text."],
)
def test_different_texts_are_kept(different: str) -> None:
    index = NearDuplicateIndex()
    assert index.find_or_add("first", BODY) is None
    assert index.find_or_add("second", different) is None
    assert len(index) == 2


def test_canonical_is_the_first_seen() -> None:
    index = NearDuplicateIndex()
    index.find_or_add("a", BODY)
    index.find_or_add("b", OTHER)
    hit = index.find_or_add("c", BODY + " Updated.")
    assert hit is not None and hit[0] == "a"
    hit = index.find(OTHER)
    assert hit is not None and hit[0] == "b"


def test_content_hashes_behave_as_a_set(tmp_path: Path) -> None:
    with DedupeState(directory=tmp_path) as seen:
        a, b = "ab" * 32, "cd" * 32
        seen.hashes.update([a, a])
        assert a in seen.hashes and b not in seen.hashes and len(seen.hashes) == 1
        seen.hashes.add(b)
        seen.hashes.discard(a)
        assert a not in seen.hashes and b in seen.hashes and len(seen.hashes) == 1


def test_the_store_leaves_no_file_behind(tmp_path: Path) -> None:
    seen = DedupeState(directory=tmp_path)
    seen.near.find_or_add("first", BODY)
    assert list(tmp_path.iterdir()) == []  # unlinked on open: a killed run leaves nothing
    assert seen.near.find_or_add("second", BODY) == ("first", 1.0)
    seen.close()


def test_memory_does_not_grow_with_articles(tmp_path: Path) -> None:
    # The state is in SQLite with a bounded page cache; Python holds nothing per article.
    words = [f"w{i}" for i in range(5000)]
    rng = random.Random(7)
    texts = [" ".join(rng.choices(words, k=120)) for _ in range(1200)]
    with DedupeState(directory=tmp_path) as seen:
        for i, text in enumerate(texts[:200]):  # warm up: caches, compiled statements
            seen.near.find_or_add(f"warm{i}", text)
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for i, text in enumerate(texts[200:]):
            seen.near.find_or_add(f"a{i}", text)
            seen.hashes.add(hashlib.sha256(text.encode()).hexdigest())
        grown = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        assert len(seen.near) == 1200 and len(seen.hashes) == 1000
    # An in-memory index held ~1.6 kB per article: 1.6 MB for these 1,000.
    assert grown < 100_000


def _committed_run(  # type: ignore[no-untyped-def]
    path: Path, run_id: str, article_id: str, body: str, before: list[str], commit: bool = True
):
    with DedupeState(path, run_id) as seen:
        seen.sync(before, _no_parquet)
        assert seen.near.find_or_add(article_id, body) is None
        seen.hashes.add(hashlib.sha256(body.encode()).hexdigest())
        if commit:
            seen.mark_committed()


def _no_parquet(run_ids):  # type: ignore[no-untyped-def]
    raise AssertionError(f"the store should not need the Parquet of {run_ids}")


RECRAWL = BODY + "\n\nFollow us for more news from the harbour."


def test_near_duplicates_are_found_across_runs(tmp_path: Path) -> None:
    path = tmp_path / "state" / "dedupe.sqlite"
    _committed_run(path, "r1", "first", BODY, [])
    with DedupeState(path, "r2") as seen:
        assert seen.sync(["r1"], _no_parquet)["indexed_articles"] == 0
        assert hashlib.sha256(BODY.encode()).hexdigest() in seen.hashes
        hit = seen.near.find_or_add("recrawl", RECRAWL)
        assert hit is not None and hit[0] == "first"


def test_a_run_that_never_committed_is_forgotten(tmp_path: Path) -> None:
    path = tmp_path / "dedupe.sqlite"
    _committed_run(path, "r1", "first", BODY, [])
    _committed_run(path, "killed", "other", OTHER, ["r1"], commit=False)
    with DedupeState(path, "r3") as seen:
        assert seen.sync(["r1"], _no_parquet)["dropped_runs"] == 1
        assert len(seen.near) == 1 and len(seen.hashes) == 1
        assert seen.near.find_or_add("again", OTHER) is None  # not a duplicate of "other"
        assert seen.near.find_or_add("recrawl", RECRAWL) == ("first", pytest.approx(1.0, abs=0.2))


def test_a_lost_store_is_rebuilt_from_the_warehouse(tmp_path: Path) -> None:
    path = tmp_path / "dedupe.sqlite"
    _committed_run(path, "r1", "first", BODY, [])
    path.unlink()
    read: list[list[str]] = []

    def parquet(run_ids: list[str]):  # type: ignore[no-untyped-def]
        read.append(run_ids)
        yield ("r1", "first", hashlib.sha256(BODY.encode()).hexdigest(), BODY)

    with DedupeState(path, "r2") as seen:
        assert seen.sync(["r1"], parquet)["indexed_articles"] == 1
        assert read == [["r1"]]
        hit = seen.near.find_or_add("recrawl", RECRAWL)
        assert hit is not None and hit[0] == "first"
    with DedupeState(path, "r3") as seen:  # indexed once, not again
        assert seen.sync(["r1"], _no_parquet)["indexed_articles"] == 0


def test_a_store_of_another_layout_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "dedupe.sqlite"
    _committed_run(path, "r1", "first", BODY, [])
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = 'v0' WHERE key = 'layout'")
    db.commit()
    db.close()
    with DedupeState(path, "r2") as seen:
        assert len(seen.near) == 0 and len(seen.hashes) == 0
    path.write_bytes(b"not a database at all" * 100)
    with DedupeState(path, "r3") as seen:
        assert len(seen.near) == 0


def test_removed_articles_are_no_longer_canonical(tmp_path: Path) -> None:
    with DedupeState(directory=tmp_path) as seen:
        seen.near.find_or_add("failed", BODY)
        seen.near.remove(["failed"])
        assert seen.near.find_or_add("kept", RECRAWL) is None
        assert seen.near.find(BODY) == ("kept", pytest.approx(1.0, abs=0.2))


def test_a_failed_batch_leaves_the_dedupe_state(tmp_path: Path) -> None:
    from dataclasses import replace

    from tasks.store.ledger import Ledger
    from tests.test_warehouse import _article

    def article(article_id: str, body: str):  # type: ignore[no-untyped-def]
        digest = hashlib.sha256(body.encode()).hexdigest()
        return replace(_article(0), article_id=article_id, content_hash=digest, body=body)

    with DedupeState(directory=tmp_path) as seen:
        ledger = Ledger(known_hashes=seen.hashes, near_index=seen.near)
        failed = ledger.admit([article("failed", BODY)])
        ledger.articles_failed(failed, "NLP failed: boom")
        # Neither the same body nor a re-crawl of it points at an article never kept.
        assert [a.article_id for a in ledger.admit([article("again", BODY)])] == ["again"]
        assert ledger.admit([article("recrawl", RECRAWL)]) == []
        assert ledger.duplicates[-1]["duplicate_of"] == "again"
        assert (ledger.records_read, ledger.n_rejects, ledger.n_duplicates) == (3, 1, 1)
