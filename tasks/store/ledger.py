"""A run's ledger: what was read, kept, set aside as a duplicate or rejected — nothing lost.

The ledger lives in the flow's process and sees every cleaned record once, in order, so it is
where duplicates are decided (exact by content hash, near by MinHash) and where the accounting
identity ``records_read = articles + duplicates + rejects`` is kept and checked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tasks.model import Article, Reject


@dataclass
class Ledger:
    # A set, or tasks.store.dedupe.ContentHashes (the same operations, on disk)
    known_hashes: Any = field(default_factory=set)
    near_index: Any = None  # tasks.store.dedupe.NearDuplicateIndex, or None to skip near-duplicates
    records_read: int = 0
    articles: int = 0
    quotes: int = 0
    mentions: int = 0
    # Not yet written out: the flow writes these lists as Parquet parts as the run goes.
    rejects: list[Reject] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    n_rejects: int = 0
    n_duplicates: int = 0
    reject_reasons: Counter[str] = field(default_factory=Counter)

    def _reject(self, r: Reject) -> None:
        self.rejects.append(r)
        self.n_rejects += 1
        self.reject_reasons[reason_class(r.reason)] += 1

    def reject(self, items: Iterable[Reject], counted: bool = True) -> None:
        """Record rejects; ``counted=False`` for records already counted as read."""
        for r in items:
            self._reject(r)
            if counted:
                self.records_read += 1

    def admit(self, cleaned: Iterable[Article | Reject]) -> list[Article]:
        """Count a cleaned batch; return the articles that are new (neither seen in this run nor
        already in the warehouse)."""
        new: list[Article] = []
        for item in cleaned:
            self.records_read += 1
            if isinstance(item, Reject):
                self._reject(item)
                continue
            if item.content_hash in self.known_hashes:
                self._duplicate(item, item.content_hash[:24], "exact", 1.0)
                continue
            if self.near_index is not None:
                hit = self.near_index.find_or_add(item.article_id, item.body)
                if hit is not None:
                    self._duplicate(item, hit[0], "near", float(hit[1]))
                    continue
            self.known_hashes.add(item.content_hash)
            new.append(item)
        return new

    def _duplicate(self, a: Article, canonical: str, method: str, similarity: float) -> None:
        self.n_duplicates += 1
        self.duplicates.append(
            {
                "source_uri": a.source_uri,
                "source_locator": a.source_locator,
                "duplicate_of": canonical,
                "method": method,
                "similarity": similarity,
                "url": a.url,
                "outlet": a.outlet,
                "published_at": a.published_at,
                "title": a.title,
            }
        )

    def articles_failed(self, articles: list[Article], reason: str) -> None:
        """A batch whose NLP failed: its articles become rejects (already counted as read), and
        duplicates pointing at them are rejected with them."""
        ids = {a.article_id for a in articles}
        if self.near_index is not None:
            self.near_index.remove(ids)  # later copies must not point at an article never kept
        for a in articles:
            self.known_hashes.discard(a.content_hash)
            self._reject(Reject(a.source_uri, a.source_locator, "nlp", reason))
        kept = []
        for d in self.duplicates:
            if d["duplicate_of"] in ids:
                self.n_duplicates -= 1
                self._reject(
                    Reject(
                        d["source_uri"],
                        d["source_locator"],
                        "nlp",
                        "duplicate of an article whose NLP failed",
                    )
                )
            else:
                kept.append(d)
        self.duplicates = kept

    def balanced(self) -> bool:
        return self.records_read == self.articles + self.n_duplicates + self.n_rejects


def reason_class(reason: str) -> str:
    """The kind of a reject reason, for counting: its text before the first colon."""
    return reason.split(":")[0][:60]
