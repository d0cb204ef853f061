"""The ingest flow: read → clean → dedupe → analyse + write Parquet → commit → load DuckDB.

whosaid ingest samples/            # or: python -m flows.ingest samples/

``ingest`` is the pipeline, one stage a line; the functions under it are the stages. Reading,
cleaning, deduplication and analysis are lazy generators chained batch by batch, each stage
with at most ``Run.window`` batches in flight on the workers (flows/window.py), so memory depends
on the batch size, not on the dump. The rules of the run's accounting live in the ledger
(tasks/store/ledger.py).
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import whosaid  # noqa: F401  (offline Prefect defaults)

import pyarrow as pa
from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from flows import html_report, report, steps
from flows.report import Timings
from flows.window import in_order, window_size
from tasks import settings as settings_mod
from tasks.clean.prepare import batched
from tasks.ingest import incremental as incremental_mod
from tasks.ingest import sources as source_io
from tasks.ingest.fetch import redact
from tasks.ingest.readers import Reader
from tasks.model import Article, RawRecord, Reject
from tasks.nlp import attribution_model
from tasks.store import dedupe, line_memory, warehouse
from tasks.store.ledger import REASON_CHARS, Ledger


@flow(name="whosaid-ingest", log_prints=True, task_runner=ProcessPoolTaskRunner())
def ingest(
    sources: list[str] | None = None,
    warehouse_dir: str | None = None,
    workers: int | None = None,
    batch_size: int | None = None,
    full_rescan: bool = False,
    parquet_url: str | None = None,
    report_dir: str | None = None,
) -> dict[str, Any]:
    """Ingest news dumps (files, folders, archives, URLs) into the warehouse. Sources a committed
    run already read, unchanged since, are skipped unless ``full_rescan``. The Parquet parts go
    to ``parquet_url`` (any fsspec URL, e.g. s3://bucket/whosaid) when given, else to
    ``<warehouse>/parquet``. With ``report_dir``, the browsable report is rewritten there after
    the load."""
    run = start(sources, warehouse_dir, workers, batch_size, parquet_url)
    # What the warehouse has seen (content hashes, MinHash signatures) lives on disk, in
    # <warehouse>/state/dedupe.sqlite: bounded memory, and near-duplicates found across runs.
    wh = run.warehouse
    # The outlets' repeated lines (tasks/clean/repeats.py) live in <warehouse>/state too.
    with (
        warehouse.run_lock(wh),
        dedupe.DedupeState(dedupe_path(wh), run.id) as seen,
        line_memory.LineMemory(line_memory.store_path(wh), run.id) as lines,
    ):
        ledger, tracker = open_books(run, seen, lines, full_rescan)
        batches = read(run, ledger, tracker)  # records in batches; unreadable ones are rejects
        cleaned = clean(run, batches, lines)  # on the workers
        new = deduplicate(ledger, cleaned)  # here, where every article is seen once, in order
        analysed = analyse_and_write(run, new)  # NLP and the batch's Parquet, on the workers
        settle(run, ledger, analysed)  # waits on each batch: this pulls all through the stages
        manifest = commit(run, ledger, tracker, seen)  # the run's Parquet counts from here
        loaded, load_status = load(run, manifest)
    return finish(run, manifest, loaded, load_status, report_dir)


@dataclass
class Run:
    """One ingest run: its id, settings and where it writes, resolved once as it starts, and what
    it has measured so far (time per stage, quotes per speaker for the report)."""

    id: str
    settings: settings_mod.Settings
    sources: list[str]
    # The Parquet root as every worker gets it: an absolute path or a URL (s3://...), never one
    # each machine resolves on its own.
    parquet: str
    window: int  # batches in flight per stage (flows/window.py)
    started: datetime
    t0: float
    timings: Timings = field(default_factory=Timings)
    speakers: Counter[str] = field(default_factory=Counter)  # counts, not a list per quote

    @property
    def warehouse(self) -> Path:
        return self.settings.warehouse


def start(
    sources: list[str] | None,
    warehouse_dir: str | None,
    workers: int | None,
    batch_size: int | None,
    parquet_url: str | None,
) -> Run:
    """The run's settings (defaults, WHOSAID_* variables, then the flow's parameters) and the
    checks that stop a run before it reads anything: sources that do not exist, a Parquet URL
    nothing can write, an attribution tagger named but missing."""
    settings = settings_mod.from_env().with_overrides(
        warehouse=Path(warehouse_dir) if warehouse_dir else None,
        workers=workers,
        batch_size=batch_size,
        parquet_url=parquet_url,
    )
    parquet = warehouse.parquet_root(settings.warehouse, settings.parquet_url)
    srcs = list(sources or [os.environ.get("WHOSAID_SOURCES", "samples")])
    source_io.check_sources(srcs)
    if tagger := attribution_model.check():
        get_run_logger().info("attribution tagger on: %s", tagger)
    # The start second, then 32 random bits: ids sort by start time, and two runs started in one
    # second do not share one.
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    started, t0 = datetime.now(UTC), time.perf_counter()
    return Run(run_id, settings, srcs, parquet, window_size(settings), started, t0)


def dedupe_path(wh: Path) -> Path:
    return wh / "state" / "dedupe.sqlite"


def open_books(
    run: Run, seen: dedupe.DedupeState, lines: line_memory.LineMemory, full_rescan: bool
) -> tuple[Ledger, incremental_mod.SourceTracker]:
    """Under the run lock: remove what runs killed mid-way left, bring the dedupe and line
    stores up to date with the committed runs, and open the run's ledger and source tracker on
    them."""
    log = get_run_logger()
    wh = run.warehouse
    removed = warehouse.remove_uncommitted(wh, parquet_url=run.parquet)
    if removed:
        log.warning("removed the unfinished output of %d interrupted run(s)", len(removed))
    runs_in_order = [m["run_id"] for m in warehouse.committed_runs(wh)]
    synced = seen.sync(runs_in_order, lambda ids: warehouse.iter_article_rows(wh, run.parquet, ids))
    lines.keep_runs(runs_in_order)  # a killed run's lines go, as its Parquet did
    lines.prune()
    if synced["indexed_articles"]:
        log.info("dedupe store: indexed %d article(s) of earlier runs", synced["indexed_articles"])

    def write_part(table_name: str, part: int, table: pa.Table) -> None:
        warehouse.write_part_at(run.parquet, table_name, run.id, part, table)

    ledger = Ledger(seen.hashes, seen.near, run_id=run.id, write_part=write_part)
    state = incremental_mod.load_state(wh, set(runs_in_order))
    return ledger, incremental_mod.SourceTracker(state, run.id, full_rescan)


def read(
    run: Run, ledger: Ledger, tracker: incremental_mod.SourceTracker
) -> Iterator[list[RawRecord]]:
    """The sources' records, streamed in batches of ``batch_size``; a record that cannot be read
    (or a source that cannot be fetched) goes to the ledger as a reject. Unchanged sources are
    skipped by ``tracker``."""
    limits = run.settings.limits
    progress = report.Progress(len(source_io.source_files(run.sources)))
    items = source_io.iter_items(
        run.sources,
        Reader(limits),
        fetcher=lambda url: steps.fetch_url(url, run.warehouse / ".cache" / "fetch", limits),
        on_file=progress.advance,
        tracker=tracker,
    )
    t0 = time.perf_counter()
    for batch in batched(items, run.settings.batch_size):
        ledger.reject(item for item in batch if isinstance(item, Reject))
        if records := [item for item in batch if not isinstance(item, Reject)]:
            yield records
    # Until the last batch was read and handed on: reading, and the waits for a free slot.
    run.timings.add("read+orchestrate", time.perf_counter() - t0)


def clean(
    run: Run, batches: Iterable[list[RawRecord]], lines: line_memory.LineMemory
) -> Iterator[list[Article | Reject]]:
    """Each batch cleaned on the workers, in order; a batch whose cleaning raises becomes one
    reject per record, and the run goes on. What the pages teach about their outlets' furniture
    goes to ``lines``."""
    log = get_run_logger()

    store = str(line_memory.store_path(run.warehouse))

    def submit(records: list[RawRecord]) -> PrefectFuture:
        return steps.clean_batch.submit(records, run.settings.limits, store, run.id)

    for records, future in in_order(submit, batches, run.window):
        learned: list[tuple[str, int, str]] = []
        try:
            cleaned, seconds, learned = future.result()
        except Exception as exc:  # noqa: BLE001 - a failed batch is rejected, the run goes on
            log.error("cleaning batch failed, %d records rejected: %s", len(records), exc)
            reason = f"cleaning failed: {exc}"[:REASON_CHARS]
            cleaned, seconds = (
                [Reject(r.source_uri, r.source_locator, "clean", reason) for r in records],
                0.0,
            )
        run.timings.add("clean", seconds)
        lines.add(learned)  # for later runs: this run's batches all read the store as it began
        yield cleaned


def deduplicate(
    ledger: Ledger, cleaned: Iterable[list[Article | Reject]]
) -> Iterator[list[Article]]:
    """The articles of each cleaned batch that are new to the run and to the warehouse (the
    ledger counts the rest); batches with none are dropped."""
    for batch in cleaned:
        if new := ledger.admit(batch):
            yield new


def analyse_and_write(
    run: Run, new: Iterable[list[Article]]
) -> Iterator[tuple[tuple[int, list[Article]], PrefectFuture]]:
    """Entities, quotes and the Parquet parts of each batch of new articles, on the workers
    (one task, for the reason at ``steps.analyse_batch``); batch n writes part n."""

    def submit(numbered: tuple[int, list[Article]]) -> PrefectFuture:
        part, articles = numbered
        return steps.analyse_batch.submit(articles, run.parquet, run.id, part)

    return in_order(submit, enumerate(new, start=1), run.window)


def settle(
    run: Run,
    ledger: Ledger,
    analysed: Iterable[tuple[tuple[int, list[Article]], PrefectFuture]],
) -> None:
    """Each batch as it finishes, in order: kept in the ledger with its counts and timings, or,
    if its NLP or write raised, rejected with the duplicates that point at it; the run goes on."""
    log = get_run_logger()
    for (_, articles), future in analysed:
        try:
            result: steps.BatchResult = future.result()
        except Exception as exc:  # noqa: BLE001 - a failed batch is rejected, the run goes on
            log.error("NLP batch failed, %d articles rejected: %s", len(articles), exc)
            reason = f"NLP failed: {type(exc).__name__}: {exc}"[:REASON_CHARS]
            ledger.articles_failed(articles, reason)
            continue
        ledger.kept(articles, quotes=result.quotes, mentions=result.mentions)
        for stage, s in result.seconds.items():
            run.timings.add(stage, s)
        run.speakers.update(result.speakers)


def commit(
    run: Run,
    ledger: Ledger,
    tracker: incremental_mod.SourceTracker,
    seen: dedupe.DedupeState,
) -> dict[str, Any]:
    """Close the ledger (the accounting checked, its last rejects and duplicates written), then
    commit the run (its manifest) and only after it the incremental and dedupe state, which
    never run ahead of the warehouse."""
    manifest = report.manifest(
        run.id, flow_run.get_id(), run.sources, run.started, ledger, run.timings
    )
    manifest.update(tracker.summary())
    if run.settings.parquet_url:  # where this run's parts are (never a password: redacted)
        manifest["parquet_url"] = redact(run.parquet)
    ledger.close()
    warehouse.commit_run(run.warehouse, manifest, run.parquet)
    tracker.commit(run.warehouse)
    seen.mark_committed()
    if tracker.skipped:
        get_run_logger().info(
            "%d source file(s) unchanged since last ingested: skipped", tracker.skipped
        )
    return manifest


def load(run: Run, manifest: dict[str, Any]) -> tuple[warehouse.LoadResult | None, str]:
    """Load DuckDB. A file held open elsewhere defers the load to the next run; failed checks
    roll it back and fail the run (red in the UI) after its report says which checks failed."""
    log = get_run_logger()
    t_load = time.perf_counter()
    try:
        loaded = steps.load_duckdb(run.warehouse, run.parquet)
        status = f"loaded {len(loaded.runs_loaded)} run(s)"
    except warehouse.WarehouseLocked as exc:
        loaded, status = None, f"load deferred: {exc}"
        log.warning(status)
    except warehouse.ChecksFailed as exc:
        status = "rolled back: data-quality checks failed"
        summary = report.summary(manifest, run.timings, time.perf_counter() - run.t0, status)
        report.publish(summary, run.speakers, None, failed_checks=exc.failures)
        log.error("%s; the load was rolled back and the warehouse keeps its previous state", exc)
        raise
    run.timings.add("load", time.perf_counter() - t_load)
    return loaded, status


def finish(
    run: Run,
    manifest: dict[str, Any],
    loaded: warehouse.LoadResult | None,
    load_status: str,
    report_dir: str | None = None,
) -> dict[str, Any]:
    """The run's summary: returned, published as artifacts, and logged in one line; with
    ``report_dir``, the browsable report rewritten there first, so the artifact links to it."""
    summary = report.summary(manifest, run.timings, time.perf_counter() - run.t0, load_status)
    summary["report"] = html_report.refresh(run.warehouse, report_dir, loaded)
    report.publish(summary, run.speakers, loaded)
    get_run_logger().info("run %s: %s", run.id, report.one_line(summary))
    return summary


@flow(name="whosaid-ingest-dask", log_prints=True)
def ingest_on_dask(
    dask_address: str,
    sources: list[str] | None = None,
    warehouse_dir: str | None = None,
    batch_size: int | None = None,
    full_rescan: bool = False,
    parquet_url: str | None = None,
) -> dict[str, Any]:
    """The ingest flow with its cleaning and NLP tasks on the Dask cluster at ``dask_address``
    (``tcp://scheduler:8786``), for backfills one machine is too small for. The workers write
    the Parquet parts, so the Parquet root must be one they all reach: ``parquet_url``
    (s3://bucket/prefix, credentials from the workers' environment) or a warehouse on a shared
    filesystem mounted at the same path everywhere."""
    return ingest_with(0, dask_address)(
        sources=sources,
        warehouse_dir=warehouse_dir,
        batch_size=batch_size,
        full_rescan=full_rescan,
        parquet_url=parquet_url,
    )


def ingest_with(workers: int, dask_address: str | None = None):  # type: ignore[no-untyped-def]
    """The flow with a task runner sized for ``workers`` (or on a Dask cluster)."""
    if dask_address:
        from prefect_dask import DaskTaskRunner

        return ingest.with_options(task_runner=DaskTaskRunner(address=dask_address))
    if workers <= 1:
        return ingest.with_options(task_runner=ThreadPoolTaskRunner(max_workers=1))
    return ingest.with_options(task_runner=ProcessPoolTaskRunner(max_workers=workers))


if __name__ == "__main__":
    import sys

    ingest(sys.argv[1:] or None)
