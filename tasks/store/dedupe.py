"""Near-duplicate articles by MinHash: the same wire story in two outlets, a re-crawl whose
furniture changed, a republished piece with a new headline.

Texts become sets of word 5-gram shingles (case and punctuation folded); MinHash signatures
(datasketch) estimate the Jaccard similarity of two sets, and banded locality-sensitive hashing
finds the candidates without comparing every pair. Only signatures and band keys are kept,
never the texts, and they are kept in a scratch SQLite file with a bounded page cache
(``DedupeState``), so the flow's memory does not grow with the number of articles.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import struct
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param

# Word 5-grams: long enough that two different articles on one topic share few of them, short
# enough that a changed word disturbs only five shingles (Broder 1997 used 10-word shingles for
# web pages; news-dedup work and Lee et al. 2022 "Deduplicating Training Data" use 5).
SHINGLE_WORDS = 5
# 128 permutations: the standard error of the Jaccard estimate is sqrt(J(1-J)/128) ≈ 0.035 at
# J = 0.8 (Broder 1997), small next to the gap between near-duplicates (>0.9) and related stories
# on one event (<0.3 on the ScrapingHub pages, see tests/test_dedupe.py).
NUM_PERM = 128
# Jaccard similarity from which two bodies are one article. 0.8 is the value Lee et al. (2022)
# and the SlimPajama/RedPajama dedup use on 5-gram MinHash; on news it holds a story with a
# changed footer or headline (0.9+) and one trimmed by a fifth (~0.8), and leaves apart two
# reports of one event (checked on the ScrapingHub pages: no pair above 0.3).
THRESHOLD = 0.8
# Signatures are kept as their low 16 bits (b-bit minwise hashing, Li & König 2010): two equal
# full values give equal low bits, unequal ones collide with probability 2**-16, so the estimate
# moves by at most ~1.5e-5 while the store halves against 32-bit values.
SIGNATURE_BITS = 16
_SIG_DTYPE = np.uint16
# SQLite's page cache for the dedupe state, in KiB: the state's only memory, whatever the number
# of articles (the cache fills as the store grows, up to this). 2 MiB, SQLite's own default:
# measured over 20k articles, 8 MiB of cache saved ~30 us per article (258 vs 289 us, against
# ~150 ms of NLP) and cost 8 MB of peak RSS; lookups that miss it hit the OS page cache.
CACHE_KIB = 2 * 1024

_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = SHINGLE_WORDS) -> set[bytes]:
    """Word n-grams of a text, lowercased, as UTF-8 bytes (what MinHash.update takes)."""
    words = _WORD.findall(text.casefold())
    if len(words) < n:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + n]).encode("utf-8") for i in range(len(words) - n + 1)}


def signature(text: str, num_perm: int = NUM_PERM) -> np.ndarray:
    """The MinHash signature of a text's shingles."""
    mh = MinHash(num_perm=num_perm)
    mh.update_batch(list(shingles(text)))
    return mh.hashvalues


_SCHEMA = """
    CREATE TABLE IF NOT EXISTS hashes (h BLOB PRIMARY KEY, run_id TEXT) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS hashes_run ON hashes (run_id);
    CREATE TABLE IF NOT EXISTS signatures (
        idx INTEGER PRIMARY KEY, article_id TEXT, sig BLOB, run_id TEXT);
    CREATE INDEX IF NOT EXISTS signatures_run ON signatures (run_id);
    CREATE INDEX IF NOT EXISTS signatures_article ON signatures (article_id);
    CREATE TABLE IF NOT EXISTS bands (key INTEGER PRIMARY KEY, idx INTEGER);
    CREATE INDEX IF NOT EXISTS bands_idx ON bands (idx);
    CREATE TABLE IF NOT EXISTS indexed_runs (run_id TEXT PRIMARY KEY);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


def _layout() -> str:
    """What the stored signatures and band keys depend on: a change of any starts afresh."""
    return f"v1 shingles={SHINGLE_WORDS} perm={NUM_PERM} bits={SIGNATURE_BITS} t={THRESHOLD}"


def _connect(name: str, scratch: bool) -> sqlite3.Connection:
    db = sqlite3.connect(name, isolation_level=None, check_same_thread=False)
    if scratch:  # rebuilt by the next run if this one dies: no journal, no fsync
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
    else:  # survives a killed process; an OS crash at worst costs a rebuild from Parquet
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    db.executescript(_SCHEMA)
    return db


def _open_store(directory: Path | None = None) -> sqlite3.Connection:
    """A scratch SQLite store, in ``directory`` (else the system's temporary folder). The file
    is unlinked as soon as it is open: it disappears with the connection, even when the
    process is killed."""
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="whosaid-dedupe-", suffix=".sqlite", dir=directory)
    os.close(fd)
    try:
        return _connect(name, scratch=True)
    finally:
        os.unlink(name)


def _open_persistent(path: Path) -> sqlite3.Connection:
    """The warehouse's store at ``path``. A file that is not a store of this layout (corrupt,
    or written with other MinHash settings) is replaced by an empty one, which ``sync`` then
    fills from the warehouse's Parquet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = _connect(str(path), scratch=False)
        row = db.execute("SELECT value FROM meta WHERE key = 'layout'").fetchone()
        empty = db.execute("SELECT count(*) FROM signatures").fetchone()[0] == 0
        if row is None and empty:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('layout', ?)", (_layout(),))
            return db
        if row is not None and row[0] == _layout():
            return db
        db.close()
    except sqlite3.DatabaseError:
        pass
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    db = _connect(str(path), scratch=False)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('layout', ?)", (_layout(),))
    return db


# Reads back committed runs' articles from Parquet: (run_id, article_id, content_hash, body).
ArticleRows = Callable[[list[str]], Iterable[tuple[str, str, str, str]]]


class DedupeState:
    """What has been seen, on disk: content hashes (exact duplicates) and MinHash signatures with
    their LSH bands (near duplicates), in SQLite rather than Python sets and dicts, so that the
    flow's memory does not grow with the dump: in Python they cost ~1.6 kB per article, in
    SQLite the memory is a bounded page cache (``CACHE_KIB``).

    ``DedupeState()`` is a scratch store for one pass. ``DedupeState(path, run_id)`` is the
    warehouse's store (``<warehouse>/state/dedupe.sqlite``): every row carries the run that
    added it; ``sync`` drops the rows of runs that never committed and indexes committed runs
    it has not seen (from their Parquet, so a lost or stale store rebuilds itself), and
    ``mark_committed`` records the run once its manifest is written. So near-duplicates are
    found across runs too: tomorrow's re-crawl of a story with a new footer is a duplicate of
    the article already in the warehouse.
    """

    def __init__(
        self, path: Path | None = None, run_id: str = "", directory: Path | None = None
    ) -> None:
        self.run_id = run_id
        self.db = _open_persistent(path) if path is not None else _open_store(directory)
        self.hashes = ContentHashes(self.db, self)
        self.near = NearDuplicateIndex(self.db, state=self)

    def sync(self, committed: list[str], read_articles: ArticleRows) -> dict[str, int]:
        """Bring the store in line with the warehouse's committed runs (given in commit order)."""
        stored = {
            r
            for (r,) in self.db.execute(
                "SELECT run_id FROM indexed_runs UNION SELECT DISTINCT run_id FROM signatures "
                "UNION SELECT DISTINCT run_id FROM hashes"
            )
        }
        indexed = {r for (r,) in self.db.execute("SELECT run_id FROM indexed_runs")}
        stale = stored - set(committed)
        missing = [r for r in committed if r not in indexed]
        for run_id in stale | set(missing):
            self._drop_run(run_id)
        added = 0
        for run_id, article_id, content_hash, body in read_articles(missing) if missing else ():
            self.hashes.add(content_hash, run_id=run_id)
            self.near.add(article_id, body, run_id=run_id)
            added += 1
        self.db.executemany(
            "INSERT OR IGNORE INTO indexed_runs VALUES (?)", [(r,) for r in missing]
        )
        return {"dropped_runs": len(stale), "indexed_runs": len(missing), "indexed_articles": added}

    def _drop_run(self, run_id: str) -> None:
        db = self.db
        db.execute("BEGIN")
        db.execute(
            "DELETE FROM bands WHERE idx IN (SELECT idx FROM signatures WHERE run_id = ?)",
            (run_id,),
        )
        db.execute("DELETE FROM signatures WHERE run_id = ?", (run_id,))
        db.execute("DELETE FROM hashes WHERE run_id = ?", (run_id,))
        db.execute("DELETE FROM indexed_runs WHERE run_id = ?", (run_id,))
        db.execute("COMMIT")

    def mark_committed(self) -> None:
        """The run's manifest is written: its rows are the warehouse's from now on."""
        self.db.execute("INSERT OR IGNORE INTO indexed_runs VALUES (?)", (self.run_id,))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> DedupeState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _digest(content_hash: str) -> bytes:
    """The first 16 bytes of a hex SHA-256 content hash: collisions need ~2**64 articles."""
    return bytes.fromhex(content_hash[:32])


class ContentHashes:
    """A set of content hashes (hex SHA-256) in the dedupe store: ``in``, ``add``, ``discard``,
    ``update``, ``len``, as the ledger uses a set."""

    def __init__(self, db: sqlite3.Connection | None = None, state: Any = None) -> None:
        self.db = db if db is not None else _open_store()
        self.state = state

    @property
    def _run(self) -> str:
        return self.state.run_id if self.state is not None else ""

    def __contains__(self, content_hash: object) -> bool:
        if not isinstance(content_hash, str):
            return False
        row = self.db.execute("SELECT 1 FROM hashes WHERE h = ?", (_digest(content_hash),))
        return row.fetchone() is not None

    def add(self, content_hash: str, run_id: str | None = None) -> None:
        run = self._run if run_id is None else run_id
        self.db.execute("INSERT OR IGNORE INTO hashes VALUES (?, ?)", (_digest(content_hash), run))

    def update(self, content_hashes: Iterable[str]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO hashes VALUES (?, ?)",
            ((_digest(h), self._run) for h in content_hashes),
        )

    def discard(self, content_hash: str) -> None:
        self.db.execute("DELETE FROM hashes WHERE h = ?", (_digest(content_hash),))

    def __len__(self) -> int:
        row = self.db.execute("SELECT count(*) FROM hashes").fetchone()
        return int(row[0])


class NearDuplicateIndex:
    """An index of articles seen so far; ``find_or_add`` says whether a text is a near-duplicate.

    The first article of a group is its canonical one: later near-duplicates point at it. The
    signatures and band keys live in a SQLite store (``DedupeState``'s, or a scratch file of
    the index's own), not in Python objects.
    """

    def __init__(
        self,
        db: sqlite3.Connection | None = None,
        threshold: float = THRESHOLD,
        num_perm: int = NUM_PERM,
        state: Any = None,
    ) -> None:
        self.threshold, self.num_perm = threshold, num_perm
        self.db = db if db is not None else _open_store()
        self.state = state
        # datasketch's own choice of bands and rows for the threshold: the (b, r) minimising
        # false positives plus false negatives, equally weighted.
        self._bands, self._rows = _optimal_param(threshold, num_perm, 0.5, 0.5)

    def __len__(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM signatures").fetchone()[0])

    def remove(self, article_ids: Iterable[str]) -> None:
        """Forget articles (a batch whose NLP failed: they never reach the warehouse)."""
        for article_id in article_ids:
            self.db.execute(
                "DELETE FROM bands WHERE idx IN (SELECT idx FROM signatures WHERE article_id = ?)",
                (article_id,),
            )
            self.db.execute("DELETE FROM signatures WHERE article_id = ?", (article_id,))

    def _band_keys(self, hashvalues: np.ndarray) -> list[int]:
        """One 64-bit key per band, the band's number hashed in: one indexed column for all."""
        keys = []
        for b in range(self._bands):
            band = hashvalues[b * self._rows : (b + 1) * self._rows].astype(np.uint64).tobytes()
            digest = hashlib.blake2b(band, digest_size=8, salt=b.to_bytes(8, "little")).digest()
            keys.append(struct.unpack("<q", digest)[0])
        return keys

    def _low(self, hashvalues: np.ndarray) -> np.ndarray:
        return (hashvalues & ((1 << SIGNATURE_BITS) - 1)).astype(_SIG_DTYPE)

    def find(self, text: str) -> tuple[str, float] | None:
        """The canonical id and estimated similarity of the best near-duplicate, else None."""
        return self._find(signature(text, self.num_perm))

    def _find(
        self, hashvalues: np.ndarray, keys: list[int] | None = None
    ) -> tuple[str, float] | None:
        keys = keys if keys is not None else self._band_keys(hashvalues)
        marks = ", ".join("?" for _ in keys)
        rows = self.db.execute(
            "SELECT s.idx, s.article_id, s.sig FROM signatures s WHERE s.idx IN "
            f"(SELECT idx FROM bands WHERE key IN ({marks})) ORDER BY s.idx",
            keys,
        ).fetchall()
        low = self._low(hashvalues)
        best: tuple[str, float] | None = None
        for _, article_id, sig in rows:
            sim = float(np.mean(low == np.frombuffer(sig, dtype=_SIG_DTYPE)))
            if sim >= self.threshold and (best is None or sim > best[1]):
                best = (article_id, sim)
        return best

    def add(self, article_id: str, text: str, run_id: str | None = None) -> None:
        self._add(article_id, signature(text, self.num_perm), run_id=run_id)

    def _add(
        self,
        article_id: str,
        hashvalues: np.ndarray,
        keys: list[int] | None = None,
        run_id: str | None = None,
    ) -> None:
        keys = keys if keys is not None else self._band_keys(hashvalues)
        if run_id is None:
            run_id = self.state.run_id if self.state is not None else ""
        index = self.db.execute(
            "INSERT INTO signatures (article_id, sig, run_id) VALUES (?, ?, ?)",
            (article_id, self._low(hashvalues).tobytes(), run_id),
        ).lastrowid
        # The first article with a band key keeps it, as a dict's setdefault would.
        self.db.executemany(
            "INSERT OR IGNORE INTO bands VALUES (?, ?)", [(key, index) for key in keys]
        )

    def find_or_add(self, article_id: str, text: str) -> tuple[str, float] | None:
        """(canonical id, estimated similarity) when ``text`` near-duplicates an article already
        added; otherwise add it under ``article_id`` and return None."""
        hashvalues = signature(text, self.num_perm)
        keys = self._band_keys(hashvalues)
        hit = self._find(hashvalues, keys)
        if hit is None:
            self._add(article_id, hashvalues, keys)
        return hit
