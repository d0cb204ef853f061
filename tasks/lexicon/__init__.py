"""The word lists whosaid's rules read: ``tasks/lexicon/<name>.txt``, one entry a line.

One rule for every file: a line whose first character (after spaces) is ``#`` is a comment,
blank lines are skipped, and an entry is the line with its surrounding whitespace stripped.
Entries keep their case where they are read as written (regular expressions, tab-separated
pairs); :func:`words` and :func:`entries` lower-case them for matching against text.

Reading is cached: each file is read once per process.
"""

from __future__ import annotations

import functools
from pathlib import Path

DIR = Path(__file__).resolve().parent


@functools.cache
def lines(name: str) -> tuple[str, ...]:
    """The entries of ``<name>.txt`` as written."""
    out = []
    for raw in (DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return tuple(out)


@functools.cache
def entries(name: str) -> tuple[tuple[str, ...], ...]:
    """The entries of ``<name>.txt``, each as its lower-cased whitespace-separated forms."""
    return tuple(tuple(line.lower().split()) for line in lines(name))


@functools.cache
def words(name: str) -> frozenset[str]:
    """Every lower-cased form in ``<name>.txt``, whatever line it is on."""
    return frozenset(form for entry in entries(name) for form in entry)
