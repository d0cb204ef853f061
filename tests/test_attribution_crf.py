"""The learned attribution layer: brat reading, BIO tags, features, `whosaid train-attribution`,
and the model it writes named by WHOSAID_ATTRIBUTION_MODEL in the NLP stage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tasks.model import Article
from tasks.nlp import attribution_crf, attribution_features, attribution_model

# Sentences written for these tests, one article each: a cue no word list holds ("is pushing
# for", "is campaigning for") with its Source and Content.
PUSHING = [
    ("Mayor Leila Grant", "is pushing for", "a new tax on empty homes in the city"),
    ("Councillor Ravi Shah", "is campaigning for", "a cap on rents across the borough"),
    ("Governor Ana Lopes", "is pushing for", "a ban on fracking near the river"),
    ("Senator Tom Fisher", "is campaigning for", "free bus travel for every pupil"),
    ("Professor Mei Chen", "is pushing for", "an inquiry into the sale of the port"),
    ("Judge Omar Haddad", "is campaigning for", "longer sentences for repeat offenders"),
    ("Minister Sara Olsen", "is pushing for", "a vote on the budget before the summer"),
    ("Director Ines Kaur", "is campaigning for", "a second runway at the airport"),
]
HELD_OUT = "Senator Jane Ruiz is pushing for a ban on the sale of assault weapons in the state."
HELD_OUT_CONTENT = "a ban on the sale of assault weapons in the state"


def held_out_article() -> Article:
    """HELD_OUT, an article in none of the training corpora, as the NLP stage reads it."""
    return Article(
        article_id="held-out",
        content_hash="0" * 64,
        source_uri="test",
        source_locator=None,
        url=None,
        outlet=None,
        title=None,
        standfirst=None,
        authors=(),
        published_at=None,
        published_at_source=None,
        language="en",
        body=HELD_OUT,
    )


def write_corpus(root: Path, rows=PUSHING) -> Path:  # type: ignore[no-untyped-def]
    """A brat corpus in PolNeAR's layout, annotator suffix and all."""
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    for n, (source, cue, content) in enumerate(rows):
        text = f"{source} {cue} {content}.\n\nThe plan was published on Monday.\n"
        lines = []
        for k, (label, words) in enumerate(
            (("Source", source), ("Cue", cue), ("Content", content))
        ):
            start = text.index(words)
            lines.append(f"T{k + 1}\t{label} {start} {start + len(words)}\t{words}")
        lines.append("E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1")
        (root / "text" / f"a{n}.txt").write_text(text)
        (root / "attributions" / f"a{n}_annotator1.ann").write_text("\n".join(lines) + "\n")
    return root


def test_read_brat_takes_one_annotation_file_per_article(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "c", PUSHING[:2])
    # A second annotator's file for a0 is ignored; an article with no file is left out.
    (root / "attributions" / "a0_annotator2.ann").write_text("T1\tContent 0 5\tMayor\n")
    (root / "text" / "lonely.txt").write_text("Nobody annotated this.")
    corpus = attribution_crf.read_brat(root)
    assert [a.name for a in corpus] == ["a0", "a1"]
    first = corpus[0]
    assert [(label, first.text[s:e]) for label, s, e in first.spans] == [
        ("SOURCE", "Mayor Leila Grant"),
        ("CUE", "is pushing for"),
        ("CONTENT", "a new tax on empty homes in the city"),
    ]


def test_read_brat_splits_discontinuous_spans_and_skips_other_labels(tmp_path: Path) -> None:
    root = tmp_path / "c"
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    text = '"We will win," she said, "and soon."'
    (root / "text" / "d.txt").write_text(text)
    a, b, she = text.index("We will win"), text.index("and soon."), text.index("she")
    (root / "attributions" / "d.ann").write_text(
        f"T1\tContent {a} {a + 11};{b} {b + 9}\tWe will win and soon.\n"
        f'T2\tSource {she} {she + 3}\tshe\nT3\tNote 0 1\t"\n#1\tAnnotatorNotes T1\tsplit\n'
    )
    [article] = attribution_crf.read_brat(root)
    assert [(label, text[s:e]) for label, s, e in article.spans] == [
        ("CONTENT", "We will win"),
        ("CONTENT", "and soon."),
        ("SOURCE", "she"),
    ]


def test_read_brat_wants_the_two_folders(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="text/ and attributions/"):
        attribution_crf.read_brat(tmp_path)


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from tasks.nlp.analyse import load_nlp

    return load_nlp()


@pytest.mark.slow
def test_bio_tags_and_spans_round_trip(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Ms Kaur said that the ferry sails at six.\nIt was late."
    doc = nlp(text)
    gold = [("SOURCE", 0, 7), ("CUE", 8, 12), ("CONTENT", 13, 40)]
    tags = attribution_crf.bio_tags(doc, gold)
    assert [t for t in tags if t != "O"][:4] == ["B-SOURCE", "I-SOURCE", "B-CUE", "B-CONTENT"]
    back = []
    for indices, _ in attribution_features.doc_features(doc, []):
        back += attribution_crf.spans_from_tags(doc, indices, [tags[i] for i in indices])
    assert [(label, text[s:e]) for label, s, e in back] == [
        ("SOURCE", "Ms Kaur"),
        ("CUE", "said"),
        ("CONTENT", "that the ferry sails at six"),
    ]


def test_an_i_tag_after_another_label_opens_a_span() -> None:
    class Tok:
        def __init__(self, idx: int, text: str) -> None:
            self.idx, self.text = idx, text

    doc = [Tok(0, "she"), Tok(4, "said"), Tok(9, "yes")]
    spans = attribution_crf.spans_from_tags(doc, [0, 1, 2], ["I-SOURCE", "I-CUE", "I-CUE"])
    assert spans == [("SOURCE", 0, 3), ("CUE", 4, 12)]


@pytest.mark.parametrize(
    ("form", "cls"),
    [
        ("criticized", "judgment-33"),
        ("planning", "wish-62"),
        ("urges", "urge-58"),
        ("say", "say-37"),
    ],
)
def test_verbnet_classes_reach_inflected_forms(form: str, cls: str) -> None:
    assert cls in attribution_features.classes_of(form)


def test_a_word_verbnet_does_not_list_has_no_class() -> None:
    assert attribution_features.classes_of("blorbed") == ()


@pytest.mark.slow
def test_features_carry_the_path_to_the_cue_and_the_rules_decisions(nlp) -> None:  # type: ignore[no-untyped-def]
    from tasks.nlp.entities import extract_entities
    from tasks.nlp.quotes import extract_quotes

    text = 'Ms Kaur lambasted the board. She said that the ferry will sail "at six".'
    doc = nlp(text)
    rules = extract_quotes(doc, *extract_entities(doc))
    [(indices, feats)] = attribution_features.doc_features(doc, rules)
    by_word = {doc[i].text: f for i, f in zip(indices, feats, strict=True)}
    # "lambasted" is in no word list, but VerbNet's judgment class makes it a cue candidate.
    assert "cue.cand" in by_word["lambasted"] and "vn=judgment-33" in by_word["lambasted"]
    assert "cp.top=nsubj" in by_word["She"]
    assert "cp.top=ccomp" in by_word["sail"] and "cp.top=ccomp" in by_word["ferry"]
    assert "q=in" in by_word["six"] and "q=out" in by_word["sail"]
    # The rules' indirect quote ("that ... six") and its speaker are features of its words.
    assert "r=indirect" in by_word["sail"] and "r=none" in by_word["lambasted"]
    assert any(f.startswith("r.src=") for f in by_word["She"])
    assert "r.cue" in by_word["said"]


@pytest.mark.slow
@pytest.mark.parametrize("stack", ["--stack", "--no-stack"])
def test_train_attribution_writes_a_model_the_nlp_stage_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stack: str
) -> None:
    """The whole path: `whosaid train-attribution` on a brat corpus, then WHOSAID_ATTRIBUTION_MODEL
    naming its output adds a quote no rule finds, in a sentence the corpus does not hold; with
    the rules' quotes as features (run after the rules) or without (run before them)."""
    from whosaid.cli import app

    from typer.testing import CliRunner

    from tasks.nlp import analyse

    corpus = write_corpus(tmp_path / "corpus")
    model = tmp_path / "model"
    args = ["train-attribution", str(corpus), "-o", str(model), stack]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "trained on 8 articles" in result.output
    meta = json.loads((model / attribution_crf.META_FILE).read_text())
    assert meta["articles"] == 8 and meta["feature_version"] == attribution_features.FEATURE_VERSION
    assert meta["stacked"] is (stack == "--stack")

    article = held_out_article()
    monkeypatch.delenv(attribution_model.MODEL_ENV, raising=False)
    [rules_only] = analyse.analyse_articles([article])
    assert rules_only.quotes == ()
    monkeypatch.setenv(attribution_model.MODEL_ENV, str(model))
    assert attribution_model.check() == model
    [learned] = analyse.analyse_articles([article])
    [quote] = learned.quotes
    assert (quote.found_by, quote.speaker_name, quote.quote_text) == (
        "tagger",
        "Jane Ruiz",
        HELD_OUT_CONTENT,
    )


def test_train_attribution_on_a_folder_without_annotations_is_one_clear_error(
    tmp_path: Path,
) -> None:
    from whosaid.cli import app

    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["train-attribution", str(tmp_path)])
    assert result.exit_code == 1
    assert "text/ and attributions/" in result.output


def test_a_model_of_other_features_is_refused(tmp_path: Path) -> None:
    (tmp_path / attribution_crf.MODEL_FILE).write_bytes(b"")
    meta = {"kind": "crf", "feature_version": attribution_features.FEATURE_VERSION + 1}
    (tmp_path / attribution_crf.META_FILE).write_text(json.dumps(meta))
    assert attribution_crf.is_model(tmp_path)
    with pytest.raises(ValueError, match="train it again"):
        attribution_crf.CrfTagger(tmp_path)


@pytest.mark.slow
def test_training_records_the_measured_precision_the_quotes_carry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With enough articles, train-attribution measures the layer's precision on articles held
    out from a first model and writes it to meta.json; the model's quotes carry that figure."""
    from tasks.nlp import analyse

    rows = PUSHING + [
        ("Mayor Luis Ortega", "is pushing for", "a curfew on delivery lorries in the centre"),
        ("Councillor Beth Amos", "is campaigning for", "a new bridge over the canal"),
    ]
    corpus = write_corpus(tmp_path / "corpus", rows)
    model = tmp_path / "model"
    meta = attribution_crf.train_corpus(corpus, model, max_iterations=50)
    assert len(rows) >= attribution_crf.CONFIDENCE_MIN_ARTICLES
    assert meta["confidence_articles"] == len(rows) // attribution_crf.CONFIDENCE_FOLD
    assert 0.0 <= meta["confidence"] <= 1.0
    assert (
        json.loads((model / attribution_crf.META_FILE).read_text())["confidence"]
        == (meta["confidence"])
    )
    article = held_out_article()
    monkeypatch.setenv(attribution_model.MODEL_ENV, str(model))
    assert attribution_model.confidence() == meta["confidence"]
    [learned] = analyse.analyse_articles([article])
    assert [q.confidence for q in learned.quotes if q.found_by == "tagger"] == [meta["confidence"]]
