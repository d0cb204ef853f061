"""One entity per person across articles and runs: the load's linking (tasks/store/identity.py),
the entity roll-up, and the views that show who speaks, their gender and whom they speak for."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from tasks.model import Article
from tasks.store import identity, rows, warehouse


def _article(text: str) -> Article:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Article(
        article_id=digest[:24],
        content_hash=digest,
        source_uri="dump.jsonl",
        source_locator=f"line:{digest[:6]}",
        url=None,
        outlet="example.org",
        title=None,
        standfirst=None,
        authors=(),
        published_at=datetime(2026, 11, 2, tzinfo=UTC),
        published_at_source="metadata",
        language="en",
        body=text,
    )


def _ingest(wh: Path, run_id: str, texts: list[str]) -> None:
    """One run of ``texts`` as the flow writes it (NLP, Parquet parts, manifest), then the load."""
    from tasks.nlp.analyse import analyse_articles

    articles = [_article(t) for t in texts]
    analyses = analyse_articles(articles)
    warehouse.write_part(wh, "articles", run_id, 0, rows.articles_table(articles, run_id))
    tables = rows.analysis_tables(analyses)
    for name, table in tables.items():
        warehouse.write_part(wh, name, run_id, 0, table)
    warehouse.commit_run(
        wh,
        {
            "run_id": run_id,
            "started_at": datetime.now(UTC).isoformat(),
            "finished_at": datetime.now(UTC).isoformat(),
            "sources": ["dump.jsonl"],
            "records_read": len(texts),
            "articles": len(texts),
            "duplicates": 0,
            "rejects": 0,
            "quotes": tables["quotes"].num_rows,
            "mentions": tables["mentions"].num_rows,
        },
    )
    warehouse.load(wh)


def _speakers(wh: Path) -> list[tuple[str | None, str | None, str]]:
    """(speaker_entity_id, speaker_name, quote_text) of every quote, as who_said_what has them."""
    with duckdb.connect(str(wh / "whosaid.duckdb"), read_only=True) as con:
        return con.execute(
            "SELECT speaker_entity_id, speaker_name, quote_text FROM who_said_what ORDER BY 3"
        ).fetchall()


CRUZ_IN_FULL = 'Ted Cruz spoke in Houston on Monday.\n\n"We will win this state," Cruz said.'
CRUZ_ALONE = '"The bill is dead," Cruz said on Tuesday in Austin.'


@pytest.mark.slow
@pytest.mark.parametrize("order", ["full name first", "surname first"])
def test_one_entity_across_runs_in_either_order(tmp_path: Path, order: str) -> None:
    """An entity found in Monday's run is the one Tuesday's quotes join, and a later run that
    names the person in full links an earlier run's bare surname to them."""
    runs = [[CRUZ_IN_FULL], [CRUZ_ALONE]]
    if order == "surname first":
        runs.reverse()
    for n, texts in enumerate(runs):
        _ingest(tmp_path, f"r{n}", texts)
    said = _speakers(tmp_path)
    assert len(said) == 2
    assert {s[1] for s in said} == {"Ted Cruz"}
    assert len({s[0] for s in said}) == 1
    with duckdb.connect(str(tmp_path / "whosaid.duckdb"), read_only=True) as con:
        checks = dict(warehouse.run_checks(con))
        people = con.execute("SELECT name FROM entities WHERE label = 'PERSON'").fetchall()
    assert people == [("Ted Cruz",)]
    assert all(n == 0 for n in checks.values()), checks


@pytest.mark.slow
def test_forms_of_one_name_are_one_entity_and_namesakes_two(tmp_path: Path) -> None:
    _ingest(
        tmp_path,
        "r0",
        [
            'Donald J. Trump spoke in Ohio.\n\n"We will build it," Mr. Trump said.',
            'Donald Trump spoke in Iowa.\n\n"We will win," Trump said on Friday.',
            'Donald Trump Jr. spoke in Texas.\n\n"My father will win," Trump Jr. said.',
            'Bill Clinton spoke in Ohio. He praised the crowd.\n\n"It was a fine day," he said.',
            'Hillary Clinton spoke in Iowa.\n\n"We need a plan," Mrs. Clinton said.',
            '"The vote matters," Mrs. Clinton said in Denver on Monday.',
        ],
    )
    by_text = {text.rstrip(","): (entity, name) for entity, name, text in _speakers(tmp_path)}
    father = {by_text["We will build it"], by_text["We will win"]}
    assert len(father) == 1
    assert by_text["My father will win"] not in father
    assert by_text["It was a fine day"][1] == "Bill Clinton"
    assert by_text["We need a plan"][1] == by_text["The vote matters"][1] == "Hillary Clinton"
    with duckdb.connect(str(tmp_path / "whosaid.duckdb"), read_only=True) as con:
        hillary = con.execute(
            "SELECT gender, gender_evidence FROM entities WHERE name = 'Hillary Clinton'"
        ).fetchone()
    assert hillary == ("female", "honorific")


@pytest.mark.slow
def test_views_show_gender_and_affiliation(tmp_path: Path) -> None:
    _ingest(
        tmp_path,
        "r0",
        [
            "Mr Tom Hale, the housing minister, set out his plan on Monday.\n\n"
            "Aides for Mr Hale will argue that there is no conflict between the two speeches."
        ],
    )
    with duckdb.connect(str(tmp_path / "whosaid.duckdb"), read_only=True) as con:
        row = con.execute(
            "SELECT speaker_kind, speaker_name, speaker_affiliation_name FROM who_said_what "
            "WHERE cue = 'argue'"
        ).fetchone()
        hale = con.execute(
            "SELECT speaker_gender FROM most_quoted WHERE speaker_name = 'Tom Hale'"
        ).fetchall()
    assert row == ("unnamed", None, "Tom Hale")
    assert hale == []  # the aides' quote is not Tom Hale's


def _occurrences_db(names: list[str]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    warehouse.ensure_schema(con)
    for n, name in enumerate(names):
        con.execute(
            "INSERT INTO entity_occurrences VALUES (?, ?, ?, 'GPE', [], [], 1, NULL, NULL)",
            [rows.entity_id(name, "GPE"), f"a{n}", name],
        )
    return con


def test_entity_names_tie_break_the_same_way_whatever_the_order() -> None:
    """'US' and 'us' name one entity in as many articles: the choice never depends on the
    order rows were loaded in."""
    chosen = set()
    for names in (["US", "us"], ["us", "US"]):
        con = _occurrences_db(names)
        identity.rebuild_entities(con)
        name, aliases = con.execute("SELECT name, aliases FROM entities").fetchone()
        chosen.add((name, tuple(aliases)))
    assert chosen == {("US", ("us",))}


def test_entity_name_is_the_most_used_full_name() -> None:
    con = _occurrences_db(["United States", "US", "US", "US"])
    con.execute("UPDATE entity_occurrences SET entity_id = 'x'")
    identity.rebuild_entities(con)
    assert con.execute("SELECT name FROM entities").fetchone() == ("United States",)


@pytest.mark.parametrize(
    ("names", "people"),
    [
        # A middle initial is the same person where only one is given ...
        (
            [("Donald J. Trump", "male"), ("Donald Trump", "unknown")],
            [{"Donald J. Trump", "Donald Trump"}],
        ),
        # ... and two middles are two people.
        (
            [("George H. W. Bush", "male"), ("George W. Bush", "male")],
            [{"George H. W. Bush"}, {"George W. Bush"}],
        ),
        # A bare surname joins the namesake of its gender ...
        (
            [("Clinton", "female"), ("Hillary Clinton", "female"), ("Bill Clinton", "male")],
            [{"Clinton", "Hillary Clinton"}, {"Bill Clinton"}],
        ),
        # ... and nobody where namesakes share it about equally and the gender does not say.
        (
            [("Clinton", "unknown"), ("Hillary Clinton", "female"), ("Bill Clinton", "male")],
            [{"Clinton"}, {"Hillary Clinton"}, {"Bill Clinton"}],
        ),
    ],
)
def test_link_ids(names: list[tuple[str, str]], people: list[set[str]]) -> None:
    found = identity.link_ids(
        [
            identity.PersonName(n, g, "unknown" if g == "unknown" else "honorific", 1, 10)
            for n, g in names
        ]
    )
    by_entity: dict[str, set[str]] = {}
    for n, g in names:
        linked = found.get((n, g, ()), rows.entity_id(n, "PERSON"))
        by_entity.setdefault(linked, set()).add(n)
    assert sorted(by_entity.values(), key=sorted) == sorted(people, key=sorted)
