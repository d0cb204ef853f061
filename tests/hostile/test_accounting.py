"""Accounting under hostile input: records read = articles + duplicates + rejects, per format.

Fast tests drive the real reader, the real cleaning step and the run's Ledger the way
flows/ingest.py does; a few slow tests run the real flow (one small run per format) and check the
summary and the warehouse's rejects table."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest

from tasks.clean.prepare import prepare_record
from tasks.ingest.readers import Reader
from tasks.model import RawRecord, Reject
from tasks.store.ledger import Ledger
from tests.hostile.conftest import (
    ARTICLE,
    damaged_warc,
    file_info,
    tar_bytes,
    warc_bytes,
    zeros,
    zip_bytes,
)


def story(n: int) -> str:
    return (
        f"Road {n} reopens\n\nThe mayor, Ann Lee, said on Monday that road number {n} would "
        f'reopen next week. "It is done," she said.\n\nWorks began in March.'
    )


def page(n: int) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in story(n).split("\n\n")[1:]) * 3
    return (
        f"<html><head><title>Road {n}</title></head><body><nav>Home | News</nav><article>"
        f"<h1>Road {n} reopens</h1>{paragraphs}</article><footer>(c) Echo</footer>"
        "</body></html>"
    ).encode()


def jsonl(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def rec(n: int) -> str:
    return json.dumps({"title": f"Road {n}", "text": story(n), "date": "2024-05-02"})


def zip_with_bomb() -> bytes:
    """An article, a path-traversal member and 20 MB of zeros (past the 16 MB ratio floor, at
    about 1000:1), deflated as they are written."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", story(1))
        zf.writestr("../evil.txt", story(2))
        with zf.open("zeros.txt", "w") as member:
            for block in zeros(20 * 1024 * 1024):
                member.write(block)
        zf.writestr("b.txt", story(3))
    return buf.getvalue()


# name -> (bytes, good records (articles + duplicates), duplicates among them, rejects)
CASES: dict[str, tuple[bytes, int, int, int]] = {
    "d.jsonl": (
        jsonl([rec(1), rec(2), rec(1), '{"text": ', "42", "", "\x00\x00", '{"x": 1}']),
        3,
        1,
        4,
    ),
    "d.json": (
        json.dumps([json.loads(rec(1)), 5, {"text": None}, json.loads(rec(3))]).encode(),
        2,
        0,
        2,
    ),
    "s.txt": (story(1).encode(), 1, 0, 0),
    "p.html": (page(1), 1, 0, 0),
    "w.warc": (
        warc_bytes(
            [
                ("https://n.example/a", "text/html", page(1)),
                ("https://n.example/b", "text/html", page(1)),
                ("https://n.example/i.png", "image/png", b"\x89PNG"),
            ]
        )[:-60],
        2,
        1,
        1,
    ),  # the image record is cut inside its headers: one reject for the cut
    "z.zip": (
        zip_bytes(
            [
                ("a.txt", story(1).encode()),
                ("../evil.txt", story(2).encode()),
                ("lines.jsonl", jsonl([rec(3), "[]"])),
            ]
        ),
        2,
        0,
        2,
    ),
    # the bomb and the traversal are a reject each, the two articles land
    "b.zip": (zip_with_bomb(), 2, 0, 2),
    # the second of four records declares 120 bytes too many: it is the reject, 1, 3, 4 land
    "r.warc": (
        damaged_warc([(f"https://n.example/{n}", "text/html", page(n)) for n in range(1, 5)], 2),
        3,
        0,
        1,
    ),
    "t.tar.gz": (
        tar_bytes(
            [
                (file_info("a.txt"), story(1).encode()),
                (file_info("l", type=tarfile.LNKTYPE, linkname="a.txt"), None),
                (file_info("/abs.txt"), story(2).encode()),
                (file_info("b.txt"), story(1).encode()),
            ],
            mode="w:gz",
        )[:-6],
        2,
        1,
        3,
    ),  # the link, the absolute path and the gzip trailer cut short: a reject each
}


def ledger_run(path: Path) -> Ledger:
    """What flows/ingest.py does with each item, without Prefect."""
    ledger = Ledger()
    for item in Reader().read_path(path):
        if isinstance(item, Reject):
            ledger.reject([item])
        else:
            assert isinstance(item, RawRecord)
            ledger.kept(ledger.admit(prepare_record(item)))
    return ledger


@pytest.mark.parametrize("name", sorted(CASES))
def test_loader_and_ledger_balance(tmp_path: Path, name: str) -> None:
    data, good, dups, rejects = CASES[name]
    (tmp_path / name).write_bytes(data)
    ledger = ledger_run(tmp_path / name)
    assert ledger.balanced(), vars(ledger)
    assert ledger.n_rejects == rejects, [r.reason for r in ledger.rejects]
    assert ledger.articles + ledger.n_duplicates == good, [r.reason for r in ledger.rejects]
    assert ledger.n_duplicates == dups
    assert all(r.reason and "\n" not in r.reason for r in ledger.rejects)


# -- through the real flow -------------------------------------------------------------------


def run_flow(sources: list[str], wh: Path) -> dict:
    from flows.ingest import ingest_with

    return ingest_with(1)(sources=sources, warehouse_dir=str(wh), workers=1)


def warehouse_rejects(wh: Path) -> list[tuple[str, str]]:
    from tasks.store import warehouse

    _, rows = warehouse.query(wh, "SELECT source_locator, reason FROM rejects ORDER BY 1")
    return rows


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("name", ["d.jsonl", "w.warc", "z.zip", "b.zip", "r.warc", "t.tar.gz"])
def test_flow_balances_hostile_files(tmp_path: Path, name: str) -> None:
    data, good, dups, rejects = CASES[name]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_bytes(data)
    summary = run_flow([str(tmp_path / "in" / name)], tmp_path / "wh")
    counts = ("records_read", "articles", "duplicates", "rejects")
    assert [summary[k] for k in counts] == [good + rejects, good - dups, dups, rejects]
    assert len(warehouse_rejects(tmp_path / "wh")) == rejects


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_flow_survives_a_folder_of_every_hostile_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, (data, *_) in CASES.items():
        (folder / name).write_bytes(data)
    (folder / "empty.jsonl").write_bytes(b"")
    (folder / "utf16.txt").write_bytes(ARTICLE.encode("utf-16-le"))
    (folder / "bin.dat").write_bytes(bytes(range(256)) * 40)
    summary = run_flow([str(folder)], tmp_path / "wh")
    # Each file gives the records it gives alone, plus the three above: the UTF-16 article, one
    # reject each for the empty and the binary file. Across files only the split between
    # articles and duplicates moves (the same stories recur).
    good = sum(case[1] for case in CASES.values()) + 1
    rejects = sum(case[3] for case in CASES.values()) + 2
    assert (summary["records_read"], summary["rejects"]) == (good + rejects, rejects)
    assert summary["articles"] + summary["duplicates"] == good
    reasons = [r for _, r in warehouse_rejects(tmp_path / "wh")]
    assert "empty file" in reasons
    assert any("escapes the archive" in r for r in reasons)
    assert any("link member refused" in r for r in reasons)
