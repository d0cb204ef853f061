"""Fetching over a local HTTP server: cache, revalidation, limits, refused schemes, redaction."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tasks.ingest.fetch import FetchError, PermanentFetchError, check_url, fetch, redact
from tasks.settings import Limits

BODY = b'{"title": "T", "text": "Fetched body."}\n'


class Handler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802
        Handler.hits.append(self.path)
        if self.path == "/dump.jsonl":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/dump.jsonl")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif self.path == "/to-ftp":
            self.send_response(302)
            self.send_header("Location", "ftp://example.org/x")
            self.end_headers()
        elif self.path == "/busy":
            self.send_response(503)
            self.end_headers()
        elif self.path == "/big":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"x" * 10_000)
        else:
            self.send_response(404)
            self.end_headers()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_fetch_then_revalidate_from_cache(server: str, tmp_path: Path) -> None:
    first = fetch(f"{server}/dump.jsonl", tmp_path)
    assert not first.from_cache and first.path.read_bytes() == BODY
    assert first.name == "dump.jsonl" and first.etag == '"v1"'
    second = fetch(f"{server}/dump.jsonl", tmp_path)
    assert second.from_cache and second.path.read_bytes() == BODY


def test_redirect_followed(server: str, tmp_path: Path) -> None:
    assert fetch(f"{server}/redirect", tmp_path).path.read_bytes() == BODY


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/loop", "redirects"),
        ("/to-ftp", "only http and https"),
        ("/missing", "HTTP 404"),
        ("/big", "limit"),
    ],
)
def test_fetch_failures_are_one_line(server: str, tmp_path: Path, path: str, message: str) -> None:
    with pytest.raises(FetchError) as exc:
        fetch(f"{server}{path}", tmp_path, Limits(fetch_max_bytes=5000, fetch_max_redirects=3))
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_unreachable_host_fails_fast(tmp_path: Path) -> None:
    with pytest.raises(FetchError) as exc:
        fetch("http://127.0.0.1:9/nothing", tmp_path, Limits(fetch_timeout_s=2))
    assert not isinstance(exc.value, PermanentFetchError)  # the host may be back later


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_fetch_task_retries_only_what_may_pass(server: str, tmp_path: Path) -> None:
    """A 404 is asked for once; a 503 is asked for again on each of the task's retries."""
    from prefect import flow

    from flows import steps

    quick = steps.fetch_url.with_options(retry_delay_seconds=0)

    @flow
    def get(url: str) -> str:
        try:
            quick(url, tmp_path, Limits())
        except FetchError as exc:
            return type(exc).__name__
        return "fetched"

    Handler.hits.clear()
    assert get(f"{server}/missing") == "PermanentFetchError"
    assert get(f"{server}/busy") == "FetchError"
    assert Handler.hits.count("/missing") == 1
    assert Handler.hits.count("/busy") == 1 + steps.fetch_url.retries


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://x.org/a", "gopher://x/", "http://"])
def test_other_schemes_refused(url: str) -> None:
    with pytest.raises(FetchError):
        check_url(url)


def test_credentials_redacted() -> None:
    assert (
        redact("https://user:secret@news.example:8443/a?b=1") == "https://news.example:8443/a?b=1"
    )
    assert redact("https://news.example/a") == "https://news.example/a"
