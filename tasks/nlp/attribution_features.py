"""Token features for the learned attribution layer (a CRF over whosaid's own parse).

One sequence per paragraph (whitespace tokens left out), one list of string features per token.
The features are chosen to carry over to cue words the training data never showed:

- the word, its shape, part of speech, dependency and head, the entity type spaCy gave it;
- its VerbNet classes (``tasks/lexicon/verbnet_classes.txt``), so "lambasted" and "criticized"
  share weights through ``judgment-33`` though only one was seen;
- which of whosaid's word lists hold it (speech verbs, attitudes, object and preposition cues,
  speech and attribution nouns, unnamed sources);
- the dependency path up to the nearest *cue candidate* above it (a word of those lists, or a
  verb of the VerbNet classes in ``attribution_verbnet_classes.txt``): the subject of a cue is
  its Source, its complement the Content, whatever the cue word;
- whether it sits between quote marks;
- what the rules decided (stacking): inside a rule quote's content, of which kind and
  confidence, the rule's cue word, the rule's speaker.

Neighbouring tokens' words, tags and rule decisions are added with their offset. The same
function builds training and tagging features, so a model sees at run time what it learnt from.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tasks import lexicon
from tasks.model import Quote
from tasks.nlp import quotes
from tasks.nlp.entities import doc_text
from tasks.nlp.quotes import marks

# Bumped whenever a feature changes meaning: a model trained on other features is refused.
FEATURE_VERSION = 1
# How far up the parse a token looks for a cue candidate: a Content word sits two to four
# arcs below its cue ("said [that [the plan [would fail]]]"); further up it is mostly chance.
CUE_PATH_MAX_ARCS = 6
# The path as seen from the cue: only its last arcs (nearest the cue) are kept as one feature,
# since the arcs further down say little about the role and multiply the feature values.
CUE_PATH_KEPT_ARCS = 3
# Rule confidence as a feature: the levels of quotes.CONFIDENCE that stand apart (0.95 direct
# with a cue, 0.85-0.9 indirect and according-to, 0.55-0.65 attitudes and inherited, below).
CONFIDENCE_LEVELS = ((0.8, "hi"), (0.6, "mid"), (0.0, "lo"))


@functools.cache
def verbnet_classes() -> dict[str, tuple[str, ...]]:
    """Base verb -> its VerbNet classes, from ``verbnet_classes.txt``."""
    out: dict[str, list[str]] = {}
    for line in lexicon.lines("verbnet_classes"):
        verb, _, cls = line.partition("\t")
        out.setdefault(verb.strip().lower(), []).append(cls.strip())
    return {verb: tuple(classes) for verb, classes in out.items()}


@functools.cache
def cue_class_numbers() -> frozenset[str]:
    """The VerbNet class numbers whose verbs are cue candidates."""
    return frozenset(entry[0] for entry in lexicon.entries("attribution_verbnet_classes"))


def _bases(form: str) -> list[str]:
    """Base forms an inflected verb could come from ("criticized" -> "criticize", "criticiz")."""
    out = [form]
    if form.endswith(("ies", "ied")):
        out.append(form[:-3] + "y")
    if form.endswith("es"):
        out.append(form[:-2])
    if form.endswith("s"):
        out.append(form[:-1])
    if form.endswith("ed"):
        out += [form[:-2], form[:-1]]
        if len(form) > 4 and form[-3] == form[-4]:
            out.append(form[:-3])  # "planned"
    if form.endswith("ing"):
        out += [form[:-3], form[:-3] + "e"]
        if len(form) > 5 and form[-4] == form[-5]:
            out.append(form[:-4])  # "planning"
    return out


@functools.lru_cache(maxsize=65536)
def classes_of(form: str) -> tuple[str, ...]:
    """The VerbNet classes of a verb form, through the first base form VerbNet lists."""
    table = verbnet_classes()
    for base in _bases(form):
        if base in table:
            return table[base]
    return ()


@functools.cache
def _word_lists() -> tuple[tuple[str, frozenset[str]], ...]:
    """(feature name, forms) for each of whosaid's lists a token can be in."""
    nouns = lexicon.words("attribution_nouns")
    return (
        ("speech", quotes.speech_verb_forms()),
        ("attitude", quotes.attitude_verb_forms()),
        ("object", quotes.object_verb_forms()),
        ("prep", frozenset(quotes.prep_verb_forms())),
        ("stance", quotes.stance_adjective_forms()),
        ("snoun", quotes.speech_noun_forms()),
        ("anoun", nouns | {n + "s" for n in nouns}),
        ("unnamed", lexicon.words("unnamed_sources")),
    )


def _lists_of(lower: str) -> list[str]:
    return [name for name, forms in _word_lists() if lower in forms]


def _is_candidate(lower: str, pos: str) -> bool:
    if pos in ("VERB", "AUX"):
        if any(c.rsplit("-", 1)[-1] in cue_class_numbers() for c in classes_of(lower)):
            return True
        return bool(_lists_of(lower))
    return lower in quotes.speech_noun_forms() or lower == "according"


def is_cue_candidate(token: Any) -> bool:
    """A word that could cue an attribution: in a cue list, or a verb of a cue VerbNet class."""
    return _is_candidate(token.lower_, token.pos_)


def paragraphs(doc: Any) -> list[list[int]]:
    """Token indices of each paragraph, whitespace tokens left out."""
    out: list[list[int]] = []
    current: list[int] = []
    for token in doc:
        if not token.is_space:
            current.append(token.i)
        if "\n" in token.text or "\n" in token.whitespace_:
            if current:
                out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def _confidence_level(confidence: float) -> str:
    return next(name for floor, name in CONFIDENCE_LEVELS if confidence >= floor)


def _rule_marks(doc: Any, rules: Sequence[Quote]) -> dict[int, list[str]]:
    """Per token index, what the rules decided about it."""
    by_token: dict[int, list[str]] = {}

    def tokens_in(start: int, end: int) -> Any:
        span = doc.char_span(start, end, alignment_mode="expand")
        return span if span is not None else ()

    for q in rules:
        level = _confidence_level(q.confidence)
        pieces = q.segments or ((q.quote_start, q.quote_end),)
        for start, end in pieces:
            span = tokens_in(start, end)
            for n, token in enumerate(span):
                by_token.setdefault(token.i, []).extend(
                    [f"r={q.kind}", f"r.c={level}"] + (["r.B"] if n == 0 else [])
                )
            if len(span):
                by_token.setdefault(span[-1].i, []).append("r.L")
        if q.cue_start is not None and q.cue_end is not None:
            for token in tokens_in(q.cue_start, q.cue_end):
                by_token.setdefault(token.i, []).append("r.cue")
        if q.speaker_start is not None and q.speaker_end is not None:
            for token in tokens_in(q.speaker_start, q.speaker_end):
                by_token.setdefault(token.i, []).append(f"r.src={q.speaker_kind}")
    return by_token


def _quoted(doc: Any) -> tuple[set[int], set[int]]:
    """Tokens between quote marks, and the first token after each opening mark."""
    inside: set[int] = set()
    first: set[int] = set()
    for span in quotes.find_quoted_spans(doc_text(doc)):
        words = doc.char_span(span.start, span.end, alignment_mode="expand")
        if words is None or not len(words):
            continue
        inside.update(t.i for t in words)
        first.add(words[0].i)
    return inside, first


@dataclass(frozen=True)
class _Columns:
    """The token attributes the features read, one list per attribute, read once per doc
    (spaCy builds a Token object on every access, which costs more than the features)."""

    text: list[str]
    lower: list[str]
    pos: list[str]
    tag: list[str]
    dep: list[str]
    head: list[int]
    ent: list[str]
    shape: list[str]
    like_num: list[bool]
    sent_start: list[bool]

    @classmethod
    def of(cls, doc: Any) -> _Columns:
        cols: dict[str, list[Any]] = {name: [] for name in cls.__dataclass_fields__}
        for t in doc:
            cols["text"].append(t.text)
            cols["lower"].append(t.lower_)
            cols["pos"].append(t.pos_)
            cols["tag"].append(t.tag_)
            cols["dep"].append(t.dep_)
            cols["head"].append(t.head.i)
            cols["ent"].append(f"{t.ent_iob_}{t.ent_type_}" if t.ent_type_ else "O")
            cols["shape"].append(_shape(t))
            cols["like_num"].append(t.like_num)
            cols["sent_start"].append(bool(t.is_sent_start))
        return cls(**cols)


def _cue_path(i: int, c: _Columns, candidates: set[int]) -> list[str]:
    """Features of the path from token ``i`` up to the nearest cue candidate above it."""
    arcs: list[str] = []
    node = i
    for _ in range(CUE_PATH_MAX_ARCS):
        if c.head[node] == node:
            return ["cp=none"]
        arcs.append(c.dep[node])
        node = c.head[node]
        if node in candidates:
            kept = ">".join(reversed(arcs[-CUE_PATH_KEPT_ARCS:]))
            side = "before" if i < node else "after"
            return [
                f"cp={kept}",
                f"cp.top={arcs[-1]}",
                f"cp.n={len(arcs)}",
                f"cp.side={side}",
                f"cp.top.side={arcs[-1]}|{side}",
            ]
    return ["cp=far"]


def _shape(token: Any) -> str:
    if token.is_punct:
        return "punct"
    if token.like_num:
        return "num"
    if token.is_upper:
        return "upper"
    if token.is_title:
        return "title"
    return "lower"


QUOTE_MARK_TOKENS = frozenset(marks.OPEN_DOUBLE + marks.CLOSE_DOUBLE + "\"'‘’")


def _own(i: int, c: _Columns, candidates: set[int], inside: set[int], first: set[int]) -> list[str]:
    """Features of token ``i`` on its own (neighbours see the first four)."""
    lower = c.lower[i]
    pos = c.pos[i]
    head = c.head[i]
    f = [
        f"w={'<num>' if c.like_num[i] else lower}",
        f"pos={pos}",
        f"dep={c.dep[i]}",
        f"q={'in' if i in inside else 'out'}",
        f"shape={c.shape[i]}",
        f"tag={c.tag[i]}",
        f"suf={lower[-3:]}",
        f"ent={c.ent[i]}",
        f"dep.hpos={c.dep[i]}|{c.pos[head]}",
    ]
    if head != i:
        f += [f"h.w={c.lower[head]}", f"h.dep={c.dep[head]}"]
        if c.pos[head] == "VERB":
            f += [f"h.vn={cls}" for cls in classes_of(c.lower[head])]
    else:
        f.append("root")
    if pos in ("VERB", "AUX"):
        f += [f"vn={cls}" for cls in classes_of(lower)]
    f += [f"lex={name}" for name in _lists_of(lower)]
    if i in candidates:
        f.append("cue.cand")
    if i in first:
        f.append("q.first")
    if c.sent_start[i]:
        f.append("s.first")
    if c.text[i] in QUOTE_MARK_TOKENS:
        f.append("qmark")
    f += _cue_path(i, c, candidates)
    return f


def doc_features(doc: Any, rules: Sequence[Quote]) -> list[tuple[list[int], list[list[str]]]]:
    """(token indices, features per token) for each paragraph of ``doc``; ``rules`` are the
    rules' quotes over the same doc (``quotes.extract_quotes`` without a tagger)."""
    c = _Columns.of(doc)
    candidates = {i for i in range(len(c.lower)) if _is_candidate(c.lower[i], c.pos[i])}
    inside, first = _quoted(doc)
    marks = _rule_marks(doc, rules)
    out = []
    for para in paragraphs(doc):
        own = [_own(i, c, candidates, inside, first) for i in para]
        rule = [marks.get(i, ["r=none"]) for i in para]
        feats = []
        for n in range(len(para)):
            f = own[n] + rule[n]
            for k in (-2, -1, 1, 2):
                m = n + k
                if not 0 <= m < len(para):
                    f.append(f"{k}:edge")
                    continue
                f += [f"{k}:{x}" for x in own[m][:2]]
                if abs(k) == 1:
                    f += [f"{k}:{x}" for x in own[m][2:4] + rule[m][:1]]
            feats.append(f)
        out.append((para, feats))
    return out


__all__ = ["FEATURE_VERSION", "classes_of", "doc_features", "is_cue_candidate", "paragraphs"]
