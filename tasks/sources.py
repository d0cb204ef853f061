"""Sources: the paths and URLs a run is given, checked up front and read one after another."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from tasks.fetch import Fetched, FetchError, is_url, redact
from tasks.model import Reject
from tasks.readers import Item, Reader

if TYPE_CHECKING:
    from tasks.incremental import SourceTracker


class SourceError(Exception):
    """A source the user gave that does not exist or cannot be used; one line, exit non-zero."""


def check_sources(sources: list[str]) -> None:
    if not sources:
        raise SourceError("no sources given")
    for s in sources:
        if is_url(s):
            scheme = s.split("://", 1)[0].lower()
            if scheme not in ("http", "https", "file"):
                raise SourceError(f"{redact(s)}: only http(s) URLs and local paths are read")
        elif not Path(s).exists():
            raise SourceError(f"{s}: no such file or folder")


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
