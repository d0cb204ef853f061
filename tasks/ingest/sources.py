"""Sources: the paths and URLs a run is given, checked up front and read one after another.

A source is a local file or folder, an http(s) URL (fetched with retries and a cache), or an
object-store URL fsspec can open (``s3://bucket/prefix`` with s3fs, ``gs://`` with gcsfs, ...):
every object under the prefix is streamed, its credentials taken from the environment as for
the Parquet root (docs/performance.md).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import fsspec
from fsspec.core import url_to_fs

from tasks.ingest.fetch import Fetched, FetchError, is_url, redact
from tasks.ingest.readers import Item, Reader
from tasks.model import Reject

if TYPE_CHECKING:
    from tasks.ingest.incremental import SourceTracker


class SourceError(Exception):
    """A source the user gave that does not exist or cannot be used; one line, exit non-zero."""


# Read by the fetcher (http, https) or as local paths (file), not through fsspec.
_READ_DIRECTLY = frozenset({"http", "https", "file"})
_NOT_OBJECT_STORES = _READ_DIRECTLY | {"local"}


def _scheme(source: str) -> str:
    return source.split("://", 1)[0].lower()


def is_object_url(source: str) -> bool:
    """An fsspec object-store URL (s3://, gs://, memory://...), read through fsspec."""
    if not is_url(source):
        return False
    scheme = _scheme(source)
    return scheme not in _NOT_OBJECT_STORES and scheme in fsspec.available_protocols()


def check_sources(sources: list[str]) -> None:
    if not sources:
        raise SourceError("no sources given")
    for s in sources:
        if is_object_url(s):
            try:
                fs, path = url_to_fs(s)
                found = fs.exists(path)
            except ImportError as exc:  # fsspec says which package the scheme needs
                raise SourceError(f"{redact(s)}: {exc}") from None
            except Exception as exc:  # noqa: BLE001 - credentials, endpoint: one line, not a trace
                raise SourceError(f"{redact(s)}: {type(exc).__name__}: {exc}") from None
            if not found:
                raise SourceError(f"{redact(s)}: no such object or prefix")
        elif is_url(s):
            if _scheme(s) not in _READ_DIRECTLY:
                raise SourceError(
                    f"{redact(s)}: only http(s) URLs, object-store URLs fsspec knows "
                    "(s3://, gs://, ...) and local paths are read"
                )
        elif not Path(s).exists():
            raise SourceError(f"{s}: no such file or folder")


def object_files(source: str) -> tuple[Any, dict[str, dict[str, Any]]]:
    """(filesystem, {path: info}) of the objects an object-store URL names: the object itself,
    or every object under the prefix, sorted, skipping hidden names (as ``walk_files`` does).
    One listing gives every object's size and ETag: no request per object."""
    fs, path = url_to_fs(source)
    if not fs.isdir(path):
        return fs, {path: fs.info(path)}
    found = fs.find(path, detail=True)
    return fs, {
        p: found[p]
        for p in sorted(found)
        if not any(part.startswith(".") for part in p[len(path) :].split("/"))
    }


def local_path(source: str) -> Path | None:
    if source.lower().startswith("file://"):
        return Path(source[7:])
    return None if is_url(source) else Path(source)


def walk_files(path: Path) -> Iterator[Path]:
    """The files below a folder in the order ``Reader.read_path`` reads them (sorted, hidden
    files and folders skipped, symlinked folders not followed); a file is itself."""
    if not path.is_dir():
        yield path
        return
    for root, dirs, files in os.walk(path, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def _opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: open(path, "rb")


def source_files(sources: list[str]) -> list[str]:
    """Every file the sources name (folders walked), for progress totals."""
    out: list[str] = []
    for s in sources:
        if is_object_url(s):
            fs, paths = object_files(s)
            out.extend(fs.unstrip_protocol(p) for p in paths)
            continue
        p = local_path(s)
        out.extend([s] if p is None else (str(f) for f in walk_files(p)))
    return out


def iter_items(
    sources: list[str],
    reader: Reader,
    fetcher: Callable[[str], Fetched],
    on_file: Callable[[str], None] | None = None,
    tracker: SourceTracker | None = None,
) -> Iterator[Item]:
    """Every record of every source, in order, file by file. A URL that cannot be fetched becomes
    one reject. With a ``tracker``, files and downloads a committed run already read are skipped
    (no records)."""
    for s in sources:
        if is_object_url(s):
            yield from _object_items(s, reader, on_file, tracker)
            continue
        p = local_path(s)
        if p is not None:
            for f in walk_files(p):
                if tracker is None or not tracker.unchanged_file(f):
                    yield from reader.read_path(f, str(f))
                if on_file:
                    on_file(str(f))
            continue
        try:
            got = fetcher(s)
        except FetchError as exc:
            yield Reject(redact(s), "url", "source", str(exc))
            continue
        if tracker is None or not tracker.unchanged_download(s, got):
            yield from reader.read_stream(_opener(got.path), got.name, redact(s), "", 0)
        if on_file:
            on_file(s)


def _object_opener(fs: Any, path: str) -> Callable[[], IO[bytes]]:
    return lambda: fs.open(path, "rb")


def _object_items(
    source: str,
    reader: Reader,
    on_file: Callable[[str], None] | None,
    tracker: SourceTracker | None,
) -> Iterator[Item]:
    """Every record of every object under an object-store URL, streamed object by object."""
    try:
        fs, paths = object_files(source)
    except Exception as exc:  # noqa: BLE001 - a listing that fails is one reject, not a crash
        yield Reject(redact(source), "url", "source", f"cannot list: {type(exc).__name__}: {exc}")
        return
    for path, info in paths.items():
        uri = redact(fs.unstrip_protocol(path))
        if tracker is None or not tracker.unchanged_object(uri, info):
            yield from reader.read_stream(
                _object_opener(fs, path), posixpath.basename(path), uri, "", 0
            )
        if on_file:
            on_file(uri)
