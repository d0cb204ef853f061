"""The warehouse on disk: atomic parts, manifests commit runs, one writer, deferred loads,
checks."""

from __future__ import annotations

import multiprocessing as mp
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from schemas.tables import RUNS
from tasks.model import Article, Reject, RunRow
from tasks.store import rows, warehouse


def _article(n: int) -> Article:
    body = f"Story number {n}. The council met on Monday and agreed the plan."
    return Article(
        article_id=f"a{n:023d}",
        content_hash=f"h{n}",
        source_uri="dump.jsonl",
        source_locator=f"line:{n}",
        url=None,
        outlet="example.org",
        title=f"T{n}",
        standfirst=None,
        authors=("A. Writer",),
        published_at=None,
        published_at_source=None,
        language="en",
        body=body,
    )


def _write_run(wh: Path, run_id: str, n_articles: int, commit: bool = True, first: int = 0) -> None:
    arts = [_article(i) for i in range(first, first + n_articles)]
    warehouse.write_part(wh, "articles", run_id, 1, rows.articles_table(arts, run_id))
    warehouse.write_part(
        wh,
        "rejects",
        run_id,
        0,
        rows.rejects_table([Reject("dump.jsonl", "line:99", "read", "invalid JSON")], run_id),
    )
    if commit:
        warehouse.commit_run(
            wh,
            {
                "run_id": run_id,
                "flow_run_id": None,
                "started_at": datetime.now(UTC).isoformat(),
                "finished_at": datetime.now(UTC).isoformat(),
                "sources": ["dump.jsonl"],
                "records_read": n_articles + 1,
                "articles": n_articles,
                "duplicates": 0,
                "rejects": 1,
                "quotes": 0,
                "mentions": 0,
                "stage_seconds": {"clean": 0.1},
            },
        )


def _count(wh: Path, table: str) -> int:
    con = duckdb.connect(str(wh / "whosaid.duckdb"), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_load_commits_only_manifested_runs(tmp_path: Path) -> None:
    _write_run(tmp_path, "r1", 3)
    _write_run(tmp_path, "r2", 2, commit=False)  # a run killed before its manifest
    result = warehouse.load(tmp_path)
    assert result.runs_loaded == ["r1"]
    assert _count(tmp_path, "articles") == 3 and _count(tmp_path, "rejects") == 1
    assert warehouse.remove_uncommitted(tmp_path) == ["r2"]
    assert not (tmp_path / "parquet" / "articles" / "run=r2").exists()
    # Loading again adds nothing.
    assert warehouse.load(tmp_path).runs_loaded == []
    assert _count(tmp_path, "articles") == 3 and _count(tmp_path, "runs") == 1


def test_article_rows_come_from_committed_runs(tmp_path: Path) -> None:
    _write_run(tmp_path, "r1", 2)
    _write_run(tmp_path, "r2", 5, commit=False)
    rows = list(warehouse.iter_article_rows(tmp_path))
    assert {(r[0], r[2]) for r in rows} == {("r1", "h0"), ("r1", "h1")}
    assert all(r[3].startswith("Story number") for r in rows)


def _hold(path: str, ready: mp.Event, release: mp.Event) -> None:  # type: ignore[type-arg]
    con = duckdb.connect(path)
    ready.set()
    release.wait(30)
    con.close()


def test_locked_duckdb_defers_the_load(tmp_path: Path) -> None:
    _write_run(tmp_path, "r1", 1)
    warehouse.load(tmp_path)
    _write_run(tmp_path, "r2", 2, first=10)
    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold, args=(str(tmp_path / "whosaid.duckdb"), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(warehouse.WarehouseLocked, match="loaded by the next run"):
            warehouse.load(tmp_path, attempts=1)
    finally:
        release.set()
        holder.join(30)
    assert warehouse.load(tmp_path).runs_loaded == ["r2"]
    assert _count(tmp_path, "articles") == 3


def test_failed_check_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_run(tmp_path, "r1", 2)
    warehouse.load(tmp_path)
    _write_run(tmp_path, "r2", 4, first=10)
    original = warehouse.check_queries
    monkeypatch.setattr(
        warehouse,
        "check_queries",
        lambda: [
            *original(),
            ("no_more_than_3_articles", "SELECT 1 FROM articles HAVING count(*) > 3"),
        ],
    )
    with pytest.raises(warehouse.ChecksFailed, match="no_more_than_3_articles"):
        warehouse.load(tmp_path)
    assert _count(tmp_path, "articles") == 2 and _count(tmp_path, "runs") == 1


def test_run_lock_is_exclusive(tmp_path: Path) -> None:
    with warehouse.run_lock(tmp_path):
        ctx = mp.get_context("spawn")
        with ctx.Pool(1) as pool:
            message = pool.apply(_try_lock, (str(tmp_path),))
    assert "another whosaid run" in message
    with warehouse.run_lock(tmp_path):  # released, so it can be taken again
        pass


def _try_lock(path: str) -> str:
    try:
        with warehouse.run_lock(Path(path)):
            return "acquired"
    except warehouse.RunLocked as exc:
        return str(exc)


def test_parts_written_before_a_column_existed_still_load(tmp_path: Path) -> None:
    """A column added to the contract later (quotes.found_by, 2026-11-30) is missing from the
    Parquet parts of older runs: those rows load with NULL there, even when no part has it."""
    import pyarrow.parquet as pq

    _write_run(tmp_path, "r1", 3)
    [part] = (tmp_path / "parquet" / "articles" / "run=r1").glob("*.parquet")
    pq.write_table(pq.read_table(part).drop_columns(["standfirst"]), part)
    assert warehouse.load(tmp_path).runs_loaded == ["r1"]
    con = duckdb.connect(str(tmp_path / "whosaid.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*), count(standfirst) FROM articles").fetchone() == (3, 0)
    finally:
        con.close()


def test_run_row_is_the_runs_declaration() -> None:
    assert [f.name for f in fields(RunRow)] == RUNS.schema.names


def _manifest() -> dict:
    return {
        "run_id": "r1",
        "started_at": "2026-12-01T10:00:00+00:00",
        "finished_at": "2026-12-01T10:01:00+00:00",
        "sources": ["dump.jsonl"],
        "records_read": 3,
        "articles": 2,
        "duplicates": 0,
        "rejects": 1,
        "quotes": 4,
        "mentions": 5,
        "stage_seconds": {"clean": 0.5},
        "sources_unchanged": 0,  # manifest keys that are not columns stay in the manifest
    }


def test_run_row_from_manifest() -> None:
    table = rows.runs_table(rows.run_row(_manifest()))
    assert table.schema.equals(RUNS.schema)
    [row] = table.to_pylist()
    assert row["started_at"] == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert row["flow_run_id"] is None and row["sources"] == ["dump.jsonl"]
    assert row["stage_seconds"] == [("clean", 0.5)]
    assert (row["records_read"], row["mentions"]) == (3, 5)


def test_run_row_refuses_a_manifest_without_a_required_column() -> None:
    manifest = _manifest()
    del manifest["mentions"]
    with pytest.raises(ValueError, match="mentions"):
        rows.run_row(manifest)
