"""``write_report``: the warehouse, read once, written as ``<out>/index.html``."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from tasks.report import aggregates, charts, pages
from tasks.report.records import Report, ReportOptions


@dataclass(frozen=True)
class Written:
    path: Path  # the report's index.html
    report: Report
    bytes: int
    seconds: dict[str, float]  # aggregates, charts, pages (render and write)


def write_report(warehouse: Path, out_dir: Path, options: ReportOptions | None = None) -> Written:
    """Read every aggregate over one read-only connection, draw the charts, write the page.

    The file is written beside its final name and renamed over it, so a browser (or a web
    server publishing the folder) never reads half a report while a scheduled run refreshes
    it. Raises ``aggregates.ReportError`` when the warehouse is missing or busy."""
    options = options or ReportOptions()
    t0 = time.perf_counter()
    con = aggregates.open_warehouse(warehouse)
    try:
        report = aggregates.build(con, options)
    finally:
        con.close()
    t1 = time.perf_counter()
    items = charts.all_charts(report)
    t2 = time.perf_counter()
    name = Path(warehouse).resolve().name
    html = pages.render(report, items, name=name, warehouse=str(Path(warehouse).resolve()))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    tmp = out_dir / f".index.html.{os.getpid()}.tmp"
    data = html.encode("utf-8")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    t3 = time.perf_counter()
    return Written(
        path.resolve(),
        report,
        len(data),
        {"aggregates": t1 - t0, "charts": t2 - t1, "pages": t3 - t2},
    )
