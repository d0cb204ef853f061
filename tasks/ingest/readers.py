"""Loaders: every supported dump format read as a stream of ``RawRecord`` or ``Reject``.

A source is a file, a folder (walked, each file read by its type) or a fetched URL. A file's type
comes from its name, then from its first bytes, so one folder may mix every format. Each record
keeps its provenance: ``source_uri`` plus a locator (``line:N``, ``member:NAME``, ``warc:<id>``),
nested with ``/`` for archives. Nothing here raises on bad input: a record that cannot be read
becomes a ``Reject`` with a one-line reason and the stream goes on.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import os
import re
import stat
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from tasks.model import RawRecord, Reject
from tasks.settings import Limits

Item = RawRecord | Reject
Opener = Callable[[], IO[bytes]]

TEXT, JSONL, JSON, HTML, WARC, ZIP, TAR, GZIP = (
    "text",
    "jsonl",
    "json",
    "html",
    "warc",
    "zip",
    "tar",
    "gzip",
)

_SUFFIXES = {
    ".txt": TEXT,
    ".text": TEXT,
    ".md": TEXT,
    ".jsonl": JSONL,
    ".ndjson": JSONL,
    ".json": JSON,
    ".html": HTML,
    ".htm": HTML,
    ".xhtml": HTML,
    ".warc": WARC,
    ".arc": WARC,
    ".zip": ZIP,
    ".tar": TAR,
    ".tgz": TAR,
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


def _utf16_encoding(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return None  # UTF-32: left to decode()
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return _utf16_order(head)


def _transcoding(opener: Opener, encoding: str) -> Opener:
    def open_utf8() -> IO[bytes]:
        return io.BufferedReader(_Utf8(opener(), encoding))

    return open_utf8


class _Utf8(io.RawIOBase):
    """A UTF-16 byte stream read as UTF-8, a bounded piece at a time."""

    def __init__(self, raw: IO[bytes], encoding: str) -> None:
        self._raw = raw
        self._text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        if not self._pending:
            self._pending = self._text.read(max(len(b) // 4, 1)).encode("utf-8")
        n = min(len(b), len(self._pending))
        b[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
            super().close()


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


def _one_line(text: str, limit: int = 300) -> str:
    """A reason fit for a log line and a table cell: whitespace folded, length bounded."""
    return " ".join(text.split())[:limit]


# -- bounds that hold across one whole source ---------------------------------------------------

# Below this much output a high compression ratio is no evidence of a bomb: a few MB of repeated
# whitespace or boilerplate markup can compress past 200:1, while bombs expand to gigabytes.
RATIO_FLOOR_BYTES = 16 * 1024 * 1024
# How much of a forward-only stream (a tar member) is kept so that it can be read from its start
# again: sniffing reads 4 kB and gzip pulls 8 kB blocks, so 1 MiB is ample and cheap.
REPLAY_BYTES = 1024 * 1024
# Tar headers (512-byte blocks, pax and GNU long-name records) hold a path and a few attributes:
# kilobytes. tarfile reads a pax record whole, so a "header" declared at 1 GB would sit in memory.
MAX_TAR_HEADER_BYTES = 1024 * 1024
# WARC and HTTP header lines are short (servers refuse HTTP header lines past 8 kB); 1 MiB is far
# past any real one. Payload lines are not limited.
MAX_WARC_HEADER_LINE = 1024 * 1024


class ArchiveLimitExceeded(ValueError):
    """A source expands past the archive limits (a bomb, or a dump to split up)."""


@dataclass
class _Budget:
    """What one source given to the reader may expand to, summed over every level of nesting
    (zip in tar in gzip ...): bytes produced by decompression, and archive members."""

    bytes_left: int
    members_left: int
    exhausted: bool = False

    @classmethod
    def of(cls, limits: Limits) -> _Budget:
        return cls(limits.max_archive_bytes, limits.max_archive_members)

    def spend_bytes(self, n: int) -> None:
        self.bytes_left -= n
        if self.bytes_left < 0:
            self.exhausted = True
            raise ArchiveLimitExceeded("source expands past the archive byte limit (bomb?)")

    def spend_member(self) -> None:
        self.members_left -= 1
        if self.members_left < 0:
            self.exhausted = True
            raise ArchiveLimitExceeded("source holds more archive members than the limit")


class Reader:
    """Reads one source into records, within ``limits``."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    # -- entry points ------------------------------------------------------------------------

    def read_path(self, path: Path, uri: str | None = None) -> Iterator[Item]:
        """A file, or every file below a folder (sorted, hidden files skipped). Symbolic links
        met while walking a folder are not followed: only paths the user gave are read."""
        uri = uri or str(path)
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    child = Path(root) / name
                    if child.is_symlink():
                        yield Reject(
                            str(child),
                            "file",
                            "source",
                            "symbolic link inside a source folder not followed",
                        )
                        continue
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
        self,
        opener: Opener,
        name: str,
        uri: str,
        locator: str,
        depth: int,
        budget: _Budget | None = None,
    ) -> Iterator[Item]:
        """One file's content (from disk, an archive member or a download) by its format.

        ``opener`` may be called more than once, each time for a stream from the start.
        ``budget`` is shared by the levels of one source; a top-level call starts a new one."""
        loc = locator or "file"
        budget = budget or _Budget.of(self.limits)
        fmt = format_from_name(name) or "file"
        n_items = 0
        try:
            with opener() as fh:
                head = fh.read(4096)
            if not head:
                yield Reject(uri, loc, "read", "empty file")
                return
            fmt = format_from_name(name) or ""
            sniffed = sniff(head)
            wide = _utf16_encoding(head) if sniffed not in (ZIP, GZIP, TAR) else None
            if wide and fmt not in (ZIP, GZIP, TAR, WARC):
                # UTF-16 (with a BOM or without): read as UTF-8 so that lines split on real
                # newlines and the format can be sniffed from the text.
                opener = _transcoding(opener, wide)
                with opener() as fh:
                    head = fh.read(4096)
                sniffed = sniff(head)
            if not fmt or (fmt in (TEXT, HTML, JSONL, JSON) and sniffed in (ZIP, GZIP, WARC)):
                fmt = sniffed
            for item in self._by_format(fmt, opener, name, uri, locator, depth, budget):
                n_items += 1
                yield item
        except ArchiveLimitExceeded as exc:
            n_items += 1
            yield Reject(uri, loc, "read", _one_line(str(exc)))
        except RecursionError:
            n_items += 1
            yield Reject(uri, loc, "read", f"{fmt} nested too deeply")
        except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError, ValueError) as exc:
            # Truncated gzip, corrupt archive and the like: what was read so far stands.
            n_items += 1
            yield Reject(
                uri, loc, "read", _one_line(f"{fmt} stream broken: {type(exc).__name__}: {exc}")
            )
        except Exception as exc:  # noqa: BLE001 - a parser's surprise must not sink the run
            # zlib.error, NotImplementedError, warcio's OverflowError on a huge Content-Length...
            n_items += 1
            yield Reject(
                uri, loc, "read", _one_line(f"{fmt} unreadable: {type(exc).__name__}: {exc}")
            )
        if n_items == 0:
            # A source that yields nothing would vanish from the accounting: say so instead.
            yield Reject(uri, loc, "read", f"no records found ({fmt})")

    def _by_format(
        self,
        fmt: str,
        opener: Opener,
        name: str,
        uri: str,
        locator: str,
        depth: int,
        budget: _Budget,
    ) -> Iterator[Item]:
        if fmt == GZIP:
            inner = name[:-3] if name.lower().endswith(".gz") else name + ".out"
            yield from self._gzip(opener, inner, uri, locator, depth, budget)
        elif fmt == ZIP:
            yield from self._zip(opener, uri, locator, depth, budget)
        elif fmt == TAR:
            yield from self._tar(opener, uri, locator, depth, budget)
        elif fmt == WARC:
            yield from self._warc(opener, uri, locator, budget)
        elif fmt == JSONL:
            yield from self._jsonl(opener, uri, locator)
        elif fmt == JSON:
            yield from self._json(opener, uri, locator)
        else:
            yield from self._whole(opener, fmt, uri, locator or "file")

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
        problem: str | None = None
        try:
            value = json.loads(data)
        except RecursionError:
            problem = "JSON nested too deeply"
        except ValueError as exc:
            problem = f"invalid JSON: {exc}"
        if problem:
            # JSON Lines under a .json name reads as lines; one broken document (a truncated,
            # pretty-printed file) is one reject, not one per line.
            first = data.lstrip().split(b"\n", 1)[0]
            if isinstance(self._json_record(first, uri, loc), RawRecord):
                yield from self._jsonl(lambda: io.BytesIO(data), uri, locator)
            else:
                yield Reject(uri, loc, "read", _one_line(problem, 200))
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
            return Reject(uri, loc, "read", _one_line(f"invalid JSON: {exc}", 200))
        return self._json_value(value, uri, loc)

    def _json_value(self, value: Any, uri: str, loc: str) -> Item:
        if not isinstance(value, dict):
            kind = type(value).__name__
            return Reject(uri, loc, "read", f"JSON record is a {kind}, not an object")
        # A JSON string may carry NUL (an escaped \u0000): dropped, as text with NUL is binary.
        for key in HTML_FIELDS:
            html = value.get(key)
            if isinstance(html, str) and html.replace("\x00", "").strip():
                return RawRecord(uri, loc, "html", html.replace("\x00", ""), _fields_meta(value))
        for key in TEXT_FIELDS:
            text = value.get(key)
            if isinstance(text, str) and text.replace("\x00", "").strip():
                return RawRecord(uri, loc, "fields", text.replace("\x00", ""), _fields_meta(value))
        return Reject(uri, loc, "read", "no article text field (" + "/".join(TEXT_FIELDS) + ")")

    def _warc(self, opener: Opener, uri: str, locator: str, budget: _Budget) -> Iterator[Item]:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        with opener() as raw:
            head = raw.read(2)
        # Decompress here rather than in warcio: it also reads a WARC gzipped as one member
        # (warcio accepts only one gzip member per record), within the archive limits.
        # Unbuffered: warcio reads in blocks and treats a failed read as the end, so a buffer
        # that loops to fill a block would lose the records read before a cut.
        source: Any = (
            _Decompressed(opener(), GZIP, budget, self.limits) if head == b"\x1f\x8b" else opener()
        )
        guard = _WarcInput(source)
        records = _warc_iterator(ArchiveIterator)(guard, no_record_parse=False)
        try:
            for n, record in enumerate(records, 1):
                guard.in_payload = True
                try:
                    item = self._warc_record(record, n, uri, locator)
                    # Read the rest of the record here, as payload: warcio would skip it while
                    # reading the next headers.
                    while record.raw_stream.read(1 << 20):
                        pass
                finally:
                    guard.in_payload = False
                if item is not None:
                    yield item
        except ArchiveLoadFailed as exc:
            yield Reject(uri, locator or "file", "read", _one_line(f"bad WARC: {exc}"))
            return
        finally:
            source.close()
        failure = getattr(source, "failure", None)
        if failure is None and records.cut_short:
            yield Reject(
                uri,
                locator or "file",
                "read",
                "WARC ends inside a record's headers (file cut short)",
            )
        if failure is not None:
            yield Reject(
                uri,
                locator or "file",
                "read",
                _one_line(f"warc stream broken: {type(failure).__name__}: {failure}"),
            )

    def _warc_record(self, record: Any, n: int, uri: str, locator: str) -> Item | None:
        if record.rec_type not in ("response", "resource"):
            return None
        cap = self.limits.max_record_bytes
        rid = record.rec_headers.get_header("WARC-Record-ID") or f"record:{n}"
        loc = _join(locator, f"warc:{rid.strip('<>')}")
        target = record.rec_headers.get_header("WARC-Target-URI")
        ctype = ""
        if record.http_headers is not None:
            ctype = record.http_headers.get_header("Content-Type") or ""
            status = record.http_headers.get_statuscode()
            if status and not status.startswith("2"):
                return Reject(uri, loc, "read", _one_line(f"HTTP status {status}", 80))
        data = record.content_stream().read(cap + 1)
        if len(data) > cap:
            return Reject(uri, loc, "read", f"record over {cap} bytes")
        if getattr(record.raw_stream, "limit", 0) > 0:
            # The stream ended before the record's Content-Length: a cut-off file.
            return Reject(uri, loc, "read", "WARC record truncated (file cut short)")
        if ctype and "html" not in ctype.lower() and "text" not in ctype.lower():
            return Reject(uri, loc, "read", _one_line(f"not an article: {ctype}", 100))
        text = _text_or_reject(data, uri, loc)
        if isinstance(text, Reject):
            return text
        if not text.strip():
            return Reject(uri, loc, "read", "no text")
        kind = "text" if ctype.lower().startswith("text/plain") else "html"
        return RawRecord(uri, loc, kind, text, {"url": target})

    def _gzip(
        self, opener: Opener, inner: str, uri: str, locator: str, depth: int, budget: _Budget
    ) -> Iterator[Item]:
        if depth >= self.limits.max_archive_depth:
            yield Reject(uri, locator or "file", "read", "archive nested too deeply")
            return

        def open_inner() -> IO[bytes]:
            return self._decompressing(opener(), GZIP, budget)

        yield from self.read_stream(open_inner, inner, uri, locator, depth + 1, budget)

    def _zip(
        self, opener: Opener, uri: str, locator: str, depth: int, budget: _Budget
    ) -> Iterator[Item]:
        loc = locator or "file"
        if depth >= self.limits.max_archive_depth:
            yield Reject(uri, loc, "read", "archive nested too deeply")
            return
        fh = opener()
        try:
            if not fh.seekable():
                # A zip inside a gzip or a tar member: zip needs random access, so it is held in
                # memory, and only up to the size of one record.
                data = _read_capped(fh, self.limits.max_record_bytes)
                if data is None:
                    yield Reject(
                        uri,
                        loc,
                        "read",
                        "zip inside a compressed stream over "
                        f"{self.limits.max_record_bytes} bytes: unpack it first",
                    )
                    return
                fh.close()
                fh = io.BytesIO(data)
            declared = _zip_declared_entries(fh)
            if declared is not None and declared > self.limits.max_archive_members:
                # Checked before zipfile reads the whole central directory into memory.
                yield Reject(
                    uri, loc, "read", f"archive has over {self.limits.max_archive_members} members"
                )
                return
            with zipfile.ZipFile(fh) as zf:
                infos = [i for i in zf.infolist() if not i.is_dir()]
                problem = self._archive_problem(
                    len(infos), sum(i.file_size for i in infos), sum(i.compress_size for i in infos)
                )
                if problem:
                    yield Reject(uri, loc, "read", problem)
                    return
                for info in infos:
                    if budget.exhausted:
                        return
                    mloc = _join(locator, f"member:{info.filename}")
                    bad = _zip_member_problem(info, self.limits)
                    if bad:
                        yield Reject(uri, mloc, "read", bad)
                        continue
                    try:
                        budget.spend_member()
                        budget.spend_bytes(info.file_size)
                    except ArchiveLimitExceeded as exc:
                        yield Reject(uri, mloc, "read", str(exc))
                        return
                    yield from self.read_stream(
                        _member_opener(zf, info), info.filename, uri, mloc, depth + 1, budget
                    )
        finally:
            fh.close()

    def _tar(
        self, opener: Opener, uri: str, locator: str, depth: int, budget: _Budget
    ) -> Iterator[Item]:
        """Read as a stream (``r|``): one pass, nothing seeked, each member streamed to its
        reader, never extracted and never held whole in memory."""
        loc = locator or "file"
        if depth >= self.limits.max_archive_depth:
            yield Reject(uri, loc, "read", "archive nested too deeply")
            return
        with opener() as probe:
            magic = probe.read(6)
        kind = _compression(magic)
        raw = opener()
        # Unbuffered, as for WARC: tarfile asks for 10 kB blocks, and a buffer filling one would
        # lose the members before a cut in a truncated file.
        source: Any = _Decompressed(raw, kind, budget, self.limits) if kind else raw
        meter = _TarInput(source)
        try:
            with tarfile.open(fileobj=meter, mode="r|") as tf:
                total = count = 0
                while True:
                    if budget.exhausted:
                        return
                    meter.start_headers()
                    member = tf.next()
                    meter.end_headers()
                    if member is None:
                        break
                    mloc = _join(locator, f"member:{member.name}")
                    if member.isdir():
                        continue
                    count += 1
                    total += member.size
                    problem = self._archive_problem(count, total, None)
                    if problem:
                        yield Reject(uri, mloc, "read", problem)
                        return
                    try:
                        budget.spend_member()
                    except ArchiveLimitExceeded as exc:
                        yield Reject(uri, mloc, "read", str(exc))
                        return
                    bad = _unsafe_member_name(member.name)
                    if bad:
                        yield Reject(uri, mloc, "read", bad)
                        continue
                    if member.issym() or member.islnk():
                        yield Reject(uri, mloc, "read", "link member refused")
                        continue
                    if not member.isfile() or member.issparse():
                        yield Reject(
                            uri, mloc, "read", "special member refused (device, fifo, sparse)"
                        )
                        continue
                    data = tf.extractfile(member)
                    if data is None:
                        continue
                    replay = _Replay(data)
                    yield from self.read_stream(
                        replay.open, member.name, uri, mloc, depth + 1, budget
                    )
                    # Read what the member's reader left, so that the next header is read alone.
                    while data.read(1 << 20):
                        pass
            # Past the end-of-archive blocks: read the padding, so that a compressed tar cut
            # short in its trailer (its checksum) is noticed. Data further on is ignored.
            meter.end_headers()
            source.read(REPLAY_BYTES)
        finally:
            source.close()
            raw.close()

    def _decompressing(self, raw: IO[bytes], kind: str, budget: _Budget) -> IO[bytes]:
        return io.BufferedReader(_Decompressed(raw, kind, budget, self.limits))

    def _archive_problem(self, members: int, total: int, compressed: int | None) -> str | None:
        lim = self.limits
        if members > lim.max_archive_members:
            return f"archive has over {lim.max_archive_members} members"
        if total > lim.max_archive_bytes:
            return f"archive expands past {lim.max_archive_bytes} bytes"
        if (
            compressed is not None
            and total > RATIO_FLOOR_BYTES
            and (total / max(compressed, 1) > lim.max_archive_ratio)
        ):
            return f"archive compression ratio over {lim.max_archive_ratio:.0f}:1 (bomb?)"
        return None


def _compression(magic: bytes) -> str:
    if magic.startswith(b"\x1f\x8b"):
        return GZIP
    if magic.startswith(b"BZh"):
        return "bz2"
    if magic.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    return ""


_ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)


def _zip_member_problem(info: zipfile.ZipInfo, limits: Limits) -> str | None:
    bad = _unsafe_member_name(info.filename)
    if bad:
        return bad
    if (info.external_attr >> 16) & 0o170000 == 0o120000:
        return "symlink member refused"
    if info.flag_bits & 0x1:
        return "encrypted member refused"
    if info.compress_type not in _ZIP_METHODS:
        return f"unsupported zip compression method {info.compress_type}"
    if info.file_size > limits.max_archive_bytes:
        return f"member expands past {limits.max_archive_bytes} bytes"
    if info.file_size > RATIO_FLOOR_BYTES and (
        info.file_size / max(info.compress_size, 1) > limits.max_archive_ratio
    ):
        return "member compression ratio too high (bomb?)"
    return None


def _member_opener(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Opener:
    def open_member() -> IO[bytes]:
        return zf.open(info)

    return open_member


def _zip_declared_entries(fh: IO[bytes]) -> int | None:
    """The member count a zip's end record declares, read without parsing the directory."""
    end_record = getattr(zipfile, "_EndRecData", None)
    if end_record is None:
        return None
    try:
        rec = end_record(fh)
        fh.seek(0)
    except (OSError, ValueError, IndexError):
        return None
    return int(rec[4]) if rec else None  # zipfile._ECD_ENTRIES_TOTAL


class _Decompressed(io.RawIOBase):
    """A gzip, bzip2 or xz stream that stops at the source's byte budget, and at the archive
    ratio once past ``RATIO_FLOOR_BYTES``: a bomb is stopped while it expands, never held."""

    def __init__(self, raw: IO[bytes], kind: str, budget: _Budget, limits: Limits) -> None:
        self._raw = raw
        self._counted = _Counted(raw)
        self._budget = budget
        self._ratio = limits.max_archive_ratio
        self._out = 0
        self._kind = kind
        self.failure: Exception | None = None
        self._stream: gzip.GzipFile | bz2.BZ2File | lzma.LZMAFile
        if kind == "bz2":
            self._stream = bz2.BZ2File(self._counted)
        elif kind == "xz":
            self._stream = lzma.LZMAFile(self._counted)  # type: ignore[arg-type]
        else:
            self._stream = gzip.GzipFile(fileobj=self._counted)

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        # read1: one step of the decompressor, bounded by the size asked for (at most 1 MiB),
        # so a cut-off stream loses only the step it breaks in, not everything since the call.
        try:
            data = self._stream.read1(min(len(b), 1 << 20))
        except Exception as exc:
            self.failure = exc  # parsers that swallow errors (warcio) are checked after
            raise
        n = len(data)
        self._out += n
        self._budget.spend_bytes(n)
        if self._out > RATIO_FLOOR_BYTES and self._out > self._ratio * max(self._counted.n, 1):
            raise ArchiveLimitExceeded(
                f"{self._kind} compression ratio over {self._ratio:.0f}:1 (bomb?)"
            )
        b[:n] = data
        return n

    def close(self) -> None:
        if self.closed:
            return
        try:
            self._stream.close()
        finally:
            self._raw.close()
            super().close()


class _Counted(io.RawIOBase):
    """Counts the compressed bytes a decompressor takes in."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.n = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._raw.read(len(b))
        n = len(data)
        self.n += n
        b[:n] = data
        return n


class _TarInput(io.RawIOBase):
    """The stream under tarfile: refuses a header (pax, GNU long name) past
    ``MAX_TAR_HEADER_BYTES``, which tarfile would otherwise read whole into memory."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._in_headers = True
        self._header_bytes = 0

    def readable(self) -> bool:
        return True

    def start_headers(self) -> None:
        self._in_headers, self._header_bytes = True, 0

    def end_headers(self) -> None:
        self._in_headers = False

    def readinto(self, b: Any) -> int:
        data = self._raw.read(len(b))
        n = len(data)
        if self._in_headers:
            self._header_bytes += n
            if self._header_bytes > MAX_TAR_HEADER_BYTES:
                raise ArchiveLimitExceeded(
                    f"tar header over {MAX_TAR_HEADER_BYTES} bytes (pax or long-name bomb?)"
                )
        b[:n] = data
        return n


def _warc_iterator(base: Any) -> Any:
    """warcio's ArchiveIterator, telling a clean end from a file cut inside a record's headers
    (warcio ends quietly on both). Follows warcio 1.8's ``_next_record``; pinned in pyproject."""

    class Iterator(base):  # type: ignore[misc, valid-type]
        cut_short = False

        def _next_record(self, next_line: Any) -> Any:
            started = bool(next_line and next_line.strip())
            reader = self.reader
            readline = reader.readline

            def noting_readline(*args: Any, **kwargs: Any) -> bytes:
                nonlocal started
                line = readline(*args, **kwargs)
                started = started or bool(line.strip())
                return line

            reader.readline = noting_readline
            try:
                return super()._next_record(next_line)
            except EOFError:
                self.cut_short = started
                raise
            finally:
                reader.readline = readline

    return Iterator


class _WarcInput(io.RawIOBase):
    """The stream under warcio: refuses a header line past ``MAX_WARC_HEADER_LINE`` bytes.
    warcio joins a long line block by block, so a 50 MB "header" took minutes of copying."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._run = 0  # bytes since the last newline
        self.in_payload = False

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._raw.read(len(b))
        n = len(data)
        newline = data.rfind(b"\n")
        self._run = n - newline - 1 if newline >= 0 else self._run + n
        if not self.in_payload and self._run > MAX_WARC_HEADER_LINE:
            raise ValueError(f"WARC header line over {MAX_WARC_HEADER_LINE} bytes")
        b[:n] = data
        return n


class _Replay:
    """Readers over a forward-only stream (a tar member), each from its first byte, for as long
    as the stream has not been read past ``REPLAY_BYTES``: enough to sniff a format, then read
    it. The member is streamed, never held whole."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._prefix = bytearray()
        self._consumed = 0
        self._past_prefix = False

    def open(self) -> IO[bytes]:
        if self._past_prefix:
            raise OSError("a tar member is read once past its first MiB")
        return io.BufferedReader(_ReplayView(self))

    def read_at(self, pos: int, size: int) -> bytes:
        if pos < len(self._prefix):
            return bytes(self._prefix[pos : pos + size])
        if pos != self._consumed:
            raise OSError("a tar member is read once past its first MiB")
        data = self._stream.read(size)
        if not self._past_prefix and len(self._prefix) + len(data) <= REPLAY_BYTES:
            self._prefix += data
        else:
            self._past_prefix = True
        self._consumed += len(data)
        return data


class _ReplayView(io.RawIOBase):
    def __init__(self, source: _Replay) -> None:
        self._source = source
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._source.read_at(self._pos, len(b))
        n = len(data)
        self._pos += n
        b[:n] = data
        return n


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
        "published": _scalar(
            _first(
                value,
                "date_publish",
                "published_at",
                "date",
                "published",
                "pubdate",
                "publish_date",
            )
        ),
        "authors": [a for a in authors if isinstance(a, str) and a.strip()],
        "outlet": _str(
            _first(value, "outlet", "source_name", "site_name", "source_domain", "domain")
        ),
        "language": _str(_first(value, "language", "lang")),
    }


def _scalar(v: Any) -> str | int | float | None:
    """A date field as a string or a number; a list or object there is not a date (and a
    deeply nested one must not travel on to pickling and the date parser)."""
    return v if isinstance(v, str | int | float) and not isinstance(v, bool) else None


def _str(v: Any) -> str | None:
    return v.strip() if isinstance(v, str) and v.strip() else None
