"""The sample of ``src/`` articles re-annotated blind (``blind/``): 16 of the ``a_*`` and ``b_*``
articles drawn with a fixed seed, so the draw can be repeated and checked.

    python corpus/attribution/blind_sample.py          # prints the sample, one id a line
"""

from __future__ import annotations

import random
from pathlib import Path

SEED = 16
SIZE = 16
SRC = Path(__file__).resolve().parent / "src"


def sample(src: Path = SRC, seed: int = SEED, size: int = SIZE) -> list[str]:
    """Ids of ``size`` articles drawn from the ``a_*`` and ``b_*`` files of ``src``, in id order."""
    pool = sorted(p.stem for p in src.glob("[ab]_*.txt"))
    return sorted(random.Random(seed).sample(pool, size))


if __name__ == "__main__":
    print("\n".join(sample()))
