"""Property tests: every loader turns any bytes into records or rejects, never an exception.

Two strategies per format: arbitrary bytes under the format's name, and a valid file of that
format mutated (bytes flipped, cut short, junk inserted, a slice repeated), which reaches far
deeper into the parsers than random bytes do.
"""

from __future__ import annotations

import gzip
import json
import tarfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.hostile.conftest import (
    ARTICLE,
    FUZZ,
    PAGE,
    file_info,
    read_bytes,
    tar_bytes,
    warc_bytes,
    zip_bytes,
)

JSONL = (
    "\n".join(
        json.dumps(
            {"title": f"T{i}", "text": ARTICLE, "date": "2024-05-01", "authors": ["Ann Lee"]}
        )
        for i in range(3)
    ).encode()
    + b"\n"
)
WARC = warc_bytes(
    [
        ("https://n.example/a", "text/html", PAGE.encode()),
        ("https://n.example/b", "text/plain", ARTICLE.encode()),
    ]
)

VALID: dict[str, bytes] = {
    "a.txt": ARTICLE.encode(),
    "a.jsonl": JSONL,
    "a.jsonl.gz": gzip.compress(JSONL, mtime=0),
    "a.json": json.dumps([{"text": ARTICLE}, {"maintext": ARTICLE}], indent=1).encode(),
    "a.html": PAGE.encode(),
    "a.html.gz": gzip.compress(PAGE.encode(), mtime=0),
    "a.warc": WARC,
    "a.warc.gz": warc_bytes([("https://n.example/a", "text/html", PAGE.encode())], gz=True),
    "a.zip": zip_bytes([("a.txt", ARTICLE.encode()), ("b.jsonl", JSONL)]),
    "a.tar": tar_bytes([(file_info("a.txt"), ARTICLE.encode()), (file_info("b.jsonl"), JSONL)]),
    "a.tar.gz": tar_bytes([(file_info("a.txt"), ARTICLE.encode())], mode="w:gz"),
    "unnamed": gzip.compress(tar_bytes([(file_info("x.html"), PAGE.encode())]), mtime=0),
}


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "repeat", "zero"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 512))] * draw(st.integers(2, 8))
        else:
            data[at : at + draw(st.integers(1, 64))] = b"\x00" * 8
    return bytes(data)


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_base_reads(name: str) -> None:
    from tasks.model import RawRecord

    assert any(isinstance(i, RawRecord) for i in read_bytes(VALID[name], name))


@pytest.mark.parametrize("name", sorted(VALID))
def test_arbitrary_bytes(name: str) -> None:
    @FUZZ
    @given(st.binary(max_size=4096))
    def check(data: bytes) -> None:
        read_bytes(data, name)

    check()


@pytest.mark.parametrize("name", sorted(VALID))
def test_mutated_valid_file(name: str) -> None:
    @FUZZ
    @given(mutated(VALID[name]))
    def check(data: bytes) -> None:
        read_bytes(data, name)

    check()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "text",
                    "maintext",
                    "html",
                    "title",
                    "date",
                    "authors",
                    "url",
                    "outlet",
                    "language",
                    "x",
                ]
            ),
            inner,
            max_size=6,
        )
    ),
    max_leaves=20,
)


@FUZZ
@given(st.lists(JSON_VALUES, min_size=1, max_size=5))
def test_json_lines_of_any_shape(values: list[object]) -> None:
    data = "\n".join(json.dumps(v) for v in values).encode() + b"\n"
    items = read_bytes(data, "d.jsonl")
    assert len(items) == len(values)  # one record or reject per line: nothing lost
    for item in items:
        for key, value in getattr(item, "meta", {}).items():
            assert value is None or isinstance(value, str | int | float | list), key


@FUZZ
@given(
    st.text(max_size=300),
    st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "utf-16", "latin-1", "cp1252", "utf-32"]),
)
def test_text_in_any_encoding(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode(encoding, errors="replace")
    items = read_bytes(data, "story.txt")
    assert len(items) == 1


@pytest.mark.parametrize("name", ["a.tar", "a.tar.gz"])
def test_tar_with_fuzzed_member_names(name: str) -> None:
    @FUZZ
    @given(st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=4))
    def check(names: list[str]) -> None:
        mode = "w:gz" if name.endswith(".gz") else "w"
        data = tar_bytes([(file_info(n, type=tarfile.REGTYPE), b"Text.") for n in names], mode=mode)
        read_bytes(data, name)

    check()
