"""The foundation's "done means" over the real seed dumps in ../shared/seeds, and utterances
across outlets. The dated dump is built by the test from the seeds, so nothing of theirs is
committed here."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest_with

pytestmark = [pytest.mark.slow, pytest.mark.shared, pytest.mark.usefixtures("prefect_harness")]

JUNK = (
    "Day In a Page",
    "Harrington Starr",
    "Show Hide image",
    "Photo: Getty",
    "Recruitment Genius",
    "Most read",
)


def _rows(wh: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(wh / "whosaid.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def seeds_wh(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    wh = tmp_path_factory.mktemp("seeds-wh")
    return wh, ingest_with(2)(sources=[str(seeds_dir)], warehouse_dir=str(wh), workers=2)


def test_seeds_land_five_articles(seeds_wh: tuple[Path, dict]) -> None:
    wh, summary = seeds_wh
    assert (summary["records_read"], summary["articles"], summary["rejects"]) == (5, 5, 0)
    titles = {t for (t,) in _rows(wh, "SELECT title FROM articles")}
    assert "Balls goes on attack, but Brown and Miliband now in 'cold war'" in titles
    assert "Balls to drop leadership bid as Unite backs Ed Miliband" in titles
    for (body,) in _rows(wh, "SELECT body FROM articles"):
        for junk in JUNK:
            assert junk not in body


def test_serwotka_quote_attributed(seeds_wh: tuple[Path, dict]) -> None:
    wh, _ = seeds_wh
    found = _rows(
        wh,
        "SELECT speaker_name FROM who_said_what "
        "WHERE quote_text LIKE '%Isn''t that just classic bullying?%'",
    )
    assert ("Mark Serwotka",) in found


@pytest.mark.parametrize("speaker", ["Ed Balls", "Alistair Darling", "Mark Serwotka", "Nick Cohen"])
def test_seed_speakers_quoted(seeds_wh: tuple[Path, dict], speaker: str) -> None:
    wh, _ = seeds_wh
    [(n,)] = _rows(wh, "SELECT count(*) FROM quotes WHERE speaker_name = ?", [speaker])
    assert n >= 1


def test_same_ingest_again_adds_nothing(seeds_wh: tuple[Path, dict], seeds_dir: Path) -> None:
    wh, _ = seeds_wh
    before = _rows(wh, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM quotes)")
    again = ingest_with(1)(sources=[str(seeds_dir)], warehouse_dir=str(wh), workers=1)
    assert (again["records_read"], again["sources_unchanged"]) == (0, 4)
    again = ingest_with(1)(
        sources=[str(seeds_dir)], warehouse_dir=str(wh), workers=1, full_rescan=True
    )
    assert (again["articles"], again["duplicates"]) == (0, 5)
    assert (
        _rows(wh, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM quotes)") == before
    )


def _balls_quotes(seeds_wh: tuple[Path, dict]) -> list[str]:
    wh, _ = seeds_wh
    return [
        t
        for (t,) in _rows(
            wh,
            "SELECT quote_text FROM quotes WHERE speaker_name = 'Ed Balls' "
            "AND kind = 'direct' ORDER BY quote_start",
        )
    ]


def test_speaker_timeline_orders_utterances_across_outlets(
    seeds_wh: tuple[Path, dict], tmp_path: Path
) -> None:
    """Two outlets carry Ed Balls's words on different days: one utterance, first date wins."""
    quotes = _balls_quotes(seeds_wh)
    assert quotes, "no direct Ed Balls quote in the seeds"
    words = quotes[0]
    dump = tmp_path / "wire.jsonl"
    records = [
        {
            "url": "https://wire-one.example/2010/06/14/balls",
            "title": "Balls speaks",
            "date_publish": "2010-06-14",
            "source_domain": "wire-one.example",
            "maintext": f'Ed Balls, the former Education Secretary, said on Sunday: "{words}"',
        },
        {
            "url": "https://wire-two.example/2010/06/16/balls",
            "title": "Balls again",
            "date_publish": "2010-06-16",
            "source_domain": "wire-two.example",
            "maintext": f'"{words}" Ed Balls told reporters, according to the wire.',
        },
    ]
    dump.write_text("".join(json.dumps(r) + "\n" for r in records))
    wh = tmp_path / "wh"
    ingest_with(1)(sources=[str(dump)], warehouse_dir=str(wh), workers=1)
    rows = _rows(
        wh,
        "SELECT said_on, quote_text, n_outlets, outlets FROM speaker_timeline "
        "WHERE speaker_name = 'Ed Balls' ORDER BY said_on",
    )
    assert len(rows) == 1, rows
    said_on, text, n_outlets, outlets = rows[0]
    assert str(said_on) == "2010-06-13"  # "on Sunday", reported on Monday 14 June
    assert n_outlets == 2 and outlets == ["wire-one.example", "wire-two.example"]
