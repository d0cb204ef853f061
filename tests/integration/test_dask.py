"""Scale-out for real: `whosaid ingest --dask` against a Dask cluster of one scheduler and two
worker processes on localhost, then the warehouse checked.

The cluster is started with the `dask` command line, as an operator would (free ports, each
process in its own process group, all stopped at the end even when a test fails). The workers
preload spaCy so that the run does not wait for it. The flow runs in its own `whosaid` process
with a temporary Prefect API (the ephemeral server), ships the cleaning and NLP batches to the
workers through prefect-dask's DaskTaskRunner, and loads DuckDB once, itself, at the end.
"""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import duckdb
import pytest

from integration.procs import BIN, ROOT, Proc, base_env, free_port, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SAMPLES = ROOT / "samples"
# The samples hold 9 articles; a run is ~10 s of NLP on one core plus an ephemeral Prefect
# server start. Generous for a loaded 2-core CI machine.
RUN_TIMEOUT_S = 240
WORKERS = 2
# The preload whosaid ships for Dask workers (loads spaCy at worker start).
PRELOAD = "whosaid.dask_preload"


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _workers_ready(address: str, n: int) -> bool:
    from distributed import Client

    try:
        with Client(address, timeout=5) as client:
            return len(client.scheduler_info(n_workers=-1)["workers"]) >= n
    except OSError:
        return False


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = base_env(PYTHONPATH=str(ROOT), PREFECT_LOGGING_LEVEL="INFO")
    procs: list[Proc] = []
    try:
        scheduler = Proc(
            [
                str(BIN / "dask"),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-dashboard",
            ],
            tmp / "scheduler.log",
            env,
            cwd=tmp,
        )
        procs.append(scheduler)
        wait_for(lambda: _listening(port), 60, "the dask scheduler", proc=scheduler)
        for i in range(WORKERS):
            # One thread per worker process: spaCy holds the GIL, processes are what scale.
            procs.append(
                Proc(
                    [
                        str(BIN / "dask"),
                        "worker",
                        address,
                        "--name",
                        f"w{i}",
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                        "--memory-limit",
                        "0",
                        "--local-directory",
                        str(tmp / f"w{i}"),
                        "--preload",
                        PRELOAD,
                    ],
                    tmp / f"worker-{i}.log",
                    env,
                    cwd=tmp,
                )
            )
        wait_for(
            lambda: _workers_ready(address, WORKERS),
            120,
            "two dask workers",
            interval_s=1,
            proc=scheduler,
        )
        yield address, tmp, procs
    finally:
        for proc in reversed(procs):
            proc.stop()


def test_ingest_on_dask_cluster(cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    address, tmp, procs = cluster
    wh = tmp_path / "warehouse"
    env = base_env(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_LOGGING_LEVEL="INFO")
    done = subprocess.run(
        [str(BIN / "whosaid"), "ingest", str(SAMPLES), "--warehouse", str(wh), "--dask", address],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    con = duckdb.connect(str(wh / "whosaid.duckdb"), read_only=True)
    try:
        [(articles, outlets)] = con.execute(
            "SELECT count(*), count(DISTINCT outlet) FROM articles"
        ).fetchall()
        [(quotes, speakers)] = con.execute(
            "SELECT count(*), count(DISTINCT speaker_name) FROM quotes"
        ).fetchall()
        runs = con.execute(
            "SELECT records_read, articles, duplicates, rejects FROM runs"
        ).fetchall()
        whitlock = con.execute(
            "SELECT count(*) FROM who_said_what WHERE speaker_name = 'Dana Whitlock'"
        ).fetchone()
    finally:
        con.close()
    assert articles == 9 and outlets >= 3
    assert quotes > 0 and speakers >= 3
    assert runs == [(9, 9, 0, 0)]
    assert whitlock and whitlock[0] > 0
    # Written as Parquet parts by the workers, one per NLP batch, and loaded once.
    assert list((wh / "parquet" / "quotes").glob("run=*/part-*.parquet"))
    # The NLP batches ran on the cluster's workers, not in the flow's process.
    worker_logs = "".join(p.log.read_text(errors="replace") for p in procs[1:])
    assert "entities-quotes-write-batch" in worker_logs, worker_logs[-3000:]


def test_dask_flow_of_the_deployment(cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`ingest_on_dask`, the flow of prefect.yaml's backfill-on-dask deployment, sends its
    batches to the cluster too."""
    address, tmp, procs = cluster

    def batches_on_workers() -> int:
        logs = "".join(p.log.read_text(errors="replace") for p in procs[1:])
        return logs.count("entities-quotes-write-batch")

    before = batches_on_workers()
    wh = tmp_path / "warehouse"
    env = base_env(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_LOGGING_LEVEL="INFO")
    script = (
        "import json, sys\n"
        "from flows.ingest import ingest_on_dask\n"
        "s = ingest_on_dask(sys.argv[1], sources=[sys.argv[2]], warehouse_dir=sys.argv[3])\n"
        "print('SUMMARY', json.dumps({k: s[k] for k in ('records_read', 'articles')}))\n"
    )
    done = subprocess.run(
        [str(BIN / "python"), "-c", script, address, str(SAMPLES), str(wh)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert 'SUMMARY {"records_read": 9, "articles": 9}' in done.stdout
    wait_for(lambda: batches_on_workers() > before, 30, "worker log lines", interval_s=1)
