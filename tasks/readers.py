"""Loaders: every supported dump format read as a stream of ``RawRecord`` or ``Reject``.

A source is a file, a folder (walked, each file read by its type) or a fetched URL. A file's type
comes from its name, then from its first bytes, so one folder may mix every format. Each record
keeps its provenance: ``source_uri`` plus a locator (``line:N``, ``member:NAME``, ``warc:<id>``),
nested with ``/`` for archives. Nothing here raises on bad input: a record that cannot be read
becomes a ``Reject`` with a one-line reason and the stream goes on.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import stat
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from tasks.model import RawRecord, Reject
from tasks.settings import Limits

Item = RawRecord | Reject
Opener = Callable[[], IO[bytes]]

TEXT, JSONL, JSON, HTML, WARC, ZIP, TAR, GZIP = (
    "text", "jsonl", "json", "html", "warc", "zip", "tar", "gzip",
)

_SUFFIXES = {
    ".txt": TEXT, ".text": TEXT, ".md": TEXT,
    ".jsonl": JSONL, ".ndjson": JSONL, ".json": JSON,
    ".html": HTML, ".htm": HTML, ".xhtml": HTML,
    ".warc": WARC, ".arc": WARC,
    ".zip": ZIP, ".tar": TAR, ".tgz": TAR,
}

# News-dump field names, most specific first (news-please, CC-News, common scraper exports).
TEXT_FIELDS = ("maintext", "text", "body", "content", "article", "article_body")
HTML_FIELDS = ("html", "raw_html")


def format_from_name(name: str) -> str | None:
    """The format a file name declares; ``gzip`` when it only says it is compressed."""
    lower = name.lower()
    if lower.endswith((".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")):
        return TAR
    if lower.endswith(".warc.gz"):
        return WARC
    if lower.endswith(".gz"):
        return GZIP
    return _SUFFIXES.get(PurePosixPath(lower).suffix)


def sniff(head: bytes) -> str:
    """The format of content from its first bytes."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return ZIP
    if head.startswith(b"\x1f\x8b"):
        return GZIP
    if len(head) > 262 and head[257:262] == b"ustar":
        return TAR
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"warc/"):
        return WARC
    if text.startswith(b"{"):
        first_line = text.split(b"\n", 1)[0].rstrip()
        return JSONL if first_line.endswith(b"}") else JSON
    if text.startswith(b"["):
        return JSON
    if text.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<!--")) or (
        b"<html" in text[:2048] or b"<body" in text[:2048] or b"<p>" in text[:2048]
    ):
        return HTML
    return TEXT


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _utf16_order(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL in every other byte of ASCII-heavy text."""
    sample = data[:2000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def decode(data: bytes) -> str | None:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 (BOM or not), then Windows-1252 (the
    legacy charset of most Western news sites), then the best detected charset. None when the
    bytes are not text at all."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    order = _utf16_order(data)
    if order:
        try:
            return data.decode(order)
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("cp1252")
        if not _CONTROL.search(text):
            return text
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        return None
    try:
        return data.decode(best.encoding, errors="replace")
    except (LookupError, UnicodeDecodeError):
        return None


def _text_or_reject(data: bytes, uri: str, loc: str) -> str | Reject:
    text = decode(data)
    if text is None:
        return Reject(uri, loc, "read", "undecodable bytes: no text encoding fits")
    if "\x00" in text:
        return Reject(uri, loc, "read", "binary content (NUL bytes), not text")
    return text


def _read_capped(fh: IO[bytes], cap: int) -> bytes | None:
    data = fh.read(cap + 1)
    return None if len(data) > cap else data


class Reader:
    """Reads one source into records, within ``limits``."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    # -- entry points ------------------------------------------------------------------------

    def read_path(self, path: Path, uri: str | None = None) -> Iterator[Item]:
        """A file, or every file below a folder (sorted, hidden files skipped)."""
        uri = uri or str(path)
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    child = Path(root) / name
                    yield from self.read_path(child, str(child))
            return
        try:
            st = path.stat()
        except OSError as exc:
            yield Reject(uri, "file", "source", f"cannot stat: {exc.strerror or exc}")
            return
        if not stat.S_ISREG(st.st_mode):
            yield Reject(uri, "file", "source", "not a regular file")
            return
        yield from self.read_stream(lambda: open(path, "rb"), path.name, uri, "", depth=0)

    def read_stream(
        self, opener: Opener, name: str, uri: str, locator: str, depth: int
    ) -> Iterator[Item]:
        """One file's content (from disk, an archive member or a download) by its format."""
        loc = locator or "file"
        try:
            with opener() as fh:
                head = fh.read(4096)
        except OSError as exc:
            yield Reject(uri, loc, "read", f"cannot read: {exc}")
            return
        if not head:
            yield Reject(uri, loc, "read", "empty file")
            return
        fmt = format_from_name(name)
        sniffed = sniff(head)
        if fmt is None or (fmt in (TEXT, HTML, JSONL, JSON) and sniffed in (ZIP, GZIP, WARC)):
            fmt = sniffed
        try:
            if fmt == GZIP:
                inner = name[:-3] if name.lower().endswith(".gz") else name + ".out"
                yield from self._gzip(opener, inner, uri, locator, depth)
            elif fmt == ZIP:
                yield from self._zip(opener, uri, locator, depth)
            elif fmt == TAR:
                yield from self._tar(opener, uri, locator, depth)
            elif fmt == WARC:
                yield from self._warc(opener, uri, locator)
            elif fmt == JSONL:
                yield from self._jsonl(opener, uri, locator)
            elif fmt == JSON:
                yield from self._json(opener, uri, locator)
            else:
                yield from self._whole(opener, fmt, uri, loc)
        except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError, ValueError) as exc:
            # Truncated gzip, corrupt archive and the like: what was read so far stands.
            yield Reject(uri, loc, "read", f"{fmt} stream broken: {type(exc).__name__}: {exc}"[:300])

    # -- formats -----------------------------------------------------------------------------

    def _whole(self, opener: Opener, fmt: str, uri: str, loc: str) -> Iterator[Item]:
        with opener() as fh:
            data = _read_capped(fh, self.limits.max_record_bytes)
        if data is None:
            yield Reject(uri, loc, "read", f"record over {self.limits.max_record_bytes} bytes")
            return
        text = _text_or_reject(data, uri, loc)
        if isinstance(text, Reject):
            yield text
            return
        if not text.strip():
            yield Reject(uri, loc, "read", "no text")
            return
        yield RawRecord(uri, loc, "html" if fmt == HTML else "text", text)

    def _jsonl(self, opener: Opener, uri: str, locator: str) -> Iterator[Item]:
        cap = self.limits.max_record_bytes
        with opener() as fh:
            n = 0
            while True:
                line = fh.readline(cap + 1)
                if not line:
                    break
                n += 1
                loc = _join(locator, f"line:{n}")
                if len(line) > cap and not line.endswith(b"\n"):
                    # Skip the rest of an oversized line without holding it in memory.
                    while True:
                        more = fh.readline(cap)
                        if not more or more.endswith(b"\n"):
                            break
                    yield Reject(uri, loc, "read", f"line over {cap} bytes")
                    continue
                if not line.strip():
                    continue  # blank lines are not records
                yield self._json_record(line, uri, loc)

    def _json(self, opener: Opener, uri: str, locator: str) -> Iterator[Item]:
        loc = locator or "file"
        with opener() as fh:
            data = _read_capped(fh, self.limits.max_record_bytes)
        if data is None:
            yield Reject(uri, loc, "read", f"JSON file over {self.limits.max_record_bytes} bytes")
            return
        try:
            value = json.loads(data)
        except (ValueError, RecursionError):
            # Not one JSON document: read it as JSON Lines.
            yield from self._jsonl(lambda: io.BytesIO(data), uri, locator)
            return
        if isinstance(value, list):
            for i, item in enumerate(value, 1):
                yield self._json_value(item, uri, _join(locator, f"item:{i}"))
        else:
            yield self._json_value(value, uri, loc)

    def _json_record(self, line: bytes, uri: str, loc: str) -> Item:
        text = _text_or_reject(line, uri, loc)
        if isinstance(text, Reject):
            return text
        try:
            value = json.loads(text)
        except RecursionError:
            return Reject(uri, loc, "read", "JSON nested too deeply")
        except ValueError as exc:
            return Reject(uri, loc, "read", f"invalid JSON: {exc}"[:200])
        return self._json_value(value, uri, loc)

    def _json_value(self, value: Any, uri: str, loc: str) -> Item:
        if not isinstance(value, dict):
            return Reject(uri, loc, "read", f"JSON record is a {type(value).__name__}, not an object")
        for key in HTML_FIELDS:
            html = value.get(key)
            if isinstance(html, str) and html.strip():
                meta = _fields_meta(value)
                return RawRecord(uri, loc, "html", html, meta)
        for key in TEXT_FIELDS:
            text = value.get(key)
            if isinstance(text, str) and text.strip():
                return RawRecord(uri, loc, "fields", text, _fields_meta(value))
        return Reject(uri, loc, "read", "no article text field (" + "/".join(TEXT_FIELDS) + ")")

    def _warc(self, opener: Opener, uri: str, locator: str) -> Iterator[Item]:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        cap = self.limits.max_record_bytes
        with opener() as raw:
            head = raw.read(2)
        # Decompress here rather than in warcio: it also reads a WARC gzipped as one member
        # (warcio accepts only one gzip member per record), within the archive byte limit.
        with (_BoundedGzip(opener(), self.limits) if head == b"\x1f\x8b" else opener()) as fh:
            try:
                for n, record in enumerate(ArchiveIterator(fh, no_record_parse=False), 1):
                    if record.rec_type not in ("response", "resource"):
                        continue
                    rid = record.rec_headers.get_header("WARC-Record-ID") or f"record:{n}"
                    loc = _join(locator, f"warc:{rid.strip('<>')}")
                    target = record.rec_headers.get_header("WARC-Target-URI")
                    ctype = ""
                    if record.http_headers is not None:
                        ctype = record.http_headers.get_header("Content-Type") or ""
                        status = record.http_headers.get_statuscode()
                        if status and not status.startswith("2"):
                            yield Reject(uri, loc, "read", f"HTTP status {status}")
                            continue
                    data = record.content_stream().read(cap + 1)
                    if len(data) > cap:
                        yield Reject(uri, loc, "read", f"record over {cap} bytes")
                        continue
                    if ctype and "html" not in ctype.lower() and "text" not in ctype.lower():
                        yield Reject(uri, loc, "read", f"not an article: {ctype[:80]}")
                        continue
                    text = _text_or_reject(data, uri, loc)
                    if isinstance(text, Reject):
                        yield text
                        continue
                    meta = {"url": target}
                    kind = "text" if ctype.lower().startswith("text/plain") else "html"
                    yield RawRecord(uri, loc, kind, text, meta)
            except ArchiveLoadFailed as exc:
                yield Reject(uri, locator or "file", "read", f"bad WARC: {exc}"[:300])

    def _gzip(
        self, opener: Opener, inner: str, uri: str, locator: str, depth: int
    ) -> Iterator[Item]:
        def open_inner() -> IO[bytes]:
            return _BoundedGzip(opener(), self.limits)

        yield from self.read_stream(open_inner, inner, uri, locator, depth)

    def _zip(self, opener: Opener, uri: str, locator: str, depth: int) -> Iterator[Item]:
        loc = locator or "file"
        if depth >= self.limits.max_archive_depth:
            yield Reject(uri, loc, "read", "archive nested too deeply")
            return
        fh = opener()
        try:
            with zipfile.ZipFile(fh) as zf:
                infos = [i for i in zf.infolist() if not i.is_dir()]
                problem = self._archive_problem(
                    len(infos), sum(i.file_size for i in infos), sum(i.compress_size for i in infos)
                )
                if problem:
                    yield Reject(uri, loc, "read", problem)
                    return
                for info in infos:
                    mloc = _join(locator, f"member:{info.filename}")
                    bad = _unsafe_member_name(info.filename)
                    if bad or (info.external_attr >> 16) & 0o170000 == 0o120000:
                        yield Reject(uri, mloc, "read", bad or "symlink member refused")
                        continue
                    if info.compress_size and info.file_size / info.compress_size > (
                        self.limits.max_archive_ratio
                    ):
                        yield Reject(uri, mloc, "read", "member compression ratio too high (bomb?)")
                        continue
                    yield from self.read_stream(
                        lambda info=info: zf.open(info), info.filename, uri, mloc, depth + 1
                    )
        finally:
            fh.close()

    def _tar(self, opener: Opener, uri: str, locator: str, depth: int) -> Iterator[Item]:
        loc = locator or "file"
        if depth >= self.limits.max_archive_depth:
            yield Reject(uri, loc, "read", "archive nested too deeply")
            return
        fh = opener()
        try:
            with tarfile.open(fileobj=fh, mode="r:*") as tf:
                total = count = 0
                for member in tf:
                    mloc = _join(locator, f"member:{member.name}")
                    if member.isdir():
                        continue
                    count += 1
                    total += member.size
                    problem = self._archive_problem(count, total, None)
                    if problem:
                        yield Reject(uri, mloc, "read", problem)
                        return
                    bad = _unsafe_member_name(member.name)
                    if bad:
                        yield Reject(uri, mloc, "read", bad)
                        continue
                    if not member.isfile():
                        yield Reject(uri, mloc, "read", "link or special member refused")
                        continue
                    data = tf.extractfile(member)
                    if data is None:
                        continue
                    if member.size > self.limits.max_record_bytes * 64:
                        yield Reject(uri, mloc, "read", f"member over {member.size} bytes")
                        continue
                    content = data.read()
                    yield from self.read_stream(
                        lambda c=content: io.BytesIO(c), member.name, uri, mloc, depth + 1
                    )
        finally:
            fh.close()

    def _archive_problem(self, members: int, total: int, compressed: int | None) -> str | None:
        lim = self.limits
        if members > lim.max_archive_members:
            return f"archive has over {lim.max_archive_members} members"
        if total > lim.max_archive_bytes:
            return f"archive expands past {lim.max_archive_bytes} bytes"
        if compressed and total / max(compressed, 1) > lim.max_archive_ratio:
            return f"archive compression ratio over {lim.max_archive_ratio:.0f}:1 (bomb?)"
        return None


class _BoundedGzip(io.RawIOBase):
    """A gzip stream that refuses to expand past the archive byte limit."""

    def __init__(self, raw: IO[bytes], limits: Limits) -> None:
        self._raw = raw
        self._gz = gzip.GzipFile(fileobj=raw)
        self._left = limits.max_archive_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._gz.read(min(len(b), 1 << 20))
        self._left -= len(data)
        if self._left < 0:
            raise ValueError("gzip expands past the archive byte limit (bomb?)")
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._gz.close()
        finally:
            self._raw.close()
            super().close()


def _join(outer: str, inner: str) -> str:
    return f"{outer}/{inner}" if outer else inner


def _unsafe_member_name(name: str) -> str | None:
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "absolute member path refused"
    if ".." in p.parts:
        return "member path escapes the archive (..) refused"
    return None


def _first(value: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        v = value.get(key)
        if v not in (None, "", []):
            return v
    return None


def _fields_meta(value: dict[str, Any]) -> dict[str, Any]:
    """The metadata of a news-dump record, under whosaid's names."""
    authors = _first(value, "authors", "author", "byline")
    if isinstance(authors, str):
        authors = [authors]
    if not isinstance(authors, list):
        authors = []
    return {
        "url": _str(_first(value, "url", "link", "source_url")),
        "title": _str(_first(value, "title", "headline", "title_page", "title_rss")),
        "description": _str(_first(value, "description", "standfirst", "summary")),
        "published": _first(value, "date_publish", "published_at", "date", "published",
                            "pubdate", "publish_date"),
        "authors": [a for a in authors if isinstance(a, str) and a.strip()],
        "outlet": _str(_first(value, "outlet", "source_name", "site_name", "source_domain",
                              "domain")),
        "language": _str(_first(value, "language", "lang")),
    }


def _str(v: Any) -> str | None:
    return v.strip() if isinstance(v, str) and v.strip() else None
