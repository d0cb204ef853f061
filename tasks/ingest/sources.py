"""Sources: the paths and URLs a run is given, checked up front and read one after another.

A source is a local file or folder, an http(s) URL (fetched with retries and a cache), or an
object-store URL (``s3://bucket/prefix`` with s3fs, ``gs://`` with gcsfs, ...:
``OBJECT_STORE_SCHEMES``): every object under the prefix is streamed, its credentials taken
from the environment as for the Parquet root (docs/performance.md). Any other scheme is refused
up front, and a warehouse's own files are never read, even in a folder given as a source.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

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
# Object stores, read through fsspec with their own package (s3fs; gcsfs for gs/gcs; adlfs for
# az/abfs/abfss); memory:// is fsspec's in-process store, which the tests use as a bucket.
# fsspec knows other protocols (ftp, sftp, hdfs, github, zip...): whosaid does not read them,
# since none is tested here and none has the fetcher's timeouts and size limits.
OBJECT_STORE_SCHEMES = frozenset({"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "memory"})

# What a warehouse folder holds of its own (tasks/store/warehouse.py and flows/ingest.py lay it
# out): the DuckDB file with its WAL and spill folder, the run lock, the run manifests, the dedupe
# and incremental state, the default Parquet root and the fetch cache. None of it is ever input.
WAREHOUSE_ENTRIES = frozenset(
    {
        "whosaid.duckdb",
        "whosaid.duckdb.wal",
        "whosaid.duckdb.tmp",
        ".run.lock",
        "runs",
        "state",
        "parquet",
        ".cache",
    }
)
# A folder is a warehouse once it holds the run lock (every run and every `whosaid load` takes
# it before anything else: warehouse.run_lock) or the DuckDB file.
WAREHOUSE_MARKERS = (".run.lock", "whosaid.duckdb")


def _scheme(source: str) -> str:
    return source.split("://", 1)[0].lower()


def read_schemes() -> str:
    """The URL schemes whosaid reads, as an error message lists them."""
    stores = ", ".join(f"{s}://" for s in sorted(OBJECT_STORE_SCHEMES))
    return f"local paths, file://, http://, https:// and object stores ({stores})"


def is_object_url(source: str) -> bool:
    """An object-store URL (s3://, gs://, memory://...), read through fsspec."""
    return is_url(source) and _scheme(source) in OBJECT_STORE_SCHEMES


def is_warehouse(folder: Path) -> bool:
    return any((folder / marker).exists() for marker in WAREHOUSE_MARKERS)


def warehouse_holding(path: Path) -> Path | None:
    """The warehouse folder ``path`` belongs to (its DuckDB file, its state, its Parquet...),
    or None. A warehouse folder itself is not one of its own files: what else a user keeps
    there is read."""
    resolved = path.resolve()
    for entry in (resolved, *resolved.parents):
        if entry.name in WAREHOUSE_ENTRIES and is_warehouse(entry.parent):
            return entry.parent
    return None


def check_sources(sources: list[str]) -> None:
    """Every source exists and is of a kind whosaid reads; SourceError (one line) otherwise."""
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
                    f"{redact(s)}: whosaid does not read {_scheme(s)}:// URLs; "
                    f"it reads {read_schemes()}"
                )
        elif not Path(s).exists():
            raise SourceError(f"{s}: no such file or folder")
        if (p := local_path(s)) is not None and (wh := warehouse_holding(p)) is not None:
            raise SourceError(
                f"{s}: part of the warehouse {wh}, which is never read as input; "
                "give the folders that hold the dumps"
            )


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
    files and folders skipped, symlinked folders not followed); a file is itself. A warehouse
    met on the way (``whosaid ingest data/ -w data/wh``) is never input: its own files
    (``WAREHOUSE_ENTRIES``) are skipped."""
    if not path.is_dir():
        yield path
        return
    for root, dirs, files in os.walk(path, followlinks=False):
        own = WAREHOUSE_ENTRIES if is_warehouse(Path(root)) else frozenset()
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in own)
        for name in sorted(files):
            if not name.startswith(".") and name not in own:
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
