"""Fetching http(s) sources into a local download cache, politely and within limits.

Only http and https are fetched; redirects are followed a bounded number of times and never to
another scheme; the body is streamed to disk and cut off past the size limit. A cached copy is
revalidated with ETag / Last-Modified, so an unchanged source costs one conditional request.
Credentials in a URL are never logged or stored in cache metadata: they are taken out of the URL
before httpx sees it and sent as basic auth, only to the origin they were given for. The body is
stored as sent (``Accept-Encoding: identity``; a gzip body stays gzip for the reader to decompress
within its limits), and a download slower than ``MIN_BYTES_PER_S`` past the timeout is dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import httpx

from tasks.settings import Limits

ALLOWED_SCHEMES = ("http", "https")


class FetchError(Exception):
    """A source that could not be fetched; the message is one line, safe to log."""


class PermanentFetchError(FetchError):
    """A failure that trying again will not fix: a refused URL, a 4xx, a body over the limit."""


# Client errors that do say "try again later" (RFC 9110 408, RFC 6585 429).
RETRYABLE_4XX = frozenset({408, 429})


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
    try:
        parts = urlsplit(url)
    except ValueError:  # not a URL (a bad IPv6 host...): take out anything before an "@"
        return _USERINFO.sub(r"\1", url)
    if "@" not in parts.netloc:
        return url  # nothing to take out (and urlunsplit would drop an empty "//")
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]))


_USERINFO = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#]*@")


def check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise PermanentFetchError(f"refused {redact(url)}: not a valid URL") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise PermanentFetchError(f"refused {redact(url)}: only http and https are fetched")
    if not host:
        raise PermanentFetchError(f"refused {redact(url)}: no host")


def redact_text(text: str, url: str) -> str:
    """``text`` (an error message) with the credentials of ``url`` taken out, however quoted."""
    netloc = re.split(r"[/?#]", url.split("://", 1)[-1], maxsplit=1)[0]
    if "@" not in netloc:
        return text
    userinfo = netloc.rsplit("@", 1)[0]
    for secret in (userinfo, *userinfo.split(":", 1)):
        for form in {secret, unquote(secret), quote(unquote(secret), safe="")}:
            if len(form) >= 3:  # a one- or two-letter user name is no secret, and too common
                text = text.replace(form, "***")
    return text


def _credentials(url: str) -> tuple[str, httpx.BasicAuth | None]:
    """The URL without its user:password, and those as HTTP basic auth. httpx never sees them
    in a URL, so they cannot reach its log lines or exception messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None
    auth = httpx.BasicAuth(unquote(parts.username or ""), unquote(parts.password or ""))
    return redact(url), auth


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = 443 if parts.scheme.lower() == "https" else 80
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or default


def _file_name(url: str) -> str:
    name = Path(urlsplit(url).path).name[:200]
    return name if name not in ("", ".", "..") else "index.html"


# Below this average rate, past the first ``fetch_timeout_s``, a download is given up: a server
# that drips a byte just inside every read timeout would otherwise hold the run for ever. A slow
# mobile link still moves ~10 kB/s.
MIN_BYTES_PER_S = 1024
# Content-Encoding gzip is stored as sent, and the reader decompresses it within the archive
# limits; other encodings are refused rather than decoded here without bounds.
_STORED_ENCODINGS = ("", "identity", "gzip", "x-gzip")


def fetch(url: str, cache_dir: Path, limits: Limits | None = None) -> Fetched:
    """Download ``url`` into ``cache_dir`` (or reuse the cached copy if the server says it is
    unchanged). Raises FetchError with a one-line message; retrying is the caller's choice, and
    PermanentFetchError says it would not help."""
    try:
        return _fetch(url, cache_dir, limits or Limits())
    except FetchError as exc:
        raise type(exc)(_one_line(redact_text(str(exc), url))) from None
    except Exception as exc:  # noqa: BLE001 - any failure of one source is one line, no secrets
        message = f"{redact(url)}: {type(exc).__name__}: {exc}"
        raise FetchError(_one_line(redact_text(message, url))) from None


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def _fetch(url: str, cache_dir: Path, limits: Limits) -> Fetched:
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
    headers = {"User-Agent": "whosaid/0.1 (+news research pipeline)", "Accept-Encoding": "identity"}
    if meta.get("etag"):
        headers["If-None-Match"] = str(meta["etag"])
    if meta.get("last_modified"):
        headers["If-Modified-Since"] = str(meta["last_modified"])

    current, auth = _credentials(url)
    home = _origin(current)
    shown = redact(url)
    timeout = httpx.Timeout(limits.fetch_timeout_s)
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        for _ in range(limits.fetch_max_redirects + 1):
            # The user's credentials go to the origin they were given for, never elsewhere.
            send_auth = auth if _origin(current) == home else None
            with client.stream("GET", current, headers=headers, auth=send_auth) as resp:
                if resp.has_redirect_location:
                    nxt = str(resp.next_request.url) if resp.next_request else ""
                    check_url(nxt)
                    current = redact(nxt)  # credentials in a Location header are not used
                    continue
                if resp.status_code == 304 and body_path.exists():
                    return Fetched(
                        url,
                        body_path,
                        meta.get("name") or _file_name(url),
                        True,
                        meta.get("etag"),
                        meta.get("last_modified"),
                    )
                if resp.status_code >= 400:
                    permanent = resp.status_code < 500 and resp.status_code not in RETRYABLE_4XX
                    raise (PermanentFetchError if permanent else FetchError)(
                        f"{shown}: HTTP {resp.status_code}"
                    )
                encoding = resp.headers.get("Content-Encoding", "").strip().lower()
                if encoding not in _STORED_ENCODINGS:
                    raise PermanentFetchError(
                        f"{shown}: unsupported Content-Encoding {encoding[:40]!r}"
                    )
                declared = resp.headers.get("Content-Length", "").strip()
                if declared.isdigit() and int(declared) > limits.fetch_max_bytes:
                    raise PermanentFetchError(
                        f"{shown}: {declared} bytes is over the {limits.fetch_max_bytes}-byte limit"
                    )
                _download(resp, body_path, cache_dir, limits, shown)
                new_meta = {
                    "url": shown,
                    "name": _file_name(current),
                    "etag": resp.headers.get("ETag"),
                    "last_modified": resp.headers.get("Last-Modified"),
                }
                meta_path.write_text(json.dumps(new_meta))
                return Fetched(
                    url,
                    body_path,
                    new_meta["name"] or "download",
                    False,
                    new_meta["etag"],
                    new_meta["last_modified"],
                )
        raise PermanentFetchError(f"{shown}: more than {limits.fetch_max_redirects} redirects")


def _download(
    resp: httpx.Response, body_path: Path, cache_dir: Path, limits: Limits, shown: str
) -> None:
    """Stream the body, as sent (no decoding), to a temporary file then into place."""
    fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".part-")
    size = 0
    started = time.monotonic()
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in resp.iter_raw():  # as it arrives: a chunk size would wait to fill it
                size += len(chunk)
                if size > limits.fetch_max_bytes:
                    raise PermanentFetchError(
                        f"{shown}: over the {limits.fetch_max_bytes}-byte limit"
                    )
                elapsed = time.monotonic() - started
                if elapsed > limits.fetch_timeout_s and size < MIN_BYTES_PER_S * elapsed:
                    raise FetchError(f"{shown}: too slow ({size} bytes in {elapsed:.0f} s)")
                out.write(chunk)
        os.replace(tmp, body_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
