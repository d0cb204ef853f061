"""WARC (and ARC) files: each response or resource record a ``RawRecord`` or a ``Reject``.

warcio parses the records. Around it: a gzipped WARC is decompressed here, within the archive
limits (also a WARC gzipped as one member, which warcio refuses); header lines are bounded; a
file cut inside a record's headers, which warcio ends on quietly, is noticed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from tasks.ingest.archive_safety import STEP_BYTES, Decompressed
from tasks.ingest.formats import GZIP, Opener, one_line
from tasks.ingest.where import Item, Where, text_or_reject
from tasks.settings import Limits

# WARC and HTTP header lines are short (servers refuse HTTP header lines past 8 kB); 1 MiB is far
# past any real one. Payload lines are not limited.
MAX_WARC_HEADER_LINE = 1024 * 1024
# Reasons are shortened to what a status or a content type needs.
STATUS_REASON_CHARS = 80
TYPE_REASON_CHARS = 100


def read_warc(opener: Opener, where: Where, limits: Limits) -> Iterator[Item]:
    """The records of a WARC stream, in order."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    with opener() as raw:
        head = raw.read(2)
    # Decompress here rather than in warcio: it also reads a WARC gzipped as one member
    # (warcio accepts only one gzip member per record), within the archive limits.
    # Unbuffered: warcio reads in blocks and treats a failed read as the end, so a buffer
    # that loops to fill a block would lose the records read before a cut.
    source: Any = (
        Decompressed(opener(), GZIP, where.budget, limits) if head == b"\x1f\x8b" else opener()
    )
    guard = _WarcInput(source)
    records = _warc_iterator(ArchiveIterator)(guard, no_record_parse=False)
    try:
        for n, record in enumerate(records, 1):
            guard.in_payload = True
            try:
                item = _warc_record(record, n, where, limits)
                # Read the rest of the record here, as payload: warcio would skip it while
                # reading the next headers.
                while record.raw_stream.read(STEP_BYTES):
                    pass
            finally:
                guard.in_payload = False
            if item is not None:
                yield item
    except ArchiveLoadFailed as exc:
        yield where.reject(one_line(f"bad WARC: {exc}"))
        return
    finally:
        source.close()
    failure = getattr(source, "failure", None)
    if failure is None and records.cut_short:
        yield where.reject("WARC ends inside a record's headers (file cut short)")
    if failure is not None:
        yield where.reject(one_line(f"warc stream broken: {type(failure).__name__}: {failure}"))


def _warc_record(record: Any, n: int, where: Where, limits: Limits) -> Item | None:
    """The item of one record; None for records that are not pages (warcinfo, request, ...)."""
    if record.rec_type not in ("response", "resource"):
        return None
    cap = limits.max_record_bytes
    rid = record.rec_headers.get_header("WARC-Record-ID") or f"record:{n}"
    at = where.child(f"warc:{rid.strip('<>')}")
    target = record.rec_headers.get_header("WARC-Target-URI")
    ctype = ""
    if record.http_headers is not None:
        ctype = record.http_headers.get_header("Content-Type") or ""
        status = record.http_headers.get_statuscode()
        if status and not status.startswith("2"):
            return at.reject(one_line(f"HTTP status {status}", STATUS_REASON_CHARS))
    data = record.content_stream().read(cap + 1)
    if len(data) > cap:
        return at.reject(f"record over {cap} bytes")
    if getattr(record.raw_stream, "limit", 0) > 0:
        # The stream ended before the record's Content-Length: a cut-off file.
        return at.reject("WARC record truncated (file cut short)")
    if ctype and "html" not in ctype.lower() and "text" not in ctype.lower():
        return at.reject(one_line(f"not an article: {ctype}", TYPE_REASON_CHARS))
    text = text_or_reject(data, at)
    if not isinstance(text, str):
        return text
    if not text.strip():
        return at.reject("no text")
    kind = "text" if ctype.lower().startswith("text/plain") else "html"
    return at.record(kind, text, {"url": target})


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

    def __init__(self, raw: Any) -> None:
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
