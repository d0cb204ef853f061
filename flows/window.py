"""Bounded windows of task runs: at most ``size`` batches submitted and unfinished per stage, so
the flow's memory depends on the batch size and the number of workers, not on the dump."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from prefect.context import FlowRunContext

from tasks.settings import Settings

In = TypeVar("In")
Handle = TypeVar("Handle")


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


def window_size(settings: Settings) -> int:
    """Batches in flight per stage: ``inflight_per_worker`` for every task slot."""
    return max(1, task_slots(settings) * settings.inflight_per_worker)


def in_order(
    submit: Callable[[In], Handle], inputs: Iterable[In], size: int
) -> Iterator[tuple[In, Handle]]:
    """Submit each input (``submit`` returns a future, or anything the caller waits on) and yield
    ``(input, handle)`` in the order submitted, with at most ``size`` submitted and not yet
    yielded. Inputs are pulled one at a time, as the caller asks for more: an input pulled while
    the window is full waits until the oldest handle has been yielded (for the caller to wait
    on, and to act on its result before the next one is submitted)."""
    pending: deque[tuple[In, Handle]] = deque()
    for item in inputs:
        while len(pending) >= size:
            yield pending.popleft()
        pending.append((item, submit(item)))
    while pending:
        yield pending.popleft()
