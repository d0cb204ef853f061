"""How much article text the outlet-repeats rule (tasks/clean/repeats.py) would remove.

PolNeAR's texts are article bodies, so every line the rule marks there is either furniture
PolNeAR kept or a false positive. The 924 texts (train and dev) are read in a shuffled order
(seed 0), each outlet's pages teaching the next, as a dump of them would be cleaned; the script
prints how many lines were marked and a sample of them to read.

    python bench/repeats_polnear.py [--sample 30] [--no-same-story-guard]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tasks.clean import repeats  # noqa: E402

POLNEAR = ROOT.parent / "shared" / "eval" / "polnear"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--no-same-story-guard", action="store_true")
    args = parser.parse_args()
    if args.no_same_story_guard:
        repeats.SAME_STORY_LINES = 10**9
    with (POLNEAR / "metadata.tsv").open() as f:
        publisher = {r["filename"]: r["publisher"] for r in csv.DictReader(f, delimiter="\t")}
    paths = sorted(
        p for split in ("train", "dev") for p in (POLNEAR / split / "text").glob("*.txt")
    )
    random.Random(0).shuffle(paths)
    memory = repeats.OutletMemory()
    lines = marked = 0
    examples: list[tuple[str, str]] = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        outlet = publisher.get(path.stem, "?")
        before = text.split("\n")
        lines += sum(1 for line in before if repeats.line_key(line) is not None)
        after, removed = memory.strip(outlet, text)
        marked += removed
        examples += [
            (outlet, a) for a, b in zip(before, after.split("\n"), strict=True) if a and not b
        ]
    print(f"{len(paths)} PolNeAR texts, {lines} lines of {repeats.MIN_WORDS}+ words: "
          f"{marked} marked as outlet furniture ({marked / lines:.2%})")  # fmt: skip
    for outlet, line in random.Random(1).sample(examples, min(args.sample, len(examples))):
        print(f"  {outlet:13} {line[:100]}")


if __name__ == "__main__":
    main()
