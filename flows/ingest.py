"""The ingest flow: load → clean → entities → quotes → write Parquet → load DuckDB.

whosaid ingest samples/            # or: python -m flows.ingest samples/
"""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import whosaid  # noqa: F401  (offline Prefect defaults)

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from flows import html_report, report, steps
from flows.engine import Timings, run_batches
from tasks import settings as settings_mod
from tasks.ingest import incremental as incremental_mod
from tasks.ingest import sources as source_io
from tasks.ingest.fetch import redact
from tasks.ingest.readers import Reader
from tasks.nlp import attribution_model
from tasks.store import dedupe, rows, warehouse
from tasks.store.ledger import Ledger


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
    log = get_run_logger()
    settings = settings_mod.from_env().with_overrides(
        warehouse=Path(warehouse_dir) if warehouse_dir else None,
        workers=workers,
        batch_size=batch_size,
        parquet_url=parquet_url,
    )
    wh = settings.warehouse
    # Resolved once, here: an absolute path or the URL, as every worker will get it.
    parquet = warehouse.parquet_root(wh, settings.parquet_url)
    srcs = list(sources or [os.environ.get("WHOSAID_SOURCES", "samples")])
    source_io.check_sources(srcs)
    if tagger := attribution_model.check():
        log.info("attribution tagger on: %s", tagger)
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    started, t0, timings = datetime.now(UTC), time.perf_counter(), Timings()

    # What the warehouse has seen (content hashes, MinHash signatures) lives on disk, in
    # <warehouse>/state/dedupe.sqlite: bounded memory, and near-duplicates found across runs.
    with warehouse.run_lock(wh), dedupe.DedupeState(dedupe_path(wh), run_id) as seen:
        removed = warehouse.remove_uncommitted(wh, parquet_url=parquet)
        if removed:
            log.warning("removed the unfinished output of %d interrupted run(s)", len(removed))
        runs_in_order = [m["run_id"] for m in warehouse.committed_runs(wh)]
        synced = seen.sync(runs_in_order, lambda ids: warehouse.iter_article_rows(wh, parquet, ids))
        if synced["indexed_articles"]:
            log.info(
                "dedupe store: indexed %d article(s) of earlier runs", synced["indexed_articles"]
            )
        ledger = Ledger(known_hashes=seen.hashes, near_index=seen.near)
        committed = set(runs_in_order)
        tracker = incremental_mod.SourceTracker(
            incremental_mod.load_state(wh, committed), run_id, full_rescan
        )
        progress = report.Progress(len(source_io.source_files(srcs)))
        items = source_io.iter_items(
            srcs,
            Reader(settings.limits),
            fetcher=lambda url: steps.fetch_url(url, wh / ".cache" / "fetch", settings.limits),
            on_file=progress.advance,
            tracker=tracker,
        )
        speakers = run_batches(items, ledger, settings, run_id, timings)  # clean, NLP, Parquet

        manifest = report.manifest(run_id, flow_run.get_id(), srcs, started, ledger, timings)
        manifest.update(tracker.summary())
        if settings.parquet_url:  # where this run's parts are (never a password: redacted)
            manifest["parquet_url"] = redact(parquet)
        commit(wh, parquet, ledger, manifest, tracker)  # the run's Parquet counts from here
        seen.mark_committed()
        if tracker.skipped:
            log.info("%d source file(s) unchanged since last ingested: skipped", tracker.skipped)
        loaded, load_status = load(wh, parquet, manifest, speakers, timings, t0)
    summary = report.summary(manifest, timings, time.perf_counter() - t0, load_status)
    summary["report"] = html_report.refresh(wh, report_dir, loaded)
    report.publish(summary, speakers, loaded)
    log.info("run %s: %s", run_id, report.one_line(summary))
    return summary


def dedupe_path(wh: Path) -> Path:
    return wh / "state" / "dedupe.sqlite"


def commit(
    wh: Path,
    parquet: str,
    ledger: Ledger,
    manifest: dict[str, Any],
    tracker: incremental_mod.SourceTracker,
) -> None:
    """Write the ledger's last rejects and duplicates, check the accounting, then commit the run
    (its manifest) and only after it the incremental state."""
    run_id = manifest["run_id"]
    warehouse.write_part_at(
        parquet, "rejects", run_id, 0, rows.rejects_table(ledger.rejects, run_id)
    )
    warehouse.write_part_at(
        parquet, "duplicates", run_id, 0, rows.duplicates_table(ledger.duplicates, run_id)
    )
    if not ledger.balanced():
        raise RuntimeError(f"accounting broken: {manifest}")
    warehouse.commit_run(wh, manifest, parquet)
    tracker.commit(wh)  # after the manifest: the state never runs ahead of the warehouse


def load(
    wh: Path,
    parquet: str,
    manifest: dict[str, Any],
    speakers: Any,
    timings: Timings,
    t0: float,
) -> tuple[warehouse.LoadResult | None, str]:
    """Load DuckDB. A file held open elsewhere defers the load to the next run; failed checks
    roll it back and fail the run (red in the UI) after its report says which checks failed."""
    log = get_run_logger()
    t_load = time.perf_counter()
    try:
        loaded = steps.load_duckdb(wh, parquet)
        status = f"loaded {len(loaded.runs_loaded)} run(s)"
    except warehouse.WarehouseLocked as exc:
        loaded, status = None, f"load deferred: {exc}"
        log.warning(status)
    except warehouse.ChecksFailed as exc:
        status = "rolled back: data-quality checks failed"
        summary = report.summary(manifest, timings, time.perf_counter() - t0, status)
        report.publish(summary, speakers, None, failed_checks=exc.failures)
        log.error("%s; the load was rolled back and the warehouse keeps its previous state", exc)
        raise
    timings.add("load", time.perf_counter() - t_load)
    return loaded, status


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
