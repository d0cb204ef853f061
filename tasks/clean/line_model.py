"""The learned line model: a logistic regression that gives each line of a dump a probability of
being the article's, from the line's shape, the rules' own verdicts and the same for its
neighbours.

Its weights are ``line_model.json`` beside this module, written by ``bench/train_line_model.py``
from the development positions (even, in id order) of the bench's page sets, ScrapingHub,
L3S-GN1 and Readability (the file says what it was trained on and with which labels). At run time
the model is a dot product over those weights: no dependency. Its say is added to each line's
rule score before the main run is taken (``with_model_say``); a model file trained on other
features than ``LINE_FEATURE_NAMES`` is refused.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path

from tasks.clean.furniture import is_end_marker
from tasks.clean.line_shape import (
    DIGIT,
    SENTENCE_STOP,
    TERMINAL,
    WORD,
    stopword_density,
    text_length,
)
from tasks.clean.lines import (
    BAD_LINE_MIN_COST,
    Line,
    language_and_stopwords,
    main_run,
    scored_lines,
    split_lines,
)

LINE_MODEL_PATH = Path(__file__).resolve().with_name("line_model.json")

# The line model's say in the main run: a line adds LINE_MODEL_WEIGHT * 2 * (p - LINE_MODEL_NEUTRAL)
# times its length (at least BAD_LINE_MIN_COST) to its rule score, p the model's probability that
# it is the article's. Swept on the even pages: weight 0, 0.25, 0.5, 1.0 give F1 0.948, 0.948,
# 0.949, 0.949 (flat from 0.5). A neutral point of 0.4 instead of 0.5 bridges more gaps and costs
# precision: no better on the even pages.
LINE_MODEL_WEIGHT = 0.5
LINE_MODEL_NEUTRAL = 0.5
# Neighbourhood for context features: this many lines either side (a menu or a teaser block is
# 5-50 lines; an article's run of short lines 3-20).
CONTEXT_LINES = 3
WIDE_CONTEXT_LINES = 10
# Counts are put on a log scale and capped at 1: a line's length saturates at 1,000 characters
# and its words at 200 (a long paragraph), the distance from the rule-only run at 100 lines (a
# page's furniture is rarely further from the article than that).
LENGTH_SCALE = 1000
WORDS_SCALE = 200
DISTANCE_SCALE = 100
# exp() of a logit past +-30 gives a probability within 1e-13 of 0 or 1: clamped there so that no
# weight can overflow it.
MAX_LOGIT = 30.0

_UPPER_WORD = re.compile(r"^[A-Z\u00c0-\u00de]")
_PUNCT = re.compile(r"[,;()\[\]%]")

LINE_FEATURE_NAMES = (
    "bias",
    "log_length",
    "log_words",
    "stopword_density",
    "sentence_stop",
    "terminal",
    "colon_end",
    "digit_share",
    "capitalised_share",
    "all_caps",
    "inner_punct_per_word",
    "junk",
    "end_marker",
    "in_list",
    "class_good",
    "class_near",
    "class_short",
    "rule_score",
    "rail",
    "repeated",
    "position",
    "prev_rule_score",
    "next_rule_score",
    "context_rule_score",
    "context_short_share",
    "context_stopword_density",
    "context_junk_share",
    "wide_context_rule_score",
    "wide_context_good_share",
    "context_sentence_stop_share",
    "in_rule_run",
    "lines_outside_rule_run",
    "context_capitalised_share",
    "context_digit_share",
)


def _own_line_features(line: Line, score: float, stopwords: frozenset[str]) -> list[float]:
    text = line.text
    size = text_length(text)
    words = WORD.findall(text)
    n_words = max(1, len(words))
    return [
        min(1.0, math.log1p(size) / math.log(LENGTH_SCALE)),
        min(1.0, math.log1p(len(words)) / math.log(WORDS_SCALE)),
        stopword_density(text, stopwords),
        float(SENTENCE_STOP.search(text) is not None),
        float(TERMINAL.search(text) is not None),
        float(text.endswith(":")),
        len(DIGIT.findall(text)) / max(1, len(text)),
        sum(_UPPER_WORD.match(w) is not None for w in words) / n_words,
        float(text.upper() == text and any(c.isalpha() for c in text)),
        min(1.0, len(_PUNCT.findall(text)) / n_words),
        float(line.junk),
        float(is_end_marker(text)),
        float(line.in_list),
        float(line.cls == "good"),
        float(line.cls == "near"),
        float(line.cls == "short"),
        max(-1.0, min(1.0, score / max(size, BAD_LINE_MIN_COST))),
    ]


def line_features(
    lines: Sequence[Line], scores: Sequence[float], rail: set[int], stopwords: frozenset[str]
) -> list[list[float]]:
    """One feature vector per line (LINE_FEATURE_NAMES), from the line and its neighbours."""
    own = [_own_line_features(ln, s, stopwords) for ln, s in zip(lines, scores, strict=True)]
    counts: dict[str, int] = {}
    for ln in lines:
        counts[ln.text] = counts.get(ln.text, 0) + 1
    n = len(lines)
    rule = [f[16] for f in own]
    span = main_run(list(scores)) or (0, 0)
    # Window means of some of the line's own features (indexes into _own_line_features).
    columns = {"rule": 16, "short": 15, "stop": 2, "junk": 10, "good": 13, "sentence": 3}
    columns |= {"capital": 7, "digit": 6}
    prefix = {
        name: list(itertools.accumulate((f[c] for f in own), initial=0.0))
        for name, c in columns.items()
    }

    def window_mean(name: str, i: int, size: int, with_self: bool) -> float:
        lo, hi = max(0, i - size), min(n, i + size + 1)
        total = prefix[name][hi] - prefix[name][lo]
        count = hi - lo
        if not with_self:
            total -= own[i][columns[name]]
            count -= 1
        return total / max(1, count)

    out = []
    for i, ln in enumerate(lines):
        out.append(
            [1.0]
            + own[i]
            + [
                float(i in rail),
                float(counts[ln.text] > 1),
                i / max(1, n - 1),
                rule[i - 1] if i > 0 else -1.0,
                rule[i + 1] if i + 1 < n else -1.0,
                window_mean("rule", i, CONTEXT_LINES, False),
                window_mean("short", i, CONTEXT_LINES, False),
                window_mean("stop", i, CONTEXT_LINES, False),
                window_mean("junk", i, CONTEXT_LINES, False),
                window_mean("rule", i, WIDE_CONTEXT_LINES, True),
                window_mean("good", i, WIDE_CONTEXT_LINES, True),
                window_mean("sentence", i, CONTEXT_LINES, False),
                float(span[0] <= i < span[1]),
                min(
                    1.0,
                    math.log1p(max(span[0] - i, i - span[1] + 1, 0)) / math.log(DISTANCE_SCALE),
                ),
                window_mean("capital", i, CONTEXT_LINES, False),
                window_mean("digit", i, CONTEXT_LINES, False),
            ]
        )
    return out


@functools.cache
def line_model() -> tuple[float, ...] | None:
    """The line model's weights in LINE_FEATURE_NAMES order, or None without a model file."""
    if not LINE_MODEL_PATH.exists():
        return None
    data = json.loads(LINE_MODEL_PATH.read_text(encoding="utf-8"))
    if tuple(data["features"]) != LINE_FEATURE_NAMES:
        raise ValueError(f"{LINE_MODEL_PATH} was trained on other features: retrain it")
    return tuple(float(w) for w in data["weights"])


def line_probability(weights: Sequence[float], features: Sequence[float]) -> float:
    """The model's probability that a line is the article's."""
    z = sum(w * x for w, x in zip(weights, features, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-MAX_LOGIT, min(MAX_LOGIT, z))))


def with_model_say(
    lines: Sequence[Line], scores: list[float], rail: set[int], stopwords: frozenset[str]
) -> list[float]:
    """The rule scores with the model's say added (see LINE_MODEL_WEIGHT); the rule scores as
    they are without a model file."""
    model = line_model()
    if model is None:
        return scores
    features = line_features(lines, scores, rail, stopwords)
    probability = [line_probability(model, f) for f in features]
    return [
        score
        + LINE_MODEL_WEIGHT
        * max(text_length(ln.text), BAD_LINE_MIN_COST)
        * 2
        * (p - LINE_MODEL_NEUTRAL)
        for ln, score, p in zip(lines, scores, probability, strict=True)
    ]


def page_line_features(text: str) -> tuple[list[str], list[list[float]]]:
    """The lines of a whole dump and their feature vectors, as the main run sees them (for
    training the line model)."""
    texts, in_list = split_lines(text)
    if not texts:
        return [], []
    _, stopwords = language_and_stopwords(texts)
    lines, scores, rail = scored_lines(texts, in_list, stopwords)
    return texts, line_features(lines, scores, rail, stopwords)
