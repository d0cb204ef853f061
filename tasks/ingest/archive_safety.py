"""Archive safety: what an archive may expand to, and the guarded streams that hold it there.

- ``Budget``: the bytes and members one source may expand to, summed over every level of nesting.
- ``Decompressed``: a gzip, bzip2 or xz stream stopped while it expands, at the budget and at the
  archive ratio, so a bomb is never held.
- ``TarInput``: tar headers bounded (pax and GNU long-name records are read whole by tarfile).
- ``Replay``: a forward-only tar member read again from its start, up to a bound, to sniff it.
- Member checks: paths that would leave the archive, links, encrypted or unknown zip methods.

Nothing is ever extracted to disk: members are read as streams.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

from tasks.ingest.formats import GZIP, Opener
from tasks.settings import Limits

# Below this much output a high compression ratio is no evidence of a bomb: a few MB of repeated
# whitespace or boilerplate markup can compress past 200:1, while bombs expand to gigabytes.
RATIO_FLOOR_BYTES = 16 * 1024 * 1024
# How much of a forward-only stream (a tar member) is kept so that it can be read from its start
# again: sniffing reads 4 kB and gzip pulls 8 kB blocks, so 1 MiB is ample and cheap.
REPLAY_BYTES = 1024 * 1024
# Tar headers (512-byte blocks, pax and GNU long-name records) hold a path and a few attributes:
# kilobytes. tarfile reads a pax record whole, so a "header" declared at 1 GB would sit in memory.
MAX_TAR_HEADER_BYTES = 1024 * 1024
# One step of a decompressor, and one read when draining what a member's reader left: 1 MiB
# bounds what a step holds and what a cut-off stream loses.
STEP_BYTES = 1024 * 1024

ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
# zipfile's flag bit 0: the member is encrypted (APPNOTE 4.4.4).
ZIP_FLAG_ENCRYPTED = 0x1
# The Unix file type in the high half of a zip member's external attributes: a symlink.
S_IFMT, S_IFLNK = 0o170000, 0o120000


class ArchiveLimitExceeded(ValueError):
    """A source expands past the archive limits (a bomb, or a dump to split up)."""


@dataclass
class Budget:
    """What one source given to the reader may expand to, summed over every level of nesting
    (zip in tar in gzip ...): bytes produced by decompression, and archive members. Once either
    runs out, ``exhausted`` says which, and every member not yet read is refused with it."""

    bytes_left: int
    members_left: int
    exhausted: str | None = None

    @classmethod
    def of(cls, limits: Limits) -> Budget:
        return cls(limits.max_archive_bytes, limits.max_archive_members)

    def spend_bytes(self, n: int) -> None:
        self.bytes_left -= n
        if self.bytes_left < 0:
            self._run_out("source expands past the archive byte limit (bomb?)")

    def spend_member(self) -> None:
        self.members_left -= 1
        if self.members_left < 0:
            self._run_out("source holds more archive members than the limit")

    def _run_out(self, reason: str) -> None:
        self.exhausted = self.exhausted or reason
        raise ArchiveLimitExceeded(reason)


def unsafe_member_name(name: str) -> str | None:
    """Why a member's path would leave the archive (absolute, a drive, ``..``), or None."""
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "absolute member path refused"
    if ".." in p.parts:
        return "member path escapes the archive (..) refused"
    return None


def zip_member_problem(info: zipfile.ZipInfo, limits: Limits) -> str | None:
    """Why a zip member is refused from its directory entry alone, or None."""
    bad = unsafe_member_name(info.filename)
    if bad:
        return bad
    if (info.external_attr >> 16) & S_IFMT == S_IFLNK:
        return "symlink member refused"
    if info.flag_bits & ZIP_FLAG_ENCRYPTED:
        return "encrypted member refused"
    if info.compress_type not in ZIP_METHODS:
        return f"unsupported zip compression method {info.compress_type}"
    if info.file_size > limits.max_archive_bytes:
        return f"member expands past {limits.max_archive_bytes} bytes"
    if info.file_size > RATIO_FLOOR_BYTES and (
        info.file_size / max(info.compress_size, 1) > limits.max_archive_ratio
    ):
        return "member compression ratio too high (bomb?)"
    return None


def zip_member_opener(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Opener:
    def open_member() -> IO[bytes]:
        return zf.open(info)

    return open_member


def zip_declared_entries(fh: IO[bytes]) -> int | None:
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


def compression(magic: bytes) -> str:
    """The compression a stream's first bytes show: gzip, bz2, xz, or "" for none."""
    if magic.startswith(b"\x1f\x8b"):
        return GZIP
    if magic.startswith(b"BZh"):
        return "bz2"
    if magic.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    return ""


class Decompressed(io.RawIOBase):
    """A gzip, bzip2 or xz stream that stops at the source's byte budget, and at the archive
    ratio once past ``RATIO_FLOOR_BYTES``: a bomb is stopped while it expands, never held."""

    def __init__(self, raw: IO[bytes], kind: str, budget: Budget, limits: Limits) -> None:
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
        # read1: one step of the decompressor, bounded by the size asked for (at most
        # STEP_BYTES), so a cut-off stream loses only the step it breaks in, not everything
        # since the call.
        try:
            data = self._stream.read1(min(len(b), STEP_BYTES))
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


def decompressing(raw: IO[bytes], kind: str, budget: Budget, limits: Limits) -> IO[bytes]:
    """``Decompressed``, buffered."""
    return io.BufferedReader(Decompressed(raw, kind, budget, limits))


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


class TarInput(io.RawIOBase):
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


class Replay:
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
    def __init__(self, source: Replay) -> None:
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
