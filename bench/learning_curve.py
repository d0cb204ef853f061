"""How much annotated news does the learned attribution layer need? The learning curve.

The CRF of ``tasks.nlp.attribution_crf`` (the layer ``whosaid train-attribution`` trains) is
trained on 50, 100, 200, 400 and all 840 PolNeAR train articles (nested random subsets, a fixed
seed, so each size holds the smaller ones) and each model is scored on PolNeAR dev with
``../shared/eval/score.py``, two ways:

- **rules + CRF**: as whosaid runs it with ``WHOSAID_ATTRIBUTION_MODEL`` naming the model
  (``tasks.nlp.analyse.quotes_for``: the rules' quotes are among the CRF's features, and its
  spans go back to ``extract_quotes`` as a tagger's): the CRF's Contents no rule found, with a
  Cue beside them and a resolvable speaker, are added to the rules' quotes;
- **CRF alone**: every Content the CRF marks is a quote, its speaker the nearest Source it marks
  within ``tasks.nlp.quotes.tagged.TAGGED_SOURCE_WINDOW`` tokens (the rules' decisions are
  still among its features).

    .venv/bin/python bench/learning_curve.py --cache /tmp/polnear-docs --out /tmp/curve

Both folders must lie outside the repo: the cache holds PolNeAR's texts, ``--out`` models
trained on them (PolNeAR states no licence, so none of them may ship).

``--corpus DIR`` trains on another brat corpus instead of PolNeAR train, such as the one this
project wrote (``corpus/attribution``; ``make attribution-model`` builds its brat in
``build/attribution-corpus``), on a quarter, a half and all of it unless ``--sizes`` says:

    .venv/bin/python bench/learning_curve.py --cache /tmp/polnear-docs --out /tmp/curve \
        --corpus build/attribution-corpus
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

import eval_quotes

from tasks.nlp import attribution_crf, quotes
from tasks.nlp.quotes.tagged import TAGGED_SOURCE_WINDOW

SIZES = (50, 100, 200, 400, 840)
# The subsets are prefixes of one shuffle of train's article names.
SEED = 16


def polnear_split(split: str, cache: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Per article of a PolNeAR split: name, body, whosaid's parse, entities, rule quotes and
    the gold spans (first annotator), in name order."""
    from tasks.nlp import entities  # noqa: PLC0415

    articles, _ = eval_quotes.load_articles(split, limit)
    docs = eval_quotes.cached_docs(split, articles, cache)
    gold = {
        a.name: a.spans for a in attribution_crf.read_brat(eval_quotes.EVAL_DIR / "polnear" / split)
    }
    out = []
    for article, doc in zip(articles, docs, strict=True):
        clusters, mentions = entities.extract_entities(doc)
        out.append(
            {
                "name": article.article_id,
                "body": article.body,
                "doc": doc,
                "clusters": clusters,
                "mentions": mentions,
                "rules": quotes.extract_quotes(doc, clusters, mentions),
                "spans": gold[article.article_id],
            }
        )
    return out


def brat_corpus(folder: Path) -> list[dict[str, Any]]:
    """``polnear_split``'s rows for a brat corpus in PolNeAR's layout, parsed here."""
    from tasks.nlp import entities  # noqa: PLC0415
    from tasks.nlp.analyse import load_nlp  # noqa: PLC0415

    corpus = attribution_crf.read_brat(folder)
    out = []
    for article, doc in zip(corpus, load_nlp().pipe(a.text for a in corpus), strict=True):
        clusters, mentions = entities.extract_entities(doc)
        out.append(
            {
                "name": article.name,
                "body": article.text,
                "doc": doc,
                "clusters": clusters,
                "mentions": mentions,
                "rules": quotes.extract_quotes(doc, clusters, mentions),
                "spans": article.spans,
            }
        )
    return out


def crf_alone(doc: Any, spans: list[tuple[str, int, int]]) -> list[dict[str, Any]]:
    """The CRF's Contents as quotes, each with the nearest tagged Source as its speaker."""

    def tokens(label_span: tuple[str, int, int]) -> tuple[int, int]:
        span = doc.char_span(label_span[1], label_span[2], alignment_mode="expand")
        return span.start, span.end

    def gap(a: tuple[int, int], b: tuple[int, int]) -> int:
        return max(a[0] - b[1], b[0] - a[1], 0)

    sources = [(s, tokens(s)) for s in spans if s[0] == "SOURCE"]
    out = []
    for content in (s for s in spans if s[0] == "CONTENT"):
        at = tokens(content)
        near = min(sources, key=lambda s: gap(s[1], at), default=None)
        speaker = None
        if near is not None and gap(near[1], at) <= TAGGED_SOURCE_WINDOW:
            speaker = doc.text[near[0][1] : near[0][2]]
        out.append(
            {
                "quote_text": doc.text[content[1] : content[2]],
                "speaker_text": speaker,
                "speaker_name": None,
            }
        )
    return out


def score_model(
    score: Any, model: Path, dev: list[dict[str, Any]], split: str = "dev"
) -> dict[str, dict]:
    """Scores of the rules with the model's additions, and of the model alone, over ``dev``
    (articles of ``split``, from ``polnear_split``)."""
    gold = score.load_polnear(eval_quotes.EVAL_DIR / "polnear" / split)
    gold = {a["name"]: gold[a["name"]] for a in dev}
    tagger = attribution_crf.CrfTagger(model)
    both: dict[str, list[dict]] = {}
    alone: dict[str, list[dict]] = {}
    t0 = time.perf_counter()
    for a in dev:
        spans = tagger.tag(a["doc"], a["rules"])
        found = quotes.extract_quotes(a["doc"], a["clusters"], a["mentions"], spans)
        both[a["name"]] = eval_quotes.scored_quotes(tuple(found), a["body"])
        alone[a["name"]] = crf_alone(a["doc"], spans)
    seconds = time.perf_counter() - t0
    rows = {
        "rules + CRF": score.quote_scores(gold, both),
        "CRF alone": score.quote_scores(gold, alone),
    }
    rows["rules + CRF"]["tag_seconds"] = seconds
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, required=True, help="parsed docs (eval_quotes)")
    parser.add_argument("--out", type=Path, required=True, help="models go here")
    parser.add_argument("--sizes", default=None, help="article counts, comma-separated")
    parser.add_argument(
        "--corpus", type=Path, default=None, help="a brat corpus to train on (not PolNeAR)"
    )
    parser.add_argument("--max-iterations", type=int, default=attribution_crf.MAX_ITERATIONS)
    parser.add_argument(
        "--stacked",
        choices=["yes", "no"],
        default="yes" if attribution_crf.STACKED else "no",
        help="the rules' quotes among the CRF's features",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(eval_quotes.EVAL_DIR))
    import score  # noqa: PLC0415

    train = brat_corpus(args.corpus) if args.corpus else polnear_split("train", args.cache)
    if args.sizes:
        sizes = [int(n) for n in args.sizes.split(",")]
    elif args.corpus:
        sizes = [max(1, round(len(train) * f)) for f in (0.25, 0.5, 1.0)]
    else:
        sizes = list(SIZES)
    source = f"{args.corpus} articles" if args.corpus else "PolNeAR train articles"
    dev = polnear_split("dev", args.cache)
    gold = score.load_polnear(eval_quotes.EVAL_DIR / "polnear" / "dev")
    rules = {a["name"]: eval_quotes.scored_quotes(tuple(a["rules"]), a["body"]) for a in dev}
    base = score.quote_scores(gold, rules)
    order = sorted(range(len(train)), key=lambda i: train[i]["name"])
    random.Random(SEED).shuffle(order)

    lines = [
        f"PolNeAR dev ({len(dev)} articles); CRF trained on n {source}"
        + ("" if args.stacked == "yes" else ", the rules' quotes not among its features"),
        "",
        "| train articles | system | P | R | F1 | exact F1 | source acc | train s |",
        "|---|---|---|---|---|---|---|---|",
        f"| 0 | rules alone | {base['P']:.3f} | {base['R']:.3f} | {base['F1']:.3f} | "
        f"{base['exact_F1']:.3f} | {base['source_acc']:.3f} | |",
    ]
    print("\n".join(lines), flush=True)
    for size in sizes:
        chosen = [train[i] for i in order[:size]]
        t0 = time.perf_counter()
        attribution_crf.train(
            ((a["doc"], a["rules"], a["spans"]) for a in chosen),
            args.out / f"crf-{size}",
            max_iterations=args.max_iterations,
            stacked=args.stacked == "yes",
        )
        seconds = time.perf_counter() - t0
        for name, s in score_model(score, args.out / f"crf-{size}", dev).items():
            line = (
                f"| {size} | {name} | {s['P']:.3f} | {s['R']:.3f} | {s['F1']:.3f} | "
                f"{s['exact_F1']:.3f} | {s['source_acc']:.3f} | "
                + (f"{seconds:.0f} |" if name == "rules + CRF" else "|")
            )
            lines.append(line)
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
