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

from flows import report, steps
from flows.engine import Timings, run_batches
from tasks import dedupe, rows, warehouse
from tasks import incremental as incremental_mod
from tasks import settings as settings_mod
from tasks import sources as source_io
from tasks.ledger import Ledger
from tasks.readers import Reader


@flow(name="whosaid-ingest", log_prints=True, task_runner=ProcessPoolTaskRunner())
def ingest(
    sources: list[str] | None = None,
    warehouse_dir: str | None = None,
    workers: int | None = None,
    batch_size: int | None = None,
    full_rescan: bool = False,
) -> dict[str, Any]:
    """Ingest news dumps (files, folders, archives, URLs) into the warehouse. Sources a committed
    run already read, unchanged since, are skipped unless ``full_rescan``."""
    log = get_run_logger()
    settings = settings_mod.from_env().with_overrides(
        warehouse=Path(warehouse_dir) if warehouse_dir else None,
        workers=workers,
        batch_size=batch_size,
    )
    wh = settings.warehouse
    srcs = list(sources or [os.environ.get("WHOSAID_SOURCES", "samples")])
    source_io.check_sources(srcs)
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    started, t0, timings = datetime.now(UTC), time.perf_counter(), Timings()

    with warehouse.run_lock(wh):
        removed = warehouse.remove_uncommitted(wh)
        if removed:
            log.warning("removed the unfinished output of %d interrupted run(s)", len(removed))
        ledger = Ledger(
            known_hashes=warehouse.known_content_hashes(wh), near_index=dedupe.NearDuplicateIndex()
        )
        committed = {m["run_id"] for m in warehouse.committed_runs(wh)}
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

        warehouse.write_part(wh, "rejects", run_id, 0, rows.rejects_table(ledger.rejects, run_id))
        warehouse.write_part(
            wh, "duplicates", run_id, 0, rows.duplicates_table(ledger.duplicates, run_id)
        )
        manifest = report.manifest(run_id, flow_run.get_id(), srcs, started, ledger, timings)
        manifest.update(tracker.summary())
        if not ledger.balanced():
            raise RuntimeError(f"accounting broken: {manifest}")
        warehouse.commit_run(wh, manifest)
        tracker.commit(wh)  # after the manifest: the state never runs ahead of the warehouse
        if tracker.skipped:
            log.info(
                "%d source file(s) unchanged since they were ingested: skipped", tracker.skipped
            )

        t_load = time.perf_counter()
        try:
            loaded = steps.load_duckdb(wh)
            load_status = f"loaded {len(loaded.runs_loaded)} run(s)"
        except warehouse.WarehouseLocked as exc:
            loaded, load_status = None, f"load deferred: {exc}"
            log.warning(load_status)
        except warehouse.ChecksFailed as exc:
            # The run fails (red in the UI) after its report says which checks failed; the load
            # was rolled back, so the warehouse keeps its previous good state.
            summary = report.summary(
                manifest,
                timings,
                time.perf_counter() - t0,
                "rolled back: data-quality checks failed",
            )
            report.publish(summary, speakers, None, failed_checks=exc.failures)
            log.error(
                "%s; the load was rolled back and the warehouse keeps its previous state", exc
            )
            raise
        timings.add("load", time.perf_counter() - t_load)
    summary = report.summary(manifest, timings, time.perf_counter() - t0, load_status)
    report.publish(summary, speakers, loaded)
    log.info("run %s: %s", run_id, report.one_line(summary))
    return summary


@flow(name="whosaid-ingest-dask", log_prints=True)
def ingest_on_dask(
    dask_address: str,
    sources: list[str] | None = None,
    warehouse_dir: str | None = None,
    batch_size: int | None = None,
    full_rescan: bool = False,
) -> dict[str, Any]:
    """The ingest flow with its cleaning and NLP tasks on the Dask cluster at ``dask_address``
    (``tcp://scheduler:8786``), for backfills one machine is too small for. The warehouse must be
    on storage every Dask worker sees under the same path."""
    return ingest_with(0, dask_address)(
        sources=sources,
        warehouse_dir=warehouse_dir,
        batch_size=batch_size,
        full_rescan=full_rescan,
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
