"""An optional trained attribution tagger beside the rules (off unless a model is given).

The rules in ``tasks.nlp.quotes`` find what speech and belief words cue. About a quarter of the
attributions in PolNeAR are cued by other words ("backing", "voted for", "is pushing for",
"took credit for"), which no word list covers. A tagger trained on annotated news
(``bench/trained_tagger.py`` trains one on PolNeAR: spaCy's CPU entity-recogniser architecture)
marks Content, Cue and Source spans in raw text, and ``tasks.nlp.quotes`` adds the Contents no rule
found that have a tagged cue next to them and a speaker.

Off by default, for two reasons given in docs/quotes.md: on PolNeAR dev the additions are
right 0.65 of the time, so they buy recall with precision, and PolNeAR states no licence for
its data, so whosaid ships no model trained on it. ``WHOSAID_ATTRIBUTION_MODEL=<folder>``
(a spaCy pipeline whose entity labels are CONTENT, CUE and SOURCE) turns it on.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MODEL_ENV = "WHOSAID_ATTRIBUTION_MODEL"

# (label, start_char, end_char): one span the tagger marked, label "CONTENT", "CUE" or "SOURCE".
TaggedSpan = tuple[str, int, int]


def model_path() -> Path | None:
    """The tagger ``WHOSAID_ATTRIBUTION_MODEL`` names, or None (unset, empty or ``off``)."""
    setting = os.environ.get(MODEL_ENV, "").strip()
    if not setting or setting.lower() == "off":
        return None
    return Path(setting).expanduser()


def check() -> Path | None:
    """Fail fast, before a run reads anything, when the tagger named is not a spaCy pipeline."""
    path = model_path()
    if path is not None and not (path / "config.cfg").is_file():
        raise FileNotFoundError(f"{MODEL_ENV}={path}: no spaCy pipeline there (no config.cfg)")
    return path


@functools.lru_cache(maxsize=2)
def _load(path: Path) -> Any:
    import spacy  # noqa: PLC0415

    log.debug("loading attribution tagger from %s", path)
    return spacy.load(path)


def tag(texts: Sequence[str], batch_size: int = 32) -> list[tuple[TaggedSpan, ...]]:
    """The tagger's spans for each text, in order; empty for every text when it is off."""
    path = check()
    if path is None:
        return [() for _ in texts]
    nlp = _load(path)
    return [
        tuple((e.label_, e.start_char, e.end_char) for e in doc.ents)
        for doc in nlp.pipe(texts, batch_size=batch_size)
    ]


__all__ = ["MODEL_ENV", "TaggedSpan", "check", "model_path", "tag"]
