"""The ``whosaid`` command line: ingest dumps, query the warehouse, operate the flows."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import whosaid  # noqa: F401  (offline Prefect defaults)

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from tasks.settings import Settings
    from tasks.store.warehouse import WarehouseLocked

app = typer.Typer(
    help="Turn raw news dumps into a DuckDB warehouse of who said what, and when.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

WarehouseOpt = Annotated[
    Path | None,
    typer.Option(
        "--warehouse", "-w", help="Warehouse folder [env WHOSAID_WAREHOUSE; default warehouse/]"
    ),
]


ParquetUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--parquet-url",
        help="Where the Parquet parts go: a folder or any fsspec URL, e.g. s3://bucket/whosaid "
        "(needs the s3 extra; credentials from the environment) "
        "[env WHOSAID_PARQUET_URL; default <warehouse>/parquet]",
    ),
]


def _parquet_url(url: str | None) -> str | None:
    """The Parquet URL (given or from the environment), checked before anything runs: an
    unknown protocol or a missing filesystem package (s3fs) is a clear error, not a traceback
    from the middle of a run."""
    from tasks.ingest.fetch import redact
    from tasks.store.warehouse import parquet_root

    url = url or _settings().parquet_url
    if url:
        try:
            parquet_root(Path("."), url)
        except (ImportError, ValueError) as exc:
            _fail(f"cannot use --parquet-url {redact(url)}: {exc}")
    return url


def _settings() -> Settings:
    """The settings from the environment; a WHOSAID_* variable whosaid cannot use is one line
    naming it, not a traceback."""
    from tasks.settings import SettingsError, from_env

    try:
        return from_env()
    except SettingsError as exc:
        _fail(str(exc))


def _warehouse(path: Path | None) -> Path:
    return path or _settings().warehouse


def _existing_warehouse(path: Path | None) -> Path:
    """The warehouse folder, which must hold a DuckDB file: a mistyped -w is an error, not a
    new empty warehouse."""
    wh = _warehouse(path)
    if not (wh / "whosaid.duckdb").exists():
        _fail(f"no warehouse at {wh} (run `whosaid ingest` first)")
    return wh


def _being_written(wh: Path, locked: WarehouseLocked) -> str:
    """What a query says when a writer holds the DuckDB file: a run's load (or `whosaid load`),
    which ends on its own, or someone else's read-write connection, which only its owner ends.
    Either way the committed Parquet can be read directly."""
    from tasks.ingest.fetch import redact
    from tasks.store.warehouse import parquet_root, run_lock_pid

    parquet = redact(parquet_root(wh, _settings().parquet_url))
    meanwhile = f"query the Parquet with DuckDB: read_parquet('{parquet}/<table>/*/*.parquet')"
    holder = f"process {locked.pid}" if locked.pid is not None else "another process"
    if locked.pid is not None and locked.pid == run_lock_pid(wh):
        return (
            f"the warehouse {wh} is being written by a run ({holder}); try again in a moment, "
            f"or {meanwhile}"
        )
    return (
        f"{wh / 'whosaid.duckdb'} is open for writing in {holder}, not a whosaid run; close "
        f"that connection and try again, or {meanwhile}"
    )


@contextmanager
def _prefect_api() -> Iterator[None]:
    """Without a configured Prefect API, start the temporary one here and hand its address to
    the settings, so worker processes report to it instead of each starting their own."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start(timeout=int(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
    # Stopped at exit by Prefect itself, after its log handler has flushed to it.
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield


def _fail(message: str, code: int = 1) -> NoReturn:
    """``message`` as one line on stderr (never wrapped, never read as markup), then exit."""
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def ingest(
    sources: Annotated[
        list[str],
        typer.Argument(help="Files, folders, archives, http(s) URLs or object-store URLs (s3://)"),
    ],
    warehouse: WarehouseOpt = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (0 = one per core)")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Articles per task run")] = None,
    dask: Annotated[
        str | None, typer.Option(help="Run NLP tasks on this Dask scheduler, e.g. tcp://host:8786")
    ] = None,
    full_rescan: Annotated[
        bool,
        typer.Option(
            "--full-rescan", help="Re-read sources that are unchanged since a run ingested them"
        ),
    ] = False,
    parquet_url: ParquetUrlOpt = None,
) -> None:
    """Read SOURCES, extract entities and quotes, and load them into the warehouse."""
    from flows.ingest import ingest_with
    from tasks.ingest.sources import SourceError, check_sources
    from tasks.nlp import attribution_model
    from tasks.settings import ACCEPTS, SettingsError
    from tasks.store.warehouse import ChecksFailed, PartsMissing, RunLocked

    try:
        if workers is not None:
            ACCEPTS["workers"].check(workers, "--workers")
        if batch_size is not None:
            ACCEPTS["batch_size"].check(batch_size, "--batch-size")
    except SettingsError as exc:
        _fail(str(exc))
    settings = _settings()
    try:
        check_sources(sources)
        attribution_model.check()
    except (SourceError, FileNotFoundError) as exc:
        _fail(str(exc))
    parquet_url = _parquet_url(parquet_url)
    n_workers = workers if workers is not None else settings.workers
    flow = ingest_with(n_workers if n_workers > 0 else (os.cpu_count() or 1), dask)
    with _prefect_api(), out.status(f"ingesting {len(sources)} source(s)…", spinner="dots"):
        try:
            summary = flow(
                sources=sources,
                warehouse_dir=str(warehouse) if warehouse else None,
                workers=workers,
                batch_size=batch_size,
                full_rescan=full_rescan,
                parquet_url=parquet_url,
            )
        except (SourceError, RunLocked, ChecksFailed, PartsMissing) as exc:
            _fail(str(exc))
    _print_summary(summary)
    source_rejects = {
        k: v for k, v in summary["rejects_by_reason"].items() if k.startswith(("http", "refused"))
    }
    if summary["records_read"] == 0 and source_rejects:
        _fail("no source could be read", 2)


def _print_summary(s: dict) -> None:
    from flows import report

    t = Table(title=f"run {s['run_id']}", show_header=False)
    for k in report.SUMMARY_COUNTS:
        t.add_row(k.replace("_", " "), str(s.get(k, 0)))
    for reason, n in sorted(s["rejects_by_reason"].items()):
        t.add_row(f"  rejected: {reason}", str(n))
    t.add_row("warehouse", s["load"])
    out.print(t)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL to run against the warehouse (read-only)")],
    warehouse: WarehouseOpt = None,
    limit: Annotated[int, typer.Option(help="Rows to show at most")] = 50,
    csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table")] = False,
) -> None:
    """Run a SQL query (your own; read-only) and print the result."""
    import duckdb

    from tasks.store.warehouse import WarehouseLocked
    from tasks.store.warehouse import query as run_query

    wh = _existing_warehouse(warehouse)
    try:
        names, rows = run_query(wh, query)
    except WarehouseLocked as exc:
        _fail(_being_written(wh, exc))
    except duckdb.Error as exc:
        _fail(str(exc).splitlines()[0])
    if csv:
        import csv as csv_mod

        w = csv_mod.writer(sys.stdout)
        w.writerow(names)
        w.writerows(rows)
        return
    t = Table(*names, show_lines=False)
    for row in rows[:limit]:
        t.add_row(*("" if v is None else str(v)[:200] for v in row))
    out.print(t)
    if len(rows) > limit:
        out.print(f"({len(rows)} rows, {limit} shown)")


@app.command()
def load(warehouse: WarehouseOpt = None, parquet_url: ParquetUrlOpt = None) -> None:
    """Load Parquet written by earlier runs into DuckDB (after a deferred load)."""
    from tasks.store.warehouse import (
        ChecksFailed,
        PartsMissing,
        RunLocked,
        WarehouseLocked,
        committed_runs,
        run_lock,
    )
    from tasks.store.warehouse import load as do_load

    wh = _warehouse(warehouse)
    if not ((wh / "whosaid.duckdb").exists() or committed_runs(wh)):
        _fail(f"no warehouse at {wh}: no DuckDB file and no committed run to load")
    parquet_url = _parquet_url(parquet_url)
    try:
        with run_lock(wh):
            result = do_load(wh, parquet_url=parquet_url)
    except (WarehouseLocked, RunLocked, ChecksFailed, PartsMissing) as exc:
        _fail(str(exc))
    failed = [c for c in result.checks if c[1]]
    out.print(
        f"loaded {len(result.runs_loaded)} run(s); {len(result.checks) - len(failed)}/"
        f"{len(result.checks)} checks passed; full-text search: "
        f"{'on' if result.fts else 'off (ILIKE)'}"
    )


@app.command()
def check(warehouse: WarehouseOpt = None) -> None:
    """Run the data-quality checks against the warehouse."""
    import duckdb

    from tasks.store.warehouse import WarehouseLocked, connect, run_checks

    wh = _existing_warehouse(warehouse)
    try:
        con = connect(wh / "whosaid.duckdb", read_only=True)
        try:
            results = run_checks(con)
        finally:
            con.close()
    except WarehouseLocked as exc:
        _fail(_being_written(wh, exc))
    except duckdb.Error as exc:
        _fail(f"{wh / 'whosaid.duckdb'}: {str(exc).splitlines()[0]}")
    failed = [(n, c) for n, c in results if c]
    for n, c in failed:
        err.print(f"FAILED {n}: {c} rows")
    out.print(f"{len(results) - len(failed)}/{len(results)} checks passed")
    if failed:
        raise typer.Exit(1)


@app.command(name="report")
def report_cmd(
    warehouse: WarehouseOpt = None,
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Folder the report's index.html is written to")
    ] = Path("report"),
    speakers: Annotated[
        int | None,
        typer.Option(
            min=0, help="Speakers with a page of their own, most quoted first [default: 20]"
        ),
    ] = None,
) -> None:
    """Write the warehouse as pages to browse: one self-contained HTML file (charts, data and
    search inside it) that opens from the file system, with no network and no server."""
    from tasks.report import ReportError, ReportOptions
    from tasks.report.build import write_report

    options = ReportOptions() if speakers is None else ReportOptions(speakers=speakers)
    try:
        written = write_report(_warehouse(warehouse), out_dir, options)
    except ReportError as exc:
        # One line however long the path: soft_wrap keeps rich from folding it at 80 columns.
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    empty = " (the warehouse is empty, and the report says so)" if written.report.empty else ""
    typer.echo(f"report written to {written.path}{empty}")


@app.command()
def serve(
    sources: Annotated[list[str] | None, typer.Argument(help="Sources for each run")] = None,
    cron: Annotated[str, typer.Option(help="Cron schedule")] = "0 * * * *",
    warehouse: WarehouseOpt = None,
    parquet_url: ParquetUrlOpt = None,
) -> None:
    """Serve the ingest flow on a schedule from this process (one-machine set-up)."""
    from flows.ingest import ingest as flow

    params = {"sources": sources or ["samples"], "warehouse_dir": str(_warehouse(warehouse))}
    parquet_url = _parquet_url(parquet_url)
    if parquet_url:
        params["parquet_url"] = parquet_url
    flow.serve(name="whosaid-ingest-local", cron=cron, parameters=params)


@app.command()
def deploy(
    pool: Annotated[str, typer.Option(help="Process work pool (created if missing)")] = "whosaid",
) -> None:
    """Create the work pool if missing and deploy prefect.yaml to the Prefect server.

    The same as ``prefect work-pool create whosaid --type process`` (when missing) then
    ``prefect --no-prompt deploy --all`` in the project folder; start a worker with
    ``prefect worker start --pool whosaid``."""
    import asyncio
    import subprocess

    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        _fail(
            "no Prefect server configured: start one (`prefect server start`) and run "
            "`prefect config set PREFECT_API_URL=http://127.0.0.1:4200/api` first"
        )
    root = Path(__file__).resolve().parents[1]
    if not (root / "prefect.yaml").exists():
        _fail(f"{root / 'prefect.yaml'} is missing: run from a whosaid checkout")
    if asyncio.run(_ensure_process_pool(pool)):
        out.print(f"created process work pool {pool!r}")
    env = {**os.environ, "WHOSAID_HOME": os.environ.get("WHOSAID_HOME", str(root))}
    done = subprocess.run(
        [sys.executable, "-m", "prefect", "--no-prompt", "deploy", "--all", "--pool", pool],
        cwd=root,
        env=env,
    )
    if done.returncode != 0:
        _fail("`prefect deploy --all` failed (see above)", done.returncode)
    out.print(f"deployed; start a worker with: prefect worker start --pool {pool}")


async def _ensure_process_pool(name: str) -> bool:
    """Create a process work pool called ``name`` unless it exists; True when created."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.workers.process import ProcessWorker

    async with get_client() as client:
        try:
            await client.read_work_pool(name)
            return False
        except ObjectNotFound:
            template = ProcessWorker.get_default_base_job_template()
            await client.create_work_pool(
                WorkPoolCreate(name=name, type="process", base_job_template=template)
            )
            return True


@app.command("train-attribution")
def train_attribution(
    corpus: Annotated[
        Path,
        typer.Argument(
            help="Annotated articles in brat standoff, PolNeAR's layout: CORPUS/text/<article>.txt "
            "and CORPUS/attributions/<article>[_<annotator>].ann (Source, Cue, Content spans)"
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder the model is written to")
    ] = Path("attribution-model"),
    max_iterations: Annotated[
        int | None, typer.Option(help="L-BFGS iterations [default: 300]")
    ] = None,
    stack: Annotated[
        bool | None,
        typer.Option(
            "--stack/--no-stack",
            help="Give the CRF the rules' own quotes as features (it then runs after the rules) "
            "[default: see docs/quotes.md, Learned layer]",
        ),
    ] = None,
) -> None:
    """Train the learned attribution layer on your own annotations; set
    WHOSAID_ATTRIBUTION_MODEL to the output folder to have `whosaid ingest` use it."""
    from tasks.nlp import attribution_crf

    try:
        with out.status(f"parsing and training on {corpus}…", spinner="dots"):
            meta = attribution_crf.train_corpus(
                corpus,
                output,
                max_iterations=max_iterations or attribution_crf.MAX_ITERATIONS,
                stacked=attribution_crf.STACKED if stack is None else stack,
            )
    except (FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    out.print(
        f"trained on {meta['articles']} articles ({meta['tokens']} tokens) -> {output}\n"
        f"use it with: WHOSAID_ATTRIBUTION_MODEL={output.resolve()} whosaid ingest ...",
        highlight=False,
    )


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
