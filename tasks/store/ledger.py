"""A run's ledger: what was read, kept, set aside as a duplicate or rejected — nothing lost.

The ledger lives in the flow's process and sees every cleaned record once, in order, so it is
where duplicates are decided (exact by content hash, near by MinHash) and where the accounting
identity ``records_read = articles + duplicates + rejects`` is kept and checked. It also holds
the rules that follow from articles being analysed elsewhere while the run goes on:

- An admitted article is *in flight* until its batch is settled: ``kept`` (its rows are in the
  warehouse's Parquet) or ``articles_failed`` (its NLP failed; it becomes a reject, and so do the
  duplicates that point at it).
- Rejects and duplicates leave memory as Parquet parts of ``FLUSH_ROWS`` rows during the run,
  through the ``write_part`` the flow gives it; a duplicate whose canonical article is still in
  flight stays in memory, since it may yet become a reject. ``close`` writes the rest.

Everything here is plain Python: the flow passes the writer in, tests pass a list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from tasks.model import Article, Reject
from tasks.store import rows

# Duplicates and rejects are written out in Parquet parts of this many rows as the run goes, so
# the ledger's lists stay bounded (a crawl can be a third duplicates: 300k rows per 1M records,
# and a hostile dump all rejects). 50,000 rows are ~18 MB of rejects or ~28 MB of duplicates in
# memory (tracemalloc, rows with typical paths and reasons), next to ~0.5 GB for spaCy per worker.
FLUSH_ROWS = 50_000
# The parts written during the run are numbered from 1; ``close`` writes the last rows as part 0.
FINAL_PART = 0
# A reject's reason is one line for a person to read: 300 characters hold an exception's type and
# the start of its message, and bound a flood of rejects (at most 0.3 GB of reasons per million).
REASON_CHARS = 300
# Reasons are counted by their text before the first colon, cut to 60 characters, so that a
# reason with no colon and a record's details in it still groups with its kind; the longest kind
# whosaid writes itself, "duplicate of an article whose NLP failed", is 41.
REASON_CLASS_CHARS = 60

# Writes one Parquet part: (table name, part number, rows as an Arrow table).
PartWriter = Callable[[str, int, pa.Table], None]


class AccountingError(RuntimeError):
    """The run's counts do not add up: a record was lost or counted twice."""


@dataclass
class Ledger:
    # A set, or tasks.store.dedupe.ContentHashes (the same operations, on disk)
    known_hashes: Any = field(default_factory=set)
    near_index: Any = None  # tasks.store.dedupe.NearDuplicateIndex, or None to skip near-duplicates
    run_id: str = ""
    # Where rejects and duplicates go as the run goes; None keeps them in memory (tests, bench).
    write_part: PartWriter | None = None
    records_read: int = 0
    articles: int = 0
    quotes: int = 0
    mentions: int = 0
    # Not yet written out: ``write_part`` takes these lists as Parquet parts as the run goes.
    rejects: list[Reject] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    n_rejects: int = 0
    n_duplicates: int = 0
    reject_reasons: Counter[str] = field(default_factory=Counter)
    # Admitted articles whose batch is not settled yet (kept or failed), by article id.
    in_flight: set[str] = field(default_factory=set)
    _next_part: dict[str, int] = field(
        default_factory=lambda: {"rejects": 1, "duplicates": 1}, repr=False
    )

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
        self._flush()

    def admit(self, cleaned: Iterable[Article | Reject]) -> list[Article]:
        """Count a cleaned batch; return the articles that are new (neither seen in this run nor
        already in the warehouse). They are in flight until ``kept`` or ``articles_failed``."""
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
        self.in_flight.update(a.article_id for a in new)
        self._flush()
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

    def kept(self, articles: list[Article], quotes: int = 0, mentions: int = 0) -> None:
        """A batch whose rows are written: its articles count, and the duplicates pointing at
        them are settled (free to leave memory)."""
        self.in_flight.difference_update(a.article_id for a in articles)
        self.articles += len(articles)
        self.quotes += quotes
        self.mentions += mentions
        self._flush()

    def articles_failed(self, articles: list[Article], reason: str) -> None:
        """A batch whose NLP failed: its articles become rejects (already counted as read), and
        duplicates pointing at them are rejected with them."""
        ids = {a.article_id for a in articles}
        self.in_flight.difference_update(ids)
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
        self._flush()

    def balanced(self) -> bool:
        return self.records_read == self.articles + self.n_duplicates + self.n_rejects

    def check(self) -> None:
        """Raise ``AccountingError`` unless every record read is an article, a duplicate or a
        reject. An article still in flight is none of them yet, so a batch never settled (a
        bug in the caller) fails the check too."""
        if not self.balanced():
            raise AccountingError(
                f"accounting broken: {self.records_read} records read, but {self.articles} "
                f"articles + {self.n_duplicates} duplicates + {self.n_rejects} rejects "
                f"({len(self.in_flight)} articles never settled)"
            )

    def close(self) -> None:
        """Check the accounting, then write the rejects and duplicates still in memory as the
        final parts (a run's Parquet holds every one of them once)."""
        self.check()
        if self.write_part is not None:
            self.write_part("rejects", FINAL_PART, rows.rejects_table(self.rejects, self.run_id))
            self.write_part(
                "duplicates", FINAL_PART, rows.duplicates_table(self.duplicates, self.run_id)
            )
            self.rejects, self.duplicates = [], []

    def _flush(self) -> None:
        """Write rejects and settled duplicates out once ``FLUSH_ROWS`` of either wait. A part
        of duplicates is written only when at least half of a part's rows are settled, so a
        run whose duplicates mostly wait on one batch does not write a part per call."""
        if self.write_part is None:
            return
        if len(self.rejects) >= FLUSH_ROWS:
            self._write("rejects", rows.rejects_table(self.rejects, self.run_id))
            self.rejects = []
        if len(self.duplicates) >= FLUSH_ROWS:
            settled = [d for d in self.duplicates if d["duplicate_of"] not in self.in_flight]
            if len(settled) >= max(1, FLUSH_ROWS // 2):
                self._write("duplicates", rows.duplicates_table(settled, self.run_id))
                self.duplicates = [
                    d for d in self.duplicates if d["duplicate_of"] in self.in_flight
                ]

    def _write(self, table: str, rows_table: pa.Table) -> None:
        assert self.write_part is not None
        part = self._next_part[table]
        self.write_part(table, part, rows_table)
        self._next_part[table] = part + 1


def reason_class(reason: str) -> str:
    """The kind of a reject reason, for counting: its text before the first colon."""
    return reason.split(":")[0][:REASON_CLASS_CHARS]
