"""The streaming part of a run: read → clean (workers) → dedupe (here) → entities + quotes + write
(workers), with a bounded number of batches in flight so memory depends on batch size, not on the
size of the dump."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from prefect import get_run_logger

from flows import steps
from tasks.ledger import Ledger
from tasks.model import Article, RawRecord, Reject
from tasks.prepare import batched
from tasks.readers import Item
from tasks.settings import Settings


@dataclass
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, s: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + s


def run_batches(
    items: Iterable[Item],
    ledger: Ledger,
    settings: Settings,
    run_id: str,
    timings: Timings,
    on_batch: Callable[[steps.BatchResult], None] | None = None,
) -> list[str]:
    """Drive every record through cleaning and NLP; returns the speakers quoted (for the report)."""
    log = get_run_logger()
    inflight = max(1, settings.n_workers * settings.inflight_per_worker)
    cleaning: deque = deque()
    analysing: deque = deque()
    speakers: list[str] = []
    part = 0

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
        speakers.extend(result.speakers)
        if on_batch:
            on_batch(result)

    def finish_cleaning() -> None:
        nonlocal part
        future, records = cleaning.popleft()
        try:
            cleaned, seconds = future.result()
        except Exception as exc:  # noqa: BLE001
            log.error("cleaning batch failed, %d records rejected: %s", len(records), exc)
            cleaned, seconds = [Reject(r.source_uri, r.source_locator, "clean",
                                       f"cleaning failed: {exc}"[:300]) for r in records], 0.0
        timings.add("clean", seconds)
        new: list[Article] = ledger.admit(cleaned)
        if new:
            part += 1
            while len(analysing) >= inflight:
                finish_analysis()
            analysing.append((steps.analyse_batch.submit(new, settings.warehouse, run_id, part),
                              new))

    t_read = time.perf_counter()
    for batch in batched(items, settings.batch_size):
        records: list[RawRecord] = []
        for item in batch:
            if isinstance(item, Reject):
                ledger.reject([item])
            else:
                records.append(item)
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

