"""Sources: the paths and URLs a run is given, checked up front and read one after another."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from tasks.fetch import Fetched, FetchError, is_url, redact
from tasks.model import Reject
from tasks.readers import Item, Reader


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


def source_files(sources: list[str]) -> list[str]:
    """Every file the sources name (folders walked), for progress totals."""
    out: list[str] = []
    for s in sources:
        p = local_path(s)
        if p is None:
            out.append(s)
        elif p.is_dir():
            out.extend(str(f) for f in sorted(p.rglob("*")) if f.is_file()
                       and not any(part.startswith(".") for part in f.relative_to(p).parts))
        else:
            out.append(str(p))
    return out


def iter_items(
    sources: list[str],
    reader: Reader,
    fetcher: Callable[[str], Fetched],
    on_file: Callable[[str], None] | None = None,
) -> Iterator[Item]:
    """Every record of every source, in order. A URL that cannot be fetched becomes one reject."""
    for s in sources:
        p = local_path(s)
        if p is not None:
            for item in reader.read_path(p, str(p) if p.is_dir() else None):
                yield item
            if on_file:
                on_file(s)
            continue
        try:
            got = fetcher(s)
        except FetchError as exc:
            yield Reject(redact(s), "url", "source", str(exc))
            continue
        yield from reader.read_stream(lambda g=got: open(g.path, "rb"), got.name, redact(s), "", 0)
        if on_file:
            on_file(s)
