"""NearDuplicateIndex: the same story twice is found, different stories are not."""

from __future__ import annotations

import pytest

from tasks.dedupe import NearDuplicateIndex, shingles

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


def test_memory_per_article_is_bounded() -> None:
    # signatures and band keys only: about a kilobyte and a half per article at most
    assert NearDuplicateIndex().bytes_per_article < 1600
