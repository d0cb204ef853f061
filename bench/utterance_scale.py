"""How long ``cluster_utterances`` (the load's utterance step) takes on many synthetic quotes.

    python bench/utterance_scale.py                     # 200k quotes, a fifth of the 1M budget
    python bench/utterance_scale.py --quotes 1000000 --repeat 3

The quotes are random word strings (no NLP): distinct texts of 20-30 words over a 5,000-word
vocabulary, every fourth text also quoted with one word changed (what near-duplicate matching
joins), spread over 3,000 speakers plus one very busy one who says a tenth of all the quotes
(the costly case: every text of one speaker is compared within that speaker).
``tests/test_utterances.py`` checks the clusters found on the same input; this script times it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tasks.store.utterances import QUOTES_IN, cluster_utterances  # noqa: E402

SAID_ON = date(2016, 9, 12)


def synthetic_quotes(
    n_quotes: int = 200_000, n_texts: int = 40_000, seed: int = 7
) -> tuple[pa.Table, list[tuple[str, int, bool]]]:
    """(quotes with ``QUOTES_IN``'s columns, and for each quote in order: its speaker, the index
    of the text it quotes and whether it is the edited version)."""
    vocabulary = [f"w{i}" for i in range(5000)]
    rng = random.Random(seed)
    # 20-30 words: one word changed in 20 keeps 17 of 21 distinct bigrams (Jaccard 0.81), over
    # tasks/store/utterances.MIN_JACCARD.
    texts = [rng.choices(vocabulary, k=rng.randint(20, 30)) for _ in range(n_texts)]
    published = datetime(SAID_ON.year, SAID_ON.month, SAID_ON.day, 12, tzinfo=UTC)
    rows, said = [], []
    for index in range(n_quotes):
        base = rng.randrange(n_texts)
        words = list(texts[base])
        edited = base % 4 == 0 and index % 2 == 1
        if edited:
            words[len(words) // 2] = "edited"
        speaker = f"E{base % 3000}" if index % 10 else "E0"
        said.append((speaker, base, edited))
        rows.append(
            {
                "quote_id": f"q{index}",
                "article_id": f"a{index // 5}",
                "speaker_entity_id": speaker,
                "speaker_name": None,
                "quote_text": " ".join(words),
                "said_on": SAID_ON,
                "published_at": published,
                "outlet": "nyt",
            }
        )
    return pa.Table.from_pylist(rows, schema=QUOTES_IN), said


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quotes", type=int, default=200_000)
    parser.add_argument("--texts", type=int, default=None, help="distinct texts (quotes / 5)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    quotes, _ = synthetic_quotes(args.quotes, args.texts or max(1, args.quotes // 5))
    seconds = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        _, utterances = cluster_utterances(quotes)
        seconds.append(time.perf_counter() - t0)
    best = min(seconds)
    print(
        f"{quotes.num_rows} quotes -> {utterances.num_rows} utterances: best {best:.1f} s, "
        f"median {statistics.median(seconds):.1f} s of {args.repeat}; "
        f"{quotes.num_rows / best:,.0f} quotes/s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
