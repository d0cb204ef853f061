"""The deployment for real: `prefect server start`, `whosaid deploy` (work pool + prefect.yaml), a
process worker, a run triggered through the API, then the warehouse, the artifacts, the task runs
and the logs checked through the API, and the run page opened in headless Chromium.

Everything runs in a temporary PREFECT_HOME on a free localhost port; every process started here
is stopped (with its process group and descendants) even when a test fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest

from flows.report import PROGRESS_KEY, REPORT_KEY, SUMMARY_KEY
from integration.browser import capture, chromium
from integration.procs import BIN, ROOT, Proc, base_env, free_port, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DEPLOYMENT = "whosaid-ingest/ingest-hourly"
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
# A flow run on the bundled samples: ~10 s of NLP plus spaCy loading in two worker processes;
# generous for a loaded 2-core CI machine.
RUN_TIMEOUT_S = 300
# Attempts at an API call the server answers 503 (database busy); Prefect's client retries too.
API_RETRIES = 5
SAMPLE_FILES = sum(1 for p in (ROOT / "samples").iterdir() if not p.name.startswith("."))


class Server:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.port = free_port()
        self.ui = f"http://127.0.0.1:{self.port}"
        self.api = f"{self.ui}/api"
        self.warehouse = tmp / "warehouse"
        self.env = base_env(
            PREFECT_HOME=str(tmp / "prefect-home"),
            PREFECT_API_URL=self.api,
            # Nothing here needs future scheduled runs or late-run marking; less load on CI.
            PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED="false",
            PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED="false",
        )
        self.procs: list[Proc] = []
        self.http = httpx.Client(base_url=self.api, timeout=30)

    def start(self, name: str, args: list[str], **env: str) -> Proc:
        proc = Proc(args, self.tmp / f"{name}.log", {**self.env, **env}, cwd=self.tmp)
        self.procs.append(proc)
        return proc

    def healthy(self) -> bool:
        try:
            return self.http.get("/health").status_code == 200
        except httpx.HTTPError:
            return False

    def get(self, path: str) -> Any:
        return self._send("GET", path, None)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self._send("POST", path, body)

    def _send(self, method: str, path: str, body: dict[str, Any] | None) -> Any:
        """One API call, retried on 503 as Prefect's own client does: the server answers 503
        when its SQLite database is busy (a worker polling while a run is created), which a
        loaded CI machine hits now and then (prefect/server/api/server.py,
        is_client_retryable_exception)."""
        for attempt in range(API_RETRIES):
            r = self.http.request(method, path, json=body)
            if r.status_code != 503 or attempt == API_RETRIES - 1:
                break
            time.sleep(0.5 * 2**attempt)
        r.raise_for_status()
        return r.json()

    def run_deployment(self, deployment_id: str) -> str:
        return str(self.post(f"/deployments/{deployment_id}/create_flow_run", {})["id"])

    def wait_run(self, flow_run_id: str, worker: Proc) -> dict[str, Any]:
        def done() -> dict[str, Any] | None:
            run = self.get(f"/flow_runs/{flow_run_id}")
            return run if run["state"]["type"] in TERMINAL else None

        return wait_for(done, RUN_TIMEOUT_S, f"flow run {flow_run_id}", interval_s=2, proc=worker)  # type: ignore[return-value]

    def artifacts(self, flow_run_id: str) -> list[dict[str, Any]]:
        return self.post(
            "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}}
        )

    def stop(self) -> None:
        for proc in reversed(self.procs):
            proc.stop(grace_s=5)
        self.http.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    srv = Server(tmp_path_factory.mktemp("prefect"))
    try:
        proc = srv.start(
            "server",
            [
                str(BIN / "prefect"),
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(srv.port),
            ],
        )
        wait_for(srv.healthy, 180, "prefect server", proc=proc)
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def deployed(server: Server) -> dict[str, Any]:
    """`whosaid deploy`, a worker, and one run of the deployment with its default parameters."""
    t0 = time.monotonic()
    done = subprocess.run(
        [str(BIN / "whosaid"), "deploy"],
        env=server.env,  # no WHOSAID_HOME: the deployment runs from this checkout
        cwd=server.tmp,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    deployment = server.get(f"/deployments/name/{DEPLOYMENT}")
    worker = server.start(
        "worker",
        [str(BIN / "prefect"), "worker", "start", "--pool", "whosaid"],
        WHOSAID_WAREHOUSE=str(server.warehouse),
        PREFECT_WORKER_QUERY_SECONDS="2",
    )
    run = server.wait_run(server.run_deployment(deployment["id"]), worker)
    assert run["state"]["type"] == "COMPLETED", (run["state"], worker.tail(80))
    return {
        "deployment": deployment,
        "run": run,
        "worker": worker,
        "seconds": time.monotonic() - t0,
    }


def _table(artifact: dict[str, Any]) -> dict[str, Any]:
    """A table artifact's rows as {measure: value} (the API returns the table as JSON text)."""
    data = artifact["data"]
    return {r["measure"]: r["value"] for r in (json.loads(data) if isinstance(data, str) else data)}


def test_deployment_is_declared_as_in_prefect_yaml(
    server: Server, deployed: dict[str, Any]
) -> None:
    d = deployed["deployment"]
    assert d["work_pool_name"] == "whosaid"
    assert server.get("/work_pools/whosaid")["type"] == "process"
    assert [s["schedule"]["cron"] for s in d["schedules"]] == ["0 * * * *"]
    assert d["parameters"] == {
        "sources": ["samples"],
        "warehouse_dir": None,
        "workers": 2,
        "full_rescan": False,
    }
    step = d["pull_steps"][0]["prefect.deployments.steps.set_working_directory"]
    assert Path(step["directory"]).resolve() == ROOT.resolve()
    assert d["global_concurrency_limit"]["limit"] == 1
    assert d["concurrency_options"]["collision_strategy"] == "ENQUEUE"
    assert d["job_variables"]["env"]["PREFECT_TASKS_RUNNER_PROCESS_POOL_MAX_WORKERS"] == "2"


def test_deployed_run_fills_the_warehouse_from_worker_env(
    server: Server, deployed: dict[str, Any]
) -> None:
    con = duckdb.connect(str(server.warehouse / "whosaid.duckdb"), read_only=True)
    try:
        [(articles, quotes, runs)] = con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM quotes), "
            "(SELECT count(*) FROM runs)"
        ).fetchall()
        [(flow_run_id,)] = con.execute("SELECT flow_run_id FROM runs").fetchall()
    finally:
        con.close()
    assert (articles, runs) == (9, 1) and quotes > 0
    assert flow_run_id == deployed["run"]["id"]
    assert not (ROOT / "samples" / "whosaid.duckdb").exists()


def test_run_shows_artifacts_task_runs_and_logs(server: Server, deployed: dict[str, Any]) -> None:
    run_id = deployed["run"]["id"]
    by_key = {a["key"]: a for a in server.artifacts(run_id)}
    assert {SUMMARY_KEY, REPORT_KEY, PROGRESS_KEY} <= set(by_key)
    assert by_key[PROGRESS_KEY]["data"] == 100.0
    rows = _table(by_key[SUMMARY_KEY])
    # The samples, as tests/test_flow.py reads them: nine records, nine distinct articles.
    counts = ("records_read", "articles", "duplicates", "rejects", "sources_unchanged")
    assert [rows[k] for k in counts] == [9, 9, 0, 0, 0]
    assert rows["quotes"] > 0
    assert any(k.startswith("seconds: ") for k in rows)
    report = by_key[REPORT_KEY]["data"]
    assert "## Top speakers" in report and "checks passed" in report

    tasks = server.post("/task_runs/filter", {"flow_runs": {"id": {"any_": [run_id]}}})
    names = {t["name"].rsplit("-", 1)[0] for t in tasks}  # task runs are named <task>-<suffix>
    assert {"clean-batch", "entities-quotes-write-batch", "load-duckdb"} <= names, names
    assert {t["state"]["type"] for t in tasks} == {"COMPLETED"}

    def run_log_lines() -> list[str]:
        logs = server.post(
            "/logs/filter", {"logs": {"flow_run_id": {"any_": [run_id]}}, "limit": 200}
        )
        return [log["message"] for log in logs]

    # Logs reach the API in batches (every ~2 s), possibly after the run is marked completed.
    wait_for(
        lambda: any(" records read = " in m for m in run_log_lines()),
        30,
        "the run's summary line in its logs",
    )


def test_second_scheduled_run_skips_unchanged_sources(
    server: Server, deployed: dict[str, Any]
) -> None:
    run = server.wait_run(server.run_deployment(deployed["deployment"]["id"]), deployed["worker"])
    assert run["state"]["type"] == "COMPLETED", run["state"]
    rows = _table(next(a for a in server.artifacts(run["id"]) if a["key"] == SUMMARY_KEY))
    assert rows["sources_unchanged"] == SAMPLE_FILES
    assert (rows["records_read"], rows["articles"]) == (0, 0)


def test_run_page_in_headless_chromium(
    server: Server, deployed: dict[str, Any], tmp_path: Path
) -> None:
    """The UI's flow run page shows the run and, on its Artifacts tab, the three artifacts.

    WHOSAID_SCREENSHOTS=<folder> keeps the screenshot (docs/flow-run.png was taken so)."""
    if chromium() is None:
        pytest.skip(
            "chromium is not installed (apt-get install chromium); docs/flow-run.png "
            "shows what this test checks"
        )
    run = deployed["run"]
    shot = tmp_path / "flow-run.png"
    text = capture(
        f"{server.ui}/runs/flow-run/{run['id']}",
        shot,
        tmp_path / "profile",
        click_id="artifacts",
        wait_text=(run["name"], SUMMARY_KEY, REPORT_KEY, PROGRESS_KEY),
    )
    assert "Completed" in text
    assert shot.stat().st_size > 20_000
    if keep := os.environ.get("WHOSAID_SCREENSHOTS"):
        shutil.copy(shot, Path(keep) / "flow-run.png")
