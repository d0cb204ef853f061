"""The outlets' line fingerprints on disk (``state/outlet_lines.sqlite``), for
``tasks.clean.repeats``: which earlier pages of an outlet carried a line.

The flow adds each cleaned batch's rows as the batch comes back, tagged with the run; cleaning
reads only the rows of other runs, so within a run every batch sees the same store and what a
batch removes does not depend on which batches ran first. Rows of a run that never committed
are dropped when the next run opens the store. The store is derived data: deleting it costs
only what it taught (the next page of each outlet is cleaned as if it were the first), never an
article. A worker that cannot open the file (a Dask worker on another machine) cleans each batch
with what the batch itself teaches.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

# A line needs one earlier page outside its own story to count as furniture, so a few pages per
# line are enough to decide; keeping more would only grow the store.
MAX_PAGES_PER_LINE = 4
# Lines seen on one page only (the article text itself, nearly all rows) are kept for an
# outlet's most recent rows only: furniture recurs on every page, so it is seen again well
# before this many rows (about 1,000 pages of 200 lines) have passed.
RECENT_ROWS_PER_OUTLET = 200_000
# SQLite caps the parameters of one statement at 32,766 (the default since 3.32).
_CHUNK = 900

_SCHEMA = """
CREATE TABLE IF NOT EXISTS lines (
    outlet TEXT NOT NULL,
    line_key INTEGER NOT NULL,
    page TEXT NOT NULL,
    run_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (outlet, line_key, page)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS lines_by_seq ON lines (outlet, seq);
CREATE INDEX IF NOT EXISTS lines_by_run ON lines (run_id);
"""


def store_path(warehouse: Path) -> Path:
    return warehouse / "state" / "outlet_lines.sqlite"


class LineMemory:
    """Lookups and additions over one store file. ``run_id``: the run reading it, whose own rows
    lookups leave out."""

    def __init__(self, path: Path, run_id: str = "", read_only: bool = False) -> None:
        self.path = path
        self.run_id = run_id
        if read_only:
            self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.executescript(_SCHEMA)

    @classmethod
    def reader(cls, path: Path | None, run_id: str = "") -> LineMemory | None:
        """A read-only view of the store at ``path``, or None when there is none to read."""
        if path is None or not path.is_file():
            return None
        try:
            memory = cls(path, run_id, read_only=True)
            memory.db.execute("SELECT 1 FROM lines LIMIT 1").fetchall()
        except sqlite3.Error:
            return None
        return memory

    def __enter__(self) -> LineMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def pages(self, outlet: str, keys: Sequence[int]) -> dict[int, list[str]]:
        """For each of ``keys`` the outlet's pages, read by other runs, that carried it."""
        found: dict[int, list[str]] = {}
        unique = list(dict.fromkeys(keys))
        try:
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for key, page in self.db.execute(
                    "SELECT line_key, page FROM lines WHERE outlet = ? AND run_id <> ? "
                    f"AND line_key IN ({marks})",
                    [outlet, self.run_id, *chunk],
                ):
                    found.setdefault(key, []).append(page)
        except sqlite3.Error:  # an unreadable store teaches nothing; the page is cleaned alone
            return {}
        return found

    def add(self, rows: Iterable[tuple[str, int, str]]) -> None:
        """Keep (outlet, line key, page) rows for this run, at most ``MAX_PAGES_PER_LINE``
        pages a line."""
        db = self.db
        (seq,) = db.execute("SELECT coalesce(max(seq), 0) FROM lines").fetchone()
        db.execute("BEGIN")
        try:
            for outlet, key, page in rows:
                seq += 1
                db.execute(
                    "INSERT OR IGNORE INTO lines SELECT ?, ?, ?, ?, ? WHERE "
                    "(SELECT count(*) FROM lines WHERE outlet = ? AND line_key = ?) < ?",
                    (outlet, key, page, self.run_id, seq, outlet, key, MAX_PAGES_PER_LINE),
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def keep_runs(self, committed: Iterable[str]) -> int:
        """Drop the rows of runs that never committed (killed mid-way); how many went."""
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (run_id TEXT PRIMARY KEY)")
        db.execute("DELETE FROM keep")
        db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((r,) for r in committed))
        cur = db.execute("DELETE FROM lines WHERE run_id NOT IN (SELECT run_id FROM keep)")
        return cur.rowcount

    def prune(self) -> None:
        """Forget each outlet's single-page lines older than its ``RECENT_ROWS_PER_OUTLET``
        most recent rows."""
        self.db.execute(
            "DELETE FROM lines WHERE seq < "
            "(SELECT max(seq) FROM lines m WHERE m.outlet = lines.outlet) - ? "
            "AND NOT EXISTS (SELECT 1 FROM lines o WHERE o.outlet = lines.outlet "
            "AND o.line_key = lines.line_key AND o.page <> lines.page)",
            (RECENT_ROWS_PER_OUTLET,),
        )

    def close(self) -> None:
        self.db.close()
