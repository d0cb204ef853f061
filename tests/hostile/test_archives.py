"""Archives: no path ever leaves the archive, nothing is extracted to disk, and bombs (zip, gzip,
tar.gz, xz, nested, header bombs) are stopped by limits, with a reject row, in bounded memory."""

from __future__ import annotations

import gzip
import io
import json
import lzma
import os
import tarfile
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tasks.ingest.readers import Reader
from tasks.model import RawRecord, Reject
from tasks.settings import Limits
from tests.hostile.conftest import (
    ARTICLE,
    ZeroStream,
    file_info,
    gzip_of_zeros,
    read_bytes,
    read_file,
    reasons,
    tar_bytes,
    zeros,
    zip_bytes,
)

MB = 1024 * 1024
BOMB = 100 * MB  # expands 1000:1; big enough to be past the 16 MB ratio floor


@pytest.fixture(autouse=True)
def no_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    """Extraction is never called: the loaders read members as streams."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("archive member extracted to disk")

    for cls, names in (
        (tarfile.TarFile, ("extract", "extractall", "_extract_member")),
        (zipfile.ZipFile, ("extract", "extractall", "_extract_member")),
    ):
        for name in names:
            monkeypatch.setattr(cls, name, refuse)


def files_under(*roots: Path) -> set[Path]:
    return {p for root in roots for p in root.rglob("*")}


# -- path traversal -------------------------------------------------------------------------------

TRAVERSAL = [
    "../evil.txt",
    "a/../../evil.txt",
    "/tmp/evil.txt",
    "C:\\evil.txt",
    "..\\evil.txt",
    "\\\\server\\share\\evil.txt",
    "a/b/../../../evil.txt",
]


@pytest.mark.parametrize("name", TRAVERSAL)
@pytest.mark.parametrize("kind", ["zip", "tar", "tar.gz"])
def test_traversal_members_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, name: str
) -> None:
    monkeypatch.chdir(tmp_path)  # a relative write would land here, and be seen
    members = [(name, ARTICLE.encode()), ("fine/story.txt", ARTICLE.encode())]
    if kind == "zip":
        data = zip_bytes(members)
    else:
        data = tar_bytes(
            [(file_info(n), d) for n, d in members], mode="w:gz" if kind == "tar.gz" else "w"
        )
    archive = tmp_path / "in" / f"a.{kind}"
    archive.parent.mkdir()
    archive.write_bytes(data)
    before = files_under(tmp_path)
    items = read_file(archive)
    assert files_under(tmp_path) == before  # nothing written, in or out of the archive's folder
    assert not Path("/tmp/evil.txt").exists()
    bad, good = items
    assert isinstance(bad, Reject) and "refused" in bad.reason
    assert isinstance(good, RawRecord) and good.source_locator == "member:fine/story.txt"


def symlink_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("link.txt")
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
        zf.writestr("story.txt", ARTICLE)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("s.zip", symlink_zip(), "symlink"),
        (
            "s.tar",
            tar_bytes(
                [
                    (file_info("link.txt", type=tarfile.SYMTYPE, linkname="/etc/passwd"), None),
                    (file_info("story.txt"), ARTICLE.encode()),
                ]
            ),
            "link",
        ),
        (
            "h.tar",
            tar_bytes(
                [
                    (file_info("hard.txt", type=tarfile.LNKTYPE, linkname="/etc/passwd"), None),
                    (file_info("story.txt"), ARTICLE.encode()),
                ]
            ),
            "link",
        ),
        (
            "d.tar",
            tar_bytes(
                [
                    (file_info("dev", type=tarfile.CHRTYPE, devmajor=1, devminor=5), None),
                    (file_info("story.txt"), ARTICLE.encode()),
                ]
            ),
            "special",
        ),
        (
            "f.tar",
            tar_bytes(
                [
                    (file_info("fifo", type=tarfile.FIFOTYPE), None),
                    (file_info("story.txt"), ARTICLE.encode()),
                ]
            ),
            "special",
        ),
    ],
)
def test_links_and_special_members_refused(name: str, data: bytes, reason: str) -> None:
    bad, good = read_bytes(data, name)
    assert isinstance(bad, Reject) and reason in bad.reason
    assert isinstance(good, RawRecord) and "passwd" not in good.content


def test_encrypted_and_unsupported_zip_members() -> None:
    data = bytearray(zip_bytes([("a.txt", ARTICLE.encode())]))
    central = data.find(b"PK\x01\x02")
    data[6] |= 1  # local header: encrypted
    data[central + 8] |= 1  # central directory: encrypted
    [item] = read_bytes(bytes(data), "enc.zip")
    assert isinstance(item, Reject) and "encrypted" in item.reason
    data = bytearray(zip_bytes([("a.txt", ARTICLE.encode())]))
    central = data.find(b"PK\x01\x02")
    data[8], data[central + 10] = 99, 99  # AES (method 99): not supported
    [item] = read_bytes(bytes(data), "aes.zip")
    assert isinstance(item, Reject) and "compression method 99" in item.reason


# -- bombs ---------------------------------------------------------------------------------------


def peak_bytes(run: Callable[[], list]) -> tuple[list, int]:
    tracemalloc.start()
    try:
        out = run()
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    return gzip_of_zeros(BOMB)


@pytest.fixture(scope="module")
def tar_gz_bomb() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=9) as tf:
        tf.addfile(file_info("story.txt", size=BOMB), ZeroStream(BOMB))
    return buf.getvalue()


# Memory is bounded by the record cap (a record is read whole, up to max_record_bytes, and
# reading it may briefly hold a few copies), never by the size of the bomb.
SMALL = Limits(max_record_bytes=2 * MB)


@pytest.mark.parametrize("limits", [SMALL, Limits()], ids=["2MB-records", "default"])
@pytest.mark.parametrize("name", ["b.txt.gz", "b.jsonl.gz", "b.html.gz", "b.warc.gz", "b.gz"])
def test_gzip_bomb_stopped_in_bounded_memory(gzip_bomb: bytes, name: str, limits: Limits) -> None:
    items, peak = peak_bytes(lambda: read_bytes(gzip_bomb, name, limits))
    assert all(isinstance(i, Reject) for i in items)
    assert any("ratio" in r or "over" in r for r in reasons(items)), reasons(items)
    bound = 6 * limits.max_record_bytes if limits is SMALL else 64 * MB
    assert peak < bound, f"{peak / MB:.0f} MB held for a {BOMB // MB} MB bomb"


@pytest.mark.parametrize("limits", [SMALL, Limits()], ids=["2MB-records", "default"])
def test_tar_gz_bomb_member_is_streamed_not_held(tar_gz_bomb: bytes, limits: Limits) -> None:
    items, peak = peak_bytes(lambda: read_bytes(tar_gz_bomb, "b.tar.gz", limits))
    assert all(isinstance(i, Reject) for i in items)
    bound = 6 * limits.max_record_bytes if limits is SMALL else 64 * MB
    assert peak < bound, f"{peak / MB:.0f} MB held for a {BOMB // MB} MB member"


def test_big_tar_member_is_streamed_even_below_the_ratio(tmp_path: Path) -> None:
    # 32 MB of 1 kB records: no ratio alarm, so this proves the member is read as a stream, not
    # into memory as the first tar reader did.
    sentence = "The council said on Monday that buses would run again, said Ann Lee. "
    line = (json.dumps({"text": sentence * 14}) + "\n").encode()
    n = 32 * MB // len(line)
    path = tmp_path / "big.tar"
    with tarfile.open(path, "w") as tf:
        tf.addfile(file_info("lines.jsonl", size=n * len(line)), _Repeat(line, n))
    count, peak = 0, 0
    tracemalloc.start()
    try:
        for item in Reader().read_path(path):
            assert isinstance(item, RawRecord)
            count += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == n and peak < 16 * MB


class _Repeat(io.RawIOBase):
    """``line`` repeated ``n`` times, made a block at a time."""

    def __init__(self, line: bytes, n: int) -> None:
        self.line, self.block, self.left, self.at = line, line * 1000, n * len(line), 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        k = min(len(b), self.left, len(self.block) - len(self.line))
        b[:k] = self.block[self.at : self.at + k]
        self.at = (self.at + k) % len(self.line)
        self.left -= k
        return k


def test_zip_bomb_refused_from_its_directory() -> None:
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("story.txt", "w", force_zip64=True) as member,
    ):
        for block in (b"\x00" * MB for _ in range(BOMB // MB)):
            member.write(block)
    items, peak = peak_bytes(lambda: read_bytes(buf.getvalue(), "b.zip"))
    [item] = items
    assert isinstance(item, Reject) and "ratio" in item.reason
    assert peak < 8 * MB


def test_xz_tar_bomb() -> None:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tf:
        tf.addfile(file_info("a.txt", size=40 * MB), ZeroStream(40 * MB))
    data = lzma.compress(raw.getvalue(), preset=1)
    items = read_bytes(data, "b.tar.xz")
    assert any("ratio" in r for r in reasons(items)), reasons(items)


def test_byte_budget_holds_across_nesting() -> None:
    # 10 zips of 10 x 1 MB members: each level harmless, 100 MB in all, over a 30 MB budget.
    # What is read before the budget runs out lands; every member after it is one reject with
    # the budget's reason: the rest of the zip it ran out in, and each outer member not opened.
    inner = zip_bytes([(f"m{i}.txt", b"word " * (MB // 5)) for i in range(10)])
    outer = zip_bytes([(f"z{i}.zip", inner) for i in range(10)], zipfile.ZIP_STORED)
    items = read_bytes(outer, "nest.zip", Limits(max_archive_bytes=30 * MB))
    first = next(k for k, i in enumerate(items) if isinstance(i, Reject))
    assert all(isinstance(i, RawRecord) for i in items[:first])
    assert all("expands past the archive byte limit" in r for r in reasons(items[first:]))
    opened = sorted({i.source_locator.split("/")[0] for i in items if "/" in i.source_locator})
    assert opened == [f"member:z{k}.zip" for k in range(len(opened))]
    assert 1 < len(opened) < 10
    not_opened = [i.source_locator for i in items if "/" not in i.source_locator]
    assert not_opened == [f"member:z{k}.zip" for k in range(len(opened), 10)]
    assert len(items) == 10 * len(opened) + len(not_opened)  # every member counted once


def test_member_budget_holds_across_nesting() -> None:
    inner = zip_bytes([(f"m{i}.txt", ARTICLE.encode()) for i in range(40)])
    outer = zip_bytes([(f"z{i}.zip", inner) for i in range(5)])
    items = read_bytes(outer, "many.zip", Limits(max_archive_members=100))
    # The budget counts the inner zips as members too: z0 and its 40, z1 and its 40, z2 and 17
    # of its members make 100. Every member after that is a reject naming the limit: the 23
    # left in z2, then z3 and z4, never opened.
    assert [type(i) for i in items] == [RawRecord] * 97 + [Reject] * 25
    assert [i.source_locator for i in items[97:]] == [
        f"member:z2.zip/member:m{i}.txt" for i in range(17, 40)
    ] + ["member:z3.zip", "member:z4.zip"]
    assert all("more archive members than the limit" in r for r in reasons(items))


def test_member_count_checked_before_the_directory_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = zip_bytes([(f"m{i}.txt", b"x") for i in range(300)])
    monkeypatch.setattr(
        zipfile.ZipFile, "_RealGetContents", lambda self: pytest.fail("central directory parsed")
    )
    [item] = read_bytes(data, "many.zip", Limits(max_archive_members=100))
    assert isinstance(item, Reject) and "over 100 members" in item.reason


def test_tar_member_count_limit() -> None:
    # Members past the limit are read no further, but each is counted: one reject apiece.
    data = tar_bytes([(file_info(f"m{i}.txt"), b"Text.") for i in range(150)])
    items = read_bytes(data, "many.tar", Limits(max_archive_members=100))
    assert [type(i) for i in items] == [RawRecord] * 100 + [Reject] * 50
    assert [i.source_locator for i in items[100:]] == [f"member:m{i}.txt" for i in range(100, 150)]
    assert all("more archive members than the limit" in r for r in reasons(items))


def test_tar_member_over_the_byte_limit_is_its_own_reject() -> None:
    data = tar_bytes(
        [
            (file_info("a.txt"), ARTICLE.encode()),
            (file_info("big.txt"), b"word " * (MB // 5)),
            (file_info("b.txt"), ARTICLE.encode()),
        ]
    )
    items = read_bytes(data, "t.tar", Limits(max_archive_bytes=MB // 2))
    assert [(type(i), i.source_locator) for i in items] == [
        (RawRecord, "member:a.txt"),
        (Reject, "member:big.txt"),
        (RawRecord, "member:b.txt"),
    ]
    assert f"member expands past {MB // 2} bytes" in items[1].reason


@pytest.fixture(scope="module")
def mixed_zip() -> bytes:
    """A zip of two path-traversal members, 300 MB of zeros and one clean article, built in
    memory: the zeros are deflated block by block as they are written (about 300 kB)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../evil.txt", ARTICLE)
        with zf.open("zeros.txt", "w", force_zip64=True) as member:
            for block in zeros(300 * MB):
                member.write(block)
        zf.writestr("fine/story.txt", ARTICLE)
        zf.writestr("a/../../evil.txt", ARTICLE)
    return buf.getvalue()


def test_zip_member_over_a_limit_is_its_own_reject(mixed_zip: bytes) -> None:
    # The bomb and the traversals are refused one by one, from the directory; the article lands.
    items, peak = peak_bytes(lambda: read_bytes(mixed_zip, "mixed.zip"))
    assert [(type(i), i.source_locator) for i in items] == [
        (Reject, "member:../evil.txt"),
        (Reject, "member:zeros.txt"),
        (RawRecord, "member:fine/story.txt"),
        (Reject, "member:a/../../evil.txt"),
    ]
    bad = reasons(items)
    assert "escapes the archive" in bad[0] and "escapes the archive" in bad[2]
    assert "compression ratio" in bad[1]
    assert "Ann Lee" in items[2].content
    assert peak < 8 * MB  # the zeros are never expanded


def test_member_nested_too_deeply_is_its_own_reject() -> None:
    data = zip_bytes([("deep.zip", nest_zip(6)), ("story.txt", ARTICLE.encode())])
    deep, story = read_bytes(data, "d.zip")
    assert isinstance(deep, Reject) and "nested too deeply" in deep.reason
    assert deep.source_locator.startswith("member:deep.zip/")
    assert isinstance(story, RawRecord) and story.source_locator == "member:story.txt"


def nest_zip(depth: int) -> bytes:
    data = zip_bytes([("story.txt", ARTICLE.encode())])
    for i in range(depth):
        data = zip_bytes([(f"level{i}.zip", data)])
    return data


def test_nesting_depth_limit() -> None:
    assert isinstance(read_bytes(nest_zip(2), "n.zip")[0], RawRecord)
    [item] = read_bytes(nest_zip(6), "n.zip")
    assert isinstance(item, Reject) and "nested too deeply" in item.reason


def test_gzip_in_gzip_hundreds_deep() -> None:
    data = ARTICLE.encode()
    for _ in range(500):
        data = gzip.compress(data, mtime=0)
    [item] = read_bytes(data, "deep")
    assert isinstance(item, Reject) and "nested too deeply" in item.reason


@pytest.mark.parametrize("fmt", [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT])
def test_tar_header_bomb(fmt: int) -> None:
    # A 4 MB member name: a pax record or a GNU long-name block that tarfile reads whole.
    info = file_info("a/" + "n" * (4 * MB) + ".txt")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=fmt) as tf:
        tf.addfile(info, io.BytesIO(b""))
    items, peak = peak_bytes(lambda: read_bytes(buf.getvalue(), "h.tar.gz"))
    [item] = items
    assert isinstance(item, Reject) and "tar header over" in item.reason
    assert peak < 4 * MB


def test_zip_inside_a_stream_is_held_only_up_to_a_record() -> None:
    inner = zip_bytes([(f"m{i}.txt", os.urandom(40_000)) for i in range(10)], zipfile.ZIP_STORED)
    data = tar_bytes([(file_info("inner.zip"), inner)])
    [item] = read_bytes(data, "t.tar", Limits(max_record_bytes=100_000))
    assert isinstance(item, Reject) and "unpack it first" in item.reason


def test_archive_reader_leaves_no_files(tmp_path: Path, tar_gz_bomb: bytes) -> None:
    (tmp_path / "b.tar.gz").write_bytes(tar_gz_bomb)
    (tmp_path / "n.zip").write_bytes(nest_zip(2))
    before = files_under(tmp_path)
    items = read_file(tmp_path)
    assert {type(i) for i in items} == {Reject, RawRecord}
    assert files_under(tmp_path) == before


def iter_count(items: Iterator[object]) -> int:
    return sum(1 for _ in items)
