"""What a run tells its watchers: the manifest, the summary, and the Prefect UI artifacts.

Artifact keys are fixed so the Artifacts page shows each one's history across runs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.context import FlowRunContext

from tasks.ingest import fetch
from tasks.store.ledger import Ledger
from tasks.store.warehouse import LoadResult

SUMMARY_KEY = "whosaid-run-summary"
REPORT_KEY = "whosaid-run-report"
PROGRESS_KEY = "whosaid-run-progress"
# What a run's summary shows, in this order, in the UI's table artifact and on the command line.
SUMMARY_COUNTS = (
    "sources_unchanged",
    "records_read",
    "articles",
    "duplicates",
    "rejects",
    "quotes",
    "mentions",
    "seconds",
)


@dataclass
class Timings:
    """Wall seconds per stage of a run, summed over its batches (the manifest's
    ``stage_seconds``)."""

    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, s: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + s


def _in_flow() -> bool:
    return FlowRunContext.get() is not None


class Progress:
    """A progress artifact over the run's source files."""

    def __init__(self, total_files: int) -> None:
        self.total = max(total_files, 1)
        self.done = 0
        self.id = None
        if _in_flow():
            self.id = create_progress_artifact(
                progress=0.0, key=PROGRESS_KEY, description="Source files read"
            )

    def advance(self, _source: str) -> None:
        self.done += 1
        if self.id is not None:
            update_progress_artifact(self.id, progress=min(100.0, 100.0 * self.done / self.total))


def manifest(
    run_id: str,
    flow_run_id: str | None,
    sources: list[str],
    started: datetime,
    ledger: Ledger,
    timings: Timings,
) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "flow_run_id": flow_run_id,
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "sources": [fetch.redact(s) if fetch.is_url(s) else s for s in sources],
        "records_read": ledger.records_read,
        "articles": ledger.articles,
        "duplicates": ledger.n_duplicates,
        "rejects": ledger.n_rejects,
        "quotes": ledger.quotes,
        "mentions": ledger.mentions,
        "rejects_by_reason": dict(ledger.reject_reasons),
        "stage_seconds": {k: round(v, 3) for k, v in timings.seconds.items()},
    }


def summary(
    manifest: dict[str, Any], timings: Timings, wall_s: float, load_status: str
) -> dict[str, Any]:
    keys = (
        "run_id",
        "records_read",
        "articles",
        "duplicates",
        "rejects",
        "quotes",
        "mentions",
        "rejects_by_reason",
        "stage_seconds",
    )
    return {
        **{k: manifest[k] for k in keys},
        "sources_unchanged": manifest.get("sources_unchanged", 0),
        "seconds": round(wall_s, 2),
        "load": load_status,
    }


def one_line(s: dict[str, Any]) -> str:
    return (
        f"{s['records_read']} records read = {s['articles']} articles + {s['duplicates']} "
        f"duplicates + {s['rejects']} rejects; {s['quotes']} quotes, {s['mentions']} "
        f"mentions in {s['seconds']}s; {s.get('sources_unchanged', 0)} unchanged source "
        f"file(s) skipped; {s['load']}"
    )


def publish(
    s: dict[str, Any],
    speakers: list[str],
    loaded: LoadResult | None,
    failed_checks: list[tuple[str, int]] | None = None,
) -> None:
    """The run's table and markdown artifacts, when running inside a Prefect flow run."""
    if not _in_flow():
        return
    table = [{"measure": k, "value": s.get(k, 0)} for k in SUMMARY_COUNTS]
    table += [
        {"measure": f"rejects: {k}", "value": v} for k, v in sorted(s["rejects_by_reason"].items())
    ]
    table += [
        {"measure": f"seconds: {k}", "value": round(v, 2)}
        for k, v in sorted(s["stage_seconds"].items())
    ]
    create_table_artifact(table, key=SUMMARY_KEY, description=f"whosaid run {s['run_id']}")
    top = Counter(speakers).most_common(10)
    lines = [f"# whosaid run `{s['run_id']}`", "", one_line(s), "", "## Top speakers", ""]
    lines += ["| speaker | quotes |", "|---|---|"] + [f"| {n} | {c} |" for n, c in top]
    if not top:
        lines.append("| (none) | 0 |")
    lines += ["", "## Data-quality checks", ""]
    if failed_checks:
        lines.append("**Failed**: load rolled back; the warehouse keeps its last good state.")
        lines += [f"- FAILED `{n}`: {c} rows" for n, c in failed_checks]
    elif loaded is None:
        lines.append(f"Not run: {s['load']}")
    else:
        failed = [(n, c) for n, c in loaded.checks if c]
        lines.append(f"{len(loaded.checks) - len(failed)} of {len(loaded.checks)} checks passed.")
        lines += [f"- FAILED `{n}`: {c} rows" for n, c in failed]
    lines += report_lines(s.get("report"))
    create_markdown_artifact(
        "\n".join(lines), key=REPORT_KEY, description="Top speakers and data-quality checks"
    )


def report_lines(written: dict[str, Any] | None) -> list[str]:
    """Where the run wrote the browsable report (``report_dir``), or why it did not."""
    if written is None:
        return []
    lines = ["", "## Report", ""]
    if written.get("path"):
        path = written["path"]
        lines.append(
            f"[{path}]({Path(path).as_uri()}): {written['bytes']:,} bytes, written in "
            f"{written['seconds']} s; open it in a browser (no server needed)."
        )
    else:
        lines.append(f"Not written: {written['note']}")
    return lines
