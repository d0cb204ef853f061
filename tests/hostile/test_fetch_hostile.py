"""Fetching from hostile servers (a local HTTP server on 127.0.0.1 only): hangs, drips, garbage,
lies, bombs, redirects elsewhere, and credentials that must never be logged or passed on."""

from __future__ import annotations

import base64
import gzip
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tasks.ingest.fetch import (
    MIN_BYTES_PER_S,
    FetchError,
    PermanentFetchError,
    fetch,
    redact,
    redact_text,
)
from tasks.ingest.readers import Reader
from tasks.ingest.sources import iter_items
from tasks.model import RawRecord, Reject
from tasks.settings import Limits
from tests.hostile.conftest import check_items, gzip_of_zeros

USER, SECRET = "newsroom", "s3cret-Pa55"
BODY = b'{"title": "T", "text": "The council said on Monday that buses would run again."}\n'
FAST = Limits(fetch_timeout_s=0.5, fetch_max_redirects=3)
BOMB = gzip_of_zeros(50 * 1024 * 1024)


class Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    other = ""  # the base URL of a second server: another origin
    seen_auth: list[str | None] = []

    def log_message(self, *args: object) -> None:
        pass

    def send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k.replace("_", "-"), v)
        if "Content_Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        Hostile.seen_auth.append(self.headers.get("Authorization"))
        path = self.path
        try:
            if path == "/ok.jsonl":
                self.send(200, BODY)
            elif path == "/hang":
                time.sleep(3)
                self.send(200, BODY)
            elif path == "/drip":
                self.send_response(200)
                self.send_header("Content-Length", "100000")
                self.end_headers()
                for _ in range(40):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            elif path == "/garbage":
                self.wfile.write(b"\x00\xffNOT HTTP AT ALL\r\n\r\n" + b"\xfe" * 1000)
            elif path == "/cut":
                self.send(200, BODY[:10], Content_Length=str(len(BODY)))
                self.close_connection = True
            elif path == "/bad-length":
                self.send(200, BODY, Content_Length="-7")
            elif path == "/huge-length":
                self.send(200, b"", Content_Length=str(10**12))
            elif path == "/bomb.jsonl":
                self.send(200, BOMB, Content_Encoding="gzip")
            elif path == "/brotli":
                self.send(200, b"\x0b\x02\x80hello\x03", Content_Encoding="br")
            elif path.startswith("/to/"):
                self.send(302, Location=path[len("/to/") :].replace("ORIGIN", Hostile.other))
            elif path == "/private":
                expected = "Basic " + base64.b64encode(f"{USER}:{SECRET}".encode()).decode()
                if self.headers.get("Authorization") == expected:
                    self.send(200, BODY)
                else:
                    self.send(401)
            else:
                self.send(404)
        except (BrokenPipeError, ConnectionResetError):
            pass


def serve() -> tuple[ThreadingHTTPServer, str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    main, base = serve()
    other, other_base = serve()
    Hostile.other = other_base
    yield base
    main.shutdown()
    other.shutdown()


def with_secret(base: str, path: str) -> str:
    return base.replace("http://", f"http://{USER}:{SECRET}@") + path


@pytest.mark.parametrize(
    ("path", "message", "permanent", "requests"),
    [
        # The read timeout fired: the server would have answered 200 after 3 s.
        ("/hang", r": ReadTimeout: timed out$", False, 1),
        # Given up under the rate floor, long before the 100,000 bytes it declared (checked below).
        ("/drip", r": too slow \(\d+ bytes in \d+ s\)$", False, 1),
        ("/garbage", r": RemoteProtocolError: illegal status line", False, 1),
        ("/cut", r": RemoteProtocolError: peer closed connection .*received 10 bytes", False, 1),
        ("/bad-length", r": RemoteProtocolError: bad Content-Length$", False, 1),
        ("/huge-length", r": 1000000000000 bytes is over the \d+-byte limit$", True, 1),
        ("/brotli", r": unsupported Content-Encoding 'br'$", True, 1),
        # A redirect to another scheme is refused without being requested.
        ("/to/file:///etc/passwd", r"^refused file://.*: only http and https", True, 1),
        ("/to/ftp://example.org/x", r"^refused ftp://.*: only http and https", True, 1),
        ("/to/gopher://127.0.0.1:70/", r"^refused gopher://.*: only http and https", True, 1),
        ("/to/http://[::1", r": RemoteProtocolError: Invalid URL in location header", False, 1),
        # The first request and FAST.fetch_max_redirects (3) redirects followed, then stopped.
        ("/to//to//to//to//to//ok.jsonl", r": more than 3 redirects$", True, 4),
        ("/missing", r": HTTP 404$", True, 1),
    ],
)
def test_hostile_server_is_one_line_error_and_no_more_requests(
    server: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    path: str,
    message: str,
    permanent: bool,
    requests: int,
) -> None:
    caplog.set_level(logging.DEBUG)
    url = with_secret(server, path)
    Hostile.seen_auth.clear()
    with pytest.raises(FetchError) as exc:
        fetch(url, tmp_path, FAST)
    assert len(Hostile.seen_auth) == requests
    text = str(exc.value)
    assert re.search(message, text), text
    assert isinstance(exc.value, PermanentFetchError) is permanent  # worth retrying, or not
    assert "\n" not in text and len(text) <= 300
    assert SECRET not in text and USER not in text
    assert SECRET not in caplog.text and USER not in caplog.text
    assert not list(tmp_path.glob(".part-*"))  # no half download left behind
    if path == "/drip":
        got = re.search(r"too slow \((\d+) bytes in (\d+) s\)", text)
        assert got is not None
        size, seconds = int(got.group(1)), int(got.group(2))
        assert size < 100_000 and size < MIN_BYTES_PER_S * max(seconds, 1)


def test_credentials_go_only_to_their_origin(
    server: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    got = fetch(with_secret(server, "/private"), tmp_path, FAST)
    assert got.path.read_bytes() == BODY
    Hostile.seen_auth.clear()
    # Redirected to another origin: the credentials must not follow.
    fetch(with_secret(server, "/to/ORIGIN/ok.jsonl"), tmp_path, FAST)
    first, second = Hostile.seen_auth
    assert first is not None and second is None
    assert SECRET not in caplog.text and USER not in caplog.text
    for meta in tmp_path.glob("*.json"):
        assert SECRET not in meta.read_text() and USER not in meta.read_text()


def test_gzip_encoded_bomb_is_stored_compressed_and_stopped_by_the_reader(
    server: str, tmp_path: Path
) -> None:
    got = fetch(f"{server}/bomb.jsonl", tmp_path, FAST)
    assert got.path.stat().st_size == len(BOMB)  # 50 kB on disk, not 50 MB
    items = check_items(Reader().read_stream(lambda: open(got.path, "rb"), got.name, "u", "", 0))
    assert all(isinstance(i, Reject) for i in items)


def test_failed_url_is_one_reject_and_the_run_goes_on(
    server: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    local = tmp_path / "local.jsonl"
    local.write_bytes(BODY)
    sources = [with_secret(server, "/hang"), with_secret(server, "/garbage"), str(local)]
    items = check_items(
        iter_items(sources, Reader(), fetcher=lambda u: fetch(u, tmp_path / "cache", FAST))
    )
    assert [type(i) for i in items] == [Reject, Reject, RawRecord]
    for item in items:
        assert SECRET not in repr(item) and USER not in repr(item)
    assert SECRET not in caplog.text


def test_unreachable_and_unresolvable_hosts(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for url in (
        f"http://{USER}:{SECRET}@127.0.0.1:{port}/x",
        f"http://{USER}:{SECRET}@nohost.invalid/",
    ):
        with pytest.raises(FetchError) as exc:
            fetch(url, tmp_path, FAST)
        assert SECRET not in str(exc.value) and USER not in str(exc.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://u:p%40ss@news.example/a",
        "http://user:pw@[::1/x",
        "https://user@news.example/",
        f"https://{USER}:{SECRET}@news.example:8443/a?b=1#c",
    ],
)
def test_redact_takes_out_any_userinfo(url: str) -> None:
    assert "@" not in redact(url)
    assert SECRET not in redact_text(f"failed: {url}", url)


def test_gzip_content_is_sniffed_whatever_its_name(server: str, tmp_path: Path) -> None:
    # The server's gzip encoding is kept: the reader finds gzip by content under a .jsonl name.
    data = gzip.compress(BODY)
    items = check_items(
        Reader().read_stream(lambda: __import__("io").BytesIO(data), "ok.jsonl", "u", "", 0)
    )
    assert [type(i) for i in items] == [RawRecord]


# -- through the real flow -------------------------------------------------------------------


@pytest.fixture()
def quick_fetch_task(monkeypatch: pytest.MonkeyPatch) -> None:
    """The flow's fetch task with the same shape (retries) but test-sized timeouts and delays."""
    from prefect import task

    from flows import steps
    from tasks.ingest import fetch as fetch_mod

    @task(name="fetch-url", retries=1, retry_delay_seconds=0)
    def fetch_url(url: str, cache_dir: Path, limits: Limits) -> fetch_mod.Fetched:
        return fetch_mod.fetch(url, cache_dir, FAST)

    monkeypatch.setattr(steps, "fetch_url", fetch_url)


def flow_texts(wh: Path) -> str:
    """Everything the run wrote, as text: Parquet, manifests, the DuckDB file."""
    return "".join(p.read_bytes().decode("latin-1") for p in wh.rglob("*") if p.is_file())


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness", "quick_fetch_task")
def test_hanging_server_costs_its_retries_not_the_run(
    server: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from flows.ingest import ingest_with
    from tasks.store import warehouse

    caplog.set_level(logging.DEBUG)
    local = tmp_path / "local.jsonl"
    local.write_text(
        json.dumps(
            {
                "title": "Buses",
                "text": (
                    "The mayor, Ann Lee, said on Monday that the buses would run again. "
                    '"It is done," she said.'
                ),
            }
        )
        + "\n"
    )
    Hostile.seen_auth.clear()
    wh = tmp_path / "wh"
    summary = ingest_with(1)(
        sources=[with_secret(server, "/hang"), str(local)], warehouse_dir=str(wh), workers=1
    )
    assert len(Hostile.seen_auth) == 2  # the first try and one retry, then given up
    assert (summary["articles"], summary["rejects"]) == (1, 1)
    _, [(uri, reason)] = warehouse.query(wh, "SELECT source_uri, reason FROM rejects")
    assert "Timeout" in reason
    assert SECRET not in uri + reason and USER not in uri + reason
    assert SECRET not in caplog.text


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness", "quick_fetch_task")
def test_credentials_never_stored_by_the_flow(server: str, tmp_path: Path) -> None:
    from flows.ingest import ingest_with

    wh = tmp_path / "wh"
    ingest_with(1)(sources=[with_secret(server, "/ok.jsonl")], warehouse_dir=str(wh), workers=1)
    assert SECRET not in flow_texts(wh)
