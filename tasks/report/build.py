"""``write_report``: the warehouse, read once, written as ``<out>/index.html``."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from tasks.report import aggregates, charts, pages, speakers
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
        report = gather(con, options)
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


def gather(con: duckdb.DuckDBPyConnection, options: ReportOptions) -> Report:
    """Every aggregate of the report, from one read-only connection."""
    has_gender = aggregates.knows_gender(con)
    t = aggregates.totals(con)
    unit = aggregates.period_unit(t.first_published, t.last_published)
    listed = aggregates.top_speakers(
        con, max(options.speakers_listed, options.speakers), has_gender
    )
    paged = listed[: options.speakers]
    charted = listed[: options.chart_speakers]
    page_keys = {f"{s.entity_id or ''}|{s.name}": s.key for s in paged}
    outlet_rows, n_outlets = aggregates.outlets(con, has_gender, options)
    return Report(
        generated_at=datetime.now().astimezone(),
        totals=t,
        timeline=aggregates.timeline(con, unit),
        runs=aggregates.runs(con, options),
        checks=aggregates.checks(con),
        has_gender=has_gender,
        genders=aggregates.gender_counts(con) if has_gender else (),
        speakers=listed,
        speaker_outlets=aggregates.speaker_outlets(con, charted, options.chart_outlets),
        speaker_periods=aggregates.speaker_periods(con, charted, unit),
        pages=speakers.speaker_pages(con, paged, unit, options),
        carried=aggregates.widely_carried(con, page_keys, options),
        outlets=outlet_rows,
        n_outlets_total=n_outlets,
    )
