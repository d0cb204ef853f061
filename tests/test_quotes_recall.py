"""Reported speech: where what a cue reports begins and ends, and cues it was missing.

The sentences here are written for these tests.
"""

from __future__ import annotations

import pytest

from tasks.model import Quote


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from tasks.nlp.analyse import load_nlp

    return load_nlp()


def quotes_of(nlp, text: str) -> list[Quote]:  # type: ignore[no-untyped-def]
    from tasks.nlp.entities import extract_entities
    from tasks.nlp.quotes import extract_quotes

    doc = nlp(text)
    clusters, mentions = extract_entities(doc)
    return extract_quotes(doc, clusters, mentions)


def indirect(quotes: list[Quote], cue: str) -> Quote:
    chosen = [q for q in quotes if q.kind == "indirect" and q.cue == cue]
    assert len(chosen) == 1, [(q.cue, q.quote_text) for q in quotes]
    return chosen[0]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        # a participle after a comma and a closing quote mark
        (
            'Greta Lindqvist insisted that she has "doubled the membership," claiming that '
            "she alone had done it.",
            "insisted",
            'that she has "doubled the membership,"',
        ),
        # a participle the parse hangs inside the reported clause
        (
            "Ruth Okoro said she wants to help other teachers, contrasting herself with her rival.",
            "said",
            "she wants to help other teachers",
        ),
    ],
)
def test_content_ends_before_trailing_participle(nlp, text: str, cue: str, content: str) -> None:
    assert indirect(quotes_of(nlp, text), cue).quote_text == content


def parsed(rows: list[tuple[str, str, str, str, int]]):  # type: ignore[no-untyped-def]
    """A Doc with the parse given: (word, pos, tag, dep, head index) per token."""
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    words, pos, tags, deps, heads = (list(col) for col in zip(*rows, strict=True))
    return Doc(Vocab(), words=words, pos=pos, tags=tags, deps=deps, heads=heads)


def test_participle_set_off_after_an_object_is_the_subjects() -> None:
    from tasks.nlp.quotes.syntax import subject

    # "Okoro joined the council, urging it to act.": a parse that hangs the participle on the
    # object, as spaCy's does after a long object or an appositive.
    doc = parsed(
        [
            ("Okoro", "PROPN", "NNP", "nsubj", 1),
            ("joined", "VERB", "VBD", "ROOT", 1),
            ("the", "DET", "DT", "det", 3),
            ("council", "NOUN", "NN", "dobj", 1),
            (",", "PUNCT", ",", "punct", 3),
            ("urging", "VERB", "VBG", "acl", 3),
            ("it", "PRON", "PRP", "dobj", 5),
            ("to", "PART", "TO", "aux", 8),
            ("act", "VERB", "VB", "xcomp", 5),
            (".", "PUNCT", ".", "punct", 1),
        ]
    )
    found = subject(doc[5])
    assert found is not None and found.text == "Okoro"
    # ... but a participle describing the noun, with no comma, is the noun's.
    doc = parsed(
        [
            ("Okoro", "PROPN", "NNP", "nsubj", 1),
            ("issued", "VERB", "VBD", "ROOT", 1),
            ("a", "DET", "DT", "det", 3),
            ("statement", "NOUN", "NN", "dobj", 1),
            ("defending", "VERB", "VBG", "acl", 3),
            ("the", "DET", "DT", "det", 6),
            ("plan", "NOUN", "NN", "dobj", 4),
            (".", "PUNCT", ".", "punct", 1),
        ]
    )
    found = subject(doc[4])
    assert found is not None and found.text == "statement"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "cue", "content", "speaker"),
    [
        # the relative pronoun is the verb's object, with the predicate the verb gives it
        (
            "The council praised the harbour trust, which Ruth Okoro blamed for the closure "
            "of the pier.",
            "blamed",
            "which for the closure of the pier",
            "Ruth Okoro",
        ),
        (
            "Tomas Berg met Ruth Okoro, whom he described as a friend of the islanders.",
            "described",
            "whom as a friend of the islanders",
            "he",
        ),
    ],
)
def test_relative_pronoun_reported(nlp, text: str, cue: str, content: str, speaker: str) -> None:
    quote = indirect(quotes_of(nlp, text), cue)
    assert quote.quote_text == content
    assert quote.speaker_text == speaker
