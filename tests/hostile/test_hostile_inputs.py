"""The hostile inputs the issue names, one by one: each becomes records or rejects with a reason."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from tasks.clean import prepare
from tasks.model import RawRecord, Reject
from tasks.settings import Limits
from tests.hostile.conftest import (
    ARTICLE,
    PAGE,
    damaged_warc,
    read_bytes,
    read_file,
    reasons,
    record_ids,
    warc_bytes,
)

RECORD = json.dumps({"title": "Bus plan", "text": ARTICLE})


# -- encodings and binary content ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["s.txt", "s.html", "s.jsonl", "s.json", "noext"])
def test_invalid_utf8_is_read_or_rejected(name: str) -> None:
    body = ARTICLE if name.endswith(("txt", "noext")) else PAGE if "html" in name else RECORD
    data = body.encode().replace(b"Monday", b"Mon\xff\xfe\xc3(day")
    [item] = read_bytes(data, name)
    assert isinstance(item, RawRecord) and "Mon" in item.content


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
@pytest.mark.parametrize("name", ["s.txt", "s.html", "s.jsonl", "unnamed"])
def test_utf16_with_and_without_bom(name: str, encoding: str) -> None:
    if name == "s.jsonl":
        data = (RECORD + "\n" + RECORD + "\n").encode(encoding)
    else:
        data = (PAGE if "html" in name else ARTICLE).encode(encoding)
    items = read_bytes(data, name)
    assert all(isinstance(i, RawRecord) for i in items), reasons(items)
    assert len(items) == (2 if name == "s.jsonl" else 1)
    assert "Ann Lee" in items[0].content


@pytest.mark.parametrize("name", ["s.txt", "s.html", "noext"])
def test_nul_bytes_make_a_binary_reject(name: str) -> None:
    [item] = read_bytes(ARTICLE.encode().replace(b" ", b"\x00"), name)
    assert isinstance(item, Reject) and "NUL" in item.reason


def test_nul_escaped_in_json_is_dropped() -> None:
    [item] = read_bytes(json.dumps({"text": "Ann\u0000 Lee said so."}).encode(), "d.jsonl")
    assert isinstance(item, RawRecord) and item.content == "Ann Lee said so."
    [item] = read_bytes(json.dumps({"text": "\u0000\u0000"}).encode(), "d.jsonl")
    assert isinstance(item, Reject) and "no article text" in item.reason


def test_nul_line_in_jsonl_is_one_reject() -> None:
    data = f"{RECORD}\n\x00\x00\x00\n{RECORD}\n".encode()
    items = read_bytes(data, "d.jsonl")
    assert [type(i).__name__ for i in items] == ["RawRecord", "Reject", "RawRecord"]


# -- sizes ----------------------------------------------------------------------------------------

FIFTY_MB = 50 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "expect"),
    [
        ("line.txt", "over"),
        ("line.html", "over"),
        ("line.json", "over"),
        ("line.jsonl", "line over"),
        ("line.warc", None),
    ],
)
def test_fifty_megabyte_single_line(tmp_path: Path, name: str, expect: str | None) -> None:
    path = tmp_path / name
    with open(path, "wb") as out:
        if name.endswith(".warc"):
            out.write(b"WARC/1.0\r\nWARC-Type: response\r\nX-Long: ")
        elif name.endswith((".jsonl", ".json")):
            out.write(b'{"text": "')
        for _ in range(50):
            out.write(b"a" * (1024 * 1024))
        out.write(b'"}\n' if name.endswith(("l", "n")) else b"\n")
        out.write(RECORD.encode() + b"\n" if name.endswith(".jsonl") else b"")
    items = read_file(path)
    assert isinstance(items[0], Reject)
    if expect:
        assert expect in items[0].reason
    if name.endswith(".jsonl"):  # the stream goes on after the long line
        assert isinstance(items[1], RawRecord) and items[1].source_locator == "line:2"


@pytest.mark.parametrize(
    "name",
    [
        "e.txt",
        "e.jsonl",
        "e.json",
        "e.html",
        "e.warc",
        "e.zip",
        "e.tar",
        "e.tar.gz",
        "e.jsonl.gz",
        "noext",
    ],
)
def test_empty_file_is_one_reject(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"")
    [item] = read_file(tmp_path / name)
    assert isinstance(item, Reject) and item.reason == "empty file"


@pytest.mark.parametrize("data", [b"   \n\t\r\n", b"\xef\xbb\xbf", b"\n\n\n"])
@pytest.mark.parametrize("name", ["w.txt", "w.jsonl", "w.html"])
def test_blank_file_is_one_reject(name: str, data: bytes) -> None:
    [item] = read_bytes(data, name)
    assert isinstance(item, Reject)


# -- truncation -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["t.jsonl.gz", "t.html.gz", "t.warc.gz", "t.tar.gz", "t.gz"])
def test_truncated_gzip(name: str) -> None:
    if "warc" in name:
        data = warc_bytes(
            [(f"https://n.example/{i}", "text/html", PAGE.encode()) for i in range(50)], gz=True
        )
    elif "tar" in name:
        from tests.hostile.conftest import file_info, tar_bytes

        data = tar_bytes(
            [(file_info(f"a{i}.txt"), ARTICLE.encode() * 20) for i in range(50)], mode="w:gz"
        )
    elif "html" in name:
        data = gzip.compress(PAGE.encode() * 200)
    else:
        data = gzip.compress("\n".join([RECORD] * 400).encode())
    for cut in (10, len(data) // 2, len(data) - 4):
        items = read_bytes(data[:cut], name)
        assert isinstance(items[-1], Reject), (cut, items[-1])


# -- WARC with a lying Content-Length --------------------------------------------------------------

WARC = warc_bytes([(f"https://n.example/{i}", "text/html", PAGE.encode()) for i in range(3)])


@pytest.mark.parametrize(
    "length", [b"5", b"999999", b"-3", b"abc", b"", b"99999999999999999999999", b"0"]
)
def test_warc_with_wrong_content_length(length: bytes) -> None:
    # The first response record (the second record: the first is warcinfo) lies: it is one
    # reject, named by its record id, and the two response records after it land.
    starts = [m.start() for m in re.finditer(rb"Content-Length: \d+", WARC)]
    at = starts[1]
    end = WARC.index(b"\r\n", at)
    data = WARC[:at] + b"Content-Length: " + length + WARC[end:]
    items = read_bytes(data, "lie.warc")
    _warcinfo, liar, *_ = record_ids(WARC)
    assert [type(i).__name__ for i in items] == ["Reject", "RawRecord", "RawRecord"], items
    assert items[0].source_locator == f"warc:{liar}"
    assert "Content-Length" in items[0].reason
    assert [i.meta["url"] for i in items[1:]] == ["https://n.example/1", "https://n.example/2"]


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc_resynchronises_after_a_damaged_record(gz: bool) -> None:
    # Four records, the second declaring 120 bytes more than it holds: its length runs into the
    # third record's headers. The second is a reject; the first, third and fourth land.
    pages = [(f"https://n.example/{i}", "text/html", PAGE.encode()) for i in range(1, 5)]
    data = damaged_warc(pages, damaged=2, extra=120, gz=gz)
    items = read_bytes(data, "d.warc.gz" if gz else "d.warc")
    assert [type(i).__name__ for i in items] == ["RawRecord", "Reject", "RawRecord", "RawRecord"]
    assert [i.meta["url"] for i in items if isinstance(i, RawRecord)] == [
        "https://n.example/1",
        "https://n.example/3",
        "https://n.example/4",
    ]
    second = record_ids(gzip.decompress(data) if gz else data)[1]
    assert items[1].source_locator == f"warc:{second}"
    assert "Content-Length" in items[1].reason


# Off by 1-3 bytes too many, a length ends inside the blank lines after the block: the record
# reads as whole (with a stray CR or LF at its end), as warcio reads it.
@pytest.mark.parametrize("extra", [-40, -1, 5, 119, 121, 5000])
def test_warc_record_too_long_or_too_short_by_any_amount(extra: int) -> None:
    pages = [(f"https://n.example/{i}", "text/html", PAGE.encode()) for i in range(1, 5)]
    items = read_bytes(damaged_warc(pages, damaged=2, extra=extra), "d.warc")
    assert [type(i).__name__ for i in items] == ["RawRecord", "Reject", "RawRecord", "RawRecord"]
    assert [i.meta["url"] for i in items if isinstance(i, RawRecord)][1:] == [
        "https://n.example/3",
        "https://n.example/4",
    ]


def test_warc_damaged_record_over_the_record_cap() -> None:
    # A record too big to hold is skipped, not read: its damage is found past its block, and
    # the record its length ran into is found in the block's kept tail.
    small = PAGE.encode()
    pages = [
        (f"https://n.example/{i}", "text/html", small * (30 if i == 2 else 1)) for i in range(1, 5)
    ]
    items = read_bytes(damaged_warc(pages, damaged=2), "d.warc", Limits(max_record_bytes=2000))
    assert [type(i).__name__ for i in items] == ["RawRecord", "Reject", "RawRecord", "RawRecord"]
    assert "Content-Length" in items[1].reason
    assert [i.meta["url"] for i in items if isinstance(i, RawRecord)][1:] == [
        "https://n.example/3",
        "https://n.example/4",
    ]


def test_warc_cut_inside_a_record_is_a_reject() -> None:
    items = read_bytes(WARC[: len(WARC) - 100], "cut.warc")
    assert [type(i).__name__ for i in items] == ["RawRecord", "RawRecord", "Reject"]
    assert "truncated" in items[-1].reason


def test_warc_garbage_after_header_line() -> None:
    items = read_bytes(b"WARC/1.0\r\n" + b"\xff\x00junk" * 1000, "g.warc")
    assert all(isinstance(i, Reject) for i in items)


# -- JSON of the wrong shape ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("42", "is a int"),
        ('"text"', "is a str"),
        ("null", "is a NoneType"),
        ("[1, 2]", "is a list"),
        ('{"text": ["a"]}', "no article text"),
        ('{"text": {"a": 1}}', "no article text"),
        ('{"text": null}', "no article text"),
        ('{"text": true}', "no article text"),
        ('{"text": "ok", "text": 5}', "no article text"),
        ("1" * 5000, "invalid JSON"),
        ('{"text": "x"', "invalid JSON"),
        ("NaN", "is a float"),
        ("[" * 200_000, "nested too deeply"),
        ('{"a":' * 200_000, "nested too deeply"),
    ],
)
def test_json_wrong_types_and_nesting(line: str, reason: str) -> None:
    [item] = read_bytes(line.encode() + b"\n", "d.jsonl")
    assert isinstance(item, Reject) and reason in item.reason


def test_json_metadata_of_the_wrong_type_is_dropped() -> None:
    deep = "[" * 900 + "]" * 900
    line = (
        '{"text": "Ann Lee said so.", "title": {"x": 1}, "authors": {"a": 1}, '
        f'"date": {deep}, "url": 7, "outlet": ["x"], "language": false}}'
    )
    [item] = read_bytes(line.encode(), "d.jsonl")
    assert isinstance(item, RawRecord)
    assert item.meta["published"] is None and item.meta["title"] is None
    assert item.meta["authors"] == [] and item.meta["url"] is None


@pytest.mark.parametrize(
    "doc", ["[" * 200_000 + "]" * 200_000, "[\n" * 50_000, '{\n "text": "a",\n "title": "cut off']
)
def test_json_file_deeply_nested_or_broken_is_one_reject(doc: str) -> None:
    [item] = read_bytes(doc.encode(), "doc.json")
    assert isinstance(item, Reject)


def test_json_array_of_wrong_items() -> None:
    doc = json.dumps([{"text": "Ann Lee said so."}, 5, None, "s", [], {"text": 3}])
    items = read_bytes(doc.encode(), "a.json")
    assert [type(i).__name__ for i in items] == ["RawRecord"] + ["Reject"] * 5
    assert [i.source_locator for i in items] == [f"item:{n}" for n in range(1, 7)]


# -- deeply nested HTML ---------------------------------------------------------------------------

DEEP_HTML = "<html><body>" + "<div>" * 100_000 + "<p>Ann Lee said so.</p>" + "</div>" * 100_000


def test_deeply_nested_html_reads_as_a_record() -> None:
    [item] = read_bytes(DEEP_HTML.encode(), "deep.html")
    assert isinstance(item, RawRecord) and item.kind == "html"


@pytest.mark.parametrize(
    "html",
    [
        DEEP_HTML,
        "<p>" * 50_000,
        "<html>" + "<b><i>" * 30_000,
        "<!--" * 10_000,
        "<table>" + "<tr><td><table>" * 20_000,
    ],
)
def test_deeply_nested_html_cleans_to_an_article_or_a_reject(html: str) -> None:
    out = prepare.prepare_record(RawRecord("mem", "file", "html", html))
    assert out and all(type(o).__name__ in ("Article", "Reject") for o in out)


# -- files that are not files ----------------------------------------------------------------------


def test_special_files_and_symlinks_in_folders(tmp_path: Path) -> None:
    import os

    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("Not for the warehouse. " * 5)
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    (dumps / "ok.txt").write_text(ARTICLE)
    (dumps / "link.txt").symlink_to(secret)
    os.mkfifo(dumps / "pipe.txt")  # opening it would block the run forever
    items = read_file(dumps)
    by_name = {Path(i.source_uri).name: i for i in items}
    assert isinstance(by_name["ok.txt"], RawRecord)
    assert isinstance(by_name["link.txt"], Reject) and "link" in by_name["link.txt"].reason
    assert isinstance(by_name["pipe.txt"], Reject) and "regular" in by_name["pipe.txt"].reason
    assert not any("Not for the warehouse" in getattr(i, "content", "") for i in items)
    # A path the user names directly is read, link or not.
    assert isinstance(read_file(dumps / "link.txt")[0], RawRecord)


def test_dev_zero_is_not_read() -> None:
    [item] = read_file(Path("/dev/zero"), Limits(max_record_bytes=1000))
    assert isinstance(item, Reject) and "regular" in item.reason
