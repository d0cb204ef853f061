"""normalize_text and detect_language on short literal texts."""

from __future__ import annotations

import pytest

from tasks.clean.normalize import detect_language, normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # mojibake: UTF-8 read as Windows-1252
        ("The minister\u00e2\u20ac\u2122s reply", "The minister\u2019s reply"),
        ("caf\u00c3\u00a9 society", "caf\u00e9 society"),
        # decomposed accents composed (NFC)
        ("Jose\u0301 Mari\u0301a", "Jos\u00e9 Mar\u00eda"),
        # non-breaking and narrow spaces become plain spaces
        ("at the\u00a0Weekly Planet", "at the Weekly Planet"),
        ("10\u202fkm", "10 km"),
        # zero-width characters, BOM and soft hyphens vanish
        ("\ufeffzero\u200bwidth\u200d join", "zerowidth join"),
        ("hyphen\u00adation", "hyphenation"),
        # a word broken across a line by typesetting is rejoined
        ("the pre-\nsident spoke", "the president spoke"),
        # a real hyphen at a line end before a capital stays
        ("the Anglo-\nFrench deal", "the Anglo-\nFrench deal"),
        # runs of spaces collapse, lines are stripped
        ("too   many    spaces  ", "too many spaces"),
        # paragraph breaks become exactly one blank line, single newlines stay
        ("one\n\n\n\ntwo\nthree", "one\n\ntwo\nthree"),
        ("one\r\n\r\ntwo", "one\n\ntwo"),
        ("  \n  \nlead\n \n \n \nnext", "lead\n\nnext"),
        # quotes are kept as written, curly or straight
        (
            '\u201cFine,\u201d she said. "Fine," he said.',
            '\u201cFine,\u201d she said. "Fine," he said.',
        ),
        ("\u2018single\u2019 and 'single'", "\u2018single\u2019 and 'single'"),
        ("", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_normalize_is_idempotent() -> None:
    text = "A caf\u00c3\u00a9\u00a0line\n\n\n\nand  another \u201cquoted\u201d line."
    once = normalize_text(text)
    assert normalize_text(once) == once


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The council voted on Tuesday to close the old library after a long debate.", "en"),
        ("Le conseil municipal a voté mardi la fermeture de la vieille bibliothèque.", "fr"),
        ("Der Stadtrat hat am Dienstag die Schließung der alten Bibliothek beschlossen.", "de"),
        ("El ayuntamiento votó el martes el cierre de la antigua biblioteca municipal.", "es"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "ok", "12 345 678", "Hi there"])
def test_detect_language_too_short(text: str) -> None:
    assert detect_language(text) is None
