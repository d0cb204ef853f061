"""Furniture an outlet repeats: lines of a text dump that the outlet's other pages carry too.

A paragraph that recurs across an outlet's articles (the corporate "about us" blurb, a comment
policy, a newsletter plug, an author box, a subscription prompt) is furniture, however much it
reads like prose. The line rules and the line model judge one page at a time and cannot tell;
across pages it is plain. So every text-dump page's lines are fingerprinted, the fingerprints are
kept per outlet (``tasks.store.line_memory``), and a later page of the outlet is cleaned without
the lines its earlier pages already carried.

Two guards keep article text in:
- **Versions of one story share their paragraphs** (a wire story updated through the day, a
  re-crawl). An earlier page that shares at least ``SAME_STORY_LINES`` long lines with this one,
  and at least ``SAME_STORY_SHARE`` of this page's long lines, is the same story and is not
  evidence of furniture.
- **A line with a quotation in it is never removed for repetition alone**: quotes are what
  whosaid is for, and outlets repeat a strong quote across follow-up stories.

Measured on PolNeAR's 924 article texts (article bodies, grouped by their 7 publishers, read in
a shuffled order; ``bench/repeats_polnear.py``): 76 of 18,149 lines are marked, nearly all the
furniture PolNeAR kept in its texts ("Follow ... on Twitter", editor's notes, "Do you support
...? Like the page"). Without the same-story guard it is 188, the extra ones paragraphs of
stories that appear in several versions.

What it cannot tell: a brief whose few paragraphs are outnumbered by the outlet's long furniture
paragraphs looks like a version of the earlier page (the same-story guard), and keeps them.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# Lines shorter than this are left to the line rules: "Share", "Advertisement" and the like are
# already junk there, and short lines ("He declined.") recur in articles by chance.
MIN_WORDS = 3
# A long line is a paragraph-sized one, the unit versions of one story share; 12 words is about a
# sentence of news prose.
LONG_WORDS = 12
# The same-story guard (see the module docstring): two shared paragraphs and three in ten of the
# page's, set on PolNeAR with bench/repeats_polnear.py, where with them the lines marked are the
# furniture and not the paragraphs that versions of one story share.
SAME_STORY_LINES = 2
SAME_STORY_SHARE = 0.3

_WS = re.compile(r"\s+")
_DIGITS = re.compile(r"\d")
# An opening or closing quotation mark next to a word: the line quotes someone.
_QUOTED = re.compile(r"[\"\u201c\u201d\u00ab\u00bb]|''|(?:^|\s)[\u2018']\w|\w[.,!?]?[\u2019']\s*$")


def line_key(line: str) -> int | None:
    """A line's fingerprint (case, spaces and digits folded, so "© 2025" and "© 2026" match),
    as a signed 64-bit integer for SQLite; None for lines too short to count."""
    folded = _DIGITS.sub("0", _WS.sub(" ", line.strip().casefold()))
    if len(folded.split(" ")) < MIN_WORDS:
        return None
    digest = hashlib.blake2b(folded.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def page_id(text: str) -> str:
    """A page's identity: the same text read twice is one page, not two that agree."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()


def repeated_lines(
    lines: Sequence[str],
    seen: Mapping[int, Collection[str]],
    keys: Sequence[int | None] | None = None,
) -> set[int]:
    """Indices of ``lines`` that are the outlet's furniture, given ``seen``: for each line key,
    the earlier pages of the outlet that carried it. ``keys``: the lines' ``line_key``s, when
    the caller has them already."""
    if keys is None:
        keys = [line_key(line) for line in lines]
    long = [k for k, line in zip(keys, lines, strict=True) if k is not None and _is_long(line)]
    shared = Counter(page for k in long for page in seen.get(k, ()))  # type: ignore[arg-type]
    same_story = {
        page
        for page, n in shared.items()
        if n >= SAME_STORY_LINES and n >= SAME_STORY_SHARE * len(long)
    }
    return {
        i
        for i, (k, line) in enumerate(zip(keys, lines, strict=True))
        if k is not None
        and not _QUOTED.search(line)
        and any(page not in same_story for page in seen.get(k, ()))
    }


def _is_long(line: str) -> bool:
    return len(line.split()) >= LONG_WORDS


@dataclass
class OutletMemory:
    """What earlier pages taught, per outlet, while a batch is cleaned: ``earlier`` (the store's
    answer for an outlet and some keys, from runs before this one) plus the pages of this batch
    cleaned so far. ``learned`` collects (outlet, key, page) for the store to keep once the run
    commits."""

    earlier: Callable[[str, Sequence[int]], Mapping[int, Collection[str]]] | None = None
    learned: list[tuple[str, int, str]] = field(default_factory=list)
    _batch: dict[str, dict[int, set[str]]] = field(default_factory=dict)

    def strip(self, outlet: str | None, text: str) -> tuple[str, int]:
        """``text`` without the lines the outlet's earlier pages carried, and how many went;
        the page is then remembered for the pages after it."""
        if not outlet:
            return text, 0
        raw = text.split("\n")
        line_keys = [line_key(line) for line in raw]
        keys = [k for k in line_keys if k is not None]
        seen = self._seen(outlet, keys)
        drop = repeated_lines(raw, seen, line_keys)
        self._remember(outlet, page_id(text), keys)
        if not drop:
            return text, 0
        kept = ["" if i in drop else line for i, line in enumerate(raw)]
        return "\n".join(kept), len(drop)

    def _seen(self, outlet: str, keys: Sequence[int]) -> dict[int, set[str]]:
        seen: dict[int, set[str]] = {}
        if self.earlier is not None and keys:
            for k, pages in self.earlier(outlet, keys).items():
                seen[k] = set(pages)
        batch = self._batch.get(outlet, {})
        for k in keys:
            if k in batch:
                seen.setdefault(k, set()).update(batch[k])
        return seen

    def _remember(self, outlet: str, page: str, keys: Iterable[int]) -> None:
        batch = self._batch.setdefault(outlet, {})
        for k in dict.fromkeys(keys):
            pages = batch.setdefault(k, set())
            if page not in pages:
                pages.add(page)
                self.learned.append((outlet, k, page))
