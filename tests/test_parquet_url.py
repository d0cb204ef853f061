"""The Parquet root as an fsspec URL (``parquet_url``): parts land there and nowhere else, the
DuckDB load reads them back through fsspec, and commits, re-runs, crash clean-up and accounting
work as with the default ``<warehouse>/parquet``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import fsspec
import pytest

from schemas.tables import BY_NAME
from tasks import settings
from tasks.store import rows, warehouse
from tests.test_warehouse import _article

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
# Tables whose rows a run over the samples determines (runs differ by run_id and timings).
CONTENT_TABLES = (
    "articles",
    "duplicates",
    "entities",
    "entity_occurrences",
    "mentions",
    "quotes",
    "utterances",
    "rejects",
)


def _write_run(wh: Path, url: str | None, run_id: str, n: int, commit: bool = True) -> None:
    arts = [_article(i) for i in range(n)]
    warehouse.write_part(wh, "articles", run_id, 1, rows.articles_table(arts, run_id), url)
    if commit:
        now = datetime.now(UTC).isoformat()
        manifest = {"run_id": run_id, "started_at": now, "finished_at": now, "articles": n}
        manifest |= {"records_read": n, "duplicates": 0, "rejects": 0, "quotes": 0}
        warehouse.commit_run(wh, {**manifest, "mentions": 0, "stage_seconds": {}}, url)


def _rows(wh: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(wh / "whosaid.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _count(wh: Path, table: str) -> int:
    return int(_rows(wh, f"SELECT count(*) FROM {table}")[0][0])


@pytest.fixture(params=["memory", "file"])
def parquet_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A Parquet root away from the warehouse folder: fsspec's in-memory store (a stand-in for an
    object store: no folders, no rename) or a second local folder given as a file:// URL."""
    if request.param == "memory":
        url = f"memory://whosaid-{uuid.uuid4().hex}/parquet"
        yield url
        fs = fsspec.filesystem("memory")
        if fs.exists(url):
            fs.rm(url, recursive=True)
    else:
        yield (tmp_path / "elsewhere" / "parquet").as_uri()


def test_parts_commit_load_and_clean_up_under_the_url(tmp_path: Path, parquet_url: str) -> None:
    wh = tmp_path / "wh"
    _write_run(wh, parquet_url, "r1", 3)
    _write_run(wh, parquet_url, "r2", 5, commit=False)  # killed before its manifest
    fs, root = fsspec.core.url_to_fs(parquet_url)
    assert fs.exists(f"{root}/articles/run=r1/part-000001.parquet")
    assert fs.exists(f"{root}/runs/run=r1/part-000000.parquet")  # the run's row sits there too
    assert (wh / "runs" / "r1.json").exists()  # the manifest stays local
    assert not (wh / "parquet").exists()

    assert {r[2] for r in warehouse.iter_article_rows(wh, parquet_url)} == {"h0", "h1", "h2"}
    assert warehouse.load(wh, parquet_url=parquet_url).runs_loaded == ["r1"]
    assert _count(wh, "articles") == 3 and _count(wh, "runs") == 1
    assert warehouse.remove_uncommitted(wh, parquet_url=parquet_url) == ["r2"]
    assert not fs.exists(f"{root}/articles/run=r2")
    assert fs.exists(f"{root}/articles/run=r1/part-000001.parquet")
    assert warehouse.load(wh, parquet_url=parquet_url).runs_loaded == []
    assert not (wh / "parquet").exists()


def test_a_run_missing_under_the_root_is_an_error_not_an_empty_load(tmp_path: Path) -> None:
    """Parts written under one root and loaded from another would mark the run loaded with none
    of its rows; the load says where the parts are instead."""
    url = (tmp_path / "elsewhere").as_uri()
    _write_run(tmp_path / "wh", url, "r1", 2)
    with pytest.raises(warehouse.PartsMissing, match="no Parquet under"):
        warehouse.load(tmp_path / "wh")  # the default root, <warehouse>/parquet
    assert warehouse.load(tmp_path / "wh", parquet_url=url).runs_loaded == ["r1"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, "{wh}/parquet"),
        ("file://{tmp}/p/", "{tmp}/p"),
        ("{tmp}/p", "{tmp}/p"),
        ("memory://bucket/p/", "memory://bucket/p"),
    ],
)
def test_parquet_root_is_one_string_for_every_machine(
    tmp_path: Path, given: str | None, expected: str
) -> None:
    wh = Path("wh")
    root = warehouse.parquet_root(wh, given.format(tmp=tmp_path) if given else None)
    assert root == expected.format(tmp=tmp_path, wh=wh.absolute())


def test_an_unknown_protocol_fails_before_the_run() -> None:
    with pytest.raises(ValueError, match="nosuch"):
        warehouse.parquet_root(Path("wh"), "nosuch://bucket/p")


def test_setting_from_the_environment() -> None:
    env = {"WHOSAID_PARQUET_URL": "s3://bucket/whosaid", "WHOSAID_WORKERS": "3"}
    s = settings.from_env(env)
    assert (s.parquet_url, s.workers) == ("s3://bucket/whosaid", 3)
    assert settings.from_env({}).parquet_url is None
    assert s.with_overrides(parquet_url=None).parquet_url == "s3://bucket/whosaid"


# -- the flow ---------------------------------------------------------------------------------


def _snapshot(wh: Path) -> dict[str, list[tuple]]:
    """Each content table's keys, sorted: what a run put in the warehouse."""
    con = duckdb.connect(str(wh / "whosaid.duckdb"), read_only=True)
    try:
        out = {}
        for name in CONTENT_TABLES:
            keys = ", ".join(f'"{k}"' for k in BY_NAME[name].key)
            out[name] = con.execute(f"SELECT {keys} FROM {name} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_flow_writes_parts_to_the_url_and_loads_the_same_rows(tmp_path: Path) -> None:
    from flows.ingest import ingest_with

    def run(wh: Path, url: str | None, workers: int = 1, **kw: object) -> dict:
        flow = ingest_with(workers)
        return flow(sources=[str(SAMPLES)], warehouse_dir=str(wh), parquet_url=url, **kw)

    default_wh, wh = tmp_path / "default", tmp_path / "wh"
    url = (tmp_path / "shared" / "parquet").as_uri()
    run(default_wh, None)
    # Two worker processes: they get the root as a string, as Dask workers would.
    first = run(wh, url, workers=2)
    assert (first["records_read"], first["articles"], first["rejects"]) == (9, 9, 0)
    assert not (wh / "parquet").exists()
    shared = tmp_path / "shared" / "parquet"
    for table in ("articles", "mentions", "quotes", "entity_occurrences", "runs"):
        assert list(shared.glob(f"{table}/run={first['run_id']}/part-*.parquet")), table
    assert _snapshot(wh) == _snapshot(default_wh)
    manifest = (wh / "runs" / f"{first['run_id']}.json").read_text()
    assert str(shared) in manifest

    # A killed run's parts under the URL are removed by the next run, which adds nothing new:
    # unchanged sources are skipped, and a full rescan finds every record a duplicate.
    dead = shared / "articles" / "run=killed" / "part-000001.parquet"
    dead.parent.mkdir(parents=True)
    dead.write_bytes(next(shared.glob("articles/run=*/part-*.parquet")).read_bytes())
    again = run(wh, url)
    assert again["records_read"] == 0 and again["sources_unchanged"] == 6
    assert not dead.parent.exists()
    rescan = run(wh, url, full_rescan=True)
    assert (rescan["records_read"], rescan["articles"], rescan["duplicates"]) == (9, 0, 9)
    after = _snapshot(wh)
    assert after["articles"] == _snapshot(default_wh)["articles"]
    assert len(after["duplicates"]) == 9
    assert _count(wh, "runs") == 3
    [(read, balanced)] = _rows(
        wh,
        "SELECT sum(records_read), bool_and(records_read = articles + duplicates + rejects) "
        "FROM runs",
    )
    assert read == 18 and balanced
