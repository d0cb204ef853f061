"""How the NLP stage itself scales to two processes, without Prefect or the flow around it.

    .venv/bin/python bench/stage_scaling.py --corpus /tmp/c2k --articles 300

The same articles (read and cleaned as the flow does) go through
``tasks.nlp.analyse.analyse_articles``
once in one process, then split in two halves in two processes at once, each process having
loaded spaCy before the clock starts; spaCy's full ``nlp.pipe`` gets the same treatment as the
reference. If whosaid's stage scales like spaCy alone, whatever a 2-worker flow loses beyond
that is the flow's (orchestration, the flow process's own work, start-up, the load); if the
stage itself scales worse, it is the extraction's.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

_WORK: Any = None


def _load(kind: str) -> None:
    global _WORK
    from tasks.nlp import analyse as nlp

    if kind == "whosaid":
        nlp.load_nlp()
        _WORK = nlp.analyse_articles
    else:
        import importlib

        for package in nlp.MODEL_PACKAGES:
            try:
                model = importlib.import_module(package).load()
                break
            except ImportError:
                continue
        _WORK = lambda bodies: sum(1 for _ in model.pipe(bodies, batch_size=64))  # noqa: E731


def _run(items: list[Any]) -> float:
    t0 = time.perf_counter()
    _WORK(items)
    return time.perf_counter() - t0


def timed(kind: str, items: list[Any], processes: int) -> float:
    """Wall seconds for ``items`` split over ``processes`` processes started and loaded first."""
    ctx = mp.get_context("spawn")
    with ctx.Pool(processes, initializer=_load, initargs=(kind,)) as pool:
        pool.map(_run, [items[:4]] * processes)  # every process warm before the clock
        size = -(-len(items) // processes)
        t0 = time.perf_counter()
        pool.map(_run, [items[i : i + size] for i in range(0, len(items), size)])
        return time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, required=True)
    p.add_argument("--articles", type=int, default=300)
    args = p.parse_args()
    from tasks.clean import prepare
    from tasks.ingest.readers import Reader
    from tasks.model import Article

    records = []
    for item in Reader().read_path(args.corpus, str(args.corpus)):
        records.append(item)
        if len(records) >= args.articles:
            break
    articles = [a for a in prepare.prepare_batch(records) if isinstance(a, Article)]
    bodies = [a.body for a in articles]
    print(f"{len(articles)} articles, {sum(len(b.split()) for b in bodies):,} words")
    print("| stage | 1 process s | 2 processes s | 2 processes / 1 |")
    print("|---|---:|---:|---:|")
    for kind, items in (("spaCy full nlp.pipe", bodies), ("whosaid", articles)):
        key = "whosaid" if kind == "whosaid" else "spacy"
        one, two = timed(key, items, 1), timed(key, items, 2)
        label = "whosaid analyse_articles" if key == "whosaid" else kind
        print(f"| {label} | {one:.1f} | {two:.1f} | {one / two:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
