"""The streaming part of a run: read → clean (workers) → dedupe (here) → entities + quotes + write
(workers), with a bounded number of batches in flight so memory depends on batch size, not on the
size of the dump."""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from prefect import get_run_logger
from prefect.context import FlowRunContext

from flows import steps
from tasks.clean.prepare import batched
from tasks.ingest.readers import Item
from tasks.model import Article, RawRecord, Reject
from tasks.settings import Settings
from tasks.store import rows, warehouse
from tasks.store.ledger import Ledger


@dataclass
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, s: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + s


# Duplicates and rejects are written out in Parquet parts of this many rows as the run goes, so
# the ledger's lists stay bounded (a crawl can be a third duplicates: 300k rows per 1M records,
# and a hostile dump all rejects); the rest is written by the flow at the end, as part 0.
LEDGER_FLUSH_ROWS = 50_000


def task_slots(settings: Settings) -> int:
    """How many tasks run at once: a Dask cluster's worker threads, else the worker processes."""
    ctx = FlowRunContext.get()
    client = getattr(ctx.task_runner, "_client", None) if ctx else None
    if client is not None:
        try:
            return max(1, sum(client.nthreads().values()))
        except Exception:  # noqa: BLE001 - a cluster that cannot say falls back to the setting
            pass
    return settings.n_workers


def flush_duplicates(
    ledger: Ledger,
    parquet_root: str,
    run_id: str,
    part: int,
    inflight: Callable[[], set[str]],
    min_rows: int | None = None,
) -> int:
    """Write the ledger's settled duplicates as Parquet part ``part`` once there are ``min_rows``
    of them; returns the next part number. A duplicate whose canonical article is still in an NLP
    batch (``inflight()``) stays in memory: if that batch fails, the duplicate becomes a reject."""
    min_rows = LEDGER_FLUSH_ROWS if min_rows is None else min_rows
    if len(ledger.duplicates) < min_rows:
        return part
    busy = inflight()
    settled = [d for d in ledger.duplicates if d["duplicate_of"] not in busy]
    if len(settled) < min_rows // 2:
        return part
    warehouse.write_part_at(
        parquet_root, "duplicates", run_id, part, rows.duplicates_table(settled, run_id)
    )
    ledger.duplicates = [d for d in ledger.duplicates if d["duplicate_of"] in busy]
    return part + 1


def flush_rejects(
    ledger: Ledger, parquet_root: str, run_id: str, part: int, min_rows: int | None = None
) -> int:
    """Write the ledger's rejects as Parquet part ``part`` once there are ``min_rows`` of them;
    returns the next part number. (The ledger keeps counting them by reason.)"""
    min_rows = LEDGER_FLUSH_ROWS if min_rows is None else min_rows
    if len(ledger.rejects) < min_rows:
        return part
    warehouse.write_part_at(
        parquet_root, "rejects", run_id, part, rows.rejects_table(ledger.rejects, run_id)
    )
    ledger.rejects = []
    return part + 1


def run_batches(
    items: Iterable[Item],
    ledger: Ledger,
    settings: Settings,
    run_id: str,
    timings: Timings,
    on_batch: Callable[[steps.BatchResult], None] | None = None,
) -> Counter[str]:
    """Drive every record through cleaning and NLP; returns how often each speaker was quoted
    (for the report: a count per speaker, not a list per quote, so memory stays bounded)."""
    log = get_run_logger()
    inflight = max(1, task_slots(settings) * settings.inflight_per_worker)
    # Workers elsewhere (a Dask cluster) get the Parquet root as a string resolved here: an
    # absolute path or a URL (s3://...), never one each machine resolves on its own.
    parquet = warehouse.parquet_root(settings.warehouse, settings.parquet_url)
    cleaning: deque = deque()
    analysing: deque = deque()
    speakers: Counter[str] = Counter()
    part = 0
    ledger_part = rejects_part = 1

    def finish_analysis() -> None:
        future, articles = analysing.popleft()
        try:
            result: steps.BatchResult = future.result()
        except Exception as exc:  # noqa: BLE001 - a failed batch is rejected, the run goes on
            log.error("NLP batch failed, %d articles rejected: %s", len(articles), exc)
            ledger.articles_failed(articles, f"NLP failed: {type(exc).__name__}: {exc}"[:300])
            return
        ledger.articles += result.articles
        ledger.quotes += result.quotes
        ledger.mentions += result.mentions
        for stage, s in result.seconds.items():
            timings.add(stage, s)
        speakers.update(result.speakers)
        if on_batch:
            on_batch(result)

    def finish_cleaning() -> None:
        nonlocal part, ledger_part, rejects_part
        future, records = cleaning.popleft()
        try:
            cleaned, seconds = future.result()
        except Exception as exc:  # noqa: BLE001
            log.error("cleaning batch failed, %d records rejected: %s", len(records), exc)
            cleaned, seconds = (
                [
                    Reject(r.source_uri, r.source_locator, "clean", f"cleaning failed: {exc}"[:300])
                    for r in records
                ],
                0.0,
            )
        timings.add("clean", seconds)
        new: list[Article] = ledger.admit(cleaned)
        if new:
            part += 1
            while len(analysing) >= inflight:
                finish_analysis()
            analysing.append((steps.analyse_batch.submit(new, parquet, run_id, part), new))
        ledger_part = flush_duplicates(
            ledger,
            parquet,
            run_id,
            ledger_part,
            lambda: {a.article_id for _, batch in analysing for a in batch},
        )
        rejects_part = flush_rejects(ledger, parquet, run_id, rejects_part)

    t_read = time.perf_counter()
    for batch in batched(items, settings.batch_size):
        records: list[RawRecord] = []
        for item in batch:
            if isinstance(item, Reject):
                ledger.reject([item])
            else:
                records.append(item)
        rejects_part = flush_rejects(ledger, parquet, run_id, rejects_part)
        if records:
            while len(cleaning) >= inflight:
                finish_cleaning()
            cleaning.append((steps.clean_batch.submit(records, settings.limits), records))
    timings.add("read+orchestrate", time.perf_counter() - t_read)
    while cleaning:
        finish_cleaning()
    while analysing:
        finish_analysis()
    return speakers
