"""What a file is and how its bytes become text: its format from its name, else from its first
bytes, and decoding that never raises (UTF-8, UTF-16 with or without a BOM, Windows-1252, then
the best detected charset).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import IO, Any

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
# Containers: their first bytes say what they are whatever the name says, and their content is
# never UTF-16 text.
BINARY_CONTAINERS = (ZIP, GZIP, TAR)

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

# How much of a stream is read to sniff its format: one 4 kB page, past every magic number
# looked for (the tar magic sits at byte 257) and a page's opening markup.
SNIFF_BYTES = 4096
# POSIX ustar headers carry "ustar" at byte 257 of the first 512-byte block.
TAR_MAGIC_OFFSET = 257
# Markup that makes a text HTML is looked for in its first 2 kB: a page opens with its doctype,
# <html> and <head>, while a text dump that merely mentions "<p>" further down is still text.
HTML_MARKER_BYTES = 2048
# UTF-16 without a BOM is told from the NUL bytes of its first 2,000 bytes: ASCII and Latin-1
# characters (markup, Western text) have a zero high byte, so over 40% of one side of the byte
# pairs is NUL in any Western text, while the other side has NUL only by accident (under 5%;
# binary data has NUL on both sides).
UTF16_SAMPLE_BYTES = 2000
UTF16_NUL_SIDE_MIN = 0.4
UTF16_NUL_OTHER_MAX = 0.05
# A reject reason is one line of at most 300 characters (docs/hostile.md): room for an
# exception's type and message, short enough for a log line and a table cell.
REASON_MAX_CHARS = 300
# charset_normalizer's time grows with its input; 200 kB holds several articles, plenty to tell
# a charset by.
CHARSET_SAMPLE_BYTES = 200_000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


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
    if (
        len(head) > TAR_MAGIC_OFFSET + 5
        and head[TAR_MAGIC_OFFSET : TAR_MAGIC_OFFSET + 5] == b"ustar"
    ):
        return TAR
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"warc/"):
        return WARC
    if text.startswith(b"{"):
        first_line = text.split(b"\n", 1)[0].rstrip()
        return JSONL if first_line.endswith(b"}") else JSON
    if text.startswith(b"["):
        return JSON
    opening = text[:HTML_MARKER_BYTES]
    if text.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<!--")) or (
        b"<html" in opening or b"<body" in opening or b"<p>" in opening
    ):
        return HTML
    return TEXT


def utf16_order(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL in every other byte of ASCII-heavy text."""
    sample = data[:UTF16_SAMPLE_BYTES]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > UTF16_NUL_SIDE_MIN * len(odd) and even.count(0) < UTF16_NUL_OTHER_MAX * len(
        even
    ):
        return "utf-16-le"
    if even.count(0) > UTF16_NUL_SIDE_MIN * len(even) and odd.count(0) < UTF16_NUL_OTHER_MAX * len(
        odd
    ):
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
    order = utf16_order(data)
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

    best = from_bytes(data[:CHARSET_SAMPLE_BYTES]).best()
    if best is None:
        return None
    try:
        return data.decode(best.encoding, errors="replace")
    except (LookupError, UnicodeDecodeError):
        return None


def utf16_encoding(head: bytes) -> str | None:
    """The UTF-16 codec a stream's first bytes show (BOM or NUL pattern), else None."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return None  # UTF-32: left to decode()
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return utf16_order(head)


def transcoding(opener: Opener, encoding: str) -> Opener:
    """An opener of the same stream as UTF-8."""

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
            # A character is at most 4 bytes of UTF-8: a quarter of the buffer in characters
            # always fits it.
            self._pending = self._text.read(max(len(b) // 4, 1)).encode("utf-8")
        n = min(len(b), len(self._pending))
        b[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
            super().close()


def read_capped(fh: IO[bytes], cap: int) -> bytes | None:
    """The whole stream, or None when it holds more than ``cap`` bytes (only cap + 1 are read)."""
    data = fh.read(cap + 1)
    return None if len(data) > cap else data


def one_line(text: str, limit: int = REASON_MAX_CHARS) -> str:
    """A reason fit for a log line and a table cell: whitespace folded, length bounded."""
    return " ".join(text.split())[:limit]
