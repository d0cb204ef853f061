"""Thin Prefect wrappers around the pure steps in ``tasks/``.

Only I/O gets retries (fetching, loading DuckDB); transforms are deterministic and do not.
Each task handles a batch of articles, never one: a task run costs milliseconds to hundreds of
milliseconds of orchestration.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from prefect import task

from tasks.clean import prepare
from tasks.clean.repeats import OutletMemory
from tasks.ingest import fetch
from tasks.model import Article, RawRecord, Reject
from tasks.nlp import analyse as nlp
from tasks.settings import Limits
from tasks.store import line_memory, rows, warehouse


def _worth_retrying(task, task_run, state) -> bool:  # type: ignore[no-untyped-def]
    """Retry network trouble and 5xx; a 4xx, a refused URL or an oversized body is final."""
    return not isinstance(state.result(raise_on_failure=False), fetch.PermanentFetchError)


# A dropped connection or a 503 from a busy server usually clears within seconds: three retries
# over ~40 s, then the URL becomes a reject (stage source) and the run goes on.
@task(
    name="fetch-url", retries=3, retry_delay_seconds=[2, 10, 30], retry_condition_fn=_worth_retrying
)
def fetch_url(url: str, cache_dir: Path, limits: Limits) -> fetch.Fetched:
    return fetch.fetch(url, cache_dir, limits)


@task(name="clean-batch")
def clean_batch(
    records: list[RawRecord], limits: Limits, lines_store: str, run_id: str
) -> tuple[list[Article | Reject], float, list[tuple[str, int, str]]]:
    """The batch cleaned, each text dump with what its outlet's pages in other runs and earlier
    in the batch taught (``tasks.clean.repeats``); returns what this batch's pages teach, for
    the flow to keep."""
    t0 = time.perf_counter()
    store = line_memory.LineMemory.reader(Path(lines_store), run_id)
    memory = OutletMemory(earlier=store.pages if store is not None else None)
    try:
        cleaned = prepare.prepare_batch(records, limits, memory)
    finally:
        if store is not None:
            store.close()
    return cleaned, time.perf_counter() - t0, memory.learned


@dataclass(frozen=True)
class BatchResult:
    part: int
    articles: int
    mentions: int
    quotes: int
    seconds: dict[str, float] = field(default_factory=dict)
    speakers: tuple[str, ...] = ()


@task(name="entities-quotes-write-batch")
def analyse_batch(
    articles: list[Article], parquet_root: str, run_id: str, part: int
) -> BatchResult:
    """Entities and quotes for a batch of new articles (``analyse``), then the batch's Parquet
    parts under ``parquet_root`` (``write``): the root the flow resolved, an absolute path or a
    URL, so a worker on another machine writes where the flow reads.

    Two steps in one task run, because the rows are written by the process that made them:
    the flow gets back counts, not rows. As two tasks, every batch's rows would be pickled from
    the worker to the flow's process and back to a worker (or cross the network twice, from a
    Dask cluster), for a second task run per batch, the orchestration cost the batch size is
    chosen against (tasks/settings.py). A retried write would add little: a local write that
    fails (a full disk, a read-only folder) fails again, and s3fs retries an object store's
    timeouts and throttling itself (five attempts). A batch whose NLP or write raises is
    rejected whole, and the run goes on (flows/ingest.py: ``settle``)."""
    t0 = time.perf_counter()
    tables, speakers = analyse(articles, run_id)
    t1 = time.perf_counter()
    write(tables, parquet_root, run_id, part)
    t2 = time.perf_counter()
    return BatchResult(
        part,
        len(articles),
        tables["mentions"].num_rows,
        tables["quotes"].num_rows,
        {"nlp": t1 - t0, "write": t2 - t1},
        speakers,
    )


def analyse(articles: list[Article], run_id: str) -> tuple[dict[str, pa.Table], tuple[str, ...]]:
    """A batch's rows, by table (articles, mentions, entity_occurrences, quotes), and the
    speaker of every quote that has one (for the run's report)."""
    analyses = nlp.analyse_articles(articles)
    tables = rows.analysis_tables(analyses)
    tables["articles"] = rows.articles_table(articles, run_id)
    speakers = tuple(q.speaker_name for a in analyses for q in a.quotes if q.speaker_name)
    return tables, speakers


def write(tables: dict[str, pa.Table], parquet_root: str, run_id: str, part: int) -> None:
    """Each table as this batch's part (``part``) of the run under ``parquet_root``."""
    for name, table in tables.items():
        warehouse.write_part_at(parquet_root, name, run_id, part, table)


def _locked(task, task_run, state) -> bool:  # type: ignore[no-untyped-def]
    """Retry the load only while someone else holds the DuckDB file; a failed check is final."""
    return isinstance(state.result(raise_on_failure=False), warehouse.WarehouseLocked)


# ~1.5 minutes for a notebook or a duckdb shell holding the file to let go, on top of the three
# quick attempts to open it (warehouse.connect); then the load is deferred to the next run.
@task(name="load-duckdb", retries=3, retry_delay_seconds=[5, 20, 60], retry_condition_fn=_locked)
def load_duckdb(warehouse_dir: Path, parquet_url: str | None = None) -> warehouse.LoadResult:
    return warehouse.load(warehouse_dir, parquet_url=parquet_url)
