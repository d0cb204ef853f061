"""The report as one self-contained HTML file: Jinja2 templates, the CSS, BokehJS, the charts and
the quotes for search all inside it, so it opens from the file system with no network and no
server (a page opened from a file may not fetch another file, so nothing is left outside).

Pages are sections of the one file, shown by the address's #fragment: ``#overview``,
``#speakers``, ``#speaker-<key>``, ``#carried``, ``#outlets``, ``#search``. Without JavaScript
every section shows, one after another (the tables are HTML; only the charts need the script).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from bokeh.resources import Resources
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from tasks.report.records import Report

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _n(value: int | float | None) -> str:
    return "" if value is None else f"{value:,}"


def _pct(value: float) -> str:
    return f"{value:.0%}"


def _day(value: date | datetime | None) -> str:
    """'3 Mar 2025' (a timestamp shows its UTC date)."""
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y}"


def _moment(value: datetime | None) -> str:
    return "" if value is None else f"{value:%Y-%m-%d %H:%M}"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["j2", "html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(n=_n, pct=_pct, day=_day, moment=_moment)
    return env


@cache
def bokeh_js() -> Markup:
    """BokehJS's core bundle, inlined (the widgets, tables, WebGL and MathJax bundles are not
    used by these charts)."""
    return Markup(Resources(mode="inline", components=["bokeh"]).render_js())


def script_json(value: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` element: every '<' escaped, so no text in
    the data (a quote reading '</script>') can end the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return Markup(text.replace("<", "\\u003c"))


def search_rows(report: Report) -> list[list[str]]:
    """What the page's search looks in: each quote the report lists once, as [text, speaker,
    speaker page key, date, outlets, utterance id]."""
    rows: dict[str, list[str]] = {}
    for page in report.pages:
        for u in page.utterances:
            rows[u.utterance_id] = [
                u.text,
                page.speaker.name,
                page.speaker.key,
                _day(u.said_on),
                ", ".join(u.outlets),
                u.utterance_id,
            ]
    for c in report.carried:
        rows.setdefault(
            c.utterance_id,
            [
                c.text,
                c.speaker_name or "",
                c.speaker_key or "",
                _day(c.first_published_at),
                c.first_outlet or "",
                c.utterance_id,
            ],
        )
    return list(rows.values())


def render(report: Report, charts: dict[str, dict[str, Any]], name: str, warehouse: str) -> str:
    """The whole report as one HTML document."""
    quotes = search_rows(report)
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            r=report,
            name=name,
            warehouse=warehouse,
            css=Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
            js=Markup((TEMPLATES / "report.js").read_text(encoding="utf-8")),
            bokeh_js=bokeh_js(),
            charts_json=script_json(charts),
            quotes_json=script_json(quotes),
            n_search=len(quotes),
            paged={p.speaker.key for p in report.pages},
            paged_names={p.speaker.name: p.speaker.key for p in reversed(report.pages)},
        )
    )
