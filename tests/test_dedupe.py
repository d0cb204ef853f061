"""NearDuplicateIndex and DedupeState: the same story twice is found, different stories are not,
and the state stays on disk."""

from __future__ import annotations

import hashlib
import random
import tracemalloc
from pathlib import Path

import pytest

from tasks.dedupe import DedupeState, NearDuplicateIndex, shingles

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
    with DedupeState(tmp_path) as seen:
        a, b = "ab" * 32, "cd" * 32
        seen.hashes.update([a, a])
        assert a in seen.hashes and b not in seen.hashes and len(seen.hashes) == 1
        seen.hashes.add(b)
        seen.hashes.discard(a)
        assert a not in seen.hashes and b in seen.hashes and len(seen.hashes) == 1


def test_the_store_leaves_no_file_behind(tmp_path: Path) -> None:
    seen = DedupeState(tmp_path)
    seen.near.find_or_add("first", BODY)
    assert list(tmp_path.iterdir()) == []  # unlinked on open: a killed run leaves nothing
    assert seen.near.find_or_add("second", BODY) == ("first", 1.0)
    seen.close()


def test_memory_does_not_grow_with_articles(tmp_path: Path) -> None:
    # The state is in SQLite with a bounded page cache; Python holds nothing per article.
    words = [f"w{i}" for i in range(5000)]
    rng = random.Random(7)
    texts = [" ".join(rng.choices(words, k=120)) for _ in range(1200)]
    with DedupeState(tmp_path) as seen:
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
