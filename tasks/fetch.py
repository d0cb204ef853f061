"""Fetching http(s) sources into a local download cache, politely and within limits.

Only http and https are fetched; redirects are followed a bounded number of times and never to
another scheme; the body is streamed to disk and cut off past the size limit. A cached copy is
revalidated with ETag / Last-Modified, so an unchanged source costs one conditional request.
Credentials in a URL are never logged or stored in cache metadata.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from tasks.settings import Limits

ALLOWED_SCHEMES = ("http", "https")


class FetchError(Exception):
    """A source that could not be fetched; the message is one line, safe to log."""


@dataclass(frozen=True)
class Fetched:
    url: str
    path: Path
    name: str
    from_cache: bool
    etag: str | None
    last_modified: str | None


def is_url(source: str) -> bool:
    return "://" in source


def redact(url: str) -> str:
    """The URL without user:password, for logs and metadata."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        parts = parts._replace(netloc=host)
    return urlunsplit(parts)


def check_url(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise FetchError(f"refused {redact(url)}: only http and https are fetched")
    if not urlsplit(url).hostname:
        raise FetchError(f"refused {redact(url)}: no host")


def _file_name(url: str) -> str:
    name = Path(urlsplit(url).path).name
    return name or "index.html"


def fetch(url: str, cache_dir: Path, limits: Limits | None = None) -> Fetched:
    """Download ``url`` into ``cache_dir`` (or reuse the cached copy if the server says it is
    unchanged). Raises FetchError with a one-line message; retrying is the caller's choice."""
    limits = limits or Limits()
    check_url(url)
    cache_dir.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(url.encode()).hexdigest()[:32]
    body_path = cache_dir / key
    meta_path = cache_dir / f"{key}.json"
    meta: dict[str, str | None] = {}
    if body_path.exists() and meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text())
        except ValueError:
            meta = {}
    headers = {"User-Agent": "whosaid/0.1 (+news research pipeline)"}
    if meta.get("etag"):
        headers["If-None-Match"] = str(meta["etag"])
    if meta.get("last_modified"):
        headers["If-Modified-Since"] = str(meta["last_modified"])

    current = url
    timeout = httpx.Timeout(limits.fetch_timeout_s)
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            for _ in range(limits.fetch_max_redirects + 1):
                with client.stream("GET", current, headers=headers) as resp:
                    if resp.has_redirect_location:
                        nxt = str(resp.next_request.url) if resp.next_request else ""
                        check_url(nxt)
                        current = nxt
                        continue
                    if resp.status_code == 304 and body_path.exists():
                        return Fetched(url, body_path, meta.get("name") or _file_name(url), True,
                                       meta.get("etag"), meta.get("last_modified"))
                    if resp.status_code >= 400:
                        raise FetchError(f"{redact(url)}: HTTP {resp.status_code}")
                    declared = resp.headers.get("Content-Length")
                    if declared and declared.isdigit() and int(declared) > limits.fetch_max_bytes:
                        raise FetchError(
                            f"{redact(url)}: {declared} bytes is over the "
                            f"{limits.fetch_max_bytes}-byte limit"
                        )
                    fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".part-")
                    size = 0
                    try:
                        with os.fdopen(fd, "wb") as out:
                            for chunk in resp.iter_bytes(1 << 16):
                                size += len(chunk)
                                if size > limits.fetch_max_bytes:
                                    raise FetchError(
                                        f"{redact(url)}: over the {limits.fetch_max_bytes}-byte "
                                        "limit"
                                    )
                                out.write(chunk)
                        os.replace(tmp, body_path)
                    finally:
                        if os.path.exists(tmp):
                            os.unlink(tmp)
                    new_meta = {
                        "url": redact(url),
                        "name": _file_name(current),
                        "etag": resp.headers.get("ETag"),
                        "last_modified": resp.headers.get("Last-Modified"),
                    }
                    meta_path.write_text(json.dumps(new_meta))
                    return Fetched(url, body_path, new_meta["name"] or "download", False,
                                   new_meta["etag"], new_meta["last_modified"])
            raise FetchError(f"{redact(url)}: more than {limits.fetch_max_redirects} redirects")
    except httpx.HTTPError as exc:
        raise FetchError(f"{redact(url)}: {type(exc).__name__}: {exc}"[:300]) from None
