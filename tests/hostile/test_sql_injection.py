"""Search words and entity names reach SQL only as parameters: quotes, semicolons and
``'; DROP TABLE quotes; --`` find what they find and break nothing. Hostile text stored in the
warehouse is data too."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tasks.store import warehouse

DROP = "'; DROP TABLE quotes; --"
HOSTILE = [
    DROP,
    "it's",
    '"quoted"',
    "a;b",
    "%_\\",
    "' OR '1'='1",
    "); DELETE FROM articles; --",
    "?",
    "match_bm25(quote_id, 'x')",
    "ünïcödé ☃",
    "x" * 5000,
    "",
]
QUOTES = [
    ("q1", "Dana Whitlock", "Our members did not want this strike."),
    ("q2", "Ann Lee", "The buses will run again; we listened."),
    ("q3", "Robert'); DROP TABLE quotes; --", DROP + " said the prankster"),
]


def build(wh: Path, fts: bool) -> None:
    """A tiny warehouse made straight from the schema DDL, with hostile text in it."""
    wh.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(wh / "whosaid.duckdb"))
    try:
        warehouse.ensure_schema(con)
        con.execute(
            "INSERT INTO articles (article_id, source_uri, source_locator, outlet, title, body, "
            "word_count, body_cut_chars, content_hash, run_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ["a1", "dump.jsonl", "line:1", "echo'; --", DROP, "Body.", 1, 0, "h1", "r1"],
        )
        for quote_id, speaker, text in QUOTES:
            con.execute(
                "INSERT INTO quotes (quote_id, article_id, kind, quote_text, quote_start, "
                "quote_end, speaker_kind, speaker_name, said_on_precision, said_on_source, "
                "confidence) VALUES (?, 'a1', 'direct', ?, 0, 1, 'person', ?, 'unknown', "
                "'unknown', 0.9)",
                [quote_id, text, speaker],
            )
        if fts:
            if not warehouse.load_fts(con):
                pytest.skip("DuckDB full-text-search extension not available")
            con.execute(
                "PRAGMA create_fts_index('quotes', 'quote_id', 'quote_text', "
                "stemmer = 'porter', stopwords = 'english', overwrite = 1)"
            )
        warehouse.create_views(con, fts)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def counts(wh: Path) -> tuple:
    _, rows = warehouse.query(
        wh,
        "SELECT (SELECT count(*) FROM quotes), "
        "(SELECT count(*) FROM articles), "
        "(SELECT count(*) FROM duckdb_tables())",
    )
    return rows[0]


@pytest.fixture(scope="module", params=[True, False], ids=["fts", "ilike"])
def wh(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wh")
    build(path, request.param)
    return path


def test_search_words_are_parameters(wh: Path) -> None:
    before = counts(wh)
    assert before[:2] == (3, 1)
    for words in HOSTILE:
        names, rows = warehouse.query(
            wh, "SELECT speaker_name, quote_text FROM search_quotes(?)", [words]
        )
        assert names == ["speaker_name", "quote_text"], words
        # Whatever matched is a real quote, not something the words conjured up.
        assert {r[1] for r in rows} <= {q[2] for q in QUOTES}, words
    assert counts(wh) == before


def test_search_finds_hostile_text_as_text(wh: Path) -> None:
    _, rows = warehouse.query(wh, "SELECT quote_id FROM search_quotes(?)", ["prankster"])
    assert rows == [("q3",)]
    _, rows = warehouse.query(wh, "SELECT quote_id FROM search_quotes(?)", ["buses"])
    assert rows == [("q2",)]


NAMED = """
SELECT (SELECT count(*) FROM quotes_about WHERE entity_name = $1),
       (SELECT count(*) FROM speaker_timeline WHERE speaker_name = $1),
       (SELECT count(*) FROM most_quoted WHERE speaker_name = $1 OR outlet = $1),
       (SELECT list(quote_id) FROM who_said_what WHERE speaker_name = $1 OR title = $1)
"""


def test_entity_and_speaker_names_are_parameters(wh: Path) -> None:
    before = counts(wh)
    for name in [*HOSTILE, QUOTES[2][1]]:
        _, [(_, _, _, ids)] = warehouse.query(wh, NAMED, [name])
        # The article's title is DROP itself, and q3's speaker is a Bobby Tables: found as text.
        expected = ["q1", "q2", "q3"] if name == DROP else ["q3"] if name == QUOTES[2][1] else None
        assert (sorted(ids) if ids else None) == expected, name
    assert counts(wh) == before


@pytest.mark.parametrize(
    "sql", ["DROP TABLE quotes", "DELETE FROM quotes", "INSERT INTO quotes SELECT * FROM quotes"]
)
def test_query_is_read_only(wh: Path, sql: str) -> None:
    before = counts(wh)
    with pytest.raises(duckdb.Error):
        warehouse.query(wh, sql)
    assert counts(wh) == before
