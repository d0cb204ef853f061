"""Peak RSS of the dedupe state (tasks/store/dedupe.py: DedupeState) as articles are added.

    .venv/bin/python bench/dedupe_rss.py --articles 200000

Random MinHash signatures and content hashes stand in for articles (computing real signatures
would take ~2 ms each and measure MinHash, not the store): every article goes through the same
band lookup, insert and hash insert as the ledger does. Prints the process's peak RSS at a few
points; with the state in SQLite it should stay flat (an in-memory index held ~1.6 kB per
article: +320 MB at 200k).
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tasks.store import dedupe  # noqa: E402


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=200_000)
    args = p.parse_args()
    rng = np.random.default_rng(1)
    checkpoints = {args.articles // 100, args.articles // 10, args.articles // 2, args.articles}
    print("| articles | peak RSS MB | us per article (store only) |")
    print("|---:|---:|---:|")
    t0 = time.perf_counter()
    with dedupe.DedupeState() as seen:
        for i in range(1, args.articles + 1):
            values = rng.integers(0, 2**32, dedupe.NUM_PERM, dtype=np.uint64)
            keys = seen.near._band_keys(values)
            if seen.near._find(values, keys) is None:
                seen.near._add(f"a{i:023d}", values, keys)
            seen.hashes.add(hashlib.sha256(i.to_bytes(8, "little")).hexdigest())
            if i in checkpoints:
                per = (time.perf_counter() - t0) / i * 1e6
                print(f"| {i:,} | {peak_mb()} | {per:.0f} |", flush=True)


if __name__ == "__main__":
    main()
