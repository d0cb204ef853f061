"""What a line of a text dump looks like, measured the way jusText measures a paragraph: its length
(with Chinese and Japanese characters weighted), its words, its stopword density and how it ends.

Every other part of the text cleaner (``furniture``, ``lines``, ``line_model``, ``header``,
``text_dump``) reads lines through these measures, so a threshold means the same everywhere.
"""

from __future__ import annotations

import functools
import re

from tasks import lexicon

# jusText's defaults (justext.core: LENGTH_LOW_DEFAULT, LENGTH_HIGH_DEFAULT), chosen by its author
# on the CleanEval data: under LENGTH_LOW characters a paragraph is short, from LENGTH_HIGH it
# is long enough to be judged on its stopwords alone.
LENGTH_LOW = 70
LENGTH_HIGH = 200
# A Chinese or Japanese character holds about as much text as three Latin ones (an English
# translation runs about 3 characters per Han character; kana are syllables of 2-3 letters).
CJK_CHAR_WEIGHT = 3
# A line's stopword density is asked for by its class, its score and the line model's features
# (its own and its neighbours'): the last 8192 lines are remembered, ten times the longest
# ScrapingHub page (746 lines), so a dump stays cached while it is cleaned and memory is bounded.
STOPWORD_CACHE_LINES = 8192

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"\w+(?:['’]\w+)*")
DIGIT = re.compile(r"\d")
# How a sentence ends, CJK full-width stops and closing brackets included ("。", "！", "」").
TERMINAL = re.compile(r"[.!?…:;\"'”’»)\]。！？：；」』）]$")
# A line that ends like a sentence (a full stop, not the colon of a label or a lead-in).
SENTENCE_STOP = re.compile(r"[.!?…。！？][\"'”’»)\]」』）]*$")
# A sentence boundary inside a line: a stop, closing quotes, a space, then a capital.
SENTENCE_END = re.compile(r"[.!?…](?:[\"'”’»)\]]*)\s+(?=[\"'“‘«(\[]?[A-Z])")


def text_length(text: str) -> int:
    """Length in Latin-script characters: a Chinese or Japanese character counts for
    CJK_CHAR_WEIGHT, so jusText's thresholds (set on European text) mean the same amount of text."""
    return len(text) + (CJK_CHAR_WEIGHT - 1) * len(CJK.findall(text))


def is_single_sentence(text: str) -> bool:
    return SENTENCE_END.search(text) is None


@functools.cache
def stoplist(language: str | None) -> frozenset[str]:
    """jusText's stoplist for an ISO 639-1 code; empty (language-independent mode) if none."""
    if language is None:
        return frozenset()
    names = dict(line.split("\t") for line in lexicon.lines("clean_stoplist_languages"))
    name = names.get(language)
    if name is None:
        return frozenset()
    import justext

    return frozenset(w.lower() for w in justext.get_stoplist(name))


@functools.lru_cache(maxsize=STOPWORD_CACHE_LINES)
def stopword_density(text: str, stopwords: frozenset[str]) -> float:
    """The share of a line's words that are stopwords (jusText's measure of prose)."""
    words = WORD.findall(text.lower())
    if not words:
        return 0.0
    return sum(w in stopwords for w in words) / len(words)
