"""The attribution corpus written for this project (corpus/attribution): its markup parses and
checks, the brat it builds round-trips to the marked spans, and every article in src/ parses."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from tasks.nlp import attribution_crf

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "attribution"


def _load_build():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("corpus_build", CORPUS / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_build"] = module
    spec.loader.exec_module(module)
    return module


build = _load_build()

ARTICLE = """# title: Council backs new cycle lanes
# date: 2024-05-01
# outlet: Test Gazette

⟦S1 Councillor Ana Reyes, who chairs the transport committee,⟧ ⟦C1 backed⟧ ⟦Q1 the plan⟧.
"⟦Q2 We will build it,"⟧ ⟦S2 she⟧ ⟦C2 said⟧, "⟦Q2 and soon."⟧
The lanes cost £2m. ⟦C3 It is expected⟧ ⟦Q3 that work will start in June⟧.
"""


def test_plain_text_is_the_markup_without_markers() -> None:
    article = build.parse_article(ARTICLE, "t.txt")
    stripped = re.sub(r"⟦[SCQ]\d+ |⟧", "", ARTICLE.split("\n", 4)[4])
    assert article.text == "Council backs new cycle lanes\n\n" + stripped
    assert "⟦" not in article.text and "⟧" not in article.text


def test_spans_split_and_sourceless() -> None:
    article = build.parse_article(ARTICLE, "t.txt")
    by_number = {a.number: a for a in article.attributions}
    text = article.text
    one = by_number[1]
    source = "Councillor Ana Reyes, who chairs the transport committee,"
    assert text[slice(*one.source[0])] == source
    assert text[slice(*one.cue)] == "backed"
    two = by_number[2]
    assert [text[s:e] for s, e in two.content] == ['We will build it,"', 'and soon."']
    three = by_number[3]
    assert three.source == () and text[slice(*three.cue)] == "It is expected"


def test_brat_round_trip(tmp_path: Path) -> None:
    """What build.py writes, tasks.nlp.attribution_crf.read_brat (what train-attribution reads)
    reads back as the same spans over the same text."""
    article = build.parse_article(ARTICLE, "t.txt")
    build.write_brat([article], tmp_path)
    (back,) = attribution_crf.read_brat(tmp_path)
    assert back.text == article.text
    expected = sorted(
        [("SOURCE", s, e) for a in article.attributions for s, e in a.source]
        + [("CUE", *a.cue) for a in article.attributions]
        + [("CONTENT", s, e) for a in article.attributions for s, e in a.content]
    )
    assert sorted(back.spans) == expected
    ann = (tmp_path / "attributions" / "t.ann").read_text()
    # The scorer's loader in ../shared/eval reads E lines by role; a sourceless one has no Source.
    e_lines = [line.split("\t")[1] for line in ann.splitlines() if line.startswith("E")]
    assert len(e_lines) == 3
    assert e_lines[2].startswith("Attribution-no-source:") and "Source:" not in e_lines[2]
    assert all(f"{role}:T" in e_lines[0] for role in ("Attribution", "Content", "Cue", "Source"))
    # T line texts are the spans' own text (pieces of a split span joined by a space).
    for line in ann.splitlines():
        if line.startswith("T"):
            _, kind_offsets, words = line.split("\t")
            pieces = [tuple(map(int, p.split())) for p in kind_offsets.split(" ", 1)[1].split(";")]
            assert words == " ".join(article.text[s:e] for s, e in pieces)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("⟦S1 She⟧ ⟦C1 said⟧ ⟦Q1 no.\n", "Q1 is never closed"),
        ("She said no.⟧\n", "'⟧' closes nothing"),
        ("⟦X1 She⟧ said.\n", "must be followed by S, C or Q"),
        ("⟦S1 She⟧ ⟦Q1 no⟧.\n", "attribution 1 has 0 cue spans"),
        ("⟦S1 She⟧ ⟦C1 said⟧ no.\n", "attribution 1 has a cue but no content"),
        ("⟦S1 She⟧ ⟦C1 said⟧ ⟦Q1 no⟧, ⟦C1 added⟧ ⟦Q1 yes⟧.\n", "attribution 1 has 2 cue spans"),
        ("⟦S1 She ⟧ ⟦C1 said⟧ ⟦Q1 no⟧.\n", "begins or ends with a space"),
    ],
)
def test_malformed_markup_gives_one_line_error(body: str, message: str) -> None:
    source = "# title: T\n# date: 2024-01-01\n# outlet: O\n\nFirst line.\n" + body
    with pytest.raises(build.MarkupError) as err:
        build.parse_article(source, "bad.txt")
    text = str(err.value)
    assert "\n" not in text and text.startswith("bad.txt: line 6") and message in text


def test_header_is_checked() -> None:
    with pytest.raises(build.MarkupError, match="expected '# date: ...'"):
        build.parse_article("# title: T\n# outlet: O\n\ntext\n", "h.txt")


def test_every_corpus_article_parses() -> None:
    articles = build.read_sources(CORPUS / "src")
    assert articles, "corpus/attribution/src holds no article"
    for article in articles:
        assert article.attributions, f"{article.name}: no attribution marked"
        for a in article.attributions:
            for s, e in (*a.source, a.cue, *a.content):
                assert 0 <= s < e <= len(article.text)


def _load_corpus_module(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(f"corpus_{name}", CORPUS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_blind_files_are_the_drawn_sample_and_parse() -> None:
    """blind/ holds the articles blind_sample.py draws, each parsing with the builder and with
    the same plain text as its original in src/."""
    sample = _load_corpus_module("blind_sample").sample()
    blind = build.read_sources(CORPUS / "blind")
    assert sorted(a.name.removesuffix(".txt") for a in blind) == sample
    assert len(sample) == 16
    for article in blind:
        original = build.parse_article((CORPUS / "src" / article.name).read_text(), article.name)
        assert article.text == original.text, f"{article.name}: plain text differs from src/"
        assert article.attributions, f"{article.name}: no attribution marked"


def test_agreement_runs_on_the_blind_sample(eval_dir: Path) -> None:
    """agreement.py pairs the blind set with the originals as score.py does (its own
    quote_scores gives the same P/R/F1), and the two annotations agree well beyond chance."""
    agreement = _load_corpus_module("agreement")
    result = agreement.agreement(CORPUS / "blind", CORPUS / "src")
    overall = result["overall"]
    blind = build.read_sources(CORPUS / "blind")
    assert overall["n_blind"] == sum(len(a.attributions) for a in blind)
    assert overall["F1"] > 0.5 and overall["source_acc"] > 0.5
    by_class = result["by_cue_class"].values()
    assert sum(t["n_orig"] for t in by_class) == overall["n_orig"]
    unpaired = [d for d in result["disagreements"] if "orig" not in d or "blind" not in d]
    assert len(unpaired) == overall["n_orig"] + overall["n_blind"] - 2 * overall["matched"]
    official = agreement.score_py(CORPUS / "blind", CORPUS / "src")
    assert (official["n_pred"], official["n_gold"]) == (overall["n_blind"], overall["n_orig"])
    for key in ("P", "R", "F1", "exact_F1", "source_acc"):
        assert official[key] == pytest.approx(overall[key]), key
    lines = agreement.report(result)
    assert lines[2].startswith("overall") and len(lines) > len(result["disagreements"])
