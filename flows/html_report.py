"""The post-load step: the browsable report (``whosaid report``) rewritten from the warehouse the
run just loaded, when the flow is given a ``report_dir``; the run's markdown artifact links it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import get_run_logger, task

from tasks.report import ReportError
from tasks.store.warehouse import LoadResult


@task(name="write-report")
def write_report_task(warehouse_dir: Path, report_dir: Path) -> dict[str, Any]:
    """No retries: the report reads what the load left; a warehouse busy with another writer
    is a note in the artifact, and the next run writes the report again."""
    from tasks.report.build import write_report  # Bokeh and Jinja2: only when a report is due

    written = write_report(warehouse_dir, report_dir)
    return {
        "path": str(written.path),
        "bytes": written.bytes,
        "seconds": round(sum(written.seconds.values()), 2),
    }


def refresh(
    warehouse_dir: Path, report_dir: str | None, loaded: LoadResult | None
) -> dict[str, Any] | None:
    """The report's path, size and time (or why it was not written); None without a
    ``report_dir``. A deferred load means another process holds the DuckDB file, which a
    reader cannot open either."""
    if not report_dir:
        return None
    if loaded is None:
        return {"path": None, "note": "the load was deferred, so the warehouse could not be read"}
    try:
        return write_report_task(warehouse_dir, Path(report_dir))
    except ReportError as exc:
        get_run_logger().warning("report not written: %s", exc)
        return {"path": None, "note": str(exc)}
