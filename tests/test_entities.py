"""extract_entities: spaCy mentions merged into one cluster per entity within an article."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.nlp.entities import canonical_words, honorifics, strip_honorifics

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from tasks.nlp.analyse import load_nlp

    return load_nlp()


def entities(nlp, text: str):  # type: ignore[no-untyped-def]
    from tasks.nlp.entities import extract_entities

    return extract_entities(nlp(text))


def cluster_of(clusters, mentions, surface: str):  # type: ignore[no-untyped-def]
    for mention in mentions:
        if mention.text == surface:
            return clusters[mention.cluster]
    raise AssertionError(f"no mention {surface!r} in {[m.text for m in mentions]}")


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["Mr", "Balls"], ["Balls"]),
        (["Dr.", "Jane", "Okafor"], ["Jane", "Okafor"]),
        (["Sir", "Keir", "Starmer"], ["Keir", "Starmer"]),
        (["Mr"], ["Mr"]),
        (["Peter", "Watt"], ["Peter", "Watt"]),
        (["Senator", "Bernie", "Sanders"], ["Bernie", "Sanders"]),  # an office is stripped too
        (["King", "Charles"], ["King", "Charles"]),  # a royal title is kept
    ],
)
def test_strip_honorifics(words: list[str], expected: list[str]) -> None:
    assert strip_honorifics(words) == expected


@pytest.mark.parametrize(
    ("form", "stripped", "marks_a_name", "gender"),
    [
        ("mr", True, True, "male"),
        ("mr.", False, False, "male"),  # the gender test sees the full stop; the others drop it
        ("mrs", True, True, "female"),
        ("dr", True, True, None),
        ("president", True, False, None),
        ("gen", True, False, None),
        ("king", False, False, "male"),
        ("princess", False, False, "female"),
        ("sir.", False, False, None),  # only the spellings listed carry a gender
    ],
)
def test_honorifics_by_use(
    form: str, stripped: bool, marks_a_name: bool, gender: str | None
) -> None:
    table = honorifics()
    assert (form in table.stripped, form in table.name_markers) == (stripped, marks_a_name)
    found = "male" if form in table.male else "female" if form in table.female else None
    assert found == gender


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ed Balls's", ["Ed", "Balls"]),
        ("the Treasury", ["Treasury"]),
        ("Mrs Hewitt’s", ["Hewitt"]),
        ("The", ["The"]),
    ],
)
def test_canonical_words(text: str, expected: list[str]) -> None:
    assert canonical_words(text) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "surface", "name"),
    [
        ("Ed Balls spoke on Monday. Later Mr Balls went home.", "Mr Balls", "Ed Balls"),
        ("Ed Balls spoke on Monday. On Tuesday Balls went home.", "Balls", "Ed Balls"),
        (
            "Harriet Quinlan arrived in Leeds. Ms Quinlan then left.",
            "Ms Quinlan",
            "Harriet Quinlan",
        ),
        (
            "Amira Haddad runs the clinic in Bristol. Dr Haddad said so.",
            "Dr Haddad",
            "Amira Haddad",
        ),
        ("Dr Amira Haddad runs the clinic in Bristol.", "Dr Amira Haddad", "Amira Haddad"),
    ],
)
def test_short_forms_join_the_full_name(nlp, text: str, surface: str, name: str) -> None:
    clusters, mentions = entities(nlp, text)
    assert cluster_of(clusters, mentions, surface).name == name


@pytest.mark.slow
def test_namesakes_stay_apart(nlp) -> None:
    clusters, mentions = entities(
        nlp, "Ed Miliband met David Miliband in London. David Miliband said little."
    )
    ed = cluster_of(clusters, mentions, "Ed Miliband")
    david = cluster_of(clusters, mentions, "David Miliband")
    assert ed is not david
    assert {ed.name, david.name} == {"Ed Miliband", "David Miliband"}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "surface", "role"),
    [
        (
            "Mark Serwotka, general secretary of the PCS union whose members are striking, said "
            "the offer was poor.",
            "Mark Serwotka",
            "general secretary of the PCS union",
        ),
        (
            "Damian Green, the immigration minister, said the ports would stay open.",
            "Damian Green",
            "immigration minister",
        ),
        ("Chancellor George Osborne will speak today.", "George Osborne", "Chancellor"),
        (
            "Councillor Maeve Doran, who chairs the parks committee, opened the garden.",
            "Maeve Doran",
            "Councillor",
        ),
        (
            "Head teacher Tobias Wren said the new hall would open in June.",
            "Tobias Wren",
            "Head teacher",
        ),
    ],
)
def test_roles(nlp, text: str, surface: str, role: str) -> None:
    clusters, mentions = entities(nlp, text)
    assert role in cluster_of(clusters, mentions, surface).roles


@pytest.mark.slow
def test_mentions_index_clusters_and_body(nlp) -> None:
    text = "Ed Balls met Unite officials in Leeds. Mr Balls said Unite was right."
    clusters, mentions = entities(nlp, text)
    assert mentions
    for mention in mentions:
        assert 0 <= mention.cluster < len(clusters)
        assert text[mention.start : mention.end] == mention.text
    labels = {c.name: c.label for c in clusters}
    assert labels.get("Ed Balls") == "PERSON"
    balls = cluster_of(clusters, mentions, "Ed Balls")
    assert "Mr Balls" in balls.aliases


@pytest.mark.slow
def test_no_entities(nlp) -> None:
    assert entities(nlp, "it rained all day and nobody came.") == ([], [])


@pytest.mark.slow
@pytest.mark.shared
def test_seed_clusters(nlp) -> None:
    path = SHARED / "seeds" / "000_039f3d89b3b5069f.txt"
    if not path.exists():
        pytest.skip(f"shared seeds absent: {path}")
    clusters, mentions = entities(nlp, path.read_text(encoding="utf-8"))
    names = {c.name for c in clusters if c.label == "PERSON"}
    assert {"Ed Balls", "Alistair Darling", "David Miliband", "Gordon Brown"} <= names
    assert cluster_of(clusters, mentions, "Mr Darling").name == "Alistair Darling"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Councillor Maeve Doran, who chairs the parks committee, opened the garden.",
            "Maeve Doran",
        ),
        ("Head teacher Tobias Wren said the new hall would open in June.", "Tobias Wren"),
    ],
)
def test_title_is_not_part_of_the_name(nlp, text: str, name: str) -> None:
    """A title spaCy took into the name, or a titled name spaCy tagged ORG: a person, untitled."""
    clusters, _ = entities(nlp, text)
    people = [c for c in clusters if c.label == "PERSON"]
    assert [c.name for c in people] == [name]


def _with_ents(nlp, text: str, ents: list[tuple[str, str, int]]):  # type: ignore[no-untyped-def]
    """``nlp(text)`` with its entities set by hand: (words, label, occurrence) each, so that a
    test says what spaCy tagged rather than depending on what the model tags today."""

    doc = nlp(text)
    spans = []
    for words, label, occurrence in ents:
        at = -1
        for _ in range(occurrence + 1):
            at = text.index(words, at + 1)
        span = doc.char_span(at, at + len(words), label=label)
        assert span is not None, words
        spans.append(span)
    doc.ents = spans
    return doc


@pytest.mark.slow
def test_known_name_inside_a_label_not_kept_is_the_person(nlp) -> None:
    from tasks.nlp.entities import extract_entities

    text = "Ivanka Trump spoke in Ohio. In an essay last week, Ivanka Trump wrote about pay."
    doc = _with_ents(nlp, text, [("Ivanka Trump", "PERSON", 0), ("Ivanka Trump", "PRODUCT", 1)])
    clusters, mentions = extract_entities(doc)
    second = [m for m in mentions if m.start == text.index("Ivanka Trump", 5)]
    assert [clusters[m.cluster].name for m in second] == ["Ivanka Trump"]
    assert second[0].label == "PERSON"


@pytest.mark.slow
def test_surname_in_capitals_is_the_person(nlp) -> None:
    from tasks.nlp.entities import extract_entities

    text = "Mike Pence joined the show on Sunday.\n\nPENCE: We will win in Ohio."
    doc = _with_ents(nlp, text, [("Mike Pence", "PERSON", 0)])
    clusters, mentions = extract_entities(doc)
    assert cluster_of(clusters, mentions, "PENCE").name == "Mike Pence"


@pytest.mark.slow
def test_hyphenated_surname_is_one_word(nlp) -> None:
    from tasks.nlp.entities import extract_entities

    text = "Douglas Holtz-Eakin spoke first. Later Mr. Holtz-Eakin said the plan was poor."
    doc = _with_ents(
        nlp, text, [("Douglas Holtz-Eakin", "PERSON", 0), ("Holtz-Eakin", "PERSON", 1)]
    )
    clusters, mentions = extract_entities(doc)
    people = {c.name for c in clusters if c.label == "PERSON"}
    assert people == {"Douglas Holtz-Eakin"}
    assert len([m for m in mentions if m.label == "PERSON"]) == 2


@pytest.mark.slow
@pytest.mark.parametrize("label", ["LOC", "ORG"])
def test_one_word_place_or_body_that_is_a_surname_is_the_person(nlp, label: str) -> None:
    from tasks.nlp.entities import extract_entities

    text = "Adam Schiff spoke on Monday. Schiff said Russia had tried to interfere."
    doc = _with_ents(nlp, text, [("Adam Schiff", "PERSON", 0), ("Schiff", label, 1)])
    clusters, mentions = extract_entities(doc)
    schiff = [m for m in mentions if m.start == text.index("Schiff said")]
    assert [(m.label, clusters[m.cluster].name) for m in schiff] == [("PERSON", "Adam Schiff")]


@pytest.mark.slow
def test_surname_tagged_as_a_body_joins_the_principal_namesake(nlp) -> None:
    from tasks.nlp.entities import extract_entities

    text = (
        "Bobby Scott is running for the Senate. Bobby Scott has served for years. "
        "Tim Scott sits in the Senate already. Scott said he would win."
    )
    doc = _with_ents(
        nlp,
        text,
        [
            ("Bobby Scott", "PERSON", 0),
            ("Bobby Scott", "PERSON", 1),
            ("Tim Scott", "PERSON", 0),
            ("Scott", "ORG", 3),
        ],
    )
    clusters, mentions = extract_entities(doc)
    scott = [m for m in mentions if m.start == text.index("Scott said")]
    assert [clusters[m.cluster].name for m in scott] == ["Bobby Scott"]


@pytest.mark.slow
def test_name_modifying_a_noun_and_a_doubled_letter_leave_one_mrs_clinton(nlp) -> None:
    """ "Mrs. Clinton" where the article names Hilary (sic) and Hillary Clinton, and Bill Clinton
    only in "the Bill Clinton era": she is Hillary Clinton."""
    from tasks.nlp.entities import extract_entities

    text = (
        "Hilary Clinton campaigned in Ohio with Elizabeth Warren. Hillary Clinton spoke first. "
        "Ms. Warren has attacked the Bill Clinton era. Mrs. Clinton said they would win."
    )
    doc = _with_ents(
        nlp,
        text,
        [
            ("Hilary Clinton", "PERSON", 0),
            ("Elizabeth Warren", "PERSON", 0),
            ("Hillary Clinton", "PERSON", 0),
            ("Warren", "PERSON", 1),
            ("Bill Clinton", "PERSON", 0),
            ("Clinton", "PERSON", 3),
        ],
    )
    clusters, mentions = extract_entities(doc)
    assert cluster_of(clusters, mentions, "Mrs. Clinton").name == "Hillary Clinton"
    assert cluster_of(clusters, mentions, "Hilary Clinton").name == "Hillary Clinton"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Hilary Clinton", "Hillary Clinton", True),
        ("Philip Hammond", "Phillip Hammond", True),
        ("Ed Miliband", "David Miliband", False),
        ("Jon Tester", "John Tester", False),  # a letter more, not a letter doubled
        ("Len Burman", "Leonard Burman", True),  # a short form of the first name
        ("Bill Clinton", "William Clinton", True),
        ("Bill Clinton", "Hillary Clinton", False),
        ("Chris Smith", "Christopher Smith", False),  # "Chris" stands for several full names
    ],
)
def test_first_names_spelt_with_a_letter_doubled_are_one(a: str, b: str, same: bool) -> None:
    from tasks.nlp.names import name_parts

    assert name_parts(a.split()).same_person_as(name_parts(b.split())) is same


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        # "Clinton" is left unresolved (two Clintons): "she" is not Trump.
        "Bill Clinton spoke in Ohio. Hillary Clinton spoke in Iowa. It rained all week. The "
        "roads were closed. Donald Trump attacked Clinton on Monday, saying she had lied.",
        # The first "she" is someone named earlier; the second may be her too.
        "It was late. She said that the rise of Donald Trump, whom she admired, was a shock.",
        # "her" may be the woman's.
        "It was late. Donald Trump told a story about a woman who lost her keys.",
    ],
)
def test_pronoun_near_another_person_gives_no_gender(nlp, text: str) -> None:
    clusters, mentions = entities(nlp, text)
    assert cluster_of(clusters, mentions, "Donald Trump").gender != "female"
