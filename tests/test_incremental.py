"""Incremental runs: unchanged sources cost a stat (or a hash), never a parse; the state only moves
when a run commits."""

from __future__ import annotations

import http.server
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tasks.ingest import incremental as inc
from tasks.ingest.fetch import fetch
from tasks.ingest.readers import Reader
from tasks.ingest.sources import iter_items, source_files, walk_files
from tasks.model import Reject


def _records(path: Path, n: int, tag: str = "") -> None:
    path.write_text(
        "".join(
            json.dumps({"title": f"T{i}{tag}", "text": f"Body {i}{tag}."}) + "\n" for i in range(n)
        )
    )


class CountingReader(Reader):
    """A reader that notes every file it was asked to read."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def read_path(self, path: Path, uri: str | None = None) -> Iterator:  # type: ignore[override]
        self.paths.append(str(path))
        yield from super().read_path(path, uri)


def _no_fetch(url: str):  # type: ignore[no-untyped-def]
    raise AssertionError(f"unexpected fetch of {url}")


def _run(sources: list[str], tracker: inc.SourceTracker) -> tuple[list[str], int]:
    reader = CountingReader()
    items = list(iter_items(sources, reader, _no_fetch, tracker=tracker))
    assert not [i for i in items if isinstance(i, Reject)]
    return reader.paths, len(items)


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    d = tmp_path / "dumps"
    (d / "sub").mkdir(parents=True)
    _records(d / "a.jsonl", 3)
    _records(d / "sub" / "b.jsonl", 2)
    (d / ".hidden.jsonl").write_text("not read\n")
    return d


def commit(tracker: inc.SourceTracker, wh: Path) -> set[str]:
    tracker.commit(wh)
    return {tracker.run_id}


def test_first_run_reads_all_then_unchanged_is_skipped_without_reading(
    dump: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wh = tmp_path / "wh"
    t1 = inc.SourceTracker({}, "r1")
    paths, n = _run([str(dump)], t1)
    assert len(paths) == 2 and n == 5
    assert (t1.read, t1.skipped) == (2, 0)
    committed = commit(t1, wh)

    # Second run: stat only. Hashing would be a read, so forbid it.
    monkeypatch.setattr(inc, "sha256_file", lambda p: pytest.fail(f"hashed {p}"))
    t2 = inc.SourceTracker(inc.load_state(wh, committed), "r2")
    paths, n = _run([str(dump)], t2)
    assert paths == [] and n == 0
    assert t2.summary() == {
        "sources_read": 0,
        "sources_unchanged": 2,
        "sources_hashed": 0,
        "full_rescan": False,
    }


def test_touched_file_is_hashed_not_parsed_and_changed_file_is_read(
    dump: Path, tmp_path: Path
) -> None:
    wh = tmp_path / "wh"
    t1 = inc.SourceTracker({}, "r1")
    _run([str(dump)], t1)
    committed = commit(t1, wh)

    a, b = dump / "a.jsonl", dump / "sub" / "b.jsonl"
    st = a.stat()
    os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # touched, same bytes
    _records(b, 4, tag="x")  # new content
    t2 = inc.SourceTracker(inc.load_state(wh, committed), "r2")
    paths, n = _run([str(dump)], t2)
    assert paths == [str(b)] and n == 4
    assert (t2.read, t2.skipped, t2.hashed) == (1, 1, 2)
    committed |= commit(t2, wh)

    # The touched file's new mtime is recorded: the third run skips both on a stat.
    t3 = inc.SourceTracker(inc.load_state(wh, committed), "r3")
    assert _run([str(dump)], t3) == ([], 0)
    assert (t3.skipped, t3.hashed) == (2, 0)


def test_full_rescan_reads_everything(dump: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    t1 = inc.SourceTracker({}, "r1")
    _run([str(dump)], t1)
    committed = commit(t1, wh)
    t2 = inc.SourceTracker(inc.load_state(wh, committed), "r2", full_rescan=True)
    paths, n = _run([str(dump)], t2)
    assert len(paths) == 2 and n == 5 and t2.skipped == 0


def test_state_of_uncommitted_runs_is_ignored(dump: Path, tmp_path: Path) -> None:
    """An entry whose run is not committed (warehouse wiped, crash) cannot hide a source."""
    wh = tmp_path / "wh"
    t1 = inc.SourceTracker({}, "r1")
    _run([str(dump)], t1)
    t1.commit(wh)
    assert inc.load_state(wh, committed_run_ids=set()) == {}
    assert len(inc.load_state(wh, {"r1"})) == 2


def test_state_keeps_sources_of_other_runs(dump: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    t1 = inc.SourceTracker({}, "r1")
    _run([str(dump / "a.jsonl")], t1)
    t1.commit(wh)
    t2 = inc.SourceTracker(inc.load_state(wh, {"r1"}), "r2")
    _run([str(dump / "sub")], t2)
    t2.commit(wh)
    assert set(inc.load_state(wh, {"r1", "r2"})) == {
        str((dump / "a.jsonl").resolve()),
        str((dump / "sub" / "b.jsonl").resolve()),
    }


@pytest.mark.parametrize("content", ["", "{not json", json.dumps({"version": 99})])
def test_unreadable_state_means_read_everything(tmp_path: Path, content: str) -> None:
    inc.state_path(tmp_path).parent.mkdir(parents=True)
    inc.state_path(tmp_path).write_text(content)
    assert inc.load_state(tmp_path, {"r1"}) == {}


def test_walk_order_matches_reader_and_progress(dump: Path) -> None:
    """Files are read one by one in the reader's own order, and progress counts the same files."""
    reader = CountingReader()
    list(reader.read_path(dump))
    walked = [str(p) for p in walk_files(dump)]
    assert walked == reader.paths[1:]  # the reader's first call is the folder itself
    assert source_files([str(dump)]) == walked
    assert ".hidden.jsonl" not in " ".join(walked)


class _Handler(http.server.BaseHTTPRequestHandler):
    body = b'{"title": "T", "text": "Hello there."}\n'
    etag = '"v1"'
    gets = 0
    not_modified = 0

    def do_GET(self) -> None:  # noqa: N802
        type(self).gets += 1
        if self.headers.get("If-None-Match") == self.etag:
            type(self).not_modified += 1
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", self.etag)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


def test_unchanged_url_costs_a_conditional_get_and_no_parse(tmp_path: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.jsonl"
    wh = tmp_path / "wh"

    def fetcher(u: str):  # type: ignore[no-untyped-def]
        return fetch(u, wh / ".cache" / "fetch")

    try:
        t1 = inc.SourceTracker({}, "r1")
        assert len(list(iter_items([url], Reader(), fetcher, tracker=t1))) == 1
        t1.commit(wh)
        t2 = inc.SourceTracker(inc.load_state(wh, {"r1"}), "r2")
        assert list(iter_items([url], Reader(), fetcher, tracker=t2)) == []
        assert (t2.skipped, _Handler.not_modified) == (1, 1)
        # The server changes the page: read again.
        _Handler.body, _Handler.etag = b'{"title": "T2", "text": "Changed."}\n', '"v2"'
        t3 = inc.SourceTracker(inc.load_state(wh, {"r1"}), "r3")
        assert len(list(iter_items([url], Reader(), fetcher, tracker=t3))) == 1
        assert t3.read == 1
    finally:
        server.shutdown()
