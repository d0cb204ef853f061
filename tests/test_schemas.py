"""The contract: declared once, and the DDL, checks and docs all follow from the declaration."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_origin

import duckdb
import pyarrow as pa
import pytest

from schemas import ddl, vocab
from schemas.tables import BY_NAME, TABLES
from tasks.store import warehouse
from tasks.store.rows import RowShapeError, to_arrow

REQUIRED = {
    "articles": [
        "article_id",
        "source_uri",
        "source_locator",
        "url",
        "outlet",
        "title",
        "standfirst",
        "authors",
        "published_at",
        "body",
        "word_count",
        "run_id",
    ],
    "entities": ["entity_id", "name", "label", "aliases"],
    "mentions": ["article_id", "entity_id", "text", "start", "end", "label"],
    "quotes": [
        "quote_id",
        "article_id",
        "kind",
        "quote_text",
        "quote_start",
        "quote_end",
        "speaker_text",
        "speaker_start",
        "speaker_end",
        "speaker_entity_id",
        "speaker_name",
        "cue",
        "said_on",
        "confidence",
    ],
    "rejects": ["source_uri", "source_locator", "stage", "reason", "run_id"],
    "runs": [
        "run_id",
        "flow_run_id",
        "started_at",
        "finished_at",
        "records_read",
        "articles",
        "duplicates",
        "rejects",
        "quotes",
    ],
    "utterances": [
        "utterance_id",
        "speaker_entity_id",
        "speaker_name",
        "canonical_text",
        "first_said_on",
        "first_published_at",
        "n_articles",
        "n_outlets",
    ],
}


@pytest.mark.parametrize("table", sorted(REQUIRED))
def test_minimum_contract(table: str) -> None:
    names = BY_NAME[table].schema.names
    assert [c for c in REQUIRED[table] if c not in names] == []


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_column_is_described(table) -> None:  # type: ignore[no-untyped-def]
    for f in table.schema:
        assert (f.metadata or {}).get(b"description"), f"{table.name}.{f.name}"
    assert set(table.key) <= set(table.schema.names)
    assert {c for c, _ in table.accepted} <= set(table.schema.names)


def test_ddl_matches_arrow_types() -> None:
    con = duckdb.connect()
    for t in TABLES:
        con.execute(ddl.create_table(t))
        for stmt in ddl.comments(t):
            con.execute(stmt)
        # An empty Arrow table of the declared schema inserts by name without casts failing.
        con.register("empty", to_arrow(t, []))
        con.execute(f"INSERT INTO {t.name} SELECT * FROM empty")
        con.unregister("empty")
    described = con.execute(
        "SELECT comment FROM duckdb_columns() WHERE table_name = 'quotes' AND column_name = 'kind'"
    ).fetchone()
    assert described and "direct" in described[0]


@pytest.mark.parametrize(
    ("arrow", "sql"),
    [
        (pa.string(), "VARCHAR"),
        (pa.int32(), "INTEGER"),
        (pa.list_(pa.string()), "VARCHAR[]"),
        (pa.timestamp("us", tz="UTC"), "TIMESTAMPTZ"),
        (pa.date32(), "DATE"),
        (pa.map_(pa.string(), pa.float64()), "MAP(VARCHAR, DOUBLE)"),
    ],
)
def test_duckdb_types(arrow: pa.DataType, sql: str) -> None:
    assert ddl.duckdb_type(arrow) == sql


def test_docs_are_generated_and_current() -> None:
    text = ddl.markdown()
    for t in TABLES:
        assert f"## `{t.name}`" in text
    committed = Path(__file__).resolve().parents[1] / "docs" / "schema.md"
    assert committed.read_text().strip() == text.strip(), "run `make docs`"


def _db_with_schema() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    warehouse.ensure_schema(con)
    return con


def test_checks_pass_on_empty_warehouse() -> None:
    con = _db_with_schema()
    results = warehouse.run_checks(con)
    assert results and all(n == 0 for _, n in results)


@pytest.mark.parametrize(
    ("sql", "failing"),
    [
        (
            "INSERT INTO rejects VALUES ('u', 'l', 'elsewhere', 'r', 'run')",
            "rejects.stage.accepted",
        ),
        (
            "INSERT INTO runs (run_id, started_at, records_read, articles, duplicates, rejects, "
            "quotes, mentions) VALUES ('r', now(), 5, 1, 1, 1, 0, 0)",
            "runs_accounting",
        ),
        ("INSERT INTO mentions VALUES ('nope', 'e1', 'X', 0, 1, 'PERSON')", "mentions_article_fk"),
    ],
)
def test_checks_catch_bad_rows(sql: str, failing: str) -> None:
    con = _db_with_schema()
    con.execute(sql)
    failed = {name for name, n in warehouse.run_checks(con) if n}
    assert failing in failed


def _reject_row() -> dict[str, object]:
    return {
        "source_uri": "dump.jsonl",
        "source_locator": "line:1",
        "stage": "read",
        "reason": "invalid JSON",
        "run_id": "r1",
    }


def test_to_arrow_takes_a_row_that_names_every_column() -> None:
    table = to_arrow(BY_NAME["rejects"], [_reject_row()])
    assert table.schema.equals(BY_NAME["rejects"].schema)
    assert table.to_pylist() == [_reject_row()]


def test_to_arrow_raises_on_a_misspelt_key() -> None:
    row = _reject_row()
    row["reasons"] = row.pop("reason")
    with pytest.raises(
        RowShapeError, match=r"'rejects'.*missing \['reason'\].*unknown \['reasons'\]"
    ):
        to_arrow(BY_NAME["rejects"], [row])


def test_to_arrow_raises_on_a_missing_key() -> None:
    row = _reject_row()
    del row["stage"]
    with pytest.raises(RowShapeError, match=r"'rejects'.*missing \['stage'\].*unknown \[\]"):
        to_arrow(BY_NAME["rejects"], [row])


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_accepted_values_come_from_the_vocabularies(table) -> None:  # type: ignore[no-untyped-def]
    declared = {vocab.values(v) for v in vars(vocab).values() if get_origin(v) is Literal}
    for column, allowed in table.accepted:
        assert allowed in declared, f"{table.name}.{column}"
