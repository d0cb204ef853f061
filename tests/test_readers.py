"""Loaders: every format by name and by content, provenance kept, bad records rejected, not
raised."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest

from tasks.ingest.readers import Reader, decode, format_from_name, sniff
from tasks.model import RawRecord, Reject
from tasks.settings import Limits

ARTICLE = "A headline here\n\nThe first paragraph says something.\n\nThe second one says more."
PAGE = "<html><head><title>T</title></head><body><p>Hello there, reader.</p></body></html>"


def read(path: Path, limits: Limits | None = None) -> list[RawRecord | Reject]:
    return list(Reader(limits).read_path(path))


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.txt", "text"),
        ("a.jsonl", "jsonl"),
        ("a.jsonl.gz", "gzip"),
        ("a.json", "json"),
        ("a.html", "html"),
        ("a.HTM", "html"),
        ("a.html.gz", "gzip"),
        ("a.warc", "warc"),
        ("a.warc.gz", "warc"),
        ("a.zip", "zip"),
        ("a.tar", "tar"),
        ("a.tar.gz", "tar"),
        ("a.tgz", "tar"),
        ("noext", None),
    ],
)
def test_format_from_name(name: str, fmt: str | None) -> None:
    assert format_from_name(name) == fmt


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b"PK\x03\x04rest", "zip"),
        (b"\x1f\x8b\x08", "gzip"),
        (b"WARC/1.0\r\n", "warc"),
        (b'{"a": 1}\n{"a": 2}\n', "jsonl"),
        (b'{\n  "a": 1\n}', "json"),
        (b"[1, 2]", "json"),
        (b"<!DOCTYPE html><html>", "html"),
        (b"Some title\n\nText <p> in it", "html"),
        (b"Plain words only.\n\nMore words.", "text"),
        (b"\xef\xbb\xbfA title", "text"),
    ],
)
def test_sniff(head: bytes, fmt: str) -> None:
    assert sniff(head) == fmt


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("café".encode(), "café"),
        ("\ufeffcafé".encode(), "café"),
        ("café".encode("utf-16"), "café"),
        ("naïve café".encode("latin-1"), "naïve café"),
    ],
)
def test_decode(data: bytes, text: str) -> None:
    assert decode(data) == text


def test_plain_text_file(tmp_path: Path) -> None:
    p = tmp_path / "story.txt"
    p.write_text(ARTICLE)
    [rec] = read(p)
    assert isinstance(rec, RawRecord)
    assert (rec.kind, rec.source_uri, rec.source_locator) == ("text", str(p), "file")
    assert rec.content == ARTICLE


def test_jsonl_keeps_fields_and_rejects_broken_line(tmp_path: Path) -> None:
    p = tmp_path / "dump.jsonl"
    good = {
        "url": "https://example.org/a",
        "title": "T",
        "maintext": "Body text.",
        "date_publish": "2017-07-17 17:03:00",
        "authors": ["A B"],
        "source_domain": "example.org",
    }
    p.write_text(
        json.dumps(good) + "\n{not json\n\n" + json.dumps({**good, "maintext": "Two."}) + "\n"
    )
    items = read(p)
    assert [type(i).__name__ for i in items] == ["RawRecord", "Reject", "RawRecord"]
    first, bad, last = items
    assert first.source_locator == "line:1" and last.source_locator == "line:4"
    assert first.kind == "fields" and first.content == "Body text."
    assert first.meta["url"] == "https://example.org/a"
    assert first.meta["published"] == "2017-07-17 17:03:00"
    assert first.meta["authors"] == ["A B"] and first.meta["outlet"] == "example.org"
    assert bad.stage == "read" and "invalid JSON" in bad.reason and bad.source_locator == "line:2"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('["a", "list"]', "not an object"),
        ('{"title": "no text"}', "no article text field"),
        ('{"text": 42}', "no article text field"),
        ('{"text": ""}', "no article text field"),
        ("[" * 100_000 + "]" * 100_000, "JSON"),
    ],
)
def test_jsonl_wrong_shapes_are_rejects(tmp_path: Path, line: str, reason: str) -> None:
    p = tmp_path / "d.jsonl"
    p.write_text(line + "\n")
    [item] = read(p)
    assert isinstance(item, Reject) and reason in item.reason


def test_jsonl_gz_and_news_please_single_json(tmp_path: Path) -> None:
    rec = {"title": "T", "text": "Body."}
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress((json.dumps(rec) + "\n").encode()))
    (tmp_path / "b.json").write_text(json.dumps(rec, indent=2))
    items = read(tmp_path)
    assert [(i.source_uri.rsplit("/", 1)[-1], i.source_locator) for i in items] == [
        ("a.jsonl.gz", "line:1"),
        ("b.json", "file"),
    ]
    assert all(isinstance(i, RawRecord) and i.content == "Body." for i in items)


def test_html_plain_and_gzipped(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text(PAGE)
    (tmp_path / "q.htm.gz").write_bytes(gzip.compress(PAGE.encode()))
    items = read(tmp_path)
    assert [i.kind for i in items] == ["html", "html"]


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "page.dat").write_text(PAGE)
    (tmp_path / "dump.bin").write_bytes(gzip.compress(b'{"text": "Hi."}\n'))
    kinds = sorted(i.kind for i in read(tmp_path))
    assert kinds == ["fields", "html"]


def _warc(pages: list[tuple[str, str, str]], gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    w.write_record(w.create_warcinfo_record("x.warc", {"software": "test"}))
    for url, ctype, body in pages:
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        w.write_record(
            w.create_warc_record(
                url, "response", payload=io.BytesIO(body.encode()), http_headers=http
            )
        )
    return buf.getvalue()


@pytest.mark.parametrize("gz", [False, True])
def test_warc_responses_with_record_ids(tmp_path: Path, gz: bool) -> None:
    data = _warc(
        [
            ("https://n.example/a", "text/html", PAGE),
            ("https://n.example/logo.png", "image/png", "PNG"),
        ],
        gz,
    )
    p = tmp_path / ("c.warc.gz" if gz else "c.warc")
    p.write_bytes(data)
    page, image = read(p)
    assert isinstance(page, RawRecord) and page.kind == "html"
    assert page.meta["url"] == "https://n.example/a"
    assert page.source_locator.startswith("warc:urn:uuid:")
    assert isinstance(image, Reject) and "image/png" in image.reason


def test_warc_gzipped_as_one_member(tmp_path: Path) -> None:
    data = _warc(
        [("https://n.example/a", "text/html", PAGE), ("https://n.example/b", "text/html", PAGE)],
        gz=False,
    )
    (tmp_path / "one.warc.gz").write_bytes(gzip.compress(data))
    assert [i.kind for i in read(tmp_path)] == ["html", "html"]


def test_zip_and_tar_members_nested(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("deep/story.txt", ARTICLE)
    tbuf = io.BytesIO()
    with tarfile.open(fileobj=tbuf, mode="w:gz") as tf:
        for name, data in (
            ("inner.zip", inner.getvalue()),
            ("lines.jsonl", b'{"text": "One."}\n{"text": "Two."}\n'),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    p = tmp_path / "bundle.tar.gz"
    p.write_bytes(tbuf.getvalue())
    items = read(p)
    assert [i.source_locator for i in items] == [
        "member:inner.zip/member:deep/story.txt",
        "member:lines.jsonl/line:1",
        "member:lines.jsonl/line:2",
    ]
    assert all(isinstance(i, RawRecord) for i in items)


def test_empty_and_binary_files_are_rejects(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "nul.txt").write_bytes(b"abc\x00\x01\x02" * 10)
    reasons = sorted(i.reason for i in read(tmp_path) if isinstance(i, Reject))
    assert reasons == ["binary content (NUL bytes), not text", "empty file"]


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    lines = b"".join(json.dumps({"text": f"Article {i}."}).encode() + b"\n" for i in range(2000))
    data = gzip.compress(lines)
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    items = read(tmp_path)
    good = [i for i in items if isinstance(i, RawRecord)]
    bad = [i for i in items if isinstance(i, Reject)]
    assert 0 < len(good) < 2000
    assert len(bad) >= 1 and "broken" in bad[-1].reason


def test_oversized_record_rejected(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("word " * 1000)
    (tmp_path / "big.jsonl").write_text(
        json.dumps({"text": "x" * 5000}) + "\n" + json.dumps({"text": "small"}) + "\n"
    )
    items = read(tmp_path, Limits(max_record_bytes=1000))
    assert [type(i).__name__ for i in items] == ["Reject", "RawRecord", "Reject"]
    assert "over 1000 bytes" in items[0].reason and "over 1000 bytes" in items[2].reason


def test_samples_folder_reads_every_format() -> None:
    samples = Path(__file__).resolve().parents[1] / "samples"
    items = read(samples)
    assert all(isinstance(i, RawRecord) for i in items), [i for i in items if isinstance(i, Reject)]
    kinds = {i.source_uri.rsplit(".", 1)[-1]: i.kind for i in items}
    assert kinds == {"gz": "html", "txt": "text", "html": "html", "jsonl": "fields", "zip": "text"}
    assert len(items) == 9
