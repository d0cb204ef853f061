"""WARC (and ARC) files: each response or resource record a ``RawRecord`` or a ``Reject``.

A WARC is cut into records here, by each record's ``Content-Length`` (``_Frames``), and warcio
parses one record at a time. A record is whole when its block is followed by blank lines and
then the next record's version line (``WARC/1.1``) or the end of the file. When it is not (a
``Content-Length`` too long or too short, not a number, a header line past the limit) the record
is **damaged**: it becomes one reject, and reading resynchronises at the next ``WARC/x.y`` line
that starts a line, looked for from the start of the damaged record's block, so the record a
too-long length swallowed is read too. Every record after a damaged one lands.

Around that: a gzipped WARC is decompressed here, within the archive limits (also a WARC gzipped
as one member, which warcio refuses); a file cut inside a record's headers or block is noticed; a
file that does not open with a WARC version line (an ARC file) is left to warcio whole.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from tasks.ingest.archive_safety import STEP_BYTES, ArchiveLimitExceeded, Decompressed
from tasks.ingest.formats import GZIP, Opener, one_line
from tasks.ingest.where import Item, Where, text_or_reject
from tasks.settings import Limits

# WARC and HTTP header lines are short (servers refuse HTTP header lines past 8 kB); 1 MiB is far
# past any real one. Payload lines are not limited.
MAX_WARC_HEADER_LINE = 1024 * 1024
# The stream under the framing is read 64 kB at a time: small next to a record cap, large enough
# that Python's per-call cost is nothing.
READ_CHUNK = 64 * 1024
# How far past a record's block the next version line is looked for: the two CRLFs the standard
# puts there and any stray blank lines a writer adds.
RECORD_END_PEEK = 4096
# Of a block over the record cap, only its last MiB is kept while it is skipped: where the next
# record header is looked for when the block turns out damaged. A length wrong by more than that
# on a record over the cap loses the records it ran over.
OVERSIZED_TAIL_BYTES = 1024 * 1024
# Reasons are shortened to what a status or a content type needs.
STATUS_REASON_CHARS = 80
TYPE_REASON_CHARS = 100

# The first line of a record: "WARC/1.0", "WARC/1.1" (and the 0.x drafts).
_VERSION = re.compile(rb"WARC/\d+\.\d+\r?\n")
# A version line starting a line inside a block: where the next record may begin.
_VERSION_IN_BLOCK = re.compile(rb"(?:\A|\n)(WARC/\d+\.\d+\r?\n)")
_RESYNC = "resynchronised at the next WARC header"


def read_warc(opener: Opener, where: Where, limits: Limits) -> Iterator[Item]:
    """The records of a WARC stream, in order."""
    with opener() as raw:
        head = raw.read(2)
    # Decompress here rather than in warcio: it also reads a WARC gzipped as one member
    # (warcio accepts only one gzip member per record), within the archive limits.
    source: Any = (
        Decompressed(opener(), GZIP, where.budget, limits) if head == b"\x1f\x8b" else opener()
    )
    frames = _Frames(source)
    try:
        if _VERSION.match(frames.peek(RECORD_END_PEEK).lstrip(b"\r\n")):
            yield from _framed_records(frames, where, limits)
        else:
            yield from _warcio_records(frames, where, limits)
    finally:
        source.close()
    if frames.failure is not None:
        failure = frames.failure
        yield where.reject(one_line(f"warc stream broken: {type(failure).__name__}: {failure}"))


def _framed_records(frames: _Frames, where: Where, limits: Limits) -> Iterator[Item]:
    cap = limits.max_record_bytes
    n = 0
    while True:
        frames.skip_blank_lines()
        line = frames.read_line(MAX_WARC_HEADER_LINE + 1)
        if not line:
            return
        n += 1
        if not _VERSION.fullmatch(line):
            # A whole record and a resynchronisation both stop at a version line, so this is a
            # framing slip: one reject and a search for the next header, never a loop.
            yield where.child(f"record:{n}").reject(f"not a WARC record header; {_RESYNC}")
            if not frames.seek_header(at_line_start=line.endswith(b"\n")):
                return
            continue
        header = bytearray(line)
        fields: dict[bytes, bytes] = {}
        too_long = False
        while True:
            line = frames.read_line(MAX_WARC_HEADER_LINE + 1)
            if not line:
                if frames.failure is None:
                    yield where.reject("WARC ends inside a record's headers (file cut short)")
                return
            if len(line) > MAX_WARC_HEADER_LINE:
                too_long = True
                break
            header += line
            if not line.strip():
                break
            name, _, value = line.partition(b":")
            fields[name.strip().lower()] = value.strip()
        rid = fields.get(b"warc-record-id", b"").decode("latin-1") or f"record:{n}"
        at = where.child(f"warc:{rid.strip('<>')}")
        if too_long:
            yield at.reject(f"WARC header line over {MAX_WARC_HEADER_LINE} bytes; {_RESYNC}")
            if not frames.seek_header(at_line_start=False):
                return
            continue
        declared = fields.get(b"content-length", b"")
        if not declared.isdigit():
            shown = one_line(declared.decode("latin-1"), 40)
            yield at.reject(
                f"WARC record damaged: Content-Length '{shown}' is not a byte count; {_RESYNC}"
            )
            if not frames.seek_header(at_line_start=True):
                return
            continue
        length = int(declared)
        block = frames.read(min(length, cap + 1))
        if len(block) < min(length, cap + 1):
            # The file ends inside the block: cut short, or a length past the next record.
            found = _VERSION_IN_BLOCK.search(block)
            if found is None:
                yield at.reject("WARC record truncated (file cut short)")
                return
            frames.unread(block[found.start(1) :])
            yield at.reject(
                f"WARC record damaged: Content-Length {length} runs past its block; {_RESYNC}"
            )
            continue
        oversized = length > cap
        tail = block
        if oversized:
            left = length - len(block)
            drained, tail = frames.skip(left, keep=OVERSIZED_TAIL_BYTES)
            if drained < left:
                yield at.reject("WARC record truncated (file cut short)")
                return
        if not frames.at_record_end():
            yield at.reject(
                f"WARC record damaged: Content-Length {length} does not end the record; {_RESYNC}"
            )
            # The next header is looked for from the start of the block, which a length too
            # long ran past (of a block over the cap, from the start of its kept tail).
            frames.unread(tail)
            if not frames.seek_header(at_line_start=not oversized):
                return
            continue
        item = _parsed(bytes(header) + block + b"\r\n\r\n", at, n, where, limits, oversized)
        if item is not None:
            yield item


def _parsed(
    data: bytes, at: Where, n: int, where: Where, limits: Limits, oversized: bool
) -> Item | None:
    """One whole record (``at``), parsed by warcio. ``oversized``: only the start of the block
    is there (the record is over the record cap)."""
    from warcio.archiveiterator import ArchiveIterator

    try:
        record = next(iter(ArchiveIterator(io.BytesIO(data), no_record_parse=False)))
        return _warc_record(record, n, where, limits, oversized)
    except Exception as exc:  # noqa: BLE001 - one record warcio cannot parse is that record's reject
        return at.reject(one_line(f"bad WARC record: {type(exc).__name__}: {exc}"))


def _warc_record(
    record: Any, n: int, where: Where, limits: Limits, oversized: bool = False
) -> Item | None:
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
    if oversized:
        return at.reject(f"record over {cap} bytes")
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


class _Frames(io.RawIOBase):
    """The bytes under the framing: read ahead, looked at and pushed back. A read that fails
    (a gzip cut short, a corrupt block) ends the stream here and is kept in ``failure``, so what
    was read before it stands; a blown archive limit is raised as it is."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._buf = bytearray()
        self._pos = 0
        self._eof = False
        self.failure: Exception | None = None

    def readable(self) -> bool:
        return True

    def _fill(self) -> bool:
        """Read one more chunk; False at the end of the stream."""
        if self._eof:
            return False
        try:
            data = self._raw.read(READ_CHUNK)
        except ArchiveLimitExceeded:
            raise
        except Exception as exc:  # noqa: BLE001 - the reader reports it after the records
            self.failure, self._eof = exc, True
            return False
        if not data:
            self._eof = True
            return False
        if self._pos:
            del self._buf[: self._pos]
            self._pos = 0
        self._buf += data
        return True

    def _available(self) -> int:
        return len(self._buf) - self._pos

    def peek(self, n: int) -> bytes:
        """Up to ``n`` bytes ahead, not consumed."""
        while self._available() < n and self._fill():
            pass
        return bytes(self._buf[self._pos : self._pos + n])

    def read(self, n: int = -1) -> bytes:  # type: ignore[override]
        if n < 0:
            while self._fill():
                pass
            n = self._available()
        data = self.peek(n)
        self._pos += len(data)
        return data

    def readinto(self, b: Any) -> int:
        if not self._available():
            self._fill()
        n = min(len(b), self._available())
        b[:n] = self._buf[self._pos : self._pos + n]
        self._pos += n
        return n

    def read_line(self, limit: int) -> bytes:
        """Up to and including the next newline, at most ``limit`` bytes."""
        scanned = 0
        while True:
            end = self._buf.find(b"\n", self._pos + scanned, self._pos + limit)
            if end >= 0:
                return self.read(end + 1 - self._pos)
            scanned = self._available()
            if scanned >= limit:
                return self.read(limit)
            if not self._fill():
                return self.read(self._available())

    def unread(self, data: bytes) -> None:
        """Put ``data`` back in front of what is left."""
        self._buf[: self._pos] = b""
        self._buf[0:0] = data
        self._pos = 0

    def skip(self, n: int, keep: int) -> tuple[int, bytes]:
        """Consume ``n`` bytes, keeping only the last ``keep`` of them; how many there were,
        and those kept."""
        done = 0
        tail = bytearray()
        kept_from = n - keep
        while done < n:
            if not self._available() and not self._fill():
                break
            step = min(n - done, self._available())
            if done + step > kept_from:
                tail += self._buf[self._pos + max(0, kept_from - done) : self._pos + step]
            self._pos += step
            done += step
        return done, bytes(tail)

    def skip_blank_lines(self) -> None:
        while True:
            ahead = self.peek(RECORD_END_PEEK)
            blank = len(ahead) - len(ahead.lstrip(b"\r\n"))
            self._pos += blank
            if blank < len(ahead) or not ahead:
                return

    def at_record_end(self) -> bool:
        """Whether what follows a block is blank lines, then a version line or the end."""
        while True:
            ahead = self.peek(RECORD_END_PEEK)
            if not ahead:
                return True
            rest = ahead.lstrip(b"\r\n")
            if rest:
                return _VERSION.match(rest) is not None
            self.skip_blank_lines()  # a window of nothing but blank lines: look past it

    def seek_header(self, at_line_start: bool) -> bool:
        """Consume up to the next version line that starts a line; False at the end first."""
        while True:
            line = self.read_line(READ_CHUNK)
            if not line:
                return False
            if at_line_start and _VERSION.fullmatch(line):
                self.unread(line)
                return True
            at_line_start = line.endswith(b"\n")


def _warcio_records(frames: _Frames, where: Where, limits: Limits) -> Iterator[Item]:
    """A stream that does not open with a WARC version line (an ARC file, or not a WARC at all),
    read by warcio's own iterator, without resynchronisation."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    guard = _WarcInput(frames)
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
    if frames.failure is None and records.cut_short:
        yield where.reject("WARC ends inside a record's headers (file cut short)")


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
