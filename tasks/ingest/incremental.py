"""Incremental runs: a scheduled run reads only the sources that are new or changed.

The state is one small JSON file in the warehouse, ``state/sources.json``, keyed by source (the
resolved path of a local file, or the URL without credentials)::

    {"version": 1, "sources": {"/data/dumps/a.jsonl": {"size": 1234, "mtime_ns": ...,
                                                        "sha256": "...", "run_id": "..."}}}

Before a local file is read:

- same size and mtime as recorded → skipped after one ``stat``, without reading a byte;
- different size or mtime but the same SHA-256 (a ``touch``, a re-copy) → skipped after hashing;
- otherwise (or with ``full_rescan``) → read and parsed.

A URL is fetched with a conditional GET (``tasks.ingest.fetch`` revalidates its cached copy with
ETag /
Last-Modified, so an unchanged page costs a 304); the cached body is then hashed on local disk and
skipped when it is the body already ingested.

The state only moves when a run commits: the flow calls :meth:`SourceTracker.commit` right after
the run's manifest is written, under the run lock, and the file is replaced atomically. An entry
whose run is not committed in the warehouse (Parquet wiped, a crash between the manifest and the
state) is ignored, so the state can never hide data the warehouse does not hold; the worst a crash
costs is re-reading sources whose records then come back as duplicates.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from tasks.ingest.fetch import Fetched, redact

STATE_VERSION = 1
# Hash in 1 MiB blocks: large enough that Python overhead is negligible, small enough for memory.
HASH_BLOCK_BYTES = 1 << 20


@dataclass(frozen=True)
class SourceState:
    """What a source looked like when a committed run last read (or re-hashed) it."""

    size: int
    mtime_ns: int
    sha256: str
    run_id: str
    etag: str | None = None
    last_modified: str | None = None


def state_path(warehouse: Path) -> Path:
    return warehouse / "state" / "sources.json"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(HASH_BLOCK_BYTES):
            digest.update(block)
    return digest.hexdigest()


def load_state(warehouse: Path, committed_run_ids: set[str]) -> dict[str, SourceState]:
    """The recorded state, keeping only entries whose run is committed in the warehouse.

    A missing or unreadable file is an empty state: the run then reads everything, and the
    warehouse's duplicate detection keeps that from adding rows twice."""
    try:
        raw = json.loads(state_path(warehouse).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict) or raw.get("version") != STATE_VERSION:
        return {}
    out: dict[str, SourceState] = {}
    for key, entry in (raw.get("sources") or {}).items():
        try:
            state = SourceState(**entry)
        except TypeError:
            continue
        if state.run_id in committed_run_ids:
            out[key] = state
    return out


def save_state(warehouse: Path, sources: dict[str, SourceState]) -> None:
    """Replace the state file atomically (write a temporary file, fsync, rename)."""
    path = state_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"version": STATE_VERSION, "sources": {k: asdict(v) for k, v in sorted(sources.items())}}
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as fh:
        json.dump(body, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def file_key(path: Path) -> str:
    return str(path.resolve())


def url_key(url: str) -> str:
    return redact(url)


class SourceTracker:
    """Decides, source by source, whether a run must read it; collects the state to commit.

    One tracker per run, used from the flow's process only (sources are read there, in order).
    """

    def __init__(
        self, previous: dict[str, SourceState], run_id: str, full_rescan: bool = False
    ) -> None:
        self.previous = previous
        self.run_id = run_id
        self.full_rescan = full_rescan
        self.seen: dict[str, SourceState] = {}
        self.skipped = 0
        self.read = 0
        self.hashed = 0

    def unchanged_file(self, path: Path) -> bool:
        """True when ``path`` holds what a committed run already read: do not read it again.

        Anything that is not a plain readable file is left to the reader, which rejects it with
        a reason."""
        try:
            st = path.stat()
        except OSError:
            return False
        if not stat.S_ISREG(st.st_mode):
            return False
        key = file_key(path)
        before = self.previous.get(key)
        if (
            before
            and not self.full_rescan
            and (before.size, before.mtime_ns) == (st.st_size, st.st_mtime_ns)
        ):
            return self._skip(key, before)
        try:
            digest = sha256_file(path)
        except OSError:
            return False
        self.hashed += 1
        # The stat taken before hashing is recorded: if the file changes while it is being read,
        # its mtime moves on and the next run hashes it again.
        now = SourceState(st.st_size, st.st_mtime_ns, digest, self.run_id)
        if before and not self.full_rescan and before.sha256 == digest:
            return self._skip(key, replace(now, run_id=before.run_id))
        return self._read(key, now)

    def unchanged_download(self, url: str, fetched: Fetched) -> bool:
        """True when the fetched body (fresh or revalidated from the cache) is the one a
        committed run already read."""
        key = url_key(url)
        before = self.previous.get(key)
        try:
            size = fetched.path.stat().st_size
            digest = sha256_file(fetched.path)
        except OSError:
            return False
        self.hashed += 1
        now = SourceState(size, 0, digest, self.run_id, fetched.etag, fetched.last_modified)
        if before and not self.full_rescan and before.sha256 == digest:
            return self._skip(key, replace(now, run_id=before.run_id))
        return self._read(key, now)

    def unchanged_object(self, uri: str, info: dict[str, Any]) -> bool:
        """True when an object-store object (fsspec's ``info``) is the one a committed run read.

        Judged by size and the store's version tag (S3's ETag, a GCS md5, else the modification
        time), never by downloading it: an unchanged bucket costs one listing."""
        key = url_key(uri)
        before = self.previous.get(key)
        size = int(info.get("size") or 0)
        tag = next(
            (str(info[k]) for k in ("ETag", "etag", "md5Hash", "checksum") if info.get(k)), None
        )
        modified = next(
            (str(info[k]) for k in ("LastModified", "mtime", "updated", "created") if info.get(k)),
            None,
        )
        now = SourceState(size, 0, "", self.run_id, tag, modified)
        if (
            before
            and not self.full_rescan
            and (tag or modified)
            and (before.size, before.etag, before.last_modified) == (size, tag, modified)
        ):
            return self._skip(key, replace(now, run_id=before.run_id))
        return self._read(key, now)

    def _skip(self, key: str, state: SourceState) -> bool:
        self.seen[key] = state
        self.skipped += 1
        return True

    def _read(self, key: str, state: SourceState) -> bool:
        self.seen[key] = state
        self.read += 1
        return False

    def merged(self) -> dict[str, SourceState]:
        """The state after this run: earlier entries (other sources are not forgotten) updated
        with every source this run read or re-hashed."""
        return {**self.previous, **self.seen}

    def commit(self, warehouse: Path) -> None:
        """Record the new state. Call only after the run's manifest is written."""
        save_state(warehouse, self.merged())

    def summary(self) -> dict[str, Any]:
        return {
            "sources_read": self.read,
            "sources_unchanged": self.skipped,
            "sources_hashed": self.hashed,
            "full_rescan": self.full_rescan,
        }
