"""Preload for Dask workers that run whosaid's tasks: ``dask worker ... --preload
whosaid.dask_preload``. Loads the English spaCy pipeline when the worker starts, so the first
batch a worker gets does not wait for it (docs/performance.md, "Scale out")."""

from __future__ import annotations

from typing import Any


def dask_setup(worker: Any) -> None:
    import whosaid  # noqa: F401  (offline Prefect defaults, as in the flow's process)

    from tasks.nlp.analyse import load_nlp

    load_nlp()
