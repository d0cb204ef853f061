"""The benchmark still runs: a 20-article corpus from bench/corpus.py, bench/run.py on it in quick
mode, and the report has its columns. No timing is asserted (the machine is shared)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"

pytestmark = pytest.mark.slow


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "WHOSAID_"))}
    env.update(
        PREFECT_HOME=str(tmp / "prefect-home"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_LOGGING_LEVEL="WARNING",
    )
    return env


@pytest.mark.parametrize("fmt", ["jsonl.gz", "txt", "warc.gz"])
def test_corpus_formats(tmp_path: Path, fmt: str) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import corpus
    finally:
        sys.path.remove(str(BENCH))
    from tasks.ingest.readers import Reader
    from tasks.model import Reject

    info = corpus.build(tmp_path / "c", fmt, articles=12, per_file=5)
    assert info["articles"] == 12 and info["disk_bytes"] > 0
    items = list(Reader().read_path(tmp_path / "c", str(tmp_path / "c")))
    records = [i for i in items if not isinstance(i, Reject)]
    assert len(records) == 12, [i for i in items if isinstance(i, Reject)]
    # The same article index always gives the same article; different ones differ.
    docs = corpus.load_sources()
    assert corpus.make_article(docs, 1, 3) == corpus.make_article(docs, 1, 3)
    assert corpus.make_article(docs, 1, 3).body != corpus.make_article(docs, 1, 4).body


def test_bench_quick_report(tmp_path: Path) -> None:
    env = _env(tmp_path)
    made = subprocess.run(
        [
            sys.executable,
            str(BENCH / "corpus.py"),
            "--articles",
            "20",
            "--format",
            "jsonl.gz",
            "--out",
            str(tmp_path / "c20"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr[-2000:]
    assert json.loads(made.stdout)["articles"] == 20

    report = tmp_path / "report.md"
    runs = tmp_path / "runs.json"
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--quick",
            "--corpus",
            str(tmp_path / "c20"),
            "--out",
            str(report),
            "--json",
            str(runs),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    text = report.read_text()
    header = next(line for line in text.splitlines() if line.startswith("| run |"))
    assert [c.strip() for c in header.strip("|").split("|")] == [
        "run",
        "articles",
        "words",
        "wall s",
        "articles/s",
        "words/s",
        "words/s vs floor",
        "peak RSS MB",
        "outside NLP",
    ]
    for name in (
        "spaCy full en_core_web_sm nlp.pipe (floor)",
        "spaCy NER only",
        "spaCy tok2vec+tagger+parser",
        "whosaid stages, serial",
        "whosaid flow, 1 worker",
    ):
        assert f"| {name}" in text, name
    stages = next(line for line in text.splitlines() if line.startswith("| stage |"))
    assert "whosaid flow, 1 worker" in stages
    for stage in ("read", "clean", "dedupe", "nlp", "write", "load", "wall"):
        assert f"\n| {stage} |" in text, stage
    assert "nproc" in text and "RAM" in text
    flow = next(r for r in json.loads(runs.read_text()) if r["name"].startswith("whosaid flow"))
    assert flow["articles"] > 0 and flow["words"] > 0 and flow["peak_rss"] > 0


def _eval_quotes():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCH))
    try:
        import eval_quotes
    finally:
        sys.path.remove(str(BENCH))
    return eval_quotes


@pytest.mark.parametrize(
    ("cue", "kind"),
    [
        ("said", "speech verb"),
        ("told reporters", "speech verb"),
        ("’s according to", "according to"),
        ("believes", "belief or wish"),
        ("was not confident", "belief or wish"),
        ("was referring to", "object or preposition verb"),
        ("voted for", "outside the lexicons"),
        ("seemed", "outside the lexicons"),
        (None, "outside the lexicons"),
    ],
)
def test_cue_class(cue: str | None, kind: str) -> None:
    assert _eval_quotes().cue_class(cue) == kind


def test_only_rules_keeps_the_quotes_of_those_rules() -> None:
    preds = {
        "a": [{"rule": "marked_cue", "n": 1}, {"rule": "attitude", "n": 2}],
        "b": [{"rule": "marked_inherited", "n": 3}],
    }
    assert _eval_quotes().only_rules(preds, {"attitude", "marked_inherited"}) == {
        "a": [{"rule": "attitude", "n": 2}],
        "b": [{"rule": "marked_inherited", "n": 3}],
    }


def test_eval_quotes_refuses_an_unknown_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert _eval_quotes().main(["--rule", "marked_cue", "--rule", "guesswork"]) == 2
    assert "no such rule ['guesswork']" in capsys.readouterr().err


def test_train_parts_are_scored_apart() -> None:
    """The held-out train articles are scored on their own, the rest as train-develop."""
    bench = _eval_quotes()
    held = sorted(bench.held_out_train_articles())
    assert len(held) == 30
    seen: list[tuple[str, list[dict]]] = []

    class Score:
        @staticmethod
        def quote_scores(gold: dict, ours: dict) -> dict:
            seen.append((sorted(gold), sorted(ours)))
            return {"P": 1.0}

    gold = {held[0]: [], "another_article": []}
    parts = bench.part_scores(Score, gold, {held[0]: [], "another_article": []})
    assert parts == {
        "train-develop": {"articles": 1, "P": 1.0},
        "train-heldout": {"articles": 1, "P": 1.0},
    }
    assert seen == [(["another_article"], ["another_article"]), ([held[0]], [held[0]])]
