"""Two runs on one warehouse, and a user holding the DuckDB file open while a run loads.

- Two runs started at once: the second fails fast with a clear message (the warehouse run lock);
  nothing is corrupted or loaded twice. (A deployment also has a concurrency limit of 1, so its
  scheduled runs queue in Prefect instead.)
- A reader holding ``whosaid.duckdb``: the load is retried, then deferred with a message saying
  who holds the file; the data waits in Parquet and the next run loads it.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest
from integration.dumps import write_jsonl
from integration.procs import BIN, ROOT, Proc, wait_for
from integration.runs import DATA_TABLES, api_env, counts, run_inline

from flows import steps
from tasks.store import warehouse

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("dumps") / "news.jsonl", 40, seed=7)


@pytest.fixture(scope="module")
def reference(dump: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    wh = tmp_path_factory.mktemp("ref") / "wh"
    run_inline([dump], wh)
    return counts(wh, (*DATA_TABLES, "duplicates", "runs"))


@pytest.mark.integration  # two real `whosaid ingest` processes
def test_two_runs_at_once_one_fails_fast_nothing_doubled(
    dump: Path, reference: dict[str, int], tmp_path: Path
) -> None:
    """The second run starts while the first holds the warehouse, and the first is paused
    (SIGSTOP) until the second has given up: the two overlap however fast or loaded the machine.
    (Started at the same moment instead, a fast first run could finish before the second
    reached the lock, and both exited 0.)"""
    wh = tmp_path / "wh"
    cmd = [
        str(BIN / "whosaid"),
        "ingest",
        str(dump),
        "-w",
        str(wh),
        "--workers",
        "1",
        "--batch-size",
        "4",
    ]
    env = api_env()
    lock = wh / ".run.lock"
    first = Proc(cmd, tmp_path / "run0.log", env, cwd=ROOT)
    procs = [first]
    try:

        def holder() -> int | None:
            """The pid the warehouse lock names, once a run holds it ("pid 1234")."""
            words = lock.read_text().split() if lock.exists() else []
            return int(words[1]) if words[:1] == ["pid"] and len(words) == 2 else None

        pid = int(str(wait_for(holder, 120, "the first run to take the lock", proc=first)))
        os.kill(pid, signal.SIGSTOP)
        try:
            second = Proc(cmd, tmp_path / "run1.log", env, cwd=ROOT)
            procs.append(second)
            second.popen.wait(timeout=300)
        finally:
            os.kill(pid, signal.SIGCONT)
        first.popen.wait(timeout=300)
    finally:
        for p in procs:
            p.stop()
    codes = [p.popen.returncode for p in procs]
    logs = [p.log.read_text(errors="replace") for p in procs]
    assert codes == [0, 1], logs
    loser = logs[1]
    assert f"another whosaid run (pid {pid})" in loser, loser
    assert "try again when it finishes" in loser, loser
    assert counts(wh, (*DATA_TABLES, "duplicates", "runs")) == reference
    assert len(warehouse.committed_runs(wh)) == 1


READER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM articles").fetchone()[0], flush=True)
time.sleep(600)
"""


def test_reader_holding_duckdb_defers_load_until_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wh = tmp_path / "wh"
    first = write_jsonl(tmp_path / "a.jsonl", 5, seed=11, start=5000)
    second = write_jsonl(tmp_path / "b.jsonl", 15, seed=12, start=6000)
    run_inline([first], wh)
    before = counts(wh)
    # The production backoff waits ~1.5 min before deferring; the test waits a few seconds.
    monkeypatch.setattr(
        steps, "load_duckdb", steps.load_duckdb.with_options(retries=1, retry_delay_seconds=1)
    )
    reader = Proc(
        [sys.executable, "-c", READER, str(wh / "whosaid.duckdb")],
        tmp_path / "reader.log",
        api_env(),
    )
    try:
        wait_for(
            lambda: reader.log.read_text().strip(), 60, "the reader to open DuckDB", proc=reader
        )
        summary = run_inline([first, second], wh)
        assert summary["load"].startswith("load deferred:"), summary["load"]
        assert f"open in process {reader.popen.pid}" in summary["load"]
        assert "loaded by the next run" in summary["load"]
    finally:
        reader.stop()
    assert counts(wh) == before  # the reader's view was never disturbed
    assert summary["articles"] == 15

    # The next run has nothing new to read (the sources are unchanged) but loads the data.
    nxt = run_inline([first, second], wh)
    assert nxt["load"].startswith("loaded ") and nxt["sources_unchanged"] == 2
    ref = tmp_path / "ref"
    run_inline([first], ref)
    run_inline([first, second], ref)
    assert counts(wh) == counts(ref)
