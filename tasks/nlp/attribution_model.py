"""An optional learned attribution layer beside the rules (off unless a model is given).

The rules in ``tasks.nlp.quotes`` find what speech and belief words cue. About a quarter of the
attributions in PolNeAR are cued by other words ("backing", "voted for", "is pushing for",
"took credit for"), which no word list covers. A model trained on annotated news marks Content,
Cue and Source spans, and ``tasks.nlp.quotes`` adds the Contents no rule found that have a
tagged cue next to them and a speaker.

``WHOSAID_ATTRIBUTION_MODEL=<folder>`` turns it on. The folder holds one of two kinds of model:

- a CRF over whosaid's own parse, as ``whosaid train-attribution DIR`` writes it
  (``tasks.nlp.attribution_crf``): it reads the parsed doc (and, if it was trained stacked, the
  rules' own quotes, so it runs after the rules);
- a spaCy pipeline whose entity labels are CONTENT, CUE and SOURCE (``bench/trained_tagger.py``
  trains one): it reads raw text, beside the parse.

Off by default, for the reasons given in docs/quotes.md: whosaid ships no model, because the
only annotated news it has been measured on (PolNeAR) states no licence for its data.
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
    """The model ``WHOSAID_ATTRIBUTION_MODEL`` names, or None (unset, empty or ``off``)."""
    setting = os.environ.get(MODEL_ENV, "").strip()
    if not setting or setting.lower() == "off":
        return None
    return Path(setting).expanduser()


def _is_crf(path: Path) -> bool:
    from tasks.nlp import attribution_crf  # noqa: PLC0415

    return attribution_crf.is_model(path)


def check() -> Path | None:
    """Fail fast, before a run reads anything, when the folder named holds no model."""
    path = model_path()
    if path is not None and not (path / "config.cfg").is_file() and not _is_crf(path):
        raise FileNotFoundError(
            f"{MODEL_ENV}={path}: no spaCy pipeline there (no config.cfg), nor a model "
            "`whosaid train-attribution` wrote (no attribution.crfsuite and meta.json)"
        )
    return path


@functools.lru_cache(maxsize=2)
def _load(path: Path) -> Any:
    log.debug("loading attribution model from %s", path)
    if _is_crf(path):
        from tasks.nlp.attribution_crf import CrfTagger  # noqa: PLC0415

        return CrfTagger(path)
    import spacy  # noqa: PLC0415

    return spacy.load(path)


def _loaded() -> Any | None:
    path = check()
    return None if path is None else _load(path)


def tag(texts: Sequence[str], batch_size: int = 32) -> list[tuple[TaggedSpan, ...]]:
    """A spaCy tagger's spans for each raw text, in order; empty for every text when no model
    is on or the model is a CRF (which tags parsed docs: ``tag_parsed``)."""
    model = _loaded()
    if model is None or not hasattr(model, "pipe"):
        return [() for _ in texts]
    return [
        tuple((e.label_, e.start_char, e.end_char) for e in doc.ents)
        for doc in model.pipe(texts, batch_size=batch_size)
    ]


def parsed_model() -> Any | None:
    """The CRF that tags parsed docs (``CrfTagger``: ``.tag(doc, rules)``, ``.stacked`` when
    the rules' quotes are among its features); None when no model is on or the model is a
    spaCy tagger (which tags raw text: ``tag``)."""
    model = _loaded()
    return None if model is None or hasattr(model, "pipe") else model


def confidence() -> float | None:
    """The precision measured for its own quotes, as ``whosaid train-attribution``
    wrote it in ``meta.json`` (``confidence``, measured on articles held out from a first
    model); None when no model is on or its folder records none."""
    model = _loaded()
    meta = getattr(model, "meta", None) or {}
    value = meta.get("confidence")
    return float(value) if value is not None else None


__all__ = [
    "MODEL_ENV",
    "TaggedSpan",
    "check",
    "confidence",
    "model_path",
    "parsed_model",
    "tag",
]
