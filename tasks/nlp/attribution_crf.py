"""The learned attribution layer: a linear-chain CRF that marks Source, Cue and Content tokens.

Trained on annotations in PolNeAR's brat standoff layout (``DIR/text/<article>.txt`` and
``DIR/attributions/<article>[_<annotator>].ann``) with ``whosaid train-attribution DIR``; the
folder it writes is what ``WHOSAID_ATTRIBUTION_MODEL`` names. Each paragraph is one sequence of
BIO tags over whosaid's own tokens, with the features of ``tasks.nlp.attribution_features``
(parse, VerbNet classes, word lists, quote marks and the rules' own decisions). Its spans go to
``tasks.nlp.quotes.extract_quotes`` as a tagger's spans: Contents no rule found, with a Cue
beside them and a speaker, become quotes.

python-crfsuite does the learning (L-BFGS with L1 and L2 penalties): training on the 840
PolNeAR train articles takes minutes on one core after the parse.
"""

from __future__ import annotations

import collections
import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tasks.model import Quote
from tasks.nlp import attribution_features as features

log = logging.getLogger(__name__)

MODEL_FILE = "attribution.crfsuite"
META_FILE = "meta.json"
LABELS = ("Content", "Cue", "Source")
# L-BFGS settings: c1 (L1) zeroes rare feature weights, c2 (L2) is python-crfsuite's usual
# scale. Swept by training on 200 PolNeAR train articles and scoring rules + CRF on 84 other
# train articles (bench/learning_curve.py's shuffle; dev unseen), F1 with the rules at 0.720:
# c1 0.02 / 0.1 / 0.5 / 1.0 at 100 iterations 0.744 / 0.744 / 0.749 / 0.751; at 300
# iterations c1 0.1 / 0.5 / 1.0 0.752 / 0.756 / 0.753.
C1 = 0.5
C2 = 0.01
MAX_ITERATIONS = 300
# Whether the rules' own quotes are features (stacking), which makes the layer run after the
# rules, and the rules run twice. Trained on the same 200 articles as the sweep above, rules +
# CRF on the 84 held-out train articles: stacked F1 0.756 (P 0.814), not stacked 0.752 (P
# 0.801); the NLP stage's speed did not differ beyond the machine's noise (docs/quotes.md).
STACKED = True
# The confidence the layer's quotes carry is measured at train time on every CONFIDENCE_FOLD-th
# article, held out from a first model; a corpus under CONFIDENCE_MIN_ARTICLES articles holds
# too few to measure (its model's quotes keep tasks.nlp.quotes.rules.CONFIDENCE["tagger"]).
CONFIDENCE_FOLD = 5
CONFIDENCE_MIN_ARTICLES = 10

# (label, start_char, end_char), as tasks.nlp.attribution_model.TaggedSpan.
Span = tuple[str, int, int]


@dataclass(frozen=True)
class Annotated:
    """One article of a training corpus: its text and its labelled spans (brat T lines)."""

    name: str
    text: str
    spans: tuple[Span, ...]


_T_LINE = re.compile(r"^T\d+\t(\w+) ([\d ;]+)\t")


def read_brat(folder: Path) -> list[Annotated]:
    """The articles of a brat corpus in PolNeAR's layout, with the Source, Cue and Content spans
    of one annotation file each (``<article>.ann``, else the first ``<article>_*.ann`` by name).
    An article with no annotation file is left out; a text with an empty one is kept (it says
    the article holds no attribution)."""
    texts = folder / "text"
    anns = folder / "attributions"
    if not texts.is_dir() or not anns.is_dir():
        raise FileNotFoundError(f"{folder}: expected text/ and attributions/ folders (brat)")
    by_article: dict[str, Path] = {}
    for ann in sorted(anns.glob("*.ann")):
        by_article.setdefault(ann.stem, ann)
        by_article.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    out = []
    for txt in sorted(texts.glob("*.txt")):
        ann_path = by_article.get(txt.stem)
        if ann_path is None:
            continue
        spans = []
        for line in ann_path.read_text(encoding="utf-8").splitlines():
            m = _T_LINE.match(line)
            if not m or m.group(1) not in LABELS:
                continue
            for piece in m.group(2).split(";"):
                start, end = map(int, piece.split())
                spans.append((m.group(1).upper(), start, end))
        out.append(Annotated(txt.stem, txt.read_text(encoding="utf-8"), tuple(spans)))
    return out


def bio_tags(doc: Any, spans: Iterable[Span]) -> list[str]:
    """One BIO tag per token of ``doc``: the longest span wins where two overlap (PolNeAR gives
    each token one label; a few of its spans still overlap)."""
    tags = ["O"] * len(doc)
    for label, start, end in sorted(spans, key=lambda s: s[1] - s[2]):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        toks = [t.i for t in span if not t.is_space]
        if not toks or any(tags[i] != "O" for i in toks):
            continue
        tags[toks[0]] = f"B-{label}"
        for i in toks[1:]:
            tags[i] = f"I-{label}"
    return tags


def spans_from_tags(doc: Any, indices: Sequence[int], tags: Sequence[str]) -> list[Span]:
    """Character spans of the BIO runs in one paragraph (an I- after another label opens one)."""
    out: list[Span] = []
    open_label, first, last = None, 0, 0
    for i, tag in zip(indices, tags, strict=True):
        kind, _, label = tag.partition("-")
        if open_label is not None and (kind != "I" or label != open_label):
            out.append((open_label, doc[first].idx, doc[last].idx + len(doc[last].text)))
            open_label = None
        if kind in ("B", "I") and open_label is None:
            open_label, first = label, i
        if open_label is not None:
            last = i
    if open_label is not None:
        out.append((open_label, doc[first].idx, doc[last].idx + len(doc[last].text)))
    return out


def train(
    examples: Iterable[tuple[Any, Sequence[Quote], Sequence[Span]]],
    out: Path,
    max_iterations: int = MAX_ITERATIONS,
    stacked: bool = STACKED,
) -> dict[str, Any]:
    """Train on (parsed doc, the rules' quotes over it, gold spans) and write the model folder;
    with ``stacked`` False the rules' quotes are not features. Returns what ``meta.json``
    records."""
    import pycrfsuite  # noqa: PLC0415

    trainer = pycrfsuite.Trainer(verbose=False)
    articles = sequences = tokens = 0
    for doc, rules, spans in examples:
        tags = bio_tags(doc, spans)
        for indices, feats in features.doc_features(doc, rules if stacked else ()):
            trainer.append(pycrfsuite.ItemSequence(feats), [tags[i] for i in indices])
            sequences += 1
            tokens += len(indices)
        articles += 1
    if not sequences:
        raise ValueError("no training text: the corpus has no annotated article")
    trainer.set_params(
        {
            "c1": C1,
            "c2": C2,
            "max_iterations": max_iterations,
            "feature.possible_transitions": True,
        }
    )
    out.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out / MODEL_FILE))
    meta = {
        "kind": "crf",
        "feature_version": features.FEATURE_VERSION,
        "articles": articles,
        "sequences": sequences,
        "tokens": tokens,
        "c1": C1,
        "c2": C2,
        "max_iterations": max_iterations,
        "stacked": stacked,
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def train_corpus(
    folder: Path,
    out: Path,
    max_iterations: int = MAX_ITERATIONS,
    stacked: bool = STACKED,
    batch_size: int = 32,
) -> dict[str, Any]:
    """Parse a brat corpus (``read_brat``) with whosaid's own pipeline, run the rules over it and
    train the CRF on the result: what ``whosaid train-attribution`` does. With at least
    ``CONFIDENCE_MIN_ARTICLES`` articles, a first model trained without every
    ``CONFIDENCE_FOLD``-th article measures the precision of the quotes the layer adds on those
    held-out articles; ``meta.json`` records it as ``confidence`` (the model's quotes carry it,
    ``tasks.nlp.quotes.tagged``), then the model is trained on the whole corpus."""
    import tempfile  # noqa: PLC0415

    from tasks.nlp import entities, quotes  # noqa: PLC0415
    from tasks.nlp.analyse import load_nlp  # noqa: PLC0415

    corpus = read_brat(folder)
    if not corpus:
        raise ValueError(f"{folder}: no article in text/ has an annotation file in attributions/")
    nlp = load_nlp()
    parsed = []
    for article, doc in zip(
        corpus, nlp.pipe((a.text for a in corpus), batch_size=batch_size), strict=True
    ):
        clusters, mentions = entities.extract_entities(doc)
        rules = quotes.extract_quotes(doc, clusters, mentions)
        parsed.append((article, doc, clusters, mentions, rules))

    def examples(rows: list[Any]) -> list[tuple[Any, Sequence[Quote], Sequence[Span]]]:
        return [(doc, rules if stacked else [], a.spans) for a, doc, _, _, rules in rows]

    measured: dict[str, Any] = {}
    if len(parsed) >= CONFIDENCE_MIN_ARTICLES:
        held = [row for n, row in enumerate(parsed) if n % CONFIDENCE_FOLD == CONFIDENCE_FOLD - 1]
        rest = [row for n, row in enumerate(parsed) if n % CONFIDENCE_FOLD != CONFIDENCE_FOLD - 1]
        with tempfile.TemporaryDirectory() as tmp:
            train(examples(rest), Path(tmp), max_iterations=max_iterations, stacked=stacked)
            tagger = CrfTagger(Path(tmp))
            right = added = 0
            for article, doc, clusters, mentions, rules in held:
                tagged = tagger.tag(doc, rules)
                found = quotes.extract_quotes(doc, clusters, mentions, tagged) if tagged else []
                gold = [(s, e) for label, s, e in article.spans if label == "CONTENT"]
                for q in found:
                    if q.rule != "tagger":
                        continue
                    added += 1
                    right += any(overlap_f1(q.quote_text, doc.text[s:e]) >= 0.5 for s, e in gold)
        if added:
            measured = {
                "confidence": round(right / added, 2),
                "confidence_quotes": added,
                "confidence_articles": len(held),
            }
    meta = train(examples(parsed), out, max_iterations=max_iterations, stacked=stacked)
    if measured:
        meta.update(measured)
        (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


_WORD = re.compile(r"\w+")


def overlap_f1(predicted: str, gold: str) -> float:
    """Token-overlap F1 of two spans' words: the matching ``../shared/eval/score.py`` uses (a
    predicted Content is right when it overlaps a gold one at 0.5 or more)."""
    a = collections.Counter(w.lower() for w in _WORD.findall(predicted))
    b = collections.Counter(w.lower() for w in _WORD.findall(gold))
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


class CrfTagger:
    """A trained model folder, ready to tag parsed docs."""

    def __init__(self, folder: Path) -> None:
        import pycrfsuite  # noqa: PLC0415

        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        if meta.get("feature_version") != features.FEATURE_VERSION:
            raise ValueError(
                f"{folder}: trained on features version {meta.get('feature_version')}, this "
                f"whosaid builds version {features.FEATURE_VERSION}: train it again"
            )
        self.meta = meta
        # Whether the rules' quotes are among its features: then it tags after the rules.
        self.stacked = bool(meta.get("stacked", True))
        self._items = pycrfsuite.ItemSequence
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(folder / MODEL_FILE))

    def tag(self, doc: Any, rules: Sequence[Quote] = ()) -> list[Span]:
        """The model's spans over ``doc``, given the rules' quotes over it (read only by a
        stacked model)."""
        out: list[Span] = []
        for indices, feats in features.doc_features(doc, rules if self.stacked else ()):
            tags = self.tagger.tag(self._items(feats))
            out += spans_from_tags(doc, indices, tags)
        return out


def is_model(folder: Path) -> bool:
    return (folder / MODEL_FILE).is_file() and (folder / META_FILE).is_file()


__all__ = [
    "Annotated",
    "CrfTagger",
    "bio_tags",
    "is_model",
    "read_brat",
    "spans_from_tags",
    "train",
    "train_corpus",
]
