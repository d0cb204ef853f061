"""Sources on an object store (any fsspec URL: s3://, gs://, ...), tested on fsspec's in-memory
store: every object under a prefix is read as the same file on disk would be, unchanged objects
are skipped by the next run without being downloaded, and bad URLs fail in one line."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import fsspec
import pytest

from tasks.ingest.incremental import SourceTracker
from tasks.ingest.readers import Reader
from tasks.ingest.sources import SourceError, check_sources, is_object_url, iter_items, source_files
from tasks.model import Reject

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _no_fetch(url: str):  # type: ignore[no-untyped-def]
    raise AssertionError(f"object-store sources are not fetched over http: {url}")


@pytest.fixture
def bucket() -> Iterator[str]:
    """The samples copied under a fresh prefix of fsspec's in-memory store, plus a hidden
    object that must not be read."""
    fs = fsspec.filesystem("memory")
    prefix = f"/bucket-{uuid.uuid4().hex[:8]}/dumps"
    for path in sorted(SAMPLES.iterdir()):
        fs.pipe(f"{prefix}/{path.name}", path.read_bytes())
    fs.pipe(f"{prefix}/.partial/upload.jsonl", b'{"maintext": "half"}')
    yield f"memory://{prefix}"
    fs.rm(prefix, recursive=True)


def _records(items):  # type: ignore[no-untyped-def]
    return [(i.source_uri.rsplit("/", 1)[-1], i.source_locator, i.content) for i in items]


def test_objects_read_as_the_same_files_on_disk(bucket: str) -> None:
    reader = Reader()
    local = list(iter_items([str(SAMPLES)], reader, _no_fetch))
    remote = list(iter_items([bucket], reader, _no_fetch))
    assert not [i for i in remote if isinstance(i, Reject)]
    assert _records(remote) == _records(local)
    assert all(i.source_uri.startswith("memory://") for i in remote)
    assert len(source_files([bucket])) == len(list(SAMPLES.iterdir()))


def test_unchanged_objects_are_skipped_without_reading(bucket: str) -> None:
    reader = Reader()
    first = SourceTracker({}, "run-1")
    n = len(list(iter_items([bucket], reader, _no_fetch, tracker=first)))
    assert n and first.read == len(list(SAMPLES.iterdir())) and first.skipped == 0

    second = SourceTracker(first.merged(), "run-2")
    assert list(iter_items([bucket], reader, _no_fetch, tracker=second)) == []
    assert second.skipped == first.read and second.read == 0

    fs = fsspec.filesystem("memory")
    path = bucket.removeprefix("memory://") + "/harwick-strike.txt"
    fs.pipe(path, fs.cat(path) + b"\n\nA paragraph added when the page was updated.\n")
    third = SourceTracker(second.merged(), "run-3")
    again = list(iter_items([bucket], reader, _no_fetch, tracker=third))
    assert third.read == 1 and {i.source_uri.rsplit("/", 1)[-1] for i in again} == {
        "harwick-strike.txt"
    }

    rescan = SourceTracker(third.merged(), "run-4", full_rescan=True)
    assert len(list(iter_items([bucket], reader, _no_fetch, tracker=rescan))) == n


def test_bad_object_urls_fail_in_one_line(bucket: str) -> None:
    check_sources([bucket, bucket + "/harwick-strike.txt"])
    with pytest.raises(SourceError, match="no such object or prefix"):
        check_sources([bucket + "-missing"])
    with pytest.raises(SourceError, match="does not read nosuchscheme:// URLs"):
        check_sources(["nosuchscheme://bucket/x"])
    assert is_object_url(bucket) and not is_object_url("https://example.org/a")
    assert not is_object_url("file:///tmp/x") and not is_object_url(str(SAMPLES))


@pytest.mark.slow
def test_ingest_from_an_object_store(bucket: str, tmp_path: Path) -> None:
    from flows.ingest import ingest_with

    first = ingest_with(1)(sources=[bucket], warehouse_dir=str(tmp_path / "wh"))
    local = ingest_with(1)(sources=[str(SAMPLES)], warehouse_dir=str(tmp_path / "wh-local"))
    for key in ("records_read", "articles", "duplicates", "rejects", "quotes"):
        assert first[key] == local[key], key
    again = ingest_with(1)(sources=[bucket], warehouse_dir=str(tmp_path / "wh"))
    assert again["records_read"] == 0 and again["sources_unchanged"] == len(list(SAMPLES.iterdir()))
