"""Loaders: every supported dump format read as a stream of ``RawRecord`` or ``Reject``.

A source is a file, a folder (walked, each file read by its type) or a fetched URL. A file's type
comes from its name, then from its first bytes (``tasks.ingest.formats``), so one folder may mix
every format. Each record keeps its provenance: ``source_uri`` plus a locator (``line:N``,
``member:NAME``, ``warc:<id>``), nested with ``/`` for archives (``tasks.ingest.where``). Archives
are read as streams within the limits of ``tasks.ingest.archive_safety``; JSON records are mapped
by ``tasks.ingest.record_fields``, WARC by ``tasks.ingest.warc``. Nothing here raises on bad
input: a record that cannot be read becomes a ``Reject`` with a one-line reason and the stream
goes on.
"""

from __future__ import annotations

import io
import json
import os
import stat
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from tasks.ingest.archive_safety import (
    REPLAY_BYTES,
    STEP_BYTES,
    ArchiveLimitExceeded,
    Budget,
    Decompressed,
    Replay,
    TarInput,
    compression,
    decompressing,
    unsafe_member_name,
    zip_declared_entries,
    zip_member_opener,
    zip_member_problem,
)
from tasks.ingest.formats import (
    BINARY_CONTAINERS,
    GZIP,
    HTML,
    JSON,
    JSONL,
    SNIFF_BYTES,
    TAR,
    TEXT,
    WARC,
    ZIP,
    Opener,
    decode,
    format_from_name,
    one_line,
    read_capped,
    sniff,
    transcoding,
    utf16_encoding,
)
from tasks.ingest.record_fields import record_from_object
from tasks.ingest.warc import read_warc
from tasks.ingest.where import Item, Where, text_or_reject
from tasks.model import RawRecord
from tasks.settings import Limits

# What other modules import from here.
__all__ = ["Item", "Opener", "Reader", "decode", "format_from_name", "sniff"]

# Reasons quoting a JSON parser's message keep its first 200 characters (the message and the
# position; the document itself can be megabytes).
JSON_REASON_CHARS = 200


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
                        yield self._where(str(child)).reject(
                            "symbolic link inside a source folder not followed", "source"
                        )
                        continue
                    yield from self.read_path(child, str(child))
            return
        try:
            st = path.stat()
        except OSError as exc:
            yield self._where(uri).reject(f"cannot stat: {exc.strerror or exc}", "source")
            return
        if not stat.S_ISREG(st.st_mode):
            yield self._where(uri).reject("not a regular file", "source")
            return
        yield from self.read_stream(lambda: open(path, "rb"), path.name, uri, "", depth=0)

    def read_stream(
        self,
        opener: Opener,
        name: str,
        uri: str,
        locator: str,
        depth: int,
        budget: Budget | None = None,
    ) -> Iterator[Item]:
        """One file's content (from disk, an archive member or a download) by its format.

        ``opener`` may be called more than once, each time for a stream from the start.
        ``budget`` is shared by the levels of one source; a top-level call starts a new one."""
        where = Where(uri, budget or Budget.of(self.limits), locator, depth)
        yield from self._read(opener, name, where)

    def _where(self, uri: str) -> Where:
        return Where(uri, Budget.of(self.limits))

    def _read(self, opener: Opener, name: str, where: Where) -> Iterator[Item]:
        """``read_stream`` at a place: the format found, the stream read, every failure one
        reject, and a stream that yields nothing one reject saying so."""
        fmt = format_from_name(name) or "file"
        n_items = 0
        try:
            with opener() as fh:
                head = fh.read(SNIFF_BYTES)
            if not head:
                yield where.reject("empty file")
                return
            fmt = format_from_name(name) or ""
            sniffed = sniff(head)
            wide = utf16_encoding(head) if sniffed not in BINARY_CONTAINERS else None
            if wide and fmt not in (*BINARY_CONTAINERS, WARC):
                # UTF-16 (with a BOM or without): read as UTF-8 so that lines split on real
                # newlines and the format can be sniffed from the text.
                opener = transcoding(opener, wide)
                with opener() as fh:
                    head = fh.read(SNIFF_BYTES)
                sniffed = sniff(head)
            if not fmt or (fmt in (TEXT, HTML, JSONL, JSON) and sniffed in (ZIP, GZIP, WARC)):
                fmt = sniffed
            for item in self._by_format(fmt, opener, name, where):
                n_items += 1
                yield item
        except ArchiveLimitExceeded as exc:
            n_items += 1
            yield where.reject(one_line(str(exc)))
        except RecursionError:
            n_items += 1
            yield where.reject(f"{fmt} nested too deeply")
        except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError, ValueError) as exc:
            # Truncated gzip, corrupt archive and the like: what was read so far stands.
            n_items += 1
            yield where.reject(one_line(f"{fmt} stream broken: {type(exc).__name__}: {exc}"))
        except Exception as exc:  # noqa: BLE001 - a parser's surprise must not sink the run
            # zlib.error, NotImplementedError, warcio's OverflowError on a huge Content-Length...
            n_items += 1
            yield where.reject(one_line(f"{fmt} unreadable: {type(exc).__name__}: {exc}"))
        if n_items == 0:
            # A source that yields nothing would vanish from the accounting: say so instead.
            yield where.reject(f"no records found ({fmt})")

    def _by_format(self, fmt: str, opener: Opener, name: str, where: Where) -> Iterator[Item]:
        if fmt == GZIP:
            inner = name[:-3] if name.lower().endswith(".gz") else name + ".out"
            yield from self._gzip(opener, inner, where)
        elif fmt == ZIP:
            yield from self._zip(opener, where)
        elif fmt == TAR:
            yield from self._tar(opener, where)
        elif fmt == WARC:
            yield from read_warc(opener, where, self.limits)
        elif fmt == JSONL:
            yield from self._jsonl(opener, where)
        elif fmt == JSON:
            yield from self._json(opener, where)
        else:
            yield from self._whole(opener, fmt, where)

    # -- formats -----------------------------------------------------------------------------

    def _whole(self, opener: Opener, fmt: str, where: Where) -> Iterator[Item]:
        with opener() as fh:
            data = read_capped(fh, self.limits.max_record_bytes)
        if data is None:
            yield where.reject(f"record over {self.limits.max_record_bytes} bytes")
            return
        text = text_or_reject(data, where)
        if not isinstance(text, str):
            yield text
            return
        if not text.strip():
            yield where.reject("no text")
            return
        yield where.record("html" if fmt == HTML else "text", text)

    def _jsonl(self, opener: Opener, where: Where) -> Iterator[Item]:
        cap = self.limits.max_record_bytes
        with opener() as fh:
            n = 0
            while True:
                line = fh.readline(cap + 1)
                if not line:
                    break
                n += 1
                at = where.child(f"line:{n}")
                if len(line) > cap and not line.endswith(b"\n"):
                    # Skip the rest of an oversized line without holding it in memory.
                    while True:
                        more = fh.readline(cap)
                        if not more or more.endswith(b"\n"):
                            break
                    yield at.reject(f"line over {cap} bytes")
                    continue
                if not line.strip():
                    continue  # blank lines are not records
                yield self._json_record(line, at)

    def _json(self, opener: Opener, where: Where) -> Iterator[Item]:
        with opener() as fh:
            data = read_capped(fh, self.limits.max_record_bytes)
        if data is None:
            yield where.reject(f"JSON file over {self.limits.max_record_bytes} bytes")
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
            if isinstance(self._json_record(first, where), RawRecord):
                yield from self._jsonl(lambda: io.BytesIO(data), where)
            else:
                yield where.reject(one_line(problem, JSON_REASON_CHARS))
            return
        if isinstance(value, list):
            for i, item in enumerate(value, 1):
                yield record_from_object(item, where.child(f"item:{i}"))
        else:
            yield record_from_object(value, where)

    def _json_record(self, line: bytes, where: Where) -> Item:
        text = text_or_reject(line, where)
        if not isinstance(text, str):
            return text
        try:
            value = json.loads(text)
        except RecursionError:
            return where.reject("JSON nested too deeply")
        except ValueError as exc:
            return where.reject(one_line(f"invalid JSON: {exc}", JSON_REASON_CHARS))
        return record_from_object(value, where)

    # -- archives ----------------------------------------------------------------------------

    def _too_deep(self, where: Where) -> bool:
        return where.depth >= self.limits.max_archive_depth

    def _tar_member_problem(self, member: tarfile.TarInfo, budget: Budget) -> str | None:
        """Why a tar member is refused (and counted as a reject) rather than read, or None."""
        if budget.exhausted:
            return budget.exhausted
        if member.size > self.limits.max_archive_bytes:
            return f"member expands past {self.limits.max_archive_bytes} bytes"
        try:
            budget.spend_member()
        except ArchiveLimitExceeded as exc:
            return str(exc)
        bad = unsafe_member_name(member.name)
        if bad:
            return bad
        if member.issym() or member.islnk():
            return "link member refused"
        if not member.isfile() or member.issparse():
            return "special member refused (device, fifo, sparse)"
        return None

    def _gzip(self, opener: Opener, inner: str, where: Where) -> Iterator[Item]:
        if self._too_deep(where):
            yield where.reject("archive nested too deeply")
            return

        def open_inner() -> IO[bytes]:
            return decompressing(opener(), GZIP, where.budget, self.limits)

        yield from self._read(open_inner, inner, where.child())

    def _zip(self, opener: Opener, where: Where) -> Iterator[Item]:
        if self._too_deep(where):
            yield where.reject("archive nested too deeply")
            return
        limits, budget = self.limits, where.budget
        fh = opener()
        try:
            if not fh.seekable():
                # A zip inside a gzip or a tar member: zip needs random access, so it is held in
                # memory, and only up to the size of one record.
                data = read_capped(fh, limits.max_record_bytes)
                if data is None:
                    yield where.reject(
                        "zip inside a compressed stream over "
                        f"{limits.max_record_bytes} bytes: unpack it first"
                    )
                    return
                fh.close()
                fh = io.BytesIO(data)
            declared = zip_declared_entries(fh)
            if declared is not None and declared > limits.max_archive_members:
                # Checked before zipfile reads the whole central directory into memory.
                yield where.reject(f"archive has over {limits.max_archive_members} members")
                return
            with zipfile.ZipFile(fh) as zf:
                for info in zf.infolist():
                    if info.is_dir():
                        continue
                    at = where.child(f"member:{info.filename}")
                    if budget.exhausted:
                        yield at.reject(budget.exhausted)
                        continue
                    bad = zip_member_problem(info, limits)
                    if bad:
                        yield at.reject(bad)
                        continue
                    try:
                        budget.spend_member()
                        budget.spend_bytes(info.file_size)
                    except ArchiveLimitExceeded as exc:
                        yield at.reject(str(exc))
                        continue
                    yield from self._read(zip_member_opener(zf, info), info.filename, at)
        finally:
            fh.close()

    def _tar(self, opener: Opener, where: Where) -> Iterator[Item]:
        """Read as a stream (``r|``): one pass, nothing seeked, each member streamed to its
        reader, never extracted and never held whole in memory."""
        if self._too_deep(where):
            yield where.reject("archive nested too deeply")
            return
        budget = where.budget
        with opener() as probe:
            magic = probe.read(6)  # the longest magic number told apart: xz's six bytes
        kind = compression(magic)
        raw = opener()
        # Unbuffered, as for WARC: tarfile asks for 10 kB blocks, and a buffer filling one would
        # lose the members before a cut in a truncated file.
        source: Any = Decompressed(raw, kind, budget, self.limits) if kind else raw
        meter = TarInput(source)
        try:
            with tarfile.open(fileobj=meter, mode="r|") as tf:
                declared = 0
                stop: str | None = None  # why no further member of this tar is read
                for member in _tar_members(tf, meter):
                    at = where.child(f"member:{member.name}")
                    if stop is None and member.size <= self.limits.max_archive_bytes:
                        # A plain tar spends no decompression budget: its declared sizes are
                        # summed instead.
                        declared += member.size
                        if declared > self.limits.max_archive_bytes:
                            stop = f"archive expands past {self.limits.max_archive_bytes} bytes"
                    refused = stop or self._tar_member_problem(member, budget)
                    if refused:
                        yield at.reject(refused)
                        continue
                    data = tf.extractfile(member)
                    if data is None:
                        continue
                    replay = Replay(data)
                    yield from self._read(replay.open, member.name, at)
                    # Read what the member's reader left, so that the next header is read alone.
                    while data.read(STEP_BYTES):
                        pass
            # Past the end-of-archive blocks: read the padding, so that a compressed tar cut
            # short in its trailer (its checksum) is noticed. Data further on is ignored.
            meter.end_headers()
            source.read(REPLAY_BYTES)
        finally:
            source.close()
            raw.close()


def _tar_members(tf: tarfile.TarFile, meter: TarInput) -> Iterator[tarfile.TarInfo]:
    """A streamed tar's members in order, folders left out, each header read within
    ``MAX_TAR_HEADER_BYTES``. Reading a header skips what is left of the member before it: in a
    compressed tar that is decompressed, and spends the byte budget (once it has run out, the
    rest of the stream cannot be read, and the tar's reader gives one reject for it)."""
    while True:
        meter.start_headers()
        member = tf.next()
        meter.end_headers()
        if member is None:
            return
        if not member.isdir():
            yield member
