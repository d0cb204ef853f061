"""From a raw record to clean articles with identity: the cleaning stage as one pure function."""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from tasks.clean import dates, html, normalize
from tasks.clean import text_dump as clean
from tasks.clean.repeats import OutletMemory
from tasks.model import Article, Extracted, RawRecord, Reject
from tasks.settings import Limits

_WS = re.compile(r"\s+")


def content_hash(body: str) -> str:
    """SHA-256 of the body with case and whitespace folded: the exact-duplicate key."""
    folded = _WS.sub(" ", body).strip().casefold()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


_DOMAIN = re.compile(r"^(?:www\d?\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)$", re.IGNORECASE)


def clean_outlet(outlet: str | None) -> str | None:
    """A publication name as given, or a bare domain without its www."""
    if not outlet or not outlet.strip():
        return None
    outlet = outlet.strip()
    m = _DOMAIN.match(outlet)
    return m.group(1).lower() if m else outlet


def furniture_owner(record: RawRecord, named: str | None) -> str:
    """Whose furniture a text dump carries, the key its lines are remembered under: the outlet
    the dump's metadata, URL or own boilerplate names, else the folder it was read from (a folder
    of dumps is most often one crawl of one site; where it is not, the guards of
    ``tasks.clean.repeats`` keep one outlet's article from being taken for another's furniture).
    ``named``: the outlet the dump's boilerplate names, if any."""
    meta = record.meta
    outlet = clean_outlet(meta.get("outlet")) or outlet_from_url(meta.get("url")) or named
    if outlet is not None:
        return f"outlet:{outlet.casefold()}"
    return f"folder:{posixpath.dirname(record.source_uri.replace(chr(92), '/'))}"


def extract(record: RawRecord, memory: OutletMemory | None = None) -> list[Extracted]:
    """The articles a record holds, before identity is given. With ``memory``, a text dump is
    cleaned without the lines its outlet's earlier pages carried (``tasks.clean.repeats``)."""
    meta = record.meta
    if record.kind == "html":
        found = html.extract_html(record.content, meta.get("url"))
        if found is None:
            return []
        # Dump metadata, where present, outranks what the page says about itself.
        extracted = [_with_meta(found, meta)]
    elif record.kind == "fields":
        body = normalize.normalize_text(record.content)
        extracted = [_with_meta(Extracted(body=body), meta)] if body.strip() else []
    else:
        text = normalize.normalize_text(record.content)
        named = None
        if memory is not None:
            # The furniture that goes may be where the site names itself: keep the name.
            named = clean.outlet_from_boilerplate([t.strip() for t in text.split("\n")])
            text, _ = memory.strip(furniture_owner(record, named), text)
        extracted = [
            _with_meta(e if e.outlet or not named else replace(e, outlet=named), meta)
            for e in clean.clean_text_dump(text)
        ]
    return extracted


def _with_meta(found: Extracted, meta: dict) -> Extracted:
    url = meta.get("url") or found.url
    published, source = found.published_at, found.published_at_source
    meta_date = dates.parse_date(meta.get("published"))
    if meta_date is not None:
        published, source = meta_date, "metadata"
    title = meta.get("title")
    return replace(
        found,
        url=url,
        title=normalize.normalize_text(title) if title else found.title,
        standfirst=(
            normalize.normalize_text(meta["description"])
            if meta.get("description")
            else found.standfirst
        ),
        authors=tuple(meta.get("authors") or ()) or found.authors,
        outlet=clean_outlet(meta.get("outlet") or found.outlet) or outlet_from_url(url),
        published_at=published,
        published_at_source=source,
        language=meta.get("language") or found.language,
    )


def _fill_dates(e: Extracted) -> Extracted:
    if e.published_at is not None:
        return e
    from_url = dates.published_from_url(e.url)
    if from_url is not None:
        return replace(e, published_at=from_url, published_at_source="url")
    from_text = dates.published_from_text(e.body)
    if from_text is not None:
        return replace(e, published_at=from_text[0], published_at_source="text")
    return e


def _cap(body: str, max_chars: int) -> str:
    """Cut an oversized body at the last paragraph break before the limit."""
    cut = body.rfind("\n\n", 0, max_chars)
    return body[: cut if cut > max_chars // 2 else max_chars]


def prepare_record(
    record: RawRecord, limits: Limits | None = None, memory: OutletMemory | None = None
) -> list[Article | Reject]:
    """Clean one record into articles (several when a dump holds several) or one reject."""
    limits = limits or Limits()
    try:
        extracted = extract(record, memory)
    except Exception as exc:  # noqa: BLE001 - one bad record must not sink the batch
        return [
            Reject(
                record.source_uri,
                record.source_locator,
                "clean",
                f"cleaning failed: {type(exc).__name__}: {exc}"[:300],
            )
        ]
    if not extracted:
        return [Reject(record.source_uri, record.source_locator, "clean", "no article text found")]
    out: list[Article | Reject] = []
    multi = len(extracted) > 1
    for i, e in enumerate(extracted, 1):
        loc = f"{record.source_locator}/part:{i}" if multi else record.source_locator
        body = e.body.strip()
        if not body:
            out.append(Reject(record.source_uri, loc, "clean", "empty body after cleaning"))
            continue
        whole = len(body)
        if whole > limits.max_article_chars:
            body = _cap(body, limits.max_article_chars)
        e = _fill_dates(replace(e, body=body))
        language = e.language or normalize.detect_language(body)
        digest = content_hash(body)
        out.append(
            Article(
                article_id=digest[:24],
                content_hash=digest,
                source_uri=record.source_uri,
                source_locator=loc,
                url=e.url,
                outlet=e.outlet,
                title=e.title,
                standfirst=e.standfirst,
                authors=tuple(e.authors),
                published_at=e.published_at,
                published_at_source=e.published_at_source if e.published_at else None,
                language=language,
                body=body,
                body_cut_chars=whole - len(body),
            )
        )
    return out


def prepare_batch(
    records: Sequence[RawRecord], limits: Limits | None = None, memory: OutletMemory | None = None
) -> list[Article | Reject]:
    """The cleaning stage over a batch: every record becomes articles or a reject. With
    ``memory``, each text dump is cleaned with what the outlet's earlier pages taught (earlier
    runs, through the memory's store, and earlier records of this batch), and ``memory.learned``
    collects what this batch's pages teach."""
    out: list[Article | Reject] = []
    for record in records:
        out.extend(prepare_record(record, limits, memory))
    return out


def batched(items: Iterable, size: int) -> Iterable[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
