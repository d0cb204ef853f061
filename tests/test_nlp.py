"""tasks/nlp/analyse.py and tasks/nlp/tag_rules.py: the pipeline whosaid runs, and the array
attribute ruler
checked token for token against the model's own attribute_ruler."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from spacy.attrs import DEP, HEAD, MORPH, POS, TAG

from tasks.model import Article
from tasks.nlp import analyse as nlp_mod
from tasks.nlp import tag_rules

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"

# Written here to reach the ruler's parse-dependent and whitespace rules: "but" as an adverb,
# "there is" (expletive), "that" as a pronoun, auxiliaries, "did" as a main verb, blank lines,
# double spaces and a tab.
CASES = [
    "There is no plan, she said.  But it was all but over.\n\nThat is what they did.",
    "I told you that it had been done; you didn't listen to it.\tWe do our best.",
    "“We will not back down,” said Mr Carr, who has led the union since 2019.\n\n\nHe did.",
    "Gonna be a long night, y'all. Let's go! Ain't nobody got time for that.",
]


def _model_as_shipped():  # type: ignore[no-untyped-def]
    """The model with spaCy's own attribute_ruler, otherwise as load_nlp() builds it."""
    try:
        return nlp_mod.build_nlp(array_ruler=False)
    except RuntimeError:
        pytest.skip("no English spaCy model installed")


@pytest.fixture(scope="module")
def models():  # type: ignore[no-untyped-def]
    return _model_as_shipped(), nlp_mod.load_nlp()


def _texts() -> list[str]:
    texts = list(CASES)
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").glob("*.txt"))]
    if SEEDS.exists():
        texts += [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return texts


@pytest.mark.slow
def test_load_nlp_runs_the_array_ruler(models) -> None:  # type: ignore[no-untyped-def]
    _, ours = models
    assert isinstance(ours.get_pipe("attribute_ruler"), tag_rules.ArrayAttributeRuler)
    assert "lemmatizer" not in ours.pipe_names


@pytest.mark.slow
def test_array_ruler_sets_what_the_models_ruler_sets(models) -> None:  # type: ignore[no-untyped-def]
    shipped, ours = models
    attrs = [POS, TAG, DEP, MORPH, HEAD]
    checked = 0
    for text in _texts():
        expected, got = shipped(text), ours(text)
        a, b = expected.to_array(attrs), got.to_array(attrs)
        differ = np.flatnonzero((a != b).any(axis=1))
        assert not len(differ), [
            (expected[i].text, expected[i].pos_, got[i].pos_, expected[i].dep_, got[i].dep_)
            for i in differ[:5]
        ]
        checked += len(expected)
    assert checked > 300


@pytest.mark.slow
def test_whitespace_tokens_are_tagged_as_the_ruler_does(models) -> None:  # type: ignore[no-untyped-def]
    _, ours = models
    doc = ours("It rained.\n\nThen it stopped.")
    space = [t for t in doc if t.is_space]
    assert space and all(t.pos_ == "SPACE" and t.tag_ == "_SP" for t in space)


@pytest.mark.slow
def test_an_unknown_pattern_keeps_spacys_ruler() -> None:
    model = _model_as_shipped()
    model.get_pipe("attribute_ruler").add([[{"SHAPE": "Xxxx"}]], {"POS": "NOUN"})
    assert tag_rules.replace_attribute_ruler(model) is False
    assert not isinstance(model.get_pipe("attribute_ruler"), tag_rules.ArrayAttributeRuler)


@pytest.mark.slow
def test_later_rules_win_and_match_the_doc_as_it_was() -> None:
    model = _model_as_shipped()
    ruler = model.get_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "strike"}]], {"POS": "NOUN"})
    ruler.add([[{"LOWER": "strike"}]], {"POS": "VERB"})
    # Matches the TAG the tagger gave, not a TAG an earlier rule set.
    ruler.add([[{"LOWER": "walkout"}]], {"TAG": "XX"})
    ruler.add([[{"TAG": "XX"}]], {"POS": "SYM"})
    shipped = model("The strike and the walkout.")
    assert tag_rules.replace_attribute_ruler(model)
    ours = model("The strike and the walkout.")
    assert [t.pos_ for t in ours] == [t.pos_ for t in shipped]
    assert [t.tag_ for t in ours] == [t.tag_ for t in shipped]
    assert ours[1].pos_ == "VERB" and ours[4].tag_ == "XX" and ours[4].pos_ != "SYM"


def _article(article_id: str, body: str, language: str | None) -> Article:
    return Article(
        article_id=article_id,
        content_hash=article_id,
        source_uri="dump.jsonl",
        source_locator="line:1",
        url=None,
        outlet=None,
        title=None,
        standfirst=None,
        authors=(),
        published_at=None,
        published_at_source=None,
        language=language,
        body=body,
    )


@pytest.mark.slow
def test_articles_in_other_languages_get_no_nlp() -> None:
    english = '"We will keep the library open," said Margaret Hollis, the council leader.'
    french = "« Nous garderons la bibliothèque ouverte », a déclaré Margaret Hollis, la maire."
    batch = [
        _article("fr", french, "fr"),
        _article("en", english, "en"),
        _article("unknown", english, None),  # too short to tell: analysed
    ]
    found = nlp_mod.analyse_articles(batch)
    assert [a.article_id for a in found] == ["fr", "en", "unknown"]
    assert found[0].entities == () and found[0].quotes == () and found[0].mentions == ()
    for analysis in found[1:]:
        assert [q.speaker_name for q in analysis.quotes] == ["Margaret Hollis"]


@pytest.mark.slow
def test_the_nlp_stage_is_analyse_doc_over_its_parse() -> None:
    """analyse_articles parses and hands each article to analyse_doc, which the benchmarks
    call on their own parses: the two give the same analysis."""
    body = (
        '"We will keep the library open," said Margaret Hollis, the council leader, on Monday.\n'
        "Tomas Berg believes the fund will run dry by the spring."
    )
    article = _article("en", body, "en")
    [staged] = nlp_mod.analyse_articles([article])
    alone = nlp_mod.analyse_doc(article, nlp_mod.load_nlp()(body))
    assert [q.rule for q in alone.quotes] == ["marked_cue", "attitude"]
    assert staged == alone


@pytest.mark.slow
def test_a_tagger_named_in_the_environment_adds_its_quotes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole path of the optional tagger: WHOSAID_ATTRIBUTION_MODEL names a spaCy pipeline,
    analyse_articles runs it beside the parse, extract_quotes takes its Content. A tiny tagger
    trained here on the one sentence stands in for a real one."""
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed

    from tasks.nlp.attribution_model import MODEL_ENV

    text = "Senator Jane Ruiz is pushing for a ban on the sale of assault weapons in the state."
    marked = (
        ("SOURCE", "Senator Jane Ruiz"),
        ("CUE", "is pushing for"),
        ("CONTENT", "a ban on the sale of assault weapons in the state"),
    )
    fix_random_seed(0)
    tagger = spacy.blank("en")
    tagger.add_pipe("ner")
    entities = [
        (text.index(words), text.index(words) + len(words), label) for label, words in marked
    ]
    example = Example.from_dict(tagger.make_doc(text), {"entities": entities})
    optimizer = tagger.initialize(lambda: [example])
    for _ in range(150):
        tagger.update([example], sgd=optimizer, drop=0.0)
    assert [(e.label_, e.text) for e in tagger(text).ents] == list(marked)
    tagger.to_disk(tmp_path / "tagger")

    monkeypatch.delenv(MODEL_ENV, raising=False)
    [rules_only] = nlp_mod.analyse_articles([_article("a", text, "en")])
    assert rules_only.quotes == ()
    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "tagger"))
    [with_tagger] = nlp_mod.analyse_articles([_article("a", text, "en")])
    [quote] = with_tagger.quotes
    assert (quote.found_by, quote.speaker_name, quote.cue) == ("tagger", "Jane Ruiz", "pushing")
    assert quote.quote_text == marked[2][1]
