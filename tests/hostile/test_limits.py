"""Resource limits: the article-size cap for the NLP stage, and memory under a flood of records."""

from __future__ import annotations

import json
import resource
import tracemalloc
from pathlib import Path

import pytest

from tasks.clean import prepare
from tasks.ingest.readers import Reader
from tasks.model import RawRecord, Reject
from tasks.settings import Limits


def paragraphs(n: int, size: int = 500) -> str:
    sentence = "The council said on Monday that the buses would run again next week. "
    return "\n\n".join(
        f"Paragraph {i}. " + (sentence * (size // len(sentence))).strip() for i in range(n)
    )


@pytest.mark.parametrize("cap", [5_000, 20_000, 200_000])
def test_long_body_cut_at_a_paragraph_break(cap: int) -> None:
    body = paragraphs(cap // 250)  # about twice the cap
    [article] = prepare.prepare_record(
        RawRecord("mem", "line:1", "fields", body), Limits(max_article_chars=cap)
    )
    assert cap // 2 < len(article.body) <= cap
    kept = article.body.split("\n\n")
    assert kept == body.split("\n\n")[: len(kept)]  # whole paragraphs: cut at a break


def test_body_without_paragraph_breaks_is_cut_hard() -> None:
    body = "word " * 10_000
    [article] = prepare.prepare_record(
        RawRecord("mem", "line:1", "fields", body), Limits(max_article_chars=8_000)
    )
    assert 7_000 < len(article.body) <= 8_000


def test_cut_is_recorded() -> None:
    body = paragraphs(100)
    [article] = prepare.prepare_record(
        RawRecord("mem", "line:1", "fields", body), Limits(max_article_chars=5_000)
    )
    assert article.body_cut_chars == len(body) - len(article.body) > 0
    [whole] = prepare.prepare_record(RawRecord("mem", "line:1", "fields", body))
    assert whole.body_cut_chars == 0


def rss_mb() -> float:
    """Resident memory now (ru_maxrss only ever grows, so it cannot show a bounded stretch)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_flood_of_tiny_records_streams_in_bounded_memory(tmp_path: Path) -> None:
    """200k one-line JSONL records: read as a stream, memory does not grow with the count."""
    n = 200_000
    path = tmp_path / "flood.jsonl"
    with open(path, "w") as out:
        for i in range(n):
            out.write(json.dumps({"text": f"Item {i} said."}) + "\n")
    start = highest = rss_mb()
    count = 0
    for item in Reader().read_path(path):
        assert isinstance(item, RawRecord)
        count += 1
        if count % 20_000 == 0:
            highest = max(highest, rss_mb())
    assert count == n
    assert highest - start < 32, f"RSS grew {highest - start:.0f} MB over {n} records"


def test_reader_holds_nothing_per_record(tmp_path: Path) -> None:
    """The same, exactly, on a smaller flood: traced memory stays flat between 5k and 50k."""
    path = tmp_path / "flood.jsonl"
    path.write_text("".join(json.dumps({"text": f"Item {i} said."}) + "\n" for i in range(50_000)))
    tracemalloc.start()
    try:
        at: dict[int, int] = {}
        for count, _ in enumerate(Reader().read_path(path), 1):
            if count in (5_000, 50_000):
                at[count] = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert at[50_000] - at[5_000] < 256 * 1024


def test_flood_of_bad_records_each_one_reject(tmp_path: Path) -> None:
    """50k broken lines are 50k rejects, streamed (the ledger keeps them: see docs/hostile.md)."""
    path = tmp_path / "junk.jsonl"
    path.write_bytes(b"{\n" * 50_000)
    rejects = sum(1 for i in Reader().read_path(path) if isinstance(i, Reject))
    assert rejects == 50_000
