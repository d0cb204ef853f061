"""The outlets' line fingerprints on disk (``state/outlet_lines.sqlite``), for
``tasks.clean.repeats``: which earlier pages of an outlet carried a line.

Written once per run, after the run commits, from what its cleaning learned; read by the
cleaning of later runs. Within a run every batch reads the same store, so what a batch removes
does not depend on which batches ran first. The store is derived data: deleting it costs only
what it taught (the next pages of each outlet are cleaned as if first), never an article.
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
    seq INTEGER NOT NULL,
    PRIMARY KEY (outlet, line_key, page)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS lines_by_seq ON lines (outlet, seq);
"""


def store_path(warehouse: Path) -> Path:
    return warehouse / "state" / "outlet_lines.sqlite"


class LineMemory:
    """Lookups and additions over one store file."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = path
        if read_only:
            self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.executescript(_SCHEMA)

    @classmethod
    def reader(cls, path: Path | None) -> LineMemory | None:
        """A read-only view of the store at ``path``, or None when there is none yet."""
        if path is None or not path.is_file():
            return None
        try:
            return cls(path, read_only=True)
        except sqlite3.Error:
            return None

    def pages(self, outlet: str, keys: Sequence[int]) -> dict[int, list[str]]:
        """For each of ``keys`` the outlet's earlier pages that carried it."""
        found: dict[int, list[str]] = {}
        unique = list(dict.fromkeys(keys))
        try:
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for key, page in self.db.execute(
                    f"SELECT line_key, page FROM lines WHERE outlet = ? AND line_key IN ({marks})",
                    [outlet, *chunk],
                ):
                    found.setdefault(key, []).append(page)
        except sqlite3.Error:  # an unreadable store teaches nothing; the page is cleaned alone
            return {}
        return found

    def add(self, rows: Iterable[tuple[str, int, str]]) -> None:
        """Keep (outlet, line key, page) rows, at most ``MAX_PAGES_PER_LINE`` pages a line, and
        prune each touched outlet's old single-page lines."""
        db = self.db
        (seq,) = db.execute("SELECT coalesce(max(seq), 0) FROM lines").fetchone()
        outlets: set[str] = set()
        db.execute("BEGIN")
        try:
            for outlet, key, page in rows:
                seq += 1
                outlets.add(outlet)
                db.execute(
                    "INSERT OR IGNORE INTO lines SELECT ?, ?, ?, ? WHERE "
                    "(SELECT count(*) FROM lines WHERE outlet = ? AND line_key = ?) < ?",
                    (outlet, key, page, seq, outlet, key, MAX_PAGES_PER_LINE),
                )
            for outlet in outlets:
                db.execute(
                    "DELETE FROM lines WHERE outlet = ?1 AND seq < "
                    "(SELECT max(seq) FROM lines WHERE outlet = ?1) - ?2 "
                    "AND line_key IN (SELECT line_key FROM lines WHERE outlet = ?1 "
                    "GROUP BY line_key HAVING count(*) = 1)",
                    (outlet, RECENT_ROWS_PER_OUTLET),
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.db.close()
