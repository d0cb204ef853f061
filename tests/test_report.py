"""`whosaid report`: every aggregate checked against the warehouse's own rows, on two warehouses.

- A literal one built here row by row (three outlets, two people, one quote carried by all
  three on three days, a reject), with the figures known by hand, and a copy of it with the
  `gender` column that entities may carry.
- The samples' warehouse, made by the ingest flow with ``report_dir`` set (so the flow's
  report step and its artifact are checked too), where each figure is recomputed in Python from
  the raw quote and article rows.

And the bad inputs: an empty warehouse says so, a missing or busy one is a one-line error.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from whosaid.cli import app

import duckdb
import pytest
from typer.testing import CliRunner

from schemas.tables import BY_NAME
from tasks.report import ReportError, ReportOptions, aggregates
from tasks.report.build import gather, write_report
from tasks.store import rows as row_io
from tasks.store import warehouse

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


# -- a warehouse written row by row -------------------------------------------------------------


def _ts(day: int, hour: int = 9) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=UTC)


ANN, BO = "e_ann", "e_bo"
BRIDGE = "We will build the bridge before the winter comes."
BUDGET = "The budget is fair to every ward in the town."
NOBODY = "Nobody asked us about the bridge at all."
ARTICLES = [  # id, outlet, published, the quotes it carries (quote id, text)
    ("a1", "Alpha Times", _ts(3), [("q1", BRIDGE), ("q5", NOBODY)]),
    ("a2", "Beta Post", _ts(4), [("q2", BRIDGE), ("q6", "the plan was late")]),
    ("a3", "Gamma News", _ts(5), [("q3", BRIDGE)]),
    ("a4", "Alpha Times", _ts(12), [("q4", BUDGET)]),
    ("a5", "Gamma News", _ts(24), []),  # a quiet week before it: the timeline shows a zero
]
QUOTES = {  # quote id: kind, speaker entity, name, role, said_on, utterance
    "q1": ("direct", ANN, "Ann Ober", "mayor", date(2025, 3, 3), "u1"),
    "q2": ("direct", ANN, "Ann Ober", "Mayor of Harwick", None, "u1"),
    "q3": ("partial", ANN, "Ann Ober", None, None, "u1"),
    "q4": ("indirect", ANN, "Ann Ober", "mayor", date(2025, 3, 11), "u2"),
    "q5": ("direct", BO, "Bo Chen", "resident", date(2025, 3, 3), "u3"),
    "q6": ("indirect", None, None, None, None, "u4"),
}


def _row(table: str, **values: Any) -> dict[str, Any]:
    """A row naming every declared column: the given values, NULL for the rest."""
    return {name: values.get(name) for name in BY_NAME[table].schema.names}


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    data = row_io.to_arrow(BY_NAME[table], rows)
    con.register("incoming", data)
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
    con.unregister("incoming")


def build_literal(wh: Path, genders: dict[str, str] | None = None) -> Path:
    """The literal warehouse; with ``genders``, entities get the gender column and values."""
    wh.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(wh / "whosaid.duckdb"))
    warehouse.ensure_schema(con)
    articles, quotes = [], []
    for article_id, outlet, published, carried in ARTICLES:
        body = " ".join(f"{text}" for _, text in carried) + " More words follow here."
        articles.append(
            _row(
                "articles",
                article_id=article_id,
                source_uri="literal.jsonl",
                source_locator=f"line:{article_id}",
                url=f"https://news.example/{article_id}",
                outlet=outlet,
                title=f"Story {article_id}",
                published_at=published,
                published_at_source="metadata",
                language="en",
                body=body,
                word_count=len(body.split()),
                body_cut_chars=0,
                content_hash=f"h{article_id}",
                run_id="r1",
            )
        )
        for quote_id, text in carried:
            kind, entity, name, role, said_on, utterance = QUOTES[quote_id]
            start = body.index(text)
            quotes.append(
                _row(
                    "quotes",
                    quote_id=quote_id,
                    article_id=article_id,
                    kind=kind,
                    quote_text=text,
                    quote_start=start,
                    quote_end=start + len(text),
                    speaker_kind="person" if entity else "unnamed",
                    speaker_entity_id=entity,
                    speaker_name=name,
                    speaker_role=role,
                    said_on=said_on,
                    said_on_precision="day" if said_on else "unknown",
                    said_on_source="expression" if said_on else "unknown",
                    confidence=0.85,
                    found_by="rule",
                    utterance_id=utterance,
                )
            )
    _insert(con, "articles", articles)
    _insert(con, "quotes", quotes)
    _insert(
        con,
        "entities",
        [
            _row("entities", entity_id=e, name=n, label="PERSON", n_articles=1, n_mentions=1)
            for e, n in ((ANN, "Ann Ober"), (BO, "Bo Chen"))
        ],
    )
    _insert(
        con,
        "utterances",
        [
            _row(
                "utterances",
                utterance_id=u,
                speaker_entity_id=e,
                speaker_name=n,
                canonical_text=t,
                first_said_on=s,
                first_published_at=p,
                n_quotes=nq,
                n_articles=nq,
                n_outlets=no,
            )
            for u, e, n, t, s, p, nq, no in (
                ("u1", ANN, "Ann Ober", BRIDGE, date(2025, 3, 3), _ts(3), 3, 3),
                ("u2", ANN, "Ann Ober", BUDGET, date(2025, 3, 11), _ts(12), 1, 1),
                ("u3", BO, "Bo Chen", NOBODY, date(2025, 3, 3), _ts(3), 1, 1),
                ("u4", None, None, "the plan was late", None, _ts(4), 1, 1),
            )
        ],
    )
    _insert(
        con,
        "rejects",
        [
            _row(
                "rejects",
                source_uri="literal.jsonl",
                source_locator="line:9",
                stage="read",
                reason="not valid JSON",
                run_id="r1",
            )
        ],
    )
    _insert(
        con,
        "runs",
        [
            _row(
                "runs",
                run_id="r1",
                started_at=_ts(13),
                finished_at=_ts(13, 10),
                sources=["literal.jsonl"],
                records_read=6,
                articles=5,
                duplicates=0,
                rejects=1,
                quotes=6,
                mentions=0,
            )
        ],
    )
    if genders is not None:
        for entity, gender in genders.items():
            con.execute("UPDATE entities SET gender = ? WHERE entity_id = ?", [gender, entity])
    warehouse.create_views(con, fts=False)
    con.close()
    return wh


@pytest.fixture(scope="module")
def literal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_literal(tmp_path_factory.mktemp("literal"))


@pytest.fixture(scope="module")
def literal_gender(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_literal(tmp_path_factory.mktemp("literal-gender"), {ANN: "female"})


def report_of(wh: Path, options: ReportOptions | None = None) -> aggregates.Report:
    con = aggregates.open_warehouse(wh)
    try:
        return gather(con, options or ReportOptions())
    finally:
        con.close()


def test_literal_overview(literal: Path) -> None:
    r = report_of(literal)
    t = r.totals
    assert (t.articles, t.outlets, t.quotes, t.people, t.utterances) == (5, 3, 6, 2, 4)
    assert (t.first_published, t.last_published, t.undated_articles) == (
        date(2025, 3, 3),
        date(2025, 3, 24),
        0,
    )
    assert r.timeline.unit == "week"
    weeks = [(p.start, p.articles, p.outlets, p.quotes, p.people) for p in r.timeline.periods]
    assert weeks == [
        (date(2025, 3, 3), 3, 3, 5, 2),
        (date(2025, 3, 10), 1, 1, 1, 1),
        (date(2025, 3, 17), 0, 0, 0, 0),
        (date(2025, 3, 24), 1, 1, 0, 0),
    ]
    [run] = r.runs
    assert (run.run_id, run.records_read, run.articles, run.rejects) == ("r1", 6, 5, 1)
    assert [(c.stage, c.reason, c.n) for c in run.rejects_by_reason] == [
        ("read", "not valid JSON", 1)
    ]
    assert len(r.checks) == len(warehouse.check_queries())
    assert [c.name for c in r.checks if c.failing_rows] == []


def test_literal_speakers_and_pages(literal: Path) -> None:
    r = report_of(literal)
    ann, bo = r.speakers
    assert (ann.name, ann.n_quotes, ann.n_utterances, ann.n_articles, ann.n_outlets) == (
        "Ann Ober",
        4,
        2,
        4,
        3,
    )
    # q2 and q3 have no said_on: their articles' publication dates count.
    assert (ann.first_said, ann.last_said, ann.gender) == (
        date(2025, 3, 3),
        date(2025, 3, 11),
        None,
    )
    assert (bo.name, bo.n_quotes) == ("Bo Chen", 1)
    by_outlet = {(c.speaker_key, c.label): c.n for c in r.speaker_outlets}
    assert by_outlet == {
        (ann.key, "Alpha Times"): 2,
        (ann.key, "Beta Post"): 1,
        (ann.key, "Gamma News"): 1,
        (bo.key, "Alpha Times"): 1,
    }
    page = r.pages[0]
    assert page.speaker == ann
    assert [(u.utterance_id, u.said_on, u.n_outlets) for u in page.utterances] == [
        ("u1", date(2025, 3, 3), 3),
        ("u2", date(2025, 3, 11), 1),
    ]
    bridge = page.utterances[0]
    assert bridge.outlets == ("Alpha Times", "Beta Post", "Gamma News")
    assert bridge.first_outlet == "Alpha Times"
    assert [a.url for a in bridge.articles] == [f"https://news.example/a{i}" for i in (1, 2, 3)]
    assert [(c.label, c.n) for c in page.roles] == [("mayor", 2), ("Mayor of Harwick", 1)]
    assert [(c.label, c.n) for c in page.co_quoted] == [("Bo Chen", 1)]
    assert [(c.label, c.n) for c in page.kinds] == [("direct", 2), ("indirect", 1), ("partial", 1)]
    assert [(c.label, c.n) for c in page.periods] == [("2025-03-03", 3), ("2025-03-10", 1)]


def test_literal_widely_carried_and_outlets(literal: Path) -> None:
    r = report_of(literal)
    [bridge] = r.carried  # the only utterance carried by more than one outlet
    assert (bridge.utterance_id, bridge.n_outlets, bridge.first_outlet) == ("u1", 3, "Alpha Times")
    assert bridge.speaker_key == r.pages[0].speaker.key
    assert [(p.day, p.outlets) for p in bridge.spread] == [(0, 1), (1, 2), (2, 3)]
    assert (bridge.first_published_at, bridge.last_published_at) == (_ts(3), _ts(5))
    outlets = {o.outlet: o for o in r.outlets}
    alpha = outlets["Alpha Times"]
    assert (alpha.n_articles, alpha.n_quotes) == (2, 3)
    assert [(k.label, k.n) for k in alpha.kinds] == [("direct", 2), ("partial", 0), ("indirect", 1)]
    assert [(c.label, c.n) for c in alpha.top_speakers] == [("Ann Ober", 2), ("Bo Chen", 1)]
    assert [o.outlet for o in r.outlets] == ["Alpha Times", "Beta Post", "Gamma News"]
    assert r.n_outlets_total == 3 and not r.has_gender and alpha.genders == ()


def test_bounds_cut_what_is_shown(literal: Path) -> None:
    r = report_of(
        literal,
        ReportOptions(speakers=1, utterances_per_speaker=1, links_per_utterance=1, outlets=2),
    )
    [page] = r.pages
    assert [u.utterance_id for u in page.utterances] == ["u2"]  # the latest
    assert [s.name for s in r.speakers] == ["Ann Ober", "Bo Chen"]  # the table goes on
    assert len(r.outlets) == 2 and r.n_outlets_total == 3
    assert r.carried[0].speaker_key == page.speaker.key


def test_gender_shown_when_the_column_exists(literal: Path, literal_gender: Path) -> None:
    r = report_of(literal_gender)
    assert r.has_gender
    assert {s.name: s.gender for s in r.speakers} == {"Ann Ober": "female", "Bo Chen": None}
    assert [(g.label, g.n) for g in r.genders] == [("female", 4), ("unknown", 1)]
    alpha = next(o for o in r.outlets if o.outlet == "Alpha Times")
    assert [(g.label, g.n) for g in alpha.genders] == [("female", 2), ("unknown", 1)]
    with_gender = _html(literal_gender, "with-gender")
    without = _html(literal, "without-gender")
    for page in (with_gender, without):
        assert 'id="speakers-table"' in page
    assert 'id="chart-outlet-genders"' in with_gender and "<th>gender</th>" in with_gender
    assert 'id="chart-outlet-genders"' not in without and "<th>gender</th>" not in without


def _html(wh: Path, name: str) -> str:
    written = write_report(wh, wh.parent / f"report-{name}")
    return written.path.read_text(encoding="utf-8")


class _Resources(HTMLParser):
    """Every URL the page would load by itself (not links a reader follows)."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        for attr in ("src", "srcset", "data", "poster"):
            if a.get(attr):
                self.loaded.append(a[attr] or "")
        if tag == "link" and a.get("href"):
            self.loaded.append(a["href"] or "")


def test_page_is_self_contained(literal: Path) -> None:
    written = write_report(literal, literal.parent / "report-contained")
    assert written.path.name == "index.html" and written.path.parent.is_dir()
    assert [p.name for p in written.path.parent.iterdir()] == ["index.html"]
    page = written.path.read_text(encoding="utf-8")
    parser = _Resources()
    parser.feed(page)
    assert parser.loaded == []  # no script, style sheet, image or frame from anywhere
    assert re.search(r"url\(\s*['\"]?(https?:|//)", page) is None  # nor from the CSS
    assert "Bokeh.embed.embed_item" in page  # the charts are drawn by the script inlined here
    # The links a reader can follow: the pages of this file, and the articles' own URLs.
    outside = {link for link in parser.links if not link.startswith("#")}
    assert outside == {f"https://news.example/a{i}" for i in range(1, 5)}  # a5 has no quote
    # Element ids are unique (the page shown is the element the #fragment names), and every
    # in-page link has its section.
    element_ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [i for i, n in element_ids.items() if n > 1] == []
    ids = set(re.findall(r'<section class="page[^"]*" id="([^"]+)"', page))
    assert {link[1:] for link in parser.links if link.startswith("#")} <= ids
    assert html.escape(BRIDGE, quote=False) in page


def test_text_in_the_data_cannot_end_its_script(tmp_path: Path) -> None:
    from tasks.report.pages import script_json

    text = str(script_json({"quote": "</script><script>alert(1)</script>"}))
    assert "</script" not in text and "<" not in text


# -- bad input ----------------------------------------------------------------------------------


def test_empty_warehouse_says_so(tmp_path: Path) -> None:
    wh = tmp_path / "empty"
    wh.mkdir()
    con = duckdb.connect(str(wh / "whosaid.duckdb"))
    warehouse.ensure_schema(con)
    con.close()
    done = CliRunner().invoke(app, ["report", "-w", str(wh), "-o", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    assert "the warehouse is empty" in done.output
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'id="empty-warehouse"' in page and "This warehouse is empty" in page
    assert 'id="chart-' not in page  # nothing to draw, and no chart pretends otherwise


def test_missing_warehouse_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["report", "-w", str(tmp_path / "nowhere"), "-o", str(out)])
    assert done.exit_code == 1
    assert done.output.strip().splitlines() == [
        f"error: no warehouse at {tmp_path / 'nowhere'} (run `whosaid ingest` first)"
    ]
    assert not out.exists()  # and no report pretending to be one


def test_not_a_whosaid_warehouse(tmp_path: Path) -> None:
    duckdb.connect(str(tmp_path / "whosaid.duckdb")).close()
    with pytest.raises(ReportError, match="not a whosaid warehouse: no table articles"):
        aggregates.open_warehouse(tmp_path)


def test_busy_warehouse_is_one_line(literal: Path, tmp_path: Path) -> None:
    """A run holding the DuckDB file for writing: the report says so and exits non-zero."""
    wh = tmp_path / "busy"
    build_literal(wh)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]);"
            " print('open', flush=True); time.sleep(60)",
            str(wh / "whosaid.duckdb"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        done = CliRunner().invoke(app, ["report", "-w", str(wh), "-o", str(tmp_path / "out")])
    finally:
        holder.kill()
        holder.wait()
    assert done.exit_code == 1
    [line] = done.output.strip().splitlines()
    assert "is being written by a run" in line


# -- the samples' warehouse, made by the flow with report_dir -----------------------------------


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> tuple[Path, dict]:
    from flows.ingest import ingest_with

    wh = tmp_path_factory.mktemp("samples-wh")
    summary = ingest_with(1)(
        sources=[str(SAMPLES)], warehouse_dir=str(wh), workers=1, report_dir=str(wh / "report")
    )
    return wh, summary


def raw(wh: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(wh / "whosaid.duckdb"), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(sql).fetchall()
    finally:
        con.close()


def quote_rows(wh: Path) -> list[dict[str, Any]]:
    """Every quote with its article's outlet and date, as plain rows for Python to count."""
    cols = (
        "q.quote_id, q.article_id, q.kind, q.speaker_kind, q.speaker_entity_id, q.speaker_name,"
        " q.speaker_role, q.said_on, q.utterance_id, a.outlet, a.published_at"
    )
    names = [c.strip().split(".")[1] for c in cols.split(",")]
    rows = raw(wh, f"SELECT {cols} FROM quotes q JOIN articles a USING (article_id)")
    return [dict(zip(names, r, strict=True)) for r in rows]


def _day_of(q: dict[str, Any]) -> date | None:
    return q["said_on"] or (q["published_at"].date() if q["published_at"] else None)


@pytest.mark.slow
def test_the_flow_writes_the_report_and_its_artifact_links_it(samples: tuple[Path, dict]) -> None:
    from prefect.artifacts import Artifact

    from flows.report import REPORT_KEY

    wh, summary = samples
    written = summary["report"]
    path = Path(written["path"])
    assert (
        path == (wh / "report" / "index.html").resolve() and path.stat().st_size == written["bytes"]
    )
    assert "Dana Whitlock" in path.read_text(encoding="utf-8")
    artifact = Artifact.get(REPORT_KEY)
    assert artifact is not None and f"]({path.as_uri()})" in str(artifact.data)


@pytest.mark.slow
def test_samples_overview_against_the_rows(samples: tuple[Path, dict]) -> None:
    wh, summary = samples
    r = report_of(wh)
    quotes = quote_rows(wh)
    articles = raw(wh, "SELECT article_id, outlet, published_at FROM articles")
    people = {(q["speaker_entity_id"], q["speaker_name"]) for q in quotes if _is_person(q)}
    assert r.totals.articles == len(articles) == summary["articles"]
    assert r.totals.outlets == len({a[1] for a in articles if a[1] is not None})
    assert r.totals.quotes == len(quotes) and r.totals.people == len(people)
    dated = [a for a in articles if a[2] is not None]
    assert r.totals.undated_articles == len(articles) - len(dated)
    # Weekly periods (the samples span three weeks), every week from the first to the last.
    per_week: dict[date, list[tuple]] = defaultdict(list)
    for a in dated:
        d = a[2].date()
        per_week[date.fromordinal(d.toordinal() - d.weekday())].append(a)
    assert r.timeline.unit == "week"
    assert [p.start for p in r.timeline.periods][0] == min(per_week)
    assert [p.start for p in r.timeline.periods][-1] == max(per_week)
    for p in r.timeline.periods:
        week = per_week.get(p.start, [])
        ids = {a[0] for a in week}
        in_week = [q for q in quotes if q["article_id"] in ids]
        assert p.articles == len(week) and p.outlets == len({a[1] for a in week if a[1]})
        assert p.quotes == len(in_week)
        assert p.people == len(
            {(q["speaker_entity_id"], q["speaker_name"]) for q in in_week if _is_person(q)}
        )
    [run] = r.runs
    assert (run.records_read, run.articles, run.duplicates, run.rejects) == (
        summary["records_read"],
        summary["articles"],
        summary["duplicates"],
        summary["rejects"],
    )
    assert len(r.checks) == len(warehouse.check_queries()) and not any(
        c.failing_rows for c in r.checks
    )


def _is_person(q: dict[str, Any]) -> bool:
    return q["speaker_kind"] == "person" and q["speaker_name"] is not None


@pytest.mark.slow
def test_samples_speakers_against_the_rows(samples: tuple[Path, dict]) -> None:
    wh, _ = samples
    r = report_of(wh)
    quotes = [q for q in quote_rows(wh) if _is_person(q)]
    counts = Counter((q["speaker_entity_id"], q["speaker_name"]) for q in quotes)
    assert [(s.entity_id, s.name, s.n_quotes) for s in r.speakers] == sorted(
        ((e, n, c) for (e, n), c in counts.items()), key=lambda t: (-t[2], t[1], t[0] or "")
    )
    for s in r.speakers:
        mine = [
            q
            for q in quotes
            if (q["speaker_entity_id"], q["speaker_name"]) == (s.entity_id, s.name)
        ]
        days = [d for d in map(_day_of, mine) if d]
        assert s.n_articles == len({q["article_id"] for q in mine})
        assert s.n_outlets == len({q["outlet"] for q in mine if q["outlet"]})
        assert s.n_utterances == len({q["utterance_id"] for q in mine})
        assert (s.first_said, s.last_said) == ((min(days), max(days)) if days else (None, None))
    assert len(r.pages) == min(ReportOptions().speakers, len(r.speakers))
    utterances = raw(
        wh,
        "SELECT utterance_id, speaker_entity_id, speaker_name, canonical_text FROM utterances",
    )
    for page in r.pages:
        s = page.speaker
        mine = [
            q
            for q in quotes
            if (q["speaker_entity_id"], q["speaker_name"]) == (s.entity_id, s.name)
        ]
        # Every utterance of theirs (none is cut at this size), in date order, undated last.
        expected = {u[0] for u in utterances if (u[1], u[2]) == (s.entity_id, s.name)}
        assert {u.utterance_id for u in page.utterances} == expected
        dates = [u.said_on for u in page.utterances]
        assert dates == sorted(dates, key=lambda d: (d is None, d or date.min))
        for u in page.utterances:
            carried = [q for q in quote_rows(wh) if q["utterance_id"] == u.utterance_id]
            assert set(u.outlets) == {q["outlet"] for q in carried if q["outlet"]}
        roles = Counter(q["speaker_role"] for q in mine if q["speaker_role"])
        assert {(c.label, c.n) for c in page.roles} == set(roles.items())
        articles = {q["article_id"] for q in mine}
        beside = Counter()
        for name in {q["speaker_name"] for q in quotes if q["speaker_name"] != s.name}:
            shared = {q["article_id"] for q in quotes if q["speaker_name"] == name} & articles
            if shared:
                beside[name] = len(shared)
        assert {(c.label, c.n) for c in page.co_quoted} == set(beside.items())


@pytest.mark.slow
def test_samples_carried_and_outlets_against_the_rows(samples: tuple[Path, dict]) -> None:
    wh, _ = samples
    r = report_of(wh)
    quotes = quote_rows(wh)
    spread = raw(wh, "SELECT utterance_id FROM utterances WHERE n_outlets > 1")
    assert {c.utterance_id for c in r.carried} == {u[0] for u in spread}
    assert [c.n_outlets for c in r.carried] == sorted(
        (c.n_outlets for c in r.carried), reverse=True
    )
    for c in r.carried:
        carried = [q for q in quotes if q["utterance_id"] == c.utterance_id]
        dated = [q for q in carried if q["published_at"]]
        assert c.n_outlets == len({q["outlet"] for q in carried if q["outlet"]})
        if dated:
            first = min(dated, key=lambda q: q["published_at"])
            assert (c.first_outlet, c.first_published_at) == (
                first["outlet"],
                first["published_at"],
            )
    by_outlet: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in quotes:
        by_outlet[q["outlet"] or "(no outlet)"].append(q)
    assert {o.outlet for o in r.outlets} == {
        a[0] or "(no outlet)" for a in raw(wh, "SELECT DISTINCT outlet FROM articles")
    }
    for o in r.outlets:
        mine = by_outlet.get(o.outlet, [])
        assert o.n_quotes == len(mine)
        assert {k.label: k.n for k in o.kinds} == {
            k: sum(q["kind"] == k for q in mine) for k in ("direct", "partial", "indirect")
        }
        top = Counter(q["speaker_name"] for q in mine if _is_person(q))
        ranked = sorted(top.items(), key=lambda t: (-t[1], t[0]))[
            : ReportOptions().speakers_per_outlet
        ]
        assert [(c.label, c.n) for c in o.top_speakers] == ranked


@pytest.mark.slow
def test_samples_report_from_the_command_line(samples: tuple[Path, dict], tmp_path: Path) -> None:
    wh, _ = samples
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["report", "-w", str(wh), "-o", str(out), "--speakers", "3"])
    assert done.exit_code == 0, done.output
    path = (out / "index.html").resolve()
    assert done.output.strip() == f"report written to {path}"
    page = path.read_text(encoding="utf-8")
    assert len(re.findall(r'<section class="page speaker-page"', page)) == 3


@pytest.mark.slow
def test_the_speed_bench_runs(tmp_path: Path) -> None:
    """bench/report_speed.py on a small warehouse: it builds, its checks pass, and it prints the
    table docs/report.md quotes (no timing is asserted: the machine is shared)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "report_speed.py"), "--quotes", "2000"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert "2,000 quotes, 500 articles" in done.stdout
    assert re.search(r"\| \*\*write_report, end to end\*\* \| \*\*\d+\.\d\d\*\* \|", done.stdout)
    assert "| aggregate: speaker pages |" in done.stdout
