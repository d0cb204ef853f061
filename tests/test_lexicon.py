"""tasks.lexicon: one comment and case rule for every word list."""

from __future__ import annotations

import pytest

from tasks import lexicon


@pytest.fixture
def lexicon_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(lexicon, "DIR", tmp_path)
    for f in (lexicon.lines, lexicon.entries, lexicon.words):
        f.cache_clear()
    yield tmp_path
    for f in (lexicon.lines, lexicon.entries, lexicon.words):
        f.cache_clear()


def test_comments_blank_lines_and_case(lexicon_dir):
    (lexicon_dir / "demo.txt").write_text(
        "# a comment\n\n  Say says  \n   # an indented comment\nAccording\tto\n", encoding="utf-8"
    )
    assert lexicon.lines("demo") == ("Say says", "According\tto")
    assert lexicon.entries("demo") == (("say", "says"), ("according", "to"))
    assert lexicon.words("demo") == {"say", "says", "according", "to"}


def test_every_shipped_list_has_entries():
    names = sorted(p.stem for p in lexicon.DIR.glob("*.txt"))
    assert len(names) > 20
    for name in names:
        assert lexicon.lines(name), name
