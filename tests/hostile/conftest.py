"""Builders for hostile inputs (made in memory or under tmp_path, never committed) and the one
check every loader test makes: records or rejects with a reason, never an exception."""

from __future__ import annotations

import gzip
import io
import re
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from hypothesis import HealthCheck, settings

from tasks.ingest.readers import Reader
from tasks.model import RawRecord, Reject
from tasks.settings import Limits

# A fixed, small, reproducible budget: the whole hostile suite stays well under a minute in CI.
FUZZ = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

ARTICLE = (
    "Council agrees bus plan\n\nThe council said on Monday that buses would run again. "
    '"We listened," said Ann Lee, the council leader.\n\nMore follows.'
)
PAGE = (
    "<html><head><title>Bus plan</title></head><body><article><h1>Bus plan</h1><p>The "
    'council said on Monday that buses would run again. "We listened," said Ann Lee.</p>'
    "</article></body></html>"
)


def check_items(items: Iterable[object]) -> list[RawRecord | Reject]:
    """Every item is a RawRecord with text or a Reject with a one-line reason."""
    out: list[RawRecord | Reject] = []
    for item in items:
        assert isinstance(item, RawRecord | Reject), type(item)
        if isinstance(item, Reject):
            assert item.reason and "\n" not in item.reason and len(item.reason) <= 300
            assert item.stage
        else:
            assert isinstance(item.content, str) and item.content.strip()
            assert "\x00" not in item.content
        out.append(item)
    return out


def read_bytes(data: bytes, name: str, limits: Limits | None = None) -> list[RawRecord | Reject]:
    """Read ``data`` as if it were a file called ``name``; nothing touches the disk."""
    items = Reader(limits).read_stream(lambda: io.BytesIO(data), name, f"mem:{name}", "", 0)
    out = check_items(items)
    assert out, "a source must yield at least one record or reject"
    return out


def read_file(path: Path, limits: Limits | None = None) -> list[RawRecord | Reject]:
    return check_items(Reader(limits).read_path(path))


def reasons(items: Iterable[object]) -> list[str]:
    return [i.reason for i in items if isinstance(i, Reject)]


def zip_bytes(
    members: Iterable[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED
) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def tar_bytes(members: Iterable[tuple[tarfile.TarInfo, bytes | None]], mode: str = "w") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tf:  # type: ignore[call-overload]
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def file_info(name: str, **attrs: object) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    for key, value in attrs.items():
        setattr(info, key, value)
    return info


def warc_bytes(pages: Iterable[tuple[str, str, bytes]], gz: bool = False) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("x.warc", {"software": "test"}))
    for url, ctype, body in pages:
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
        )
    return buf.getvalue()


def warc_records(pages: Iterable[tuple[str, str, bytes]]) -> list[bytes]:
    """One uncompressed WARC response record per page, each on its own (no warcinfo)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = []
    for url, ctype, body in pages:
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=False)
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
        )
        out.append(buf.getvalue())
    return out


def damaged_warc(
    pages: Iterable[tuple[str, str, bytes]], damaged: int, extra: int = 120, gz: bool = False
) -> bytes:
    """A WARC of one response record per page whose record number ``damaged`` (from 1) declares
    a Content-Length ``extra`` bytes too long; gzipped a record per member with ``gz``."""
    records = warc_records(pages)
    record = records[damaged - 1]
    m = re.search(rb"Content-Length: (\d+)", record)  # the WARC header's, before the block
    assert m is not None
    records[damaged - 1] = (
        record[: m.start(1)] + str(int(m.group(1)) + extra).encode() + record[m.end(1) :]
    )
    if gz:
        return b"".join(gzip.compress(r, mtime=0) for r in records)
    return b"".join(records)


def record_ids(data: bytes) -> list[str]:
    """The WARC-Record-IDs of an uncompressed WARC, in order, as locators name them."""
    return [m.decode() for m in re.findall(rb"WARC-Record-ID: <([^>]+)>", data)]


def zeros(n: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    while n > 0:
        yield b"\x00" * min(chunk, n)
        n -= chunk


def gzip_of_zeros(n: int) -> bytes:
    """``n`` zero bytes gzipped (about n/1000 bytes), made without holding ``n`` in memory."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as gz:
        for block in zeros(n):
            gz.write(block)
    return buf.getvalue()


class ZeroStream(io.RawIOBase):
    """``n`` zero bytes, read in blocks: a huge tar member without a huge buffer."""

    def __init__(self, n: int) -> None:
        self.left = n

    def readable(self) -> bool:
        return True

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        k = min(len(b), self.left)
        b[:k] = b"\x00" * k
        self.left -= k
        return k
