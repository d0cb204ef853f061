"""The command line fails the way a user can act on: one line on stderr naming what is wrong,
a non-zero exit, no traceback. Most cases run the CLI in this process (typer's runner); the
last ones run it as the user does, in its own process, to see the real stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

from whosaid.cli import app

import duckdb
import pytest
from integration.procs import Proc, base_env, wait_for
from integration.runs import api_env
from typer.testing import CliRunner

from tasks import settings
from tasks.ingest.fetch import Fetched
from tasks.ingest.readers import Reader
from tasks.ingest.sources import SourceError, check_sources, iter_items, walk_files
from tasks.model import RawRecord, Reject
from tasks.store import warehouse

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def fails(args: list[str], env: dict[str, str] | None = None) -> str:
    """Run ``whosaid ARGS``; it must exit non-zero having printed one line on stderr and raised
    nothing but its exit. The line, without its ``error:`` prefix."""
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    return lines[0].removeprefix("error: ")


# -- a warehouse that is not there ------------------------------------------------------------


@pytest.mark.parametrize("command", [["check"], ["sql", "SELECT 1"], ["load"]])
def test_a_missing_warehouse_is_one_line_and_stays_missing(tmp_path: Path, command: list) -> None:
    mistyped = tmp_path / "warehuose"
    line = fails([*command, "-w", str(mistyped)])
    assert line.startswith(f"no warehouse at {mistyped}"), line
    assert not mistyped.exists()  # `load` used to create an empty warehouse here


EMPTY_RUN = {
    "run_id": "r1",
    "started_at": "2026-01-01T00:00:00+00:00",
    "finished_at": "2026-01-01T00:00:01+00:00",
    "sources": [],
    **dict.fromkeys(("records_read", "articles", "duplicates", "rejects", "quotes", "mentions"), 0),
}


def test_load_rebuilds_duckdb_from_committed_runs(tmp_path: Path) -> None:
    """Committed runs without a DuckDB file are still a warehouse: `load` rebuilds the file."""
    wh = tmp_path / "wh"
    warehouse.commit_run(wh, dict(EMPTY_RUN))
    result = CliRunner().invoke(app, ["load", "-w", str(wh)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("loaded 1 run(s); "), result.stdout
    assert warehouse.query(wh, "SELECT run_id FROM runs")[1] == [("r1",)]


def test_check_on_a_file_that_is_not_duckdb_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "whosaid.duckdb").write_text("not a database")
    line = fails(["check", "-w", str(tmp_path)])
    assert line.startswith(f"{tmp_path / 'whosaid.duckdb'}: "), line


# -- settings from the environment and the options ----------------------------------------------


def test_every_settings_field_is_in_the_validation_table() -> None:
    settable = {f.name for f in fields(settings.Settings)} - {"limits"}
    assert set(settings.ACCEPTS) == settable


@pytest.mark.parametrize(
    ("variable", "raw", "accepted"),
    [
        ("WHOSAID_WORKERS", "abc", "0 (one per core) or more"),
        ("WHOSAID_WORKERS", "-1", "0 (one per core) or more"),
        ("WHOSAID_WORKERS", "2.5", "whole number"),
        ("WHOSAID_BATCH_SIZE", "0", "1 or more"),
        ("WHOSAID_BATCH_SIZE", "ten", "1 or more"),
        ("WHOSAID_INFLIGHT_PER_WORKER", "0", "1 or more"),
    ],
)
def test_a_bad_variable_names_itself_its_value_and_what_it_takes(
    variable: str, raw: str, accepted: str
) -> None:
    with pytest.raises(settings.SettingsError) as exc:
        settings.from_env({variable: raw})
    assert str(exc.value).startswith(f"{variable} is {raw!r}; it takes "), exc.value
    assert accepted in str(exc.value)
    line = fails(["ingest", str(SAMPLES), "-w", "unused"], env={variable: raw})
    assert line == str(exc.value)


def test_every_variable_is_documented_with_what_it_takes() -> None:
    operations = (ROOT / "docs" / "operations.md").read_text()
    for name, accepts in settings.ACCEPTS.items():
        starts = f"| `{settings.env_name(name)}`"
        row = next((line for line in operations.splitlines() if line.startswith(starts)), "")
        assert accepts.accepted in row.replace("`", ""), (name, row)


def test_good_and_empty_variables() -> None:
    got = settings.from_env({"WHOSAID_WORKERS": " 3 ", "WHOSAID_BATCH_SIZE": "", "X": "y"})
    assert (got.workers, got.batch_size) == (3, settings.Settings().batch_size)
    assert settings.from_env({"WHOSAID_WAREHOUSE": "/srv/wh"}).warehouse == Path("/srv/wh")


@pytest.mark.parametrize(
    ("option", "value", "accepted"),
    [("--workers", "-1", "0 (one per core) or more"), ("--batch-size", "0", "1 or more")],
)
def test_a_bad_option_fails_before_the_flow(
    tmp_path: Path, option: str, value: str, accepted: str
) -> None:
    line = fails(["ingest", str(SAMPLES), "-w", str(tmp_path / "wh"), option, value])
    assert line.startswith(f"{option} is {value}; it takes ") and accepted in line, line
    assert not (tmp_path / "wh").exists()


def test_the_flow_refuses_bad_values_by_name() -> None:
    """The flow (run by a deployment, without the CLI) gets the same checks."""
    with pytest.raises(settings.SettingsError, match=r"^batch_size is 0; it takes "):
        settings.from_env({}).with_overrides(batch_size=0)
    with pytest.raises(settings.SettingsError, match=r"^workers is -1; it takes "):
        settings.Settings(workers=-1)


# -- sources ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["ftp://host/file", "sftp://host/dumps/", "hdfs://namenode/dumps", "github://o:r@/"]
)
def test_a_scheme_whosaid_does_not_read_is_refused_up_front(url: str) -> None:
    scheme = url.split("://")[0]
    with pytest.raises(SourceError) as exc:
        check_sources([url])
    message = str(exc.value)
    assert f"does not read {scheme}:// URLs" in message
    for read in ("local paths", "file://", "http://", "https://", "s3://", "gs://"):
        assert read in message
    assert fails(["ingest", url, "-w", "unused"]) == message


def _no_fetch(url: str) -> Fetched:
    raise AssertionError(f"nothing here is fetched: {url}")


def _warehouse_as_a_run_leaves_it(wh: Path) -> None:
    """The folders and files a committed, loaded run leaves (flows/ingest.py, warehouse.py)."""
    with warehouse.run_lock(wh):
        (wh / "state").mkdir()
        (wh / "state" / "dedupe.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
        (wh / "state" / "dedupe.sqlite-journal").write_bytes(b"\xd9\xd5\x05\xf9" + b"\x00" * 60)
        warehouse.commit_run(wh, dict(EMPTY_RUN))
        (wh / "parquet" / "articles" / "run=r1").mkdir(parents=True)
        (wh / "parquet" / "articles" / "run=r1" / "part-000000.parquet").write_bytes(b"PAR1")
        duckdb.connect(str(wh / "whosaid.duckdb")).close()


def test_a_warehouse_inside_a_source_folder_is_not_read(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "harwick-strike.txt").write_bytes((SAMPLES / "harwick-strike.txt").read_bytes())
    _warehouse_as_a_run_leaves_it(data / "wh")
    (data / "wh" / "notes.txt").write_text("A user's own file kept in the warehouse folder.")
    assert [p.relative_to(data) for p in walk_files(data)] == [
        Path("harwick-strike.txt"),
        Path("wh/notes.txt"),
    ]
    items = list(iter_items([str(data)], Reader(), fetcher=_no_fetch))
    assert not [i for i in items if isinstance(i, Reject)], items
    assert {Path(i.source_uri).name for i in items if isinstance(i, RawRecord)} == {
        "harwick-strike.txt",
        "notes.txt",
    }
    check_sources([str(data), str(data / "wh")])  # a warehouse folder itself: its files skipped


@pytest.mark.parametrize(
    "inside", ["state", "state/dedupe.sqlite", "parquet/articles", "runs", "whosaid.duckdb"]
)
def test_a_source_inside_a_warehouse_is_refused(tmp_path: Path, inside: str) -> None:
    wh = tmp_path / "wh"
    _warehouse_as_a_run_leaves_it(wh)
    with pytest.raises(SourceError) as exc:
        check_sources([str(wh / inside)])
    assert f"part of the warehouse {wh}, which is never read as input" in str(exc.value)
    assert fails(["ingest", str(wh / inside), "-w", str(tmp_path / "other")]) == str(exc.value)


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_ingest_a_folder_that_holds_its_own_warehouse(tmp_path: Path) -> None:
    """`whosaid ingest data/ -w data/wh`, twice (the second a full rescan, with the dedupe
    store, its journal, the manifests, the Parquet and DuckDB all in data/wh): the same two
    sample files each time, nothing of the warehouse read, so no rejects."""
    data = tmp_path / "data"
    data.mkdir()
    for name in ("harwick-strike.txt", "northshire-echo.jsonl"):
        (data / name).write_bytes((SAMPLES / name).read_bytes())
    runs = []
    for extra in ([], ["--full-rescan"]):
        result = CliRunner().invoke(
            app, ["ingest", str(data), "-w", str(data / "wh"), "--workers", "1", *extra]
        )
        assert result.exit_code == 0, result.output
        [summary] = warehouse.query(
            data / "wh",
            "SELECT records_read, articles, duplicates, rejects FROM runs ORDER BY started_at "
            "DESC LIMIT 1",
        )[1]
        runs.append(summary)
    assert runs == [(4, 4, 0, 0), (4, 0, 4, 0)]


# -- a query while a run writes the warehouse ---------------------------------------------------

HOLDER = """
import sys, time
from pathlib import Path
from tasks.store import warehouse

wh, as_run = Path(sys.argv[1]), sys.argv[2] == "run"
lock = warehouse.run_lock(wh)
if as_run:  # what a run's load and `whosaid load` do: the run lock, then DuckDB read-write
    lock.__enter__()
con = warehouse.connect(wh / "whosaid.duckdb")
print("holding", flush=True)
time.sleep(600)
"""


@pytest.fixture
def written_warehouse(tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    wh = tmp_path / "wh"
    wh.mkdir()
    duckdb.connect(str(wh / "whosaid.duckdb")).close()
    holder = Proc(
        [sys.executable, "-c", HOLDER, str(wh), request.param],
        tmp_path / "holder.log",
        base_env(PYTHONPATH=str(ROOT)),
    )
    try:
        wait_for(lambda: "holding" in holder.log.read_text(), 60, "the holder", proc=holder)
        yield wh, holder.popen.pid
    finally:
        holder.stop()


@pytest.mark.parametrize("written_warehouse", ["run"], indirect=True)
@pytest.mark.parametrize("command", [["sql", "SELECT count(*) FROM runs"], ["check"]])
def test_a_query_while_a_run_writes_has_its_own_message(
    written_warehouse: tuple[Path, int], command: list[str]
) -> None:
    wh, pid = written_warehouse
    line = fails([*command, "-w", str(wh)])
    assert line.startswith(
        f"the warehouse {wh} is being written by a run (process {pid}); try again in a moment, "
        f"or query the Parquet with DuckDB: read_parquet('{(wh / 'parquet').absolute()}/"
    ), line
    assert "safe in Parquet" not in line  # the load's message, not a query's


@pytest.mark.parametrize("written_warehouse", ["other"], indirect=True)
def test_a_query_while_someone_else_writes_says_who(written_warehouse: tuple[Path, int]) -> None:
    wh, pid = written_warehouse
    line = fails(["sql", "SELECT 1", "-w", str(wh)])
    assert line.startswith(
        f"{wh / 'whosaid.duckdb'} is open for writing in process {pid}, not a whosaid run; "
        "close that connection and try again"
    ), line


# The real flow, its load paused inside the DuckDB transaction (after the Parquet is inserted,
# before the entities are rebuilt): what a query meets while a run loads.
PAUSED_RUN = """
import sys, time
from tasks.store import warehouse


def paused(con, *args):
    sys.__stdout__.write("loading\\n")  # print() goes to the run's logger (log_prints)
    sys.__stdout__.flush()
    time.sleep(600)


warehouse.rebuild_utterances = paused
from flows.ingest import ingest_with

ingest_with(1)(sources=[sys.argv[1]], warehouse_dir=sys.argv[2], workers=1)
"""


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.usefixtures("prefect_harness")
def test_a_query_during_a_real_runs_load_names_the_run(tmp_path: Path) -> None:
    """The load runs in the flow's own process, the one that holds the run lock: so a query
    during it is told a run is writing, not that some other program holds the file."""
    wh = tmp_path / "wh"
    run = Proc(
        [sys.executable, "-c", PAUSED_RUN, str(SAMPLES / "harwick-strike.txt"), str(wh)],
        tmp_path / "run.log",
        {**api_env(), "PYTHONPATH": str(ROOT)},
    )
    try:
        wait_for(lambda: "loading" in run.log.read_text(), 300, "the run's load", proc=run)
        line = fails(["sql", "SELECT 1", "-w", str(wh)])
    finally:
        run.stop()
    assert line.startswith(
        f"the warehouse {wh} is being written by a run (process {run.popen.pid}); "
    ), line


# -- as the user runs it ------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["check", "-w", "{tmp}/nope"], {}, "error: no warehouse at {tmp}/nope"),
        (["ingest", "{tmp}"], {"WHOSAID_WORKERS": "abc"}, "error: WHOSAID_WORKERS is 'abc'"),
        (["ingest", "ftp://host/file"], {}, "error: ftp://host/file: whosaid does not read ftp://"),
    ],
)
def test_the_cli_process_prints_one_line_and_no_traceback(
    tmp_path: Path, args: list[str], env: dict[str, str], expected: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "whosaid.cli", *(a.format(tmp=tmp_path) for a in args)],
        capture_output=True,
        text=True,
        env=base_env(PYTHONPATH=str(ROOT), COLUMNS="40", **env),
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [done.stderr.strip()], done.stderr  # one line at 40 columns
    assert done.stderr.startswith(expected.format(tmp=tmp_path)), done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert os.listdir(tmp_path) == []  # nothing created on the way
