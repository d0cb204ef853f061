"""Settings: defaults in code, ``WHOSAID_*`` environment overrides, per-run values as flow
parameters. Every value, whichever way it comes in, is checked against ``ACCEPTS``: a bad one is
a ``SettingsError`` whose one line names the setting as it was given, the value and what is
accepted."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "WHOSAID_"


class SettingsError(ValueError):
    """A setting whosaid cannot use; the message is one line, fit to show the user as it is."""


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
        for name, accepts in ACCEPTS.items():
            accepts.check(getattr(self, name), name)


@dataclass(frozen=True)
class Accepts:
    """What one setting accepts: how its text (an environment variable) becomes a value, the
    test every value must pass, and what the error says is accepted."""

    parse: Callable[[str], Any]
    valid: Callable[[Any], bool]
    accepted: str

    def check(self, value: Any, given_as: str) -> Any:
        """``value`` if it passes, else a SettingsError naming ``given_as`` (the variable, the
        option or the field the value came in by)."""
        if not self.valid(value):
            raise self.error(given_as, value)
        return value

    def from_text(self, raw: str, given_as: str) -> Any:
        """The value ``raw`` stands for, checked; an error quotes ``raw`` as it was written."""
        try:
            value = self.parse(raw)
        except ValueError:
            raise self.error(given_as, raw) from None
        if not self.valid(value):
            raise self.error(given_as, raw)
        return value

    def error(self, given_as: str, shown: Any) -> SettingsError:
        return SettingsError(f"{given_as} is {shown!r}; it takes {self.accepted}")


def _whole_number(raw: str) -> int:
    return int(raw.strip())  # "4" and " 4 "; not "4.0", "four" or "" (int raises ValueError)


def _at_least(low: int) -> Callable[[Any], bool]:
    return lambda n: isinstance(n, int) and not isinstance(n, bool) and n >= low


# One row per Settings field that a variable or an option can set (``limits`` is code only);
# tests/test_cli.py checks that no field is missing.
ACCEPTS: dict[str, Accepts] = {
    "warehouse": Accepts(Path, lambda p: isinstance(p, Path), "a folder path"),
    "parquet_url": Accepts(
        str,
        lambda url: url is None or (isinstance(url, str) and url != ""),
        "a folder or an fsspec URL such as s3://bucket/prefix",
    ),
    "workers": Accepts(_whole_number, _at_least(0), "a whole number: 0 (one per core) or more"),
    "batch_size": Accepts(_whole_number, _at_least(1), "a whole number of articles, 1 or more"),
    "inflight_per_worker": Accepts(_whole_number, _at_least(1), "a whole number, 1 or more"),
}


def env_name(field_name: str) -> str:
    return ENV_PREFIX + field_name.upper()


def from_env(environ: dict[str, str] | None = None) -> Settings:
    """Settings with ``WHOSAID_WAREHOUSE``, ``WHOSAID_PARQUET_URL``, ``WHOSAID_WORKERS``,
    ``WHOSAID_BATCH_SIZE`` and ``WHOSAID_INFLIGHT_PER_WORKER`` applied. A variable set to the
    empty string counts as unset (``WHOSAID_WORKERS=$N`` with no N); a value the setting does
    not accept raises SettingsError."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = env.get(env_name(f.name))
        if f.name in ACCEPTS and raw is not None and raw.strip():
            values[f.name] = ACCEPTS[f.name].from_text(raw, env_name(f.name))
    return Settings(**values)
