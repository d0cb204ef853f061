"""The ingest flow end to end under a throwaway Prefect API: the warehouse contents, not just
success."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest_with
from tasks.ingest.sources import SourceError

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def run(sources: list[str], wh: Path, workers: int = 1, full_rescan: bool = False) -> dict:
    return ingest_with(workers)(
        sources=sources, warehouse_dir=str(wh), workers=workers, full_rescan=full_rescan
    )


def rows(wh: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(wh / "whosaid.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def samples_wh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    wh = tmp_path_factory.mktemp("wh")
    return wh, run([str(SAMPLES)], wh, workers=2)


def test_samples_land_with_accounting(samples_wh: tuple[Path, dict]) -> None:
    wh, summary = samples_wh
    # The samples: nine records, each a distinct article (a finished run has balanced already).
    counts = ("records_read", "articles", "duplicates", "rejects")
    assert [summary[k] for k in counts] == [9, 9, 0, 0]
    [(n_articles, n_outlets)] = rows(wh, "SELECT count(*), count(DISTINCT outlet) FROM articles")
    assert n_articles == 9 and n_outlets >= 3
    assert rows(wh, "SELECT records_read, articles FROM runs") == [(9, 9)]
    # Every table is there as Parquet too.
    for table in ("articles", "mentions", "quotes", "entity_occurrences", "runs"):
        assert list((wh / "parquet" / table).glob("run=*/part-*.parquet")), table


def test_samples_quotes_have_speakers_and_dates(samples_wh: tuple[Path, dict]) -> None:
    wh, _ = samples_wh
    said = rows(
        wh,
        """SELECT speaker_name, quote_text, said_on, outlet FROM who_said_what
                       WHERE quote_text LIKE 'Our members did not want this%'
                       ORDER BY said_on""",
    )
    assert said, "Dana Whitlock's quote was not found"
    assert {s[0] for s in said} == {"Dana Whitlock"}
    assert any(s[2] is not None for s in said)
    [(n,)] = rows(wh, "SELECT count(*) FROM quotes WHERE speaker_name = 'Priya Raman'")
    assert n >= 2


def test_views_answer(samples_wh: tuple[Path, dict]) -> None:
    wh, _ = samples_wh
    for view in (
        "who_said_what",
        "speaker_timeline",
        "most_quoted",
        "quotes_about",
        "widely_carried",
    ):
        assert rows(wh, f"SELECT count(*) FROM {view}")[0][0] > 0, view
    hits = rows(wh, "SELECT speaker_name FROM search_quotes('bus money')")
    assert ("Dana Whitlock",) in hits


def test_reingest_adds_nothing(samples_wh: tuple[Path, dict], tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    shutil.copytree(samples_wh[0], wh)
    before = rows(
        wh,
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM quotes), "
        "(SELECT count(*) FROM mentions), (SELECT count(*) FROM entities)",
    )
    again = run([str(SAMPLES)], wh)  # unchanged files are not even read again
    assert again["records_read"] == 0 and again["sources_unchanged"] == 6
    rescan = run([str(SAMPLES)], wh, full_rescan=True)  # read again: every record is a duplicate
    assert rescan["articles"] == 0 and rescan["duplicates"] == 9 and rescan["records_read"] == 9
    after = rows(
        wh,
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM quotes), "
        "(SELECT count(*) FROM mentions), (SELECT count(*) FROM entities)",
    )
    assert after == before
    assert rows(wh, "SELECT count(*) FROM runs")[0][0] == 3


def test_a_recrawl_in_a_later_run_is_a_near_duplicate(
    samples_wh: tuple[Path, dict], tmp_path: Path
) -> None:
    wh = tmp_path / "wh"
    shutil.copytree(samples_wh[0], wh)
    text = (SAMPLES / "harwick-strike.txt").read_text(encoding="utf-8")
    recrawl = tmp_path / "recrawl"
    recrawl.mkdir()
    # The same story fetched again a day later, one word edited by the outlet.
    (recrawl / "harwick-strike-again.txt").write_text(text.replace(" the ", " this ", 1))
    got = run([str(recrawl)], wh)
    assert (got["records_read"], got["articles"], got["duplicates"]) == (1, 0, 1)
    [(method, canonical_found)] = rows(
        wh,
        "SELECT method, duplicate_of IN (SELECT article_id FROM articles) FROM duplicates "
        "WHERE source_uri LIKE '%harwick-strike-again.txt'",
    )
    assert method == "near" and canonical_found

    # The dedupe store lost: the next run rebuilds it from the warehouse's Parquet.
    (wh / "state" / "dedupe.sqlite").unlink()
    (recrawl / "harwick-strike-again.txt").write_text(text.replace(" the ", " that ", 1))
    again = run([str(recrawl)], wh)
    assert (again["articles"], again["duplicates"]) == (0, 1)


def test_broken_jsonl_line_is_one_reject(tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    records = [
        {
            "title": f"Story {i}",
            "text": f"The mayor, Ann Lee, said on Monday that road "
            f'number {i} would reopen. "It is done," she said.',
            "date": "2024-05-0{i}",
        }
        for i in range(1, 5)
    ]
    lines = [json.dumps(r) for r in records]
    lines.insert(2, '{"title": "broken", "text": ')
    dump.write_text("\n".join(lines) + "\n")
    wh = tmp_path / "wh"
    summary = run([str(dump)], wh)
    assert (summary["records_read"], summary["articles"], summary["rejects"]) == (5, 4, 1)
    [(loc, stage, reason)] = rows(wh, "SELECT source_locator, stage, reason FROM rejects")
    assert loc == "line:3" and stage == "read" and "invalid JSON" in reason


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file or folder"):
        run([str(tmp_path / "nope")], tmp_path / "wh")


def test_missing_attribution_tagger_stops_the_run_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tasks.nlp.attribution_model import MODEL_ENV

    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "no-model"))
    with pytest.raises(FileNotFoundError, match="no spaCy pipeline there"):
        run([str(SAMPLES)], tmp_path / "wh")
    assert not (tmp_path / "wh" / "runs").exists() or not any((tmp_path / "wh" / "runs").iterdir())


def test_rejects_and_duplicates_leave_memory_as_the_run_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ledger writes its rows out in parts during the run; none is lost or doubled."""
    from tasks.store import ledger

    monkeypatch.setattr(ledger, "FLUSH_ROWS", 4)
    story = {
        "title": "Ferry",
        "text": 'The harbour master, Ines Kaur, said: "The ferry sails at six."',
    }
    lines = ['{"title": "cut off", "text": '] * 12 + [json.dumps(story)] * 9
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(lines) + "\n")
    wh = tmp_path / "wh"
    s = ingest_with(1)(sources=[str(dump)], warehouse_dir=str(wh), workers=1, batch_size=5)
    assert (s["records_read"], s["articles"], s["duplicates"], s["rejects"]) == (21, 1, 8, 12)
    parts = list((wh / "parquet" / "rejects").glob("run=*/part-*.parquet"))
    assert len(parts) >= 3  # parts of at least 4 during the run, the rest at the end
    assert rows(wh, "SELECT count(*), count(DISTINCT source_locator) FROM rejects") == [(12, 12)]
    assert rows(wh, "SELECT count(*), count(DISTINCT source_locator) FROM duplicates") == [(8, 8)]


def test_a_batch_whose_nlp_fails_is_rejected_with_the_copies_of_its_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch's article and the two copies of it read beside it become rejects (the copies
    are held back while the article is in flight, though a part's worth of duplicates waits);
    the next batch is kept, the run commits and its checks pass."""
    from flows import steps
    from tasks.store import ledger

    monkeypatch.setattr(ledger, "FLUSH_ROWS", 2)
    real = steps.analyse

    def analyse(articles, run_id):  # type: ignore[no-untyped-def]
        if any(a.source_locator == "line:1" for a in articles):
            raise RuntimeError("tagger fell over")
        return real(articles, run_id)

    monkeypatch.setattr(steps, "analyse", analyse)
    ferry = {"title": "Ferry", "text": 'The harbour master, Ines Kaur, said: "It sails at six."'}
    bridge = {"title": "Bridge", "text": 'The engineer, Tom Okafor, said: "It opens in May."'}
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(json.dumps(r) for r in [ferry, ferry, ferry, bridge]) + "\n")
    wh = tmp_path / "wh"
    s = ingest_with(1)(sources=[str(dump)], warehouse_dir=str(wh), workers=1, batch_size=3)
    assert (s["records_read"], s["articles"], s["duplicates"], s["rejects"]) == (4, 1, 0, 3)
    assert s["load"] == "loaded 1 run(s)"
    assert rows(wh, "SELECT source_locator, stage, reason FROM rejects ORDER BY 1") == [
        ("line:1", "nlp", "NLP failed: RuntimeError: tagger fell over"),
        ("line:2", "nlp", "duplicate of an article whose NLP failed"),
        ("line:3", "nlp", "duplicate of an article whose NLP failed"),
    ]
    assert rows(wh, "SELECT title FROM articles") == [("Bridge",)]
    assert rows(wh, "SELECT count(*) FROM duplicates") == [(0,)]
