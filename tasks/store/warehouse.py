"""The warehouse on disk: Parquet parts written by parallel tasks, one DuckDB file loaded from them.

Layout under the warehouse folder::

    parquet/<table>/run=<run_id>/part-<n>.parquet  per-batch tables, written atomically
    runs/<run_id>.json                   a run's manifest: written last, it commits the run
    whosaid.duckdb                       loaded from committed runs by one writer

The Parquet root (``parquet/`` above) can be any fsspec URL instead (``parquet_url``:
``s3://bucket/whosaid``, a shared folder): the same ``<table>/run=<run_id>/part-<n>.parquet``
layout lives there, the ``runs`` table's parts included. Everything else (DuckDB, manifests, the
run lock, ``state/``, ``.cache/``) stays in the warehouse folder on the flow's machine.

Parquet is the durable record. A run is committed when its manifest exists; parts of a run without
one (a crash) are removed by the next run, which redoes that work. The DuckDB load takes every
committed run not yet in ``runs``, inside one transaction, and runs the checks before committing,
so a failed check or a kill leaves the previous good state. When another process holds the DuckDB
file, the load is deferred (the data waits in Parquet) and the next run loads it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from fsspec import AbstractFileSystem
from fsspec.core import url_to_fs
from fsspec.implementations.local import LocalFileSystem

from schemas import ddl
from schemas.tables import BY_NAME, RUNS, TABLES, Table
from tasks.ingest.fetch import redact
from tasks.store.identity import resolve_identities
from tasks.store.rows import run_row, runs_table

PER_BATCH = tuple(t.name for t in TABLES if t.per_batch)
SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"
# Parquet row groups of ~64k rows keep writer memory bounded and let DuckDB read in parallel.
ROW_GROUP_ROWS = 65_536


class WarehouseLocked(Exception):
    """The DuckDB file is held by another process; the load waits for the next run. ``pid`` is
    the holder's process id when DuckDB names it, for messages other than the load's (a query
    has its own)."""

    pid: int | None = None


class ChecksFailed(Exception):
    """Data-quality checks failed; the load was rolled back and the previous state kept."""

    def __init__(self, failures: list[tuple[str, int]]) -> None:
        self.failures = failures
        detail = "; ".join(f"{name}: {n} rows" for name, n in failures)
        super().__init__(f"data-quality checks failed: {detail}")


@dataclass
class LoadResult:
    runs_loaded: list[str] = field(default_factory=list)
    checks: list[tuple[str, int]] = field(default_factory=list)
    fts: bool = False


# -- Parquet side ---------------------------------------------------------------------------------
#
# The Parquet root is a string, never a Path: a local folder (absolute) or any fsspec URL
# (s3://bucket/prefix with s3fs, gs://, memory:// in tests). The flow resolves it once
# (`parquet_root`) and sends that string to every worker, so a Dask worker on another machine
# writes where the flow will read. Credentials come from the environment or fsspec's own
# configuration (AWS_* variables, ~/.aws, FSSPEC_S3_* variables), never from the URL.

PART_NAME = re.compile(r"part-\d+\.parquet")


def parquet_root(warehouse: Path, parquet_url: str | None = None) -> str:
    """Where the Parquet parts live: ``parquet_url``, or by default ``<warehouse>/parquet``.
    A local path or file:// URL comes back as an absolute path (which DuckDB reads natively);
    any other URL comes back as given, less a trailing slash. An unknown protocol, or s3://
    without s3fs installed, raises here, before a run reads anything."""
    if not parquet_url:
        return str((warehouse / "parquet").absolute())
    fs, path = url_to_fs(parquet_url)
    if isinstance(fs, LocalFileSystem):
        return path.rstrip("/") or "/"
    return parquet_url.rstrip("/")


def is_local(root: str) -> bool:
    return isinstance(url_to_fs(root)[0], LocalFileSystem)


def _root_fs(root: str) -> tuple[AbstractFileSystem, str]:
    """The filesystem of a Parquet root and the root's path in it, with the listing cache
    dropped: parts are written by other processes (workers), which this process's cache (s3fs
    keeps one) knows nothing of."""
    fs, base = url_to_fs(root)
    base = base.rstrip("/")
    fs.invalidate_cache(base)
    return fs, base


def _ls_dirs(fs: AbstractFileSystem, path: str) -> list[str]:
    """The folders (prefixes) right under ``path``: one listing request on an object store."""
    return [e["name"].rstrip("/") for e in fs.ls(path, detail=True) if e["type"] == "directory"]


def part_url(root: str, table: str, run_id: str, part: int) -> str:
    return f"{root}/{table}/run={run_id}/part-{part:06d}.parquet"


def write_parquet(path: Path | str, table: pa.Table) -> None:
    """Write atomically: a reader or a crash never sees half a file. A local file is written to
    a temporary file and renamed over the target. An object store has no rename but writes an
    object whole: the part is serialised in memory (a batch's part is a few MB) and sent in one
    call, a PUT (or a multipart upload completed at its end), so the part appears whole or not
    at all. A non-local filesystem without atomic writes (sftp) can be left with a partial part
    by a crash, but only in a run without a manifest, whose output the next run deletes unread."""
    fs, fpath = url_to_fs(str(path))
    if not isinstance(fs, LocalFileSystem):
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="zstd", row_group_size=ROW_GROUP_ROWS)
        fs.pipe_file(fpath, sink.getvalue().to_pybytes())
        return
    target = Path(fpath)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".parquet")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd", row_group_size=ROW_GROUP_ROWS)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_part_at(root: str, table_name: str, run_id: str, part: int, table: pa.Table) -> None:
    """Write a batch's part of ``table_name`` under the Parquet root ``root``, the string the
    flow resolved (workers call this)."""
    if table.num_rows:
        write_parquet(part_url(root, table_name, run_id, part), table)


def write_part(
    warehouse: Path,
    table_name: str,
    run_id: str,
    part: int,
    table: pa.Table,
    parquet_url: str | None = None,
) -> None:
    write_part_at(parquet_root(warehouse, parquet_url), table_name, run_id, part, table)


def manifest_path(warehouse: Path, run_id: str) -> Path:
    return warehouse / "runs" / f"{run_id}.json"


def commit_run(warehouse: Path, manifest: dict[str, Any], parquet_url: str | None = None) -> None:
    """Write the run's own row and its manifest; after this the run's Parquet counts. The row is
    a ``runs`` part under the Parquet root, beside the run's other tables, so the root holds
    every table the load reads; the manifest stays in the warehouse folder, like the run lock,
    and is written last."""
    run_id = manifest["run_id"]
    write_part(warehouse, "runs", run_id, 0, runs_table(run_row(manifest)), parquet_url)
    path = manifest_path(warehouse, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, default=str))
    os.replace(tmp, path)


def committed_runs(warehouse: Path) -> list[dict[str, Any]]:
    runs = []
    for p in sorted((warehouse / "runs").glob("*.json")):
        try:
            runs.append(json.loads(p.read_text()))
        except ValueError:
            continue
    return sorted(runs, key=lambda m: str(m.get("started_at")))


def remove_uncommitted(
    warehouse: Path, keep: str | None = None, parquet_url: str | None = None
) -> list[str]:
    """Delete the Parquet of runs that never committed (killed mid-way). Call under the run lock."""
    committed = {m["run_id"] for m in committed_runs(warehouse)}
    fs, base = _root_fs(parquet_root(warehouse, parquet_url))
    if not fs.exists(base):
        return []
    removed = set()
    for table_dir in _ls_dirs(fs, base):
        for run_dir in _ls_dirs(fs, table_dir):
            name = run_dir.rsplit("/", 1)[-1]
            rid = name.removeprefix("run=")
            if name.startswith("run=") and rid not in committed and rid != keep:
                with contextlib.suppress(FileNotFoundError):
                    fs.rm(run_dir, recursive=True)
                removed.add(rid)
    return sorted(removed)


def parquet_glob(
    warehouse: Path, table: str, run_ids: list[str] | None = None, parquet_url: str | None = None
) -> list[str]:
    """The parts of ``table`` written by ``run_ids`` (default: every committed run), run by run,
    as local paths or as URLs under the Parquet root. One recursive listing of the table, not
    one per run: on an object store each listing is a request, and a warehouse has many runs."""
    root = parquet_root(warehouse, parquet_url)
    if run_ids is None:
        run_ids = [m["run_id"] for m in committed_runs(warehouse)]
    if not run_ids:
        return []
    fs, base = _root_fs(root)
    by_run: dict[str, list[str]] = {rid: [] for rid in run_ids}
    if fs.exists(f"{base}/{table}"):
        for path in fs.find(f"{base}/{table}"):
            run_dir, name = path.rsplit("/", 2)[-2:]
            rid = run_dir.removeprefix("run=")
            if rid in by_run and run_dir.startswith("run=") and PART_NAME.fullmatch(name):
                # Listed paths drop the protocol (s3: "bucket/key"); put the root back in front.
                by_run[rid].append(root + path[len(base) :])
    return [url for rid in run_ids for url in sorted(by_run[rid])]


def read_parts_with(con: duckdb.DuckDBPyConnection, root: str) -> None:
    """Let ``con`` read parts under ``root``. A local root needs nothing. Any other is read by
    DuckDB through the very fsspec filesystem the workers wrote with (``register_filesystem``),
    so the load keeps its one ``read_parquet(..., union_by_name)`` INSERT sorted by the table's
    keys. It needs no httpfs extension (a separate wheel tied to the DuckDB version, and for
    http/s3 only, where fsspec also covers gs://, az:// and memory://) and no DuckDB secrets:
    credentials stay with fsspec and the environment. Reads go through Python, slower than
    httpfs, but a load reads each new part once, a small cost next to the NLP that wrote it."""
    if not is_local(root):
        con.register_filesystem(url_to_fs(root)[0])


def iter_article_rows(
    warehouse: Path,
    parquet_url: str | None = None,
    run_ids: list[str] | None = None,
    chunk: int = 2_000,
) -> Iterator[tuple[str, str, str, str]]:
    """(run_id, article_id, content_hash, body) of committed runs' articles (``run_ids``, else
    every committed run), run by run, streamed: what the dedupe store indexes when it has not
    seen a run (tasks/store/dedupe.py: DedupeState.sync)."""
    files = parquet_glob(warehouse, "articles", run_ids, parquet_url)
    if not files:
        return
    con = duckdb.connect()
    try:
        read_parts_with(con, parquet_root(warehouse, parquet_url))
        cur = con.execute(
            "SELECT run_id, article_id, content_hash, body FROM read_parquet(?)", [files]
        )
        while rows := cur.fetchmany(chunk):
            yield from rows
    finally:
        con.close()


# -- run lock -----------------------------------------------------------------------------------


class RunLocked(Exception):
    """Another ingest run holds the warehouse."""


@contextmanager
def run_lock(warehouse: Path, wait_s: float = 0.0) -> Iterator[None]:
    """One ingest run per warehouse at a time (an OS lock: released even on kill -9)."""
    import fcntl

    warehouse.mkdir(parents=True, exist_ok=True)
    path = warehouse / ".run.lock"
    fh = open(path, "a+")
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                fh.close()
                raise RunLocked(
                    f"another whosaid run ({holder}) is writing to {warehouse}; "
                    "try again when it finishes"
                ) from None
            time.sleep(0.5)
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def run_lock_pid(warehouse: Path) -> int | None:
    """The process id the run lock names: the run (or `whosaid load`) that holds it now, or the
    last one that did. None when no run ever took it."""
    try:
        words = (warehouse / ".run.lock").read_text().split()
    except OSError:
        return None
    return int(words[1]) if len(words) == 2 and words[0] == "pid" and words[1].isdigit() else None


# -- DuckDB side --------------------------------------------------------------------------------


def connect(
    path: Path, read_only: bool = False, attempts: int = 1, delay_s: float = 1.0
) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file; a lock held by another process raises WarehouseLocked."""
    for attempt in range(attempts):
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if attempt + 1 == attempts:
                holder = re.search(r"PID (\d+)", str(exc))
                who = f"process {holder.group(1)}" if holder else "another process"
                locked = WarehouseLocked(
                    f"{path} is open in {who}; the new data is safe in Parquet and will be "
                    "loaded by the next run (or `whosaid load`) once it is closed"
                )
                locked.pid = int(holder.group(1)) if holder else None
                raise locked from None
            time.sleep(delay_s * (2**attempt))
    raise AssertionError("unreachable")


def load_fts(con: duckdb.DuckDBPyConnection) -> bool:
    """Load DuckDB's full-text-search extension from the duckdb-extension-fts wheel (offline),
    falling back to an already installed copy. False when neither is there."""
    try:
        import duckdb_extension_fts

        path = (
            Path(duckdb_extension_fts.__file__).parent
            / "extensions"
            / f"v{duckdb.__version__}"
            / "fts.duckdb_extension"
        )
        if path.exists():
            con.execute(f"LOAD '{path}'")
            # Also install it in DuckDB's own extension folder (~/.duckdb/extensions), so any
            # other client (the duckdb CLI, a notebook) autoloads it for search_quotes() rather
            # than trying to download it.
            with contextlib.suppress(duckdb.Error):
                con.execute(f"INSTALL '{path}'")
            return True
    except ImportError:
        pass
    try:
        con.execute("LOAD fts")
        return True
    except duckdb.Error:
        return False


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for t in TABLES:
        con.execute(ddl.create_table(t))
        existing = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [t.name]
            ).fetchall()
        }
        for f in t.schema:  # columns added to the contract since the file was made
            if f.name not in existing:
                con.execute(f'ALTER TABLE {t.name} ADD COLUMN "{f.name}" {ddl.duckdb_type(f.type)}')
    for stmt in (s for t in TABLES for s in ddl.comments(t)):
        con.execute(stmt)
    # A view over the tables, read by rebuild_utterances inside the load as well as by users.
    con.execute((SCHEMAS_DIR / "copies.sql").read_text())


def _insert_parquet(con: duckdb.DuckDBPyConnection, table: Table, files: list[str]) -> None:
    if not files:
        return
    cols = ", ".join(f'"{n}"' for n in table.schema.names)
    # Parts written before a column joined the contract lack it: NULL there (the column is
    # nullable, as every column added later must be).
    have = {
        row[0]
        for row in con.execute(
            "DESCRIBE SELECT * FROM read_parquet(?, union_by_name = true)", [files]
        ).fetchall()
    }
    picks = ", ".join(f'"{n}"' if n in have else f'NULL AS "{n}"' for n in table.schema.names)
    # Rows land in the table's sort order, so DuckDB's per-row-group min/max skip most of a table
    # for a filter on the leading column: who_said_what for one speaker reads a few row groups
    # of quotes instead of all of them (bench/query_speed.py: 1.2-4x faster at 1M quotes).
    order = (" ORDER BY " + ", ".join(f'"{c}"' for c in table.sort_by)) if table.sort_by else ""
    con.execute(
        f"INSERT OR IGNORE INTO {table.name} ({cols}) "
        f"SELECT {picks} FROM read_parquet(?, union_by_name = true){order}",
        [files],
    )


def rebuild_utterances(
    con: duckdb.DuckDBPyConnection, run_ids: list[str], speakers: Sequence[str] = ()
) -> None:
    """Re-cluster the quotes of every speaker the new runs quoted, and of ``speakers`` (entity
    ids the load relinked); others keep their ids."""
    from tasks.store.utterances import cluster_utterances

    if not run_ids:
        return
    # Speakers quoted in the new runs' articles, or in older articles the new runs found copies
    # of, or whose entity the load linked to another.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE touched AS "
        "SELECT DISTINCT coalesce(q.speaker_entity_id, lower(q.speaker_name), '') AS k "
        "FROM quotes q JOIN articles a USING (article_id) WHERE a.run_id IN "
        "(SELECT unnest($runs)) OR a.article_id IN "
        "(SELECT duplicate_of FROM duplicates WHERE run_id IN (SELECT unnest($runs))) "
        "UNION SELECT unnest($speakers::VARCHAR[])",
        {"runs": run_ids, "speakers": list(speakers)},
    )
    quotes = con.execute("""
        WITH copies AS (
            SELECT article_id, list(copy_key) AS copy_keys, list(outlet) AS copy_outlets,
                   list(published_at) AS copy_published_at
            FROM article_copies GROUP BY article_id)
        SELECT q.quote_id, q.article_id, q.speaker_entity_id, q.speaker_name, q.quote_text,
               q.said_on, a.published_at, a.outlet,
               c.copy_keys, c.copy_outlets, c.copy_published_at
        FROM quotes q JOIN articles a USING (article_id) LEFT JOIN copies c USING (article_id)
        WHERE coalesce(q.speaker_entity_id, lower(q.speaker_name), '') IN (SELECT k FROM touched)
    """).arrow()
    if hasattr(quotes, "read_all"):
        quotes = quotes.read_all()
    assignments, utterances = cluster_utterances(quotes)
    con.execute("""
        DELETE FROM utterances WHERE utterance_id IN (
            SELECT utterance_id FROM quotes
            WHERE coalesce(speaker_entity_id, lower(speaker_name), '') IN (SELECT k FROM touched))
    """)
    con.register("new_utterances", utterances)
    con.register("new_assignments", assignments)
    cols = ", ".join(f'"{n}"' for n in BY_NAME["utterances"].schema.names)
    con.execute(f"INSERT OR REPLACE INTO utterances ({cols}) SELECT {cols} FROM new_utterances")
    con.execute("""
        UPDATE quotes SET utterance_id = n.utterance_id
        FROM new_assignments n WHERE quotes.quote_id = n.quote_id
    """)
    con.unregister("new_utterances")
    con.unregister("new_assignments")


def check_queries() -> list[tuple[str, str]]:
    """(name, SQL returning offending rows): generated from the declarations, then the SQL files
    in schemas/checks/ for foreign keys and cross-table rules."""
    out = []
    for t in TABLES:
        keys = ", ".join(f'"{k}"' for k in t.key)
        out.append(
            (
                f"{t.name}.unique({','.join(t.key)})",
                f"SELECT {keys} FROM {t.name} GROUP BY ALL HAVING count(*) > 1",
            )
        )
        for f in t.schema:
            if not f.nullable:
                out.append(
                    (
                        f"{t.name}.{f.name}.not_null",
                        f'SELECT * FROM {t.name} WHERE "{f.name}" IS NULL',
                    )
                )
        for column, values in t.accepted:
            allowed = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
            out.append(
                (
                    f"{t.name}.{column}.accepted",
                    f'SELECT "{column}" FROM {t.name} '
                    f'WHERE "{column}" IS NOT NULL AND "{column}" NOT IN ({allowed})',
                )
            )
    for path in sorted((SCHEMAS_DIR / "checks").glob("*.sql")):
        out.append((path.stem, path.read_text()))
    return out


def run_checks(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Every check with its count of offending rows (0 = passed)."""
    results = []
    for name, sql in check_queries():
        n = con.execute(f"SELECT count(*) FROM ({sql.strip().rstrip(';')})").fetchone()
        results.append((name, int(n[0]) if n else 0))
    return results


def create_views(con: duckdb.DuckDBPyConnection, fts: bool) -> None:
    con.execute((SCHEMAS_DIR / "views.sql").read_text())
    search = "search_fts.sql" if fts else "search_ilike.sql"
    con.execute((SCHEMAS_DIR / search).read_text())


class PartsMissing(Exception):
    """A committed run's Parquet is not under the Parquet root (the root was changed)."""


def load(warehouse: Path, attempts: int = 3, parquet_url: str | None = None) -> LoadResult:
    """Load every committed run not yet in DuckDB, in one transaction, checks before commit."""
    root = parquet_root(warehouse, parquet_url)
    con = connect(warehouse / "whosaid.duckdb", attempts=attempts)
    result = LoadResult()
    try:
        ensure_schema(con)
        read_parts_with(con, root)
        loaded = {r[0] for r in con.execute("SELECT run_id FROM runs").fetchall()}
        runs = [m for m in committed_runs(warehouse) if m["run_id"] not in loaded]
        pending = [m["run_id"] for m in runs]
        run_parts = parquet_glob(warehouse, "runs", pending, root)
        _check_parts_present(runs, run_parts, root)
        con.execute("BEGIN TRANSACTION")
        try:
            for name in PER_BATCH:
                _insert_parquet(con, BY_NAME[name], parquet_glob(warehouse, name, pending, root))
            _insert_parquet(con, RUNS, run_parts)
            if pending:
                relinked = resolve_identities(con)
                rebuild_utterances(con, pending, relinked)
            result.checks = run_checks(con)
            failures = [(n, c) for n, c in result.checks if c]
            if failures:
                raise ChecksFailed(failures)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        result.runs_loaded = pending
        result.fts = load_fts(con)
        if result.fts and (pending or not _has_fts_index(con)):
            con.execute(
                "PRAGMA create_fts_index('quotes', 'quote_id', 'quote_text', "
                "stemmer = 'porter', stopwords = 'english', overwrite = 1)"
            )
        create_views(con, result.fts)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return result


def _check_parts_present(runs: list[dict[str, Any]], run_parts: list[str], root: str) -> None:
    """Every committed run writes a ``runs`` part before its manifest; a run whose part is not
    under ``root`` was written under another Parquet root. Loading it would load nothing for it
    and mark it loaded, so say so instead."""
    found = {url.rsplit("/", 2)[-2].removeprefix("run=") for url in run_parts}
    lost = [m for m in runs if m["run_id"] not in found]
    if lost:
        where = lost[0].get("parquet_url") or "its warehouse's parquet/ folder"
        raise PartsMissing(
            f"{len(lost)} committed run(s) ({lost[0]['run_id']}, ...) have no Parquet under "
            f"{redact(root)}; run {lost[0]['run_id']} wrote to {where}. Give the Parquet root "
            "they were written to (--parquet-url / WHOSAID_PARQUET_URL), or copy the parts there"
        )


def _has_fts_index(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'fts_main_quotes'"
    ).fetchone()
    return bool(row and row[0])


def query(warehouse: Path, sql: str, params: list[Any] | None = None) -> tuple[list[str], list]:
    """Run a read-only query against the warehouse; (column names, rows)."""
    con = connect(warehouse / "whosaid.duckdb", read_only=True)
    try:
        load_fts(con)
        cur = con.execute(sql, params or [])
        names = [d[0] for d in cur.description or []]
        return names, cur.fetchall()
    finally:
        con.close()
