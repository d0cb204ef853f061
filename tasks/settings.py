"""Settings: defaults in code, ``WHOSAID_*`` environment overrides, per-run values as flow
parameters."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "WHOSAID_"


@dataclass(frozen=True)
class Limits:
    """Bounds that keep one bad record from costing the run. Each says why it is what it is."""

    # A news article is 1-50 kB of text; 20 MB for one record (a page, a JSON line) is far past
    # any real article and still small next to the machine's memory.
    max_record_bytes: int = 20 * 1024 * 1024
    # spaCy's own default nlp.max_length is 1,000,000 characters; the longest PolNeAR article is
    # about 30k. Longer bodies are cut at a paragraph break; articles.body_cut_chars says how
    # much was cut.
    max_article_chars: int = 200_000
    # Archives: decompression-bomb guards (zip bombs reach ratios of 1000:1 and more; text
    # compresses about 3-10:1, so 200:1 leaves a wide margin for genuine dumps).
    # Members: an archive of one file per article holds a few hundred a day for a large outlet,
    # so 100,000 is years of one; bytes: 8 GiB of text is millions of articles, within one
    # machine's disk.
    max_archive_members: int = 100_000
    max_archive_bytes: int = 8 * 1024**3
    max_archive_ratio: float = 200.0
    # A dump zipped inside a tarball inside a zip is three levels; 42.zip, the classic bomb, nests
    # five.
    max_archive_depth: int = 3
    # Fetching: a news page or a dump file; generous time, bounded size. The timeout is httpx's
    # per operation (connect, each read); past it a download must also keep a minimum rate
    # (tasks/ingest/fetch.py, MIN_BYTES_PER_S).
    fetch_timeout_s: float = 30.0
    fetch_max_bytes: int = 2 * 1024**3
    # http -> https -> www -> the canonical path is three hops; more than five is a loop or a trap.
    fetch_max_redirects: int = 5


@dataclass(frozen=True)
class Settings:
    warehouse: Path = Path("warehouse")
    # Where the Parquet parts go: any fsspec URL (s3://bucket/prefix with the `s3` extra, a
    # shared folder). None = <warehouse>/parquet. DuckDB, manifests and state stay in warehouse.
    parquet_url: str | None = None
    # Worker processes for cleaning and NLP; 0 means one per core.
    workers: int = 0
    # Articles per Prefect task run. A task run costs ~10-300 ms of orchestration; 100 articles
    # cost ~10-20 s of NLP on one core, so orchestration stays under ~2%, while the run's tail
    # (the last batch, on one worker while the others are done) stays short. 200 left a 2-worker
    # run of 300 articles at 0.96x one worker (docs/performance.md).
    batch_size: int = 100
    # Batches in flight at once, per worker: bounds memory whatever the dump size. Two is one
    # being worked on and one waiting, so a worker never idles for its next batch.
    inflight_per_worker: int = 2
    limits: Limits = Limits()

    @property
    def n_workers(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)

    def with_overrides(self, **values: Any) -> Settings:
        return replace(self, **{k: v for k, v in values.items() if v is not None})

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if self.workers < 0:
            raise ValueError("workers must be 0 (one per core) or more")


def from_env(environ: dict[str, str] | None = None) -> Settings:
    """Settings with ``WHOSAID_WAREHOUSE``, ``WHOSAID_PARQUET_URL``, ``WHOSAID_WORKERS``,
    ``WHOSAID_BATCH_SIZE`` (and so on, one per field) applied."""
    env = os.environ if environ is None else environ
    parse: dict[str, Any] = {"warehouse": Path, "parquet_url": lambda raw: raw or None}
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = env.get(ENV_PREFIX + f.name.upper())
        if raw is None or f.name == "limits":
            continue
        values[f.name] = parse.get(f.name, int)(raw)
    return Settings(**values)
