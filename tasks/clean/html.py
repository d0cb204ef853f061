"""HTML pages: the article's text and its metadata.

Main text comes from trafilatura (the best of the maintained extractors on the ScrapingHub
benchmark, see docs/cleaning.md for the comparison), in its default or its precision mode, with
the line cleaner of ``tasks.clean.text_dump`` over the page's visible text deciding between them
and standing in when precision mode finds nothing. Metadata comes from what the page declares
about itself, most explicit first: JSON-LD (schema.org Article), Open
Graph and other meta tags, then trafilatura's own metadata heuristics (bylines, <title>).
The publication date is htmldate's (original date, extensive search), with the time of day and
offset taken from the page's structured timestamp when that agrees on the day.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import htmldate
import lxml.html
import trafilatura
from lxml import etree
from trafilatura.metadata import extract_metadata

from tasks.clean import dates, titles
from tasks.clean.normalize import detect_language, normalize_text
from tasks.clean.text_dump import clean_text_dump, parse_byline
from tasks.model import Extracted

# schema.org types whose JSON-LD describes the article itself (not the site or a breadcrumb).
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "socialmediaposting",
        "report",
        "liveblogposting",
        "scholarlyarticle",
        "techarticle",
        "webpage",
    }
)
# A page body shorter than this is not an article (trafilatura's own MIN_EXTRACTED_SIZE is 250
# characters; 100 keeps short wire briefs, the cleaner applies the same floor).
MIN_BODY_CHARS = 100
# Word 4-grams, as the cleaning benchmark's scorer counts overlap (docs/cleaning.md).
SHINGLE_WORDS = 4

_MULTI_BLANK = re.compile(r"\n{2,}")
# An XHTML page's "<?xml ... encoding=...?>" line: lxml refuses a decoded string that declares
# an encoding, and the text is already decoded, so the declaration is dropped before parsing.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(frozen=True)
class PageMeta:
    """What a page says about itself in JSON-LD and meta tags."""

    title: str | None = None
    description: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    site_name: str | None = None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        value = normalize_text(value)
        return value or None
    return None


def _json_ld_objects(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        raw = script.text or ""
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # a trailing comma or a stray control character is the usual fault
                data = json.loads(re.sub(r"[\x00-\x1f]", " ", raw).replace(",}", "}"))
            except ValueError:
                continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                yield item
                if "@graph" in item:
                    stack.append(item["@graph"])
                if isinstance(item.get("mainEntity"), dict | list):
                    stack.append(item["mainEntity"])


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds if k}


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _meta_content(tree: lxml.html.HtmlElement, *keys: str) -> str | None:
    for key in keys:
        for attr in ("property", "name", "itemprop"):
            found = tree.xpath(f'//meta[@{attr}="{key}"]/@content')
            for value in found:
                text = _text(value)
                if text:
                    return text
    return None


def page_meta(tree: lxml.html.HtmlElement) -> PageMeta:
    """JSON-LD first (the article object, not the website or breadcrumb), then meta tags."""
    title = description = published = site_name = None
    authors: list[str] = []
    articles = [o for o in _json_ld_objects(tree) if _types(o) & ARTICLE_TYPES]
    # A page may declare a WebPage and a NewsArticle: the most specific type wins.
    articles.sort(key=lambda o: "webpage" in _types(o))
    for obj in articles:
        title = title or _text(obj.get("headline")) or _text(obj.get("name"))
        description = description or _text(obj.get("description"))
        published = published or _text(obj.get("datePublished")) or _text(obj.get("dateCreated"))
        if not authors:
            authors = [n for n in (_text(x) for x in _names(obj.get("author"))) if n]
        if not site_name:
            names = _names(obj.get("publisher"))
            site_name = _text(names[0]) if names else None
    title = title or _meta_content(tree, "og:title", "twitter:title")
    description = description or _meta_content(
        tree, "og:description", "description", "twitter:description"
    )
    published = published or _meta_content(
        tree,
        "article:published_time",
        "og:article:published_time",
        "datePublished",
        "pubdate",
        "publishdate",
        "date",
        "dc.date",
        "DC.date.issued",
        "sailthru.date",
    )
    site_name = _meta_content(tree, "og:site_name") or site_name
    if not authors:
        author = _meta_content(tree, "author", "article:author", "sailthru.author", "byl")
        if author and not author.startswith("http"):
            authors = _split_authors(author)
    return PageMeta(title, description, tuple(dict.fromkeys(authors)), published, site_name)


def _split_authors(raw: str) -> list[str]:
    byline = parse_byline(raw if raw.lower().startswith("by ") else f"By {raw}")
    if byline:
        return list(byline)
    return [p.strip() for p in re.split(r"\s*(?:;|,|\band\b|&)\s*", raw) if p.strip()]


def _published(html: str, url: str | None, declared: str | None) -> datetime | None:
    """htmldate's day, with the time and offset of the page's own timestamp on the same day."""
    try:
        day = htmldate.find_date(html, url=url, original_date=True, extensive_search=True)
    except Exception:  # noqa: BLE001 - htmldate raises on some malformed pages
        day = None
    stamp = dates.parse_date(declared) if declared else None
    if day is None:
        return stamp
    if stamp is not None and stamp.date().isoformat() == day:
        return stamp
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def visible_text(tree: lxml.html.HtmlElement) -> str:
    """The page's text in page order, one block per line, without script/style/template."""
    tree = _copy(tree)
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    lines = (line.strip() for text in tree.itertext() for line in text.split("\n"))
    return "\n\n".join(line for line in lines if line)


def _copy(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(etree.tostring(tree))


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


def _drop_repeated_header(body: str, header: tuple[str | None, ...]) -> str:
    """Drop leading paragraphs that repeat the title or the standfirst (trafilatura keeps the
    <h1> and sometimes the dek as the body's first lines; they are metadata, not body)."""
    known = [_fold(h) for h in header if h]
    paragraphs = body.split("\n\n")
    # The header sits in the first few paragraphs: headline, dek, maybe a kicker between them.
    for _ in range(3):
        if len(paragraphs) > 1 and any(
            _fold(paragraphs[0]) and (_fold(paragraphs[0]) == k or _fold(paragraphs[0]) in k)
            for k in known
        ):
            paragraphs = paragraphs[1:]
        else:
            break
    return "\n\n".join(paragraphs)


def _declared_titles(tree: lxml.html.HtmlElement, meta: PageMeta) -> tuple[str, ...]:
    """What the page declares its title to be, most explicit first: the JSON-LD headline (or
    og:title when there is none), og:title, twitter:title, <title>."""
    page_title = tree.findtext(".//title")
    found = (
        meta.title,
        _meta_content(tree, "og:title"),
        _meta_content(tree, "twitter:title"),
        _text(page_title) if page_title else None,
    )
    return tuple(dict.fromkeys(t for t in found if t))


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _trafilatura_body(tree: lxml.html.HtmlElement, url: str | None, precision: bool) -> str:
    """trafilatura's main text, one paragraph per blank-line block (comments and tables off)."""
    body = trafilatura.extract(
        _copy(tree),
        url=url,
        include_comments=False,
        include_tables=False,
        deduplicate=False,
        favor_precision=precision,
    )
    return _MULTI_BLANK.sub("\n\n", normalize_text((body or "").replace("\n", "\n\n")))


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def _overlap_f1(candidate: str, reference: str) -> float:
    """F1 of the two texts' word-shingle sets (0 when either has none)."""
    a, b = _shingles(candidate), _shingles(reference)
    shared = len(a & b)
    return 2 * shared / (len(a) + len(b)) if shared else 0.0


def _article_body(tree: lxml.html.HtmlElement, url: str | None) -> str:
    """The article's text: trafilatura in its default and its precision mode, and where the two
    disagree, the one that agrees more with the line cleaner's reading of the visible text.

    Precision mode drops boxes and link lists the default keeps on busy pages, and sometimes
    drops the article itself; the line cleaner, which reads the page another way, is the
    tie-breaker. When precision mode finds no article, the page is one whose markup misleads
    trafilatura and the line cleaner's text is taken (the default's when that finds nothing
    either). Measured on the three page sets (docs/cleaning.md): better than either mode alone
    on every set, at about 1.7 times the time of one trafilatura pass.
    """
    recall = _trafilatura_body(tree, url, precision=False)
    precise = _trafilatura_body(tree, url, precision=True)
    if precise == recall and len(recall) >= MIN_BODY_CHARS:
        return recall
    found = clean_text_dump(normalize_text(visible_text(tree)))
    dump = found[0].body if found else ""
    if len(precise) < MIN_BODY_CHARS:
        return dump if len(dump) >= MIN_BODY_CHARS else recall
    return precise if _overlap_f1(precise, dump) >= _overlap_f1(recall, dump) else recall


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    """The page's tree; None when lxml cannot read it. An XML declaration is dropped first."""
    try:
        return lxml.html.fromstring(_XML_DECLARATION.sub("", html, count=1))
    except (etree.ParserError, ValueError):
        return None


def extract_html(html: str, url: str | None = None) -> Extracted | None:
    """The article of one HTML page with its metadata; None when the page has no article text."""
    if not html or not html.strip():
        return None
    tree = parse_html(html)
    if tree is None:
        return None
    meta = page_meta(tree)
    body = _article_body(tree, url)
    if len(body) < MIN_BODY_CHARS:
        return None
    fallback = extract_metadata(_copy(tree), default_url=url)
    declared = _declared_titles(tree, meta)
    outlet = meta.site_name or _text(fallback.sitename) or _host(url)
    title = titles.choose_title(
        declared,
        titles.page_headings(tree),
        titles.page_lines(tree),
        site_names=(meta.site_name, _text(fallback.sitename), _host(url)),
        body=body,
        derived=(_text(fallback.title),),
    )
    standfirst = meta.description or _text(fallback.description)
    # Only the titles: the description is often the lead paragraph itself, which the body keeps.
    body = _drop_repeated_header(
        body, (title, *titles.usable_titles((*declared, _text(fallback.title))))
    )
    authors = meta.authors or (tuple(_split_authors(fallback.author)) if fallback.author else ())
    return Extracted(
        body=body,
        title=title,
        standfirst=standfirst,
        authors=authors,
        published_at=_published(html, url, meta.published),
        published_at_source="html",
        outlet=outlet,
        url=url or _text(fallback.url),
        language=detect_language(body),
    )
