"""The model's attribute_ruler, applied with numpy instead of spaCy's Matcher.

en_core_web_sm's ``attribute_ruler`` maps the tagger's fine-grained TAG to POS and MORPH (and
fixes a dozen parse-dependent cases, tags and attaches whitespace tokens) with ~180 Matcher
patterns. Run per token through the Matcher it costs ~15% of the NLP stage (measured with
``bench/nlp_prototype.py``), as much as the parser. Every pattern in the model is one or two
tokens over TAG, LOWER, DEP and IS_SPACE, so each becomes a boolean mask over the Doc's arrays and
the rules apply in the ruler's own order (later rules win, every rule matched against the Doc as
it was before any of them, as the ruler does). The rules are read from the model at load time:
nothing here is a copy of them.

What it sets: POS, TAG, DEP and MORPH, token for token what the ruler sets
(``tests/test_nlp.py`` compares the two over every token of the seeds). LEMMA is left alone:
the pipeline excludes the lemmatizer and nothing in whosaid reads lemmas.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LOWER, MORPH, POS, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc

# What a pattern may look at: the Doc array column of each key.
_COLUMNS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
_READ = [TAG, LOWER, DEP, IS_SPACE]
# What a rule may set, in the order of the write arrays.
_SET = ("POS", "TAG", "DEP", "MORPH")
_WRITE = [POS, TAG, DEP, MORPH]


class UnsupportedRule(ValueError):
    """A pattern this module cannot evaluate: keep spaCy's own attribute_ruler."""


@dataclass(frozen=True)
class _Spec:
    """One token of a pattern: a test on one column (equal / in / not in / regex)."""

    column: int
    op: str
    values: tuple[int, ...] = ()
    regex: re.Pattern[str] | None = None


@dataclass(frozen=True)
class _Rule:
    tokens: tuple[tuple[_Spec, ...], ...]  # one pattern: a list of token specs
    index: int
    sets: tuple[tuple[int, int], ...]  # (write column, value)


def _hash(doc_vocab: Any, key: str, value: Any) -> int:
    if key == "IS_SPACE":
        return int(bool(value))
    return int(doc_vocab.strings.add(str(value)))


def _spec(vocab: Any, key: str, value: Any) -> _Spec:
    if key not in _COLUMNS:
        raise UnsupportedRule(f"pattern key {key}")
    column = _COLUMNS[key]
    if not isinstance(value, dict):
        return _Spec(column, "in", (_hash(vocab, key, value),))
    if len(value) != 1:
        raise UnsupportedRule(f"pattern operator {value}")
    ((op, arg),) = value.items()
    if op == "IN":
        return _Spec(column, "in", tuple(_hash(vocab, key, v) for v in arg))
    if op == "NOT_IN":
        return _Spec(column, "not_in", tuple(_hash(vocab, key, v) for v in arg))
    if op == "REGEX" and key == "LOWER":
        return _Spec(column, "regex", regex=re.compile(arg))
    raise UnsupportedRule(f"pattern operator {op} on {key}")


def compile_rules(vocab: Any, patterns: Sequence[dict[str, Any]]) -> list[_Rule]:
    """The ruler's ``patterns`` (its own export, in its order) as numpy-ready rules."""
    rules = []
    for entry in patterns:
        sets = []
        for key, value in entry["attrs"].items():
            if key == "LEMMA":
                continue
            if key not in _SET:
                raise UnsupportedRule(f"sets {key}")
            if key == "POS":
                code = POS_IDS[value]
            elif key == "MORPH":
                code = int(vocab.morphology.add(value))
            else:
                code = int(vocab.strings.add(value))
            sets.append((_SET.index(key), code))
        if not sets:
            continue
        for pattern in entry["patterns"]:
            tokens = tuple(
                tuple(_spec(vocab, key, value) for key, value in token.items()) for token in pattern
            )
            rules.append(_Rule(tokens, entry.get("index", 0), tuple(sets)))
    return rules


def _mask(spec: _Spec, columns: np.ndarray, doc: Doc) -> np.ndarray:
    column = columns[:, spec.column]
    if spec.op in ("in", "not_in"):
        # One comparison per value: np.isin's set-up costs more than the ~1k tokens of a Doc.
        hit = column == spec.values[0]
        for value in spec.values[1:]:
            hit |= column == value
        return hit if spec.op == "in" else ~hit
    assert spec.regex is not None
    regex = spec.regex
    return np.fromiter((bool(regex.search(t.lower_)) for t in doc), bool, len(doc))


def apply_rules(rules: Sequence[_Rule], doc: Doc) -> Doc:
    """Set POS, TAG, DEP and MORPH on ``doc`` as the attribute_ruler would."""
    n = len(doc)
    if n == 0:
        return doc
    columns = doc.to_array(_READ)
    out = doc.to_array(_WRITE)
    changed = np.zeros(len(_WRITE), dtype=bool)
    for rule in rules:
        length = len(rule.tokens)
        if length > n:
            continue
        starts = np.ones(n - length + 1, dtype=bool)
        for k, token in enumerate(rule.tokens):
            for spec in token:
                starts &= _mask(spec, columns, doc)[k : k + n - length + 1]
        if not starts.any():
            continue
        target = np.flatnonzero(starts) + (rule.index if rule.index >= 0 else length + rule.index)
        for col, code in rule.sets:
            out[target, col] = code
            changed[col] = True
    # POS and MORPH change on most tokens: one array write. TAG and DEP only on whitespace
    # tokens and a handful of words: set token by token, which leaves the heads alone.
    doc.from_array([POS, MORPH], out[:, [0, 3]])  # type: ignore[arg-type]
    before = doc.to_array([TAG, DEP])
    for col, name in ((1, "tag"), (2, "dep")):
        if changed[col]:
            for i in np.flatnonzero(out[:, col] != before[:, col - 1]):
                setattr(doc[int(i)], name, int(out[i, col]))
    return doc


class ArrayAttributeRuler:
    """A pipeline component: ``apply_rules`` with the rules of the ruler it replaces."""

    def __init__(self, rules: Sequence[_Rule]) -> None:
        self.rules = list(rules)

    def __call__(self, doc: Doc) -> Doc:
        return apply_rules(self.rules, doc)


@Language.factory("array_attribute_ruler")
def _make_array_attribute_ruler(nlp: Language, name: str) -> ArrayAttributeRuler:
    return ArrayAttributeRuler([])


def replace_attribute_ruler(nlp: Language) -> bool:
    """Swap ``nlp``'s attribute_ruler for an ``ArrayAttributeRuler`` with the same rules, in the
    same place. Returns False (and changes nothing) if a rule is of a kind it cannot evaluate."""
    if "attribute_ruler" not in nlp.pipe_names:
        return False
    try:
        ruler: Any = nlp.get_pipe("attribute_ruler")
        rules = compile_rules(nlp.vocab, ruler.patterns)
    except UnsupportedRule:
        return False
    component: Any = nlp.replace_pipe("attribute_ruler", "array_attribute_ruler")
    component.rules = rules
    return True
