"""News-dump records (news-please, CC-News, common scraper exports) mapped to whosaid's fields.

A JSON object becomes a ``RawRecord``: of kind ``html`` when it carries the page, else of kind
``fields`` with its article text; its metadata (url, title, description, published, authors,
outlet, language) is read from the names dumps use for them, most specific first. A value of
the wrong type is dropped, never passed on.
"""

from __future__ import annotations

from typing import Any

from tasks.ingest.where import Item, Where

# News-dump field names, most specific first (news-please, CC-News, common scraper exports).
TEXT_FIELDS = ("maintext", "text", "body", "content", "article", "article_body")
HTML_FIELDS = ("html", "raw_html")


def record_from_object(value: Any, where: Where) -> Item:
    """The record a decoded JSON value holds, or why it holds none."""
    if not isinstance(value, dict):
        kind = type(value).__name__
        return where.reject(f"JSON record is a {kind}, not an object")
    # A JSON string may carry NUL (an escaped \u0000): dropped, as text with NUL is binary.
    for key in HTML_FIELDS:
        html = value.get(key)
        if isinstance(html, str) and html.replace("\x00", "").strip():
            return where.record("html", html.replace("\x00", ""), fields_meta(value))
    for key in TEXT_FIELDS:
        text = value.get(key)
        if isinstance(text, str) and text.replace("\x00", "").strip():
            return where.record("fields", text.replace("\x00", ""), fields_meta(value))
    return where.reject("no article text field (" + "/".join(TEXT_FIELDS) + ")")


def _first(value: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        v = value.get(key)
        if v not in (None, "", []):
            return v
    return None


def fields_meta(value: dict[str, Any]) -> dict[str, Any]:
    """The metadata of a news-dump record, under whosaid's names."""
    authors = _first(value, "authors", "author", "byline")
    if isinstance(authors, str):
        authors = [authors]
    if not isinstance(authors, list):
        authors = []
    return {
        "url": _str(_first(value, "url", "link", "source_url")),
        "title": _str(_first(value, "title", "headline", "title_page", "title_rss")),
        "description": _str(_first(value, "description", "standfirst", "summary")),
        "published": _scalar(
            _first(
                value,
                "date_publish",
                "published_at",
                "date",
                "published",
                "pubdate",
                "publish_date",
            )
        ),
        "authors": [a for a in authors if isinstance(a, str) and a.strip()],
        "outlet": _str(
            _first(value, "outlet", "source_name", "site_name", "source_domain", "domain")
        ),
        "language": _str(_first(value, "language", "lang")),
    }


def _scalar(v: Any) -> str | int | float | None:
    """A date field as a string or a number; a list or object there is not a date (and a
    deeply nested one must not travel on to pickling and the date parser)."""
    return v if isinstance(v, str | int | float) and not isinstance(v, bool) else None


def _str(v: Any) -> str | None:
    return v.strip() if isinstance(v, str) and v.strip() else None
