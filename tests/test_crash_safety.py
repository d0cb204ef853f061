"""A run killed with SIGKILL at any point leaves the warehouse readable, and the next run converges
to the same rows as a run that was never interrupted. A failing data-quality check fails the run
and keeps the previous good state queryable."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from integration.dumps import write_jsonl
from integration.procs import BIN, ROOT, wait_for
from integration.runs import api_env, counts, run_inline

from flows.ingest import ingest_with
from tasks.store import warehouse

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

# Small batches: many Parquet parts (day 2 is 12 of them), so a kill lands between them.
BATCH = 4
DAY2 = 48


def start_cli(sources: list[Path], wh: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(BIN / "whosaid"),
            "ingest",
            *map(str, sources),
            "-w",
            str(wh),
            "--workers",
            "1",
            "--batch-size",
            str(BATCH),
        ],
        env=api_env(),
        cwd=ROOT,
        stdout=open(log, "wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.fixture(scope="module")
def dumps(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("dumps")
    return write_jsonl(d / "day1.jsonl", 12, seed=1), write_jsonl(
        d / "day2.jsonl", DAY2, seed=2, start=1000
    )


@pytest.fixture(scope="module")
def reference(
    dumps: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, int], dict[str, int]]:
    """Day 1 loaded (kept as a starting point), then day 2: the uninterrupted result."""
    day1, day2 = dumps
    base = tmp_path_factory.mktemp("wh") / "day1"
    run_inline([day1], base)
    after_day1 = counts(base)
    full = base.parent / "full"
    shutil.copytree(base, full)
    summary = run_inline([day1, day2], full)
    assert summary["articles"] == DAY2 and summary["sources_unchanged"] == 1
    return base, after_day1, counts(full)


def _parts(wh: Path) -> int:
    return len(list((wh / "parquet" / "articles").glob("run=*/part-*.parquet")))


def _new_manifest(wh: Path, before: set[str]) -> bool:
    return bool({p.name for p in (wh / "runs").glob("*.json")} - before)


@pytest.mark.integration  # kills a real `whosaid ingest` process
@pytest.mark.parametrize("when", ["mid-write", "after-commit"])
def test_killed_run_leaves_warehouse_readable_and_rerun_converges(
    when: str, dumps: tuple[Path, Path], reference: tuple[Path, dict, dict], tmp_path: Path
) -> None:
    day1, day2 = dumps
    base, after_day1, full = reference
    wh = tmp_path / "wh"
    shutil.copytree(base, wh)
    manifests = {p.name for p in (wh / "runs").glob("*.json")}
    parts_before = _parts(wh)
    proc = start_cli([day1, day2], wh, tmp_path / "killed.log")
    try:
        if when == "mid-write":
            # Some of this run's parts are written, not all.
            wait_for(lambda: _parts(wh) >= parts_before + 3, 240, "parts written", interval_s=0.05)
        else:
            # The manifest is written: the kill lands in the state write or the DuckDB load.
            wait_for(lambda: _new_manifest(wh, manifests), 300, "the run's commit", interval_s=0.02)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, (tmp_path / "killed.log").read_text()[-3000:]

    # Readable straight away, by a reader that knows nothing of the crash.
    now = counts(wh)
    if when == "mid-write":
        assert now == after_day1
        assert not _new_manifest(wh, manifests)
        assert _parts(wh) > parts_before  # the killed run's partial output is still there
    else:
        assert now in (after_day1, full)

    again = run_inline([day1, day2], wh)
    assert counts(wh) == full
    assert warehouse.remove_uncommitted(wh) == []  # nothing half-written left
    if when == "mid-write":
        assert again["articles"] == DAY2 and again["duplicates"] == 0
        assert counts(wh, ("duplicates",)) == counts(base.parent / "full", ("duplicates",))
    # One more run: nothing left to do, nothing changes.
    last = run_inline([day1, day2], wh)
    assert (last["records_read"], last["sources_unchanged"]) == (0, 2)
    assert counts(wh) == full


def test_failing_check_fails_run_and_keeps_previous_state(
    dumps: tuple[Path, Path],
    reference: tuple[Path, dict, dict],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prefect.artifacts import Artifact

    from flows.report import REPORT_KEY

    day1, day2 = dumps
    base, after_day1, full = reference
    wh = tmp_path / "wh"
    shutil.copytree(base, wh)
    real = warehouse.check_queries
    failing = (
        "quotes.never_about_harwick",
        "SELECT quote_id FROM quotes WHERE quote_text ILIKE '%Harwick%'",
    )
    monkeypatch.setattr(warehouse, "check_queries", lambda: [*real(), failing])

    state = ingest_with(1)(
        sources=[str(day1), str(day2)],
        warehouse_dir=str(wh),
        workers=1,
        batch_size=BATCH,
        return_state=True,
    )
    assert state.is_failed()
    assert "quotes.never_about_harwick" in (state.message or "")
    with pytest.raises(warehouse.ChecksFailed):
        state.result()
    report = Artifact.get(REPORT_KEY)
    assert report is not None and "FAILED `quotes.never_about_harwick`" in str(report.data)
    assert counts(wh) == after_day1  # rolled back: the last good state, still queryable

    # With the check fixed, the next run loads the committed run that failed its checks.
    monkeypatch.setattr(warehouse, "check_queries", real)
    run_inline([day1, day2], wh)
    assert counts(wh) == full


def test_retries_only_on_io() -> None:
    """Network fetches and the DuckDB load retry with backoff; deterministic transforms do not,
    and the load retries only while the file is held, never after a failed check."""
    from flows import steps

    assert (steps.fetch_url.retries, steps.fetch_url.retry_delay_seconds) == (3, [2, 10, 30])
    assert steps.load_duckdb.retries == 3 and steps.load_duckdb.retry_delay_seconds == [5, 20, 60]
    assert steps.load_duckdb.retry_condition_fn is not None
    assert steps.clean_batch.retries == 0 and steps.analyse_batch.retries == 0
