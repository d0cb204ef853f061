"""Would a tagger trained on PolNeAR itself reach the targets, alone or beside the rules?

An experiment, kept so it can be re-run. spaCy's own NER architecture (a CNN tok2vec of width
96 and a transition-based entity recogniser, the "efficiency" config spaCy generates for CPU)
is trained to mark PolNeAR's Content, Cue and Source spans as three entity labels. PolNeAR gives
each token to at most one attribution, so the spans hardly overlap (24 of 60,352 dropped).

- 90% of train is training data; the last 10% of train (by name) picks the best checkpoint, so
  dev is seen only when it is scored.
- Alone, each predicted Content becomes a quote, its speaker the nearest predicted Source
  within ``tasks.nlp.quotes.tagged.TAGGED_SOURCE_WINDOW`` tokens.
- The tagger is scored on dev alone, and beside the rules as whosaid runs it when
  ``WHOSAID_ATTRIBUTION_MODEL`` names a model (``tasks.nlp.attribution_model``): its Contents that
  overlap no rule quote, have a predicted Cue next to them and a resolvable speaker are added.
- Last, the rules' own quotes are split by whether the tagger has a Content matching them, to
  see whether it could serve as a filter instead.

    .venv/bin/python bench/trained_tagger.py --cache /tmp/polnear-docs --out /tmp/tagger

Both folders must lie outside the repo (they hold PolNeAR's texts and a model trained on them).
Training takes about 40 minutes on one core here (``--max-steps``, default 6000: about 7
epochs). Measured 2026-11-30 in docs/quotes.md: the tagger is an option, off by default.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
from pathlib import Path
from typing import Any

import eval_quotes

from tasks.nlp.quotes.tagged import TAGGED_SOURCE_WINDOW

LABELS = ("Content", "Cue", "Source")
HOLDOUT_SHARE = 0.1


def annotated_docs(split: str, cache: Path) -> list[Any]:
    """Docs with whosaid's tokenisation and PolNeAR's spans (first annotator) as entities."""
    from spacy.tokens import Doc, Span  # noqa: PLC0415
    from spacy.util import filter_spans  # noqa: PLC0415

    articles, _ = eval_quotes.load_articles(split, None)
    parsed = eval_quotes.cached_docs(split, articles, cache)
    folder = eval_quotes.EVAL_DIR / "polnear" / split / "attributions"
    first: dict[str, Path] = {}
    for ann in sorted(folder.glob("*.ann")):
        first.setdefault(ann.name.rsplit("_", 1)[0], ann)
    out = []
    for article, parse in zip(articles, parsed, strict=True):
        doc = Doc(
            parse.vocab, words=[t.text for t in parse], spaces=[bool(t.whitespace_) for t in parse]
        )
        spans = []
        for line in first[article.article_id].read_text().splitlines():
            parts = line.split("\t")
            if not line.startswith("T") or len(parts) < 3:
                continue
            kind, _, ranges = parts[1].partition(" ")
            if kind not in LABELS:
                continue
            for piece in ranges.split(";"):
                start, end = map(int, piece.split())
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is None:
                    continue
                lo, hi = span.start, span.end
                while lo < hi and doc[lo].is_space:  # the recogniser allows no edge whitespace
                    lo += 1
                while hi > lo and doc[hi - 1].is_space:
                    hi -= 1
                if hi > lo:
                    spans.append(Span(doc, lo, hi, label=kind.upper()))
        doc.ents = filter_spans(spans)
        out.append(doc)
    return out


def train(cache: Path, out: Path, max_steps: int) -> Path:
    from spacy.cli.init_config import init_config  # noqa: PLC0415
    from spacy.cli.train import train as spacy_train  # noqa: PLC0415
    from spacy.tokens import DocBin  # noqa: PLC0415

    out.mkdir(parents=True, exist_ok=True)
    docs = annotated_docs("train", cache)
    cut = int(len(docs) * (1 - HOLDOUT_SHARE))
    DocBin(docs=docs[:cut]).to_disk(out / "train.spacy")
    DocBin(docs=docs[cut:]).to_disk(out / "holdout.spacy")
    config = init_config(lang="en", pipeline=["ner"], optimize="efficiency", gpu=False)
    config.to_disk(out / "config.cfg")
    spacy_train(
        out / "config.cfg",
        out / "model",
        overrides={
            "paths.train": str(out / "train.spacy"),
            "paths.dev": str(out / "holdout.spacy"),
            "training.max_steps": max_steps,
            "training.eval_frequency": 500,
            "training.patience": max_steps,
        },
    )
    return out / "model" / "model-best"


def tagged_quotes(model: Path, articles: list[Any]) -> dict[str, list[dict[str, Any]]]:
    import spacy  # noqa: PLC0415

    nlp = spacy.load(model)
    out = {}
    for article, doc in zip(
        articles, nlp.pipe([a.body for a in articles], batch_size=16), strict=True
    ):
        by = collections.defaultdict(list)
        for ent in doc.ents:
            by[ent.label_].append(ent)

        def gap(a: Any, b: Any) -> int:
            return max(a.start - b.end, b.start - a.end, 0)

        preds = []
        for content in by["CONTENT"]:
            source = min(by["SOURCE"], key=lambda s: gap(s, content), default=None)
            if source is not None and gap(source, content) > TAGGED_SOURCE_WINDOW:
                source = None
            preds.append(
                {
                    "quote_text": content.text,
                    "speaker_text": source.text if source is not None else None,
                    "speaker_name": None,
                    "start": content.start_char,
                    "end": content.end_char,
                }
            )
        out[article.article_id] = preds
    return out


def matched(score: Any, preds: list[dict], rels: list[dict]) -> set[int]:
    """Indices of the predictions the scorer's one-to-one matching pairs with a gold Content."""
    return {i for i, _ in eval_quotes.matched_pairs(score, preds, rels)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, required=True, help="parsed docs (eval_quotes)")
    parser.add_argument("--out", type=Path, required=True, help="training data and model")
    parser.add_argument("--max-steps", type=int, default=6000)
    parser.add_argument("--model", type=Path, default=None, help="score this model; no training")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(eval_quotes.EVAL_DIR))
    import score  # noqa: PLC0415

    from tasks.nlp import attribution_model  # noqa: PLC0415

    model = args.model or train(args.cache, args.out, args.max_steps)
    articles, gold = eval_quotes.load_articles("dev", None)
    # The product's own merge (tasks.nlp.quotes), with the tagger off and then on.
    os.environ[attribution_model.MODEL_ENV] = "off"
    rules = eval_quotes.cached_run("dev", None, args.cache)["predictions"]
    os.environ[attribution_model.MODEL_ENV] = str(model)
    both = eval_quotes.cached_run("dev", None, args.cache)["predictions"]
    tagged = tagged_quotes(model, articles)

    systems = {"rules (whosaid)": rules, "tagger alone": tagged, "rules + tagger": both}
    print("PolNeAR dev\n\n| system | quotes | P | R | F1 | exact F1 | source acc |")
    print("|---|---|---|---|---|---|---|")
    for name, preds in systems.items():
        s = score.quote_scores(gold, preds)
        print(
            f"| {name} | {s['n_pred']} | {s['P']:.3f} | {s['R']:.3f} | {s['F1']:.3f} | "
            f"{s['exact_F1']:.3f} | {s['source_acc']:.3f} |"
        )
    added = {}
    for name, preds in both.items():
        found_by_rules = {(p["start"], p["end"]) for p in rules[name]}
        added[name] = [p for p in preds if (p["start"], p["end"]) not in found_by_rules]
    s = score.quote_scores(gold, added)
    print(f"\nthe tagger's additions alone: {s['n_pred']} quotes, P {s['P']:.3f}")

    groups: collections.Counter = collections.Counter()
    for article in articles:
        ours, mine = rules[article.article_id], tagged[article.article_id]
        right = matched(score, ours, gold[article.article_id])
        for i, q in enumerate(ours):
            backed = any(score.overlap_f1(q["quote_text"], p["quote_text"]) >= 0.5 for p in mine)
            key = (q["kind"], q["confidence"] >= eval_quotes.TRUSTED_CONFIDENCE, backed)
            groups[key + ("n",)] += 1
            groups[key + ("right",)] += i in right
    print("\n| rule quotes | confidence >= 0.8 | tagger agrees | n | P |\n|---|---|---|---|---|")
    for key in sorted({k[:3] for k in groups}):
        n = groups[key + ("n",)]
        print(f"| {key[0]} | {key[1]} | {key[2]} | {n} | {groups[key + ('right',)] / n:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
