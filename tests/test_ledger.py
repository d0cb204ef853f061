"""The run's ledger without Prefect: the accounting identity, articles in flight, the flush policy
for rejects and duplicates, and what a failed batch does to the duplicates that point at it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pytest

from tasks.clean.prepare import content_hash
from tasks.model import Article, Reject
from tasks.store import ledger as ledger_mod
from tasks.store.ledger import AccountingError, Ledger


def article(n: int, locator: str | None = None) -> Article:
    """Article ``n``; two calls with the same ``n`` are copies of one body (exact duplicates)."""
    body = f"Story {n}. The council met on Monday and agreed the plan for road {n}."
    digest = content_hash(body)
    return Article(
        article_id=digest[:24],
        content_hash=digest,
        source_uri="dump.jsonl",
        source_locator=locator or f"line:{n}",
        url=None,
        outlet="example.org",
        title=f"Road {n}",
        standfirst=None,
        authors=(),
        published_at=None,
        published_at_source=None,
        language="en",
        body=body,
    )


def unreadable(n: int) -> Reject:
    return Reject("dump.jsonl", f"line:{n}", "read", "invalid JSON: Expecting value")


@dataclass
class Parts:
    """What the ledger wrote, as (table, part, rows) in order."""

    written: list[tuple[str, int, pa.Table]] = field(default_factory=list)

    def __call__(self, table: str, part: int, rows: pa.Table) -> None:
        self.written.append((table, part, rows))

    def shape(self) -> list[tuple[str, int, int]]:
        return [(t, p, rows.num_rows) for t, p, rows in self.written]

    def column(self, table: str, name: str) -> list[str]:
        return [
            v for t, _, rows in self.written if t == table for v in rows.column(name).to_pylist()
        ]


@pytest.fixture
def parts(monkeypatch: pytest.MonkeyPatch) -> Parts:
    """A writer that keeps the parts, with parts of 4 rows."""
    monkeypatch.setattr(ledger_mod, "FLUSH_ROWS", 4)
    return Parts()


def test_every_record_read_is_an_article_a_duplicate_or_a_reject() -> None:
    ledger = Ledger()
    ledger.reject([unreadable(0)])
    new = ledger.admit([article(1), article(1, "line:2"), unreadable(3), article(4)])
    assert [a.source_locator for a in new] == ["line:1", "line:4"]
    ledger.kept(new, quotes=3, mentions=5)
    assert (ledger.records_read, ledger.articles, ledger.n_duplicates, ledger.n_rejects) == (
        5,
        2,
        1,
        2,
    )
    assert (ledger.quotes, ledger.mentions) == (3, 5)
    assert ledger.duplicates[0]["duplicate_of"] == article(1).article_id
    assert ledger.duplicates[0]["method"] == "exact"
    assert ledger.reject_reasons == {"invalid JSON": 2}
    ledger.check()


def test_an_article_admitted_but_never_settled_breaks_the_accounting() -> None:
    ledger = Ledger()
    new = ledger.admit([article(1), article(2)])
    assert ledger.in_flight == {a.article_id for a in new}
    with pytest.raises(AccountingError, match="2 records read.*2 articles never settled"):
        ledger.check()
    ledger.kept(new[:1])
    with pytest.raises(AccountingError, match="1 articles never settled"):
        ledger.close()
    ledger.kept(new[1:])
    assert not ledger.in_flight
    ledger.close()


def test_rejects_leave_memory_in_parts_and_the_rest_at_close(parts: Parts) -> None:
    ledger = Ledger(run_id="r1", write_part=parts)
    for n in range(10):
        ledger.reject([unreadable(n)])
    assert parts.shape() == [("rejects", 1, 4), ("rejects", 2, 4)]
    assert len(ledger.rejects) == 2
    ledger.close()
    assert parts.shape()[2:] == [("rejects", 0, 2), ("duplicates", 0, 0)]
    assert sorted(parts.column("rejects", "source_locator")) == sorted(
        f"line:{n}" for n in range(10)
    )
    assert set(parts.column("rejects", "run_id")) == {"r1"}
    assert ledger.n_rejects == 10 and not ledger.rejects


def test_a_duplicate_waits_in_memory_while_its_canonical_article_is_in_flight(
    parts: Parts,
) -> None:
    ledger = Ledger(run_id="r1", write_part=parts)
    [original] = ledger.admit([article(1)])
    ledger.admit([article(1, f"copy:{i}") for i in range(5)])
    assert parts.shape() == []  # five duplicates, none settled: nothing written
    assert len(ledger.duplicates) == 5
    ledger.kept([original])  # its batch is in the warehouse: the copies are settled
    assert parts.shape() == [("duplicates", 1, 5)]
    assert not ledger.duplicates
    ledger.close()
    assert parts.column("duplicates", "duplicate_of") == [original.article_id] * 5


def test_duplicates_are_written_once_half_a_part_is_settled(parts: Parts) -> None:
    ledger = Ledger(run_id="r1", write_part=parts)
    [busy] = ledger.admit([article(1)])
    [done] = ledger.admit([article(2)])
    ledger.kept([done])
    ledger.admit([article(1, f"busy:{i}") for i in range(3)] + [article(2, "done:0")])
    assert parts.shape() == []  # 4 waiting, 1 settled: under half a part
    ledger.admit([article(2, "done:1")])
    assert parts.shape() == [("duplicates", 1, 2)]  # the two settled ones
    assert parts.column("duplicates", "duplicate_of") == [done.article_id] * 2
    assert [d["source_locator"] for d in ledger.duplicates] == ["busy:0", "busy:1", "busy:2"]
    ledger.kept([busy])
    ledger.close()
    assert sorted(parts.column("duplicates", "source_locator")) == [
        "busy:0",
        "busy:1",
        "busy:2",
        "done:0",
        "done:1",
    ]


def test_a_failed_batch_rejects_its_articles_and_the_duplicates_of_them(parts: Parts) -> None:
    ledger = Ledger(run_id="r1", write_part=parts)
    failed = ledger.admit([article(1), article(2)])
    [kept] = ledger.admit([article(3)])
    ledger.admit([article(1, "copy:1"), article(3, "copy:3")])
    ledger.articles_failed(failed, "NLP failed: ValueError: boom")
    ledger.kept([kept])
    assert (ledger.records_read, ledger.articles, ledger.n_duplicates, ledger.n_rejects) == (
        5,
        1,
        1,
        3,
    )
    assert {r.source_locator: r.stage for r in ledger.rejects} == {
        "line:1": "nlp",
        "line:2": "nlp",
        "copy:1": "nlp",
    }
    assert ledger.reject_reasons == {"NLP failed": 2, "duplicate of an article whose NLP failed": 1}
    # The failed article was never kept: the same body later is a new article, not a duplicate.
    assert [a.source_locator for a in ledger.admit([article(1, "again")])] == ["again"]
    ledger.kept([article(1, "again")])
    ledger.close()
    assert parts.column("duplicates", "source_locator") == ["copy:3"]
    assert sorted(parts.column("rejects", "source_locator")) == ["copy:1", "line:1", "line:2"]


def test_close_checks_before_it_writes(parts: Parts) -> None:
    ledger = Ledger(run_id="r1", write_part=parts)
    ledger.reject([unreadable(1)])
    ledger.admit([article(1)])
    with pytest.raises(AccountingError):
        ledger.close()
    assert parts.written == []  # a run whose books do not balance writes no last parts


def test_without_a_writer_every_row_stays_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ledger_mod, "FLUSH_ROWS", 4)
    ledger = Ledger()
    ledger.reject([unreadable(n) for n in range(6)])
    ledger.close()
    assert len(ledger.rejects) == 6
