"""extract_html on small pages written for these tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tasks.clean.html import extract_html, visible_text

PARAGRAPHS = [
    "The harbour board agreed on Monday to delay the sale of the old ferry terminal, after a "
    "meeting in which several members said the town had not been asked what it wanted.",
    "Ruth Abernathy, who chairs the board, said the decision was not a retreat but a chance to "
    "listen to residents before anything was signed, and that a public meeting would follow.",
    "The terminal has been empty since the last crossing stopped running four years ago, and "
    "the building has been on the market twice without finding a buyer willing to restore it.",
    "A developer who had offered to turn it into flats told the board that his offer would "
    "stand until the end of the year, but that he could not wait for ever while costs rose.",
]


def page(head: str = "", byline: str = "", extra_body: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!doctype html><html lang="en"><head><title>Sale on hold | Harbour News</title>
{head}</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<article><h1>Harbour board puts ferry terminal sale on hold</h1>{byline}
{body}{extra_body}</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Seaside cafe wins award</a></li>
<li><a href="/b">Council tax to rise again</a></li></ul></aside>
<footer><p>Copyright 2024 Harbour News. All rights reserved.</p></footer>
<script>var tracking = "not text";</script></body></html>"""


JSON_LD = """<script type="application/ld+json">{"@context": "https://schema.org",
"@type": "NewsArticle", "headline": "Harbour board puts ferry terminal sale on hold",
"description": "Members want residents consulted first.",
"datePublished": "2024-03-04T09:30:00+01:00",
"author": [{"@type": "Person", "name": "Ruth Tenby"}, {"@type": "Person", "name": "Tom Oduya"}],
"publisher": {"@type": "Organization", "name": "Harbour News"}}</script>"""

OPEN_GRAPH = """<meta property="og:title" content="Ferry terminal sale on hold">
<meta property="og:site_name" content="The Harbour Gazette">
<meta property="og:description" content="Residents to be consulted.">
<meta property="article:published_time" content="2024-03-05T18:00:00Z">
<meta name="author" content="Jo Tideswell">"""


def test_body_is_the_article_only() -> None:
    found = extract_html(page(JSON_LD), "https://harbour.example/news/sale-on-hold")
    assert found is not None
    assert found.body == "\n\n".join(PARAGRAPHS)
    for junk in ("Most read", "Seaside cafe", "Copyright", "tracking", "Home"):
        assert junk not in found.body


def test_json_ld_metadata() -> None:
    found = extract_html(page(JSON_LD), "https://harbour.example/news/sale-on-hold")
    assert found is not None
    assert found.title == "Harbour board puts ferry terminal sale on hold"
    assert found.standfirst == "Members want residents consulted first."
    assert found.authors == ("Ruth Tenby", "Tom Oduya")
    assert found.outlet == "Harbour News"
    assert found.published_at == datetime(2024, 3, 4, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert found.published_at_source == "html"
    assert found.language == "en"
    assert found.url == "https://harbour.example/news/sale-on-hold"


def test_open_graph_metadata() -> None:
    found = extract_html(page(OPEN_GRAPH), None)
    assert found is not None
    # og:title is the short form for sharing; the page prints the headline in its <h1>, which
    # holds the og:title's words, and the reader's headline wins (tasks/clean/titles.py).
    assert found.title == "Harbour board puts ferry terminal sale on hold"
    assert found.outlet == "The Harbour Gazette"
    assert found.standfirst == "Residents to be consulted."
    assert found.authors == ("Jo Tideswell",)
    assert found.published_at == datetime(2024, 3, 5, 18, 0, tzinfo=UTC)


def test_time_element_and_byline() -> None:
    byline = (
        '<p class="byline">By Ruth Tenby</p>'
        '<time datetime="2023-11-20T07:15:00Z">20 November 2023</time>'
    )
    found = extract_html(page(byline=byline), "https://harbour.example/story")
    assert found is not None
    assert found.published_at is not None
    assert found.published_at.date().isoformat() == "2023-11-20"
    assert "Ruth Tenby" in found.authors


def test_outlet_falls_back_to_the_host() -> None:
    found = extract_html(page(), "https://www.harbour.example/story")
    assert found is not None
    assert found.outlet in ("harbour.example", "Harbour News")


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<html><body><nav><a href='/'>Home</a></nav></body></html>",
        "<html><head><title>Nothing here</title></head><body><p>Hello.</p></body></html>",
    ],
)
def test_no_article(html: str) -> None:
    assert extract_html(html, "https://harbour.example/") is None


def test_visible_text_drops_scripts_and_keeps_order() -> None:
    text = visible_text(__import__("lxml.html").html.fromstring(page()))
    assert "tracking" not in text
    assert text.index("Harbour board puts") < text.index(PARAGRAPHS[0][:30])


ARTICLE = " ".join(PARAGRAPHS)
BOX = "Most read today: the new bypass opens; a festival returns; the weather turns for the week."


class _Found:
    def __init__(self, body: str) -> None:
        self.body = body


@pytest.mark.parametrize(
    ("recall", "precise", "dump", "chosen"),
    [
        # the two trafilatura modes agree: their text, the line cleaner not needed
        (ARTICLE, ARTICLE, "", ARTICLE),
        # they differ: the one the line cleaner's reading agrees with more
        (ARTICLE + "\n\n" + BOX, ARTICLE, ARTICLE, ARTICLE),
        (ARTICLE, PARAGRAPHS[0], ARTICLE, ARTICLE),
        # precision mode finds nothing: the line cleaner's article, else the default's text
        (BOX + " " + ARTICLE, "", ARTICLE, ARTICLE),
        (ARTICLE, "", "", ARTICLE),
    ],
)
def test_article_body_chooses_between_trafilatura_modes(  # type: ignore[no-untyped-def]
    monkeypatch, recall, precise, dump, chosen
) -> None:
    from tasks.clean import html

    monkeypatch.setattr(
        html, "_trafilatura_body", lambda tree, url, precision: precise if precision else recall
    )
    monkeypatch.setattr(html, "clean_text_dump", lambda text: [_Found(dump)] if dump else [])
    tree = html.parse_html(page())
    assert tree is not None
    assert html._article_body(tree, None) == chosen


def test_xhtml_declaration_does_not_empty_the_page() -> None:
    xhtml = '<?xml version="1.0" encoding="utf-8"?>\n' + page()
    found = extract_html(xhtml)
    assert found is not None
    assert "ferry terminal" in found.body


def test_visible_text_keeps_adjacent_elements_apart() -> None:
    import lxml.html

    tree = lxml.html.fromstring(
        "<html><body><ul><li>Home</li><li>News</li></ul><p>First <b>bold</b> words.</p>"
        "<script>var x = 1;</script></body></html>"
    )
    lines = visible_text(tree).split("\n\n")
    assert lines[:2] == ["Home", "News"]
    assert "var x" not in visible_text(tree)
