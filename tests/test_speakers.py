"""Who speaks: the right person, a group or an unnamed source, or nobody (issue 15).

The first five tests are the wrong attributions found in the seeds, each rebuilt from a
sentence of this project's own with the seed's structure; each failed on the code before the
identity work. Then the phrase shapes one at a time, and people's identity inside an article
(namesakes, short forms, headlines, gender).
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from tasks.nlp.analyse import load_nlp

    return load_nlp()


def article_of(text: str, authors: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """An Article of body ``text`` with byline ``authors``."""
    from tasks.model import Article

    return Article(
        article_id="a",
        content_hash="h",
        source_uri="test",
        source_locator="file",
        url=None,
        outlet=None,
        title=None,
        standfirst=None,
        authors=authors,
        published_at=None,
        published_at_source=None,
        language="en",
        body=text,
    )


def analyse(nlp, text: str, authors: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """(clusters, quotes) of one article with byline ``authors`` as the NLP stage finds them."""
    from tasks.nlp.analyse import analyse_doc

    article = article_of(text, authors)
    found = analyse_doc(article, nlp(text))
    return list(found.entities), list(found.quotes)


def quote_cued_by(quotes, cue: str):  # type: ignore[no-untyped-def]
    matching = [q for q in quotes if q.cue == cue]
    assert len(matching) <= 1, matching
    return matching[0] if matching else None


def name_of(clusters, index: int | None) -> str | None:  # type: ignore[no-untyped-def]
    return clusters[index].name if index is not None else None


# -- the seeds' five, rebuilt --------------------------------------------------------------


def test_the_addressee_of_a_passive_is_not_the_speaker(nlp) -> None:
    """ "X's sister, Ruth, is being urged by colleagues to stand": the colleagues urge; Ruth
    (whoever she is) is addressed, and Ruth Adeyemi, named earlier, has nothing to do with it."""
    clusters, quotes = analyse(
        nlp,
        "Ruth Adeyemi denied the claims on Monday.\n\n"
        "Ms Okafor's sister, Ruth, is being urged by colleagues to stand in the next election "
        "despite an understanding that she would give the chairwoman a clear run.",
    )
    urged = quote_cued_by(quotes, "urged")
    if urged is not None:
        assert urged.speaker_cluster is None
        assert urged.speaker_kind == "unnamed"
        assert urged.speaker_text == "colleagues"


def test_aides_are_not_their_principal(nlp) -> None:
    """ "Aides for Mr Hale and Mr Porter will argue": the aides speak, for Mr Hale."""
    clusters, quotes = analyse(
        nlp,
        "Tom Hale, the housing minister, set out his plan on Monday.\n\n"
        'In an interview with the Gazette yesterday, Mr Porter said: "The next budget will be '
        'the hardest in a decade."\n\n'
        "Aides for Mr Hale and Mr Porter will argue that there is no conflict between the two "
        "speeches.",
    )
    argue = quote_cued_by(quotes, "argue")
    assert argue is not None
    assert argue.speaker_cluster is None
    assert argue.speaker_kind == "unnamed"
    assert name_of(clusters, argue.speaker_affiliation_cluster) == "Tom Hale"


def test_a_passive_with_no_agent_has_no_speaker(nlp) -> None:
    """ "X was known to the police but considered to be low-risk": nobody is named as
    considering it, so the subject is not the one who considers."""
    _clusters, quotes = analyse(
        nlp,
        "Jonah Reed aka Musa Karim was known to the police but considered to be low-risk. Even "
        "if the police had had the ability to read his messages, they would not have used it.",
    )
    considered = quote_cued_by(quotes, "considered")
    if considered is not None:
        assert considered.speaker_cluster is None
        assert considered.speaker_name is None
        assert considered.speaker_kind == "unknown"


def test_the_writers_gloss_is_not_a_quote_of_the_person_discussed(nlp) -> None:
    """ "- or he was 'directed' - that is, he sought out ...": the writer explaining a
    hypothesis, not Karim saying or seeking anything."""
    _clusters, quotes = analyse(
        nlp,
        "Musa Karim drove the van into the crowd.\n\n"
        "Karim planned it alone, though it is unclear whether he was simply inspired by "
        "extremist videos – that is, he watched them online and drew up the plan himself – or "
        "he was “directed” – that is, he sought out and received instructions on how to carry "
        "out his attack from the group.",
    )
    for q in quotes:
        assert q.speaker_name != "Musa Karim", q


def test_the_writers_gloss_gives_no_quote(nlp) -> None:
    _clusters, quotes = analyse(
        nlp,
        "Musa Karim drove the van into the crowd.\n\n"
        "Karim planned it alone, though it is unclear whether he was simply inspired by "
        "extremist videos – that is, he watched them online and drew up the plan himself – or "
        "he was “directed” – that is, he sought out and received instructions on how to carry "
        "out his attack from the group.",
    )
    assert quote_cued_by(quotes, "sought") is None


@pytest.mark.parametrize(
    ("text", "phrase", "reason"),
    [
        (
            "Jonah Reed aka Musa Karim was known to the police but considered to be low-risk.",
            "Musa Karim",
            "passive without agent",
        ),
        (
            "Karim planned it alone, though it is unclear whether he was simply inspired by "
            "extremist videos – or he was “directed” – that is, he sought out and received "
            "instructions from the group.",
            "he",
            "writer's gloss",
        ),
    ],
)
def test_the_resolver_says_why_it_refuses(nlp, text: str, phrase: str, reason: str) -> None:
    """What the quote finder needs to drop the speaker phrase: the resolver's reason, asked of
    the phrase's last occurrence (the finder may not ask: "sought" reports no clause)."""
    from tasks.nlp.entities import extract_entities
    from tasks.nlp.speakers import SpeakerResolver

    doc = nlp(text)
    clusters, mentions = extract_entities(doc)
    resolver = SpeakerResolver(doc, clusters, mentions)
    at = [m.start() for m in re.finditer(rf"\b{re.escape(phrase)}\b", text)][-1]
    span = doc.char_span(at, at + len(phrase))
    assert resolver.resolve(span.start, span.end, span.root).refused == reason


def test_a_passive_with_no_agent_has_no_speaker_phrase(nlp) -> None:
    _clusters, quotes = analyse(
        nlp,
        "Jonah Reed aka Musa Karim was known to the police but considered to be low-risk.",
    )
    considered = quote_cued_by(quotes, "considered")
    assert considered is None or considered.speaker_text is None


def test_a_name_spacy_misses_with_a_title_appositive_is_the_speaker(nlp) -> None:
    """ "Fern Hollis, the Home Secretary, wants ...": spaCy tags no entity; the appositive says
    it is a person."""
    _clusters, quotes = analyse(
        nlp,
        "The inquiry has finished and the government has decided who is to blame. Fern Hollis, "
        "the Home Secretary, wants phone makers to build a backdoor into messages like these.",
    )
    wants = quote_cued_by(quotes, "wants")
    assert wants is not None
    assert wants.speaker_name == "Fern Hollis"
    assert wants.speaker_role == "Home Secretary"


# -- phrase shapes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cue", "kind", "affiliation"),
    [
        (
            "Helen Carter opened the school. A spokesman for the Treasury said that the money "
            "would be found.",
            "said",
            "unnamed",
            "Treasury",
        ),
        (
            "Helen Carter opened the school on Monday. Carter's campaign said that the figures "
            "were wrong.",
            "said",
            "organisation",
            "Helen Carter",
        ),
        (
            "Helen Carter opened the school on Monday. A source close to Ms Carter said that she "
            "would not resign.",
            "said",
            "unnamed",
            "Helen Carter",
        ),
    ],
)
def test_staff_and_camps_speak_for_their_principal(
    nlp, text: str, cue: str, kind: str, affiliation: str
) -> None:
    clusters, quotes = analyse(nlp, text)
    q = quote_cued_by(quotes, cue)
    assert q is not None
    assert q.speaker_cluster is None
    assert q.speaker_kind == kind
    assert name_of(clusters, q.speaker_affiliation_cluster) == affiliation


def test_a_named_aide_is_the_aide_with_the_principal_as_affiliation(nlp) -> None:
    clusters, quotes = analyse(
        nlp,
        "Helen Carter opened the school on Monday. Carter spokesman Dan Reyes said that the "
        "opening would go ahead.",
    )
    q = quote_cued_by(quotes, "said")
    assert q is not None
    assert q.speaker_name == "Dan Reyes"
    assert name_of(clusters, q.speaker_affiliation_cluster) == "Helen Carter"


@pytest.mark.parametrize(
    "text",
    [
        "Mr Grassby and Mr Lowe said that the developers had defined the areas too broadly.",
        "Mr Grassby and his advisers said that the figures did not add up.",
    ],
)
def test_coordinated_speakers_are_a_group(nlp, text: str) -> None:
    _clusters, quotes = analyse(nlp, "Tim Grassby and Ann Lowe met on Monday.\n\n" + text)
    q = quote_cued_by(quotes, "said")
    assert q is not None
    assert q.speaker_cluster is None
    assert q.speaker_kind == "unnamed"


def test_coordinated_organisations_are_organisations(nlp) -> None:
    _clusters, quotes = analyse(
        nlp,
        "Late-night buses will run on two routes for six months, the council and Northline "
        "Buses announced on Thursday.",
    )
    q = quote_cued_by(quotes, "announced")
    assert q is not None
    assert (q.speaker_kind, q.speaker_cluster) == ("organisation", None)


def test_one_person_described_twice_is_not_a_group(nlp) -> None:
    _clusters, quotes = analyse(
        nlp, "The former first lady and senator said that the plan was a mistake."
    )
    q = quote_cued_by(quotes, "said")
    assert q is not None
    assert q.speaker_kind != "unnamed"


def test_a_passive_speaker_verb_keeps_its_subject(nlp) -> None:
    """ "X was quoted as saying": the subject does speak."""
    _clusters, quotes = analyse(
        nlp,
        "Ed Balls spoke on Monday. Mr Balls was quoted as saying that the cuts went too far.",
    )
    assert any(q.speaker_name == "Ed Balls" and q.cue == "saying" for q in quotes)


def test_a_passive_subject_who_then_speaks_keeps_the_active_clause(nlp) -> None:
    _clusters, quotes = analyse(
        nlp,
        "Ed Balls spoke in Leeds. Mr Balls was asked about the strike and said that he had "
        "huge sympathy for the workers.",
    )
    said = quote_cued_by(quotes, "said")
    assert said is not None
    assert said.speaker_name == "Ed Balls"


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        (
            "Sens. Ann Fenwick (D-Md.), Paul Ostrow (D-Ohio) and Rita Vance (D-Ore.) all said "
            "that the bank should repay its customers.",
            "said",
        ),
        ("Both the owner and her staff said that the figures were wrong.", "said"),
        (
            "As for the Fenwick campaign, both the candidate and her staff are showing signs of "
            "irritation.",
            "showing",
        ),
    ],
)
def test_a_list_of_speakers_is_a_group(nlp, text: str, cue: str) -> None:
    """Three names with "and" before the last (which the parse hangs on the second), and "both
    X and her staff": several speakers, not the first person named or the candidate."""
    _clusters, quotes = analyse(nlp, "Ann Fenwick and Paul Ostrow met on Monday.\n\n" + text)
    q = quote_cued_by(quotes, cue)
    assert q is not None
    assert q.speaker_cluster is None
    assert q.speaker_kind == "unnamed"


def test_the_one_asked_does_not_say_the_question(nlp) -> None:
    """ "Asked about X, Carter said ...": the question is not Carter's; whoever asked it is
    not named, so the quote "Asked" cues has no speaker. What Carter then said is hers."""
    _clusters, quotes = analyse(
        nlp,
        "Jane Carter spoke in Leeds on Friday.\n\n"
        "Asked whether the depot would close, Carter said that no decision had been taken.",
    )
    asked = quote_cued_by(quotes, "Asked")
    if asked is not None:
        assert asked.speaker_cluster is None
        assert asked.speaker_name is None
    said = quote_cued_by(quotes, "said")
    assert said is not None
    assert said.speaker_name == "Jane Carter"


def test_the_agent_of_a_reduced_passive_asks(nlp) -> None:
    """ "Asked by Hollis whether ..., Carter said": Hollis asks."""
    clusters, quotes = analyse(
        nlp,
        "Jane Carter and Tom Hollis spoke in Leeds on Friday.\n\n"
        "Asked by Hollis whether the depot would close, Carter said that no decision had been "
        "taken.",
    )
    asked = quote_cued_by(quotes, "Asked")
    if asked is not None:
        assert asked.speaker_name != "Jane Carter"
        assert asked.speaker_cluster is None or name_of(clusters, asked.speaker_cluster) == (
            "Tom Hollis"
        )


# -- people inside one article ---------------------------------------------------------------


def entities(nlp, text: str):  # type: ignore[no-untyped-def]
    from tasks.nlp.entities import extract_entities

    return extract_entities(nlp(text))


def cluster_of(clusters, mentions, surface: str):  # type: ignore[no-untyped-def]
    found = [clusters[m.cluster] for m in mentions if m.text == surface]
    return found[0] if found else None


def test_namesakes_split_by_honorific(nlp) -> None:
    """Bill and Hillary Clinton: "Mrs. Clinton" is not Bill."""
    clusters, mentions = entities(
        nlp,
        "Bill Clinton spoke first. He praised the crowd.\n\n"
        "Hillary Clinton spoke later. Mrs. Clinton said the vote mattered.",
    )
    assert cluster_of(clusters, mentions, "Mrs. Clinton").name == "Hillary Clinton"


def test_a_bare_surname_two_people_share_stays_unresolved(nlp) -> None:
    from tasks.nlp.clusters import UNRESOLVED_KEY

    doc = nlp("Maria Vance and Peter Vance arrived together.\n\nVance said the talks had failed.")
    from tasks.nlp.entities import extract_entities

    clusters, mentions = extract_entities(doc)
    assert cluster_of(clusters, mentions, "Vance") is None
    assert [doc.text[a:b] for a, b, _g in doc.user_data[UNRESOLVED_KEY]] == ["Vance"]


def test_middle_initials_and_suffixes(nlp) -> None:
    clusters, mentions = entities(
        nlp,
        "Donald J. Trump spoke in Ohio. Donald Trump Jr. spoke in Texas. Later Mr. Trump left.",
    )
    father = cluster_of(clusters, mentions, "Donald J. Trump")
    son = cluster_of(clusters, mentions, "Donald Trump Jr")
    assert father is not None and son is not None and father is not son
    assert cluster_of(clusters, mentions, "Mr. Trump") is father


def test_two_middle_initials_are_two_people(nlp) -> None:
    clusters, mentions = entities(
        nlp, "George H. W. Bush was president before George W. Bush was elected."
    )
    people = [c for c in clusters if c.label == "PERSON"]
    assert len(people) == 2


def test_a_name_with_words_in_front_joins_the_name(nlp) -> None:
    clusters, mentions = entities(
        nlp,
        "Hillary Clinton spoke in Ohio. Supporters chanted Crooked Hillary Clinton at a rival "
        "rally.",
    )
    people = {c.name for c in clusters if c.label == "PERSON"}
    assert people == {"Hillary Clinton"}


def test_title_case_lines_mint_no_people(nlp) -> None:
    clusters, mentions = entities(
        nlp,
        "Nides Thanked Clinton For Her Help With The Talks\n\n"
        "Hillary Clinton met diplomats in Geneva on Monday. Clinton said talks would go on.",
    )
    people = {c.name for c in clusters if c.label == "PERSON"}
    assert people == {"Hillary Clinton"}
    headline_mentions = [m for m in mentions if m.start < 50]
    assert all(clusters[m.cluster].name == "Hillary Clinton" for m in headline_mentions)


def test_roles_stay_with_their_person(nlp) -> None:
    clusters, mentions = entities(
        nlp,
        "President Barack Obama and his wife, Michelle Obama, arrived in Miami on Friday.",
    )
    michelle = cluster_of(clusters, mentions, "Michelle Obama")
    assert michelle is not None
    assert "President" not in michelle.roles


@pytest.mark.parametrize(
    ("text", "surface", "gender", "evidence"),
    [
        ("Mrs Amira Haddad runs the clinic.", "Mrs Amira Haddad", "female", "honorific"),
        (
            "Amira Haddad runs the clinic. She opened it in May.",
            "Amira Haddad",
            "female",
            "pronoun",
        ),
        ("Tobias Wren runs the clinic. He opened it in May.", "Tobias Wren", "male", "pronoun"),
        # A first name is no evidence.
        ("Mary Wren runs the clinic.", "Mary Wren", "unknown", "unknown"),
        # Two people before the pronoun: it says nothing about either.
        (
            "Tobias Wren met Amira Haddad. She opened the clinic in May.",
            "Tobias Wren",
            "unknown",
            "unknown",
        ),
    ],
)
def test_gender_from_the_text(nlp, text: str, surface: str, gender: str, evidence: str) -> None:
    clusters, mentions = entities(nlp, text)
    person = cluster_of(clusters, mentions, surface)
    assert person is not None
    assert (person.gender, person.gender_evidence) == (gender, evidence)


def test_she_does_not_join_a_man(nlp) -> None:
    clusters, quotes = analyse(
        nlp,
        "Mr Tobias Wren opened the clinic. Amira Haddad runs it.\n\n"
        '"We are full every day," she said.',
    )
    said = quote_cued_by(quotes, "said")
    assert said is not None
    assert said.speaker_name != "Tobias Wren"


# -- the writer's own first person -----------------------------------------------------------

COLUMN = (
    "The council voted to close the library on Monday.\n\n"
    "I argued at the meeting that the town would lose its only quiet place to study.\n\n"
    "Mayor Ruth Ellison said, \u201cI told them the budget leaves no choice.\u201d"
)


@pytest.mark.parametrize(
    ("authors", "writer"),
    [
        (("PAUL DORAN",), "Paul Doran"),
        (("Paul Doran, Harbour Gazette",), "Paul Doran"),
        # No one person: no byline, two writers, a desk.
        ((), None),
        (("Paul Doran", "Ann Kerr"), None),
        (("Harbour Gazette Staff",), None),
    ],
)
def test_the_writers_i_is_the_bylines_person(
    nlp, authors: tuple[str, ...], writer: str | None
) -> None:
    _clusters, quotes = analyse(nlp, COLUMN, authors)
    argued = quote_cued_by(quotes, "argued")
    assert argued is not None and argued.speaker_text == "I"
    assert argued.speaker_name == writer
    # The "I" inside the mayor's quote marks is the mayor's, whatever the byline.
    assert quote_cued_by(quotes, "said").speaker_name == "Ruth Ellison"


def test_the_writers_i_joins_the_writer_the_article_names(nlp) -> None:
    text = (
        "Paul Doran has covered the council for ten years.\n\n"
        "I argued at the meeting that the town would lose its only quiet place to study."
    )
    clusters, quotes = analyse(nlp, text, ("Paul Doran",))
    argued = quote_cued_by(quotes, "argued")
    assert name_of(clusters, argued.speaker_cluster) == "Paul Doran"


# -- which of the people named a pronoun or a title is ---------------------------------------


def speaker_of(nlp, text: str, cue: str, phrase: str) -> str | None:  # type: ignore[no-untyped-def]
    """The person the quote cued by ``cue``, whose speaker phrase is ``phrase``, is given to."""
    clusters, quotes = analyse(nlp, text)
    found = [q for q in quotes if q.cue == cue and q.speaker_text == phrase]
    assert found, quotes
    assert len({q.speaker_cluster for q in found}) == 1, found
    return name_of(clusters, found[0].speaker_cluster)


def test_a_name_modifying_a_noun_is_not_the_subject_a_pronoun_looks_for(nlp) -> None:
    """ "The Mercer campaign picked up a report that Hale was leaving": the campaign is the
    subject, not Mercer; "he" is Hale, the person the sentence's clauses are about."""
    text = (
        "Dana Hale and Tom Mercer are both running for mayor.\n\n"
        "The Mercer campaign on Monday picked up a report that Hale was leaving the race.\n\n"
        '"I am not going anywhere," he told reporters on Tuesday.'
    )
    assert speaker_of(nlp, text, "told", "he") == "Dana Hale"


def test_a_main_clause_subject_outranks_an_embedded_one(nlp) -> None:
    """ "Pryce acknowledged the mayor and Olsen had split ..., he said": the one who
    acknowledges, not the subject of what he acknowledged (nor Hale, whose name only modifies
    "campaign manager")."""
    text = (
        "Greg Olsen won the first contest and Dana Hale won the second.\n\n"
        "In a memo released as polls closed on Tuesday, Hale campaign manager Alan Pryce "
        "acknowledged the former mayor and Olsen had split the first two contests, which is an "
        'outcome, he said, "we\'ve long anticipated."'
    )
    assert speaker_of(nlp, text, "said", "he") == "Alan Pryce"


def test_the_chairman_is_the_chairman_named_last(nlp) -> None:
    """Two people whose roles end in "Chairman": "the chairman" is one of them (the one named
    last), never a third person named just before."""
    text = (
        "Party Chairman Ken Adebayo and Rules Committee Chairman Paul Lind met in Tampa on "
        "Monday.\n\n"
        "Lind wants the rules changed before the convention. Adebayo has pushed back on the "
        "charges made by Mark Marsh.\n\n"
        "The chairman said on Sunday that he opposes any changes to the rules this week."
    )
    assert speaker_of(nlp, text, "said", "The chairman") == "Ken Adebayo"


@pytest.mark.parametrize(
    "carter",
    ["Joe Carter, a former president,", "Vice President Joe Carter"],
)
def test_a_vice_or_former_president_is_not_the_president(nlp, carter: str) -> None:
    text = (
        f"President Ana Silva met {carter} in Lagos on Monday.\n\n"
        "The president said that the talks would resume in the spring."
    )
    assert speaker_of(nlp, text, "said", "The president") == "Ana Silva"


def test_a_title_said_of_someone_is_no_reference(nlp) -> None:
    """ "his path to becoming the party's nominee" says what Kessler may become; it does not
    make "the nominee" his title so that "the candidate" must be someone else."""
    text = (
        "Ohio Gov. John Kessler received a warm welcome on Friday afternoon.\n\n"
        "At the convention, the host asked Kessler, who is fourth in the delegate count, to lay "
        "out his path to becoming the party's nominee.\n\n"
        "The candidate said he does not believe any of his rivals will secure enough delegates."
    )
    assert speaker_of(nlp, text, "said", "The candidate") == "John Kessler"


def test_a_title_passes_over_names_that_only_modify_a_noun(nlp) -> None:
    """ "... Paul Dunn's response to the floods, the candidate said": Olsen, whose clause it is,
    not Dunn or Reyes, whose names are possessives."""
    text = (
        "The attacks that Mary Olsen blamed on Tom Reyes's campaign are not as bad as Paul "
        "Dunn's response to the floods, the candidate said on Friday."
    )
    assert speaker_of(nlp, text, "said", "the candidate") == "Mary Olsen"


def test_a_pronoun_prefers_the_person_the_text_gives_its_gender(nlp) -> None:
    """ "He was joined by Ms Ana Ortiz ... She said": Ortiz, named nearer and a woman by her
    honorific, not Reyes, the subject further back whose gender the text does not give."""
    text = (
        "Tom Reyes and Sam Diaz held a conference call on Monday.\n\n"
        "He was joined on the call by Ms Ana Ortiz, president of the advocacy group. She said "
        'the mayor "has failed to do anything at all."'
    )
    clusters, quotes = analyse(nlp, text)
    said = [q for q in quotes if q.cue == "said" and q.speaker_text == "She"]
    assert said
    assert {name_of(clusters, q.speaker_cluster) for q in said} == {"Ana Ortiz"}


def test_a_quote_after_another_persons_sentence_is_theirs(nlp) -> None:
    """A quote with no cue goes on from the quote before, unless a sentence between makes
    someone else its subject: then it is theirs."""
    _clusters, quotes = analyse(
        nlp,
        '"The cuts go too far," Mark Dunmore said on Sunday.\n\n'
        "On another programme, Senator Ann Ruiz, who lost the primary, named young voters as "
        'the key to the election. "The younger people are sick and tired of being ignored."',
    )
    last = max(quotes, key=lambda q: q.quote_start)
    assert last.quote_text.startswith("The younger people")
    assert last.speaker_name == "Ann Ruiz"


def test_a_quote_after_the_same_persons_sentence_stays_theirs(nlp) -> None:
    _clusters, quotes = analyse(
        nlp,
        '"The cuts go too far," Mark Dunmore said on Sunday. Ann Ruiz had backed them.\n\n'
        'Dunmore then named young voters as the key to the election. "The younger people are '
        'sick and tired of being ignored."',
    )
    last = max(quotes, key=lambda q: q.quote_start)
    assert last.quote_text.startswith("The younger people")
    assert last.speaker_name == "Mark Dunmore"


def test_she_in_the_subjects_sentence_is_the_woman_it_names(nlp) -> None:
    """ "Whitford described Ellison as a disgrace after she attacked ...": the text gives
    Ellison as a woman ("Ms Ellison") and says nothing of Whitford; "she" is Ellison."""
    _clusters, quotes = analyse(
        nlp,
        "Mary Ellison spoke in Leeds on Monday. Ms Ellison said the force needed reform.\n\n"
        "Governor Dale Whitford described Mary Ellison as a disgrace after she attacked the "
        "police for their handling of the march.",
    )
    attacked = quote_cued_by(quotes, "attacked")
    assert attacked is not None
    assert attacked.speaker_name == "Mary Ellison"


def test_a_surname_the_ner_missed_is_the_one_person_of_that_name(nlp) -> None:
    """A headline's "Hendricks urges ...", tagged a common noun: Maria Hendricks, the only
    person of the article with that surname."""
    text = (
        "Hendricks urges Democrats to reject the budget deal.\n\n"
        "Maria Hendricks is urging fellow Democrats to reject the budget deal reached last week."
    )
    assert speaker_of(nlp, text, "urges", "Hendricks") == "Maria Hendricks"


def test_a_shorter_title_is_the_holder_of_the_longer(nlp) -> None:
    """ "The Republican presidential candidate said ..." then "The candidate later said": the
    same person, not Ann Kerr, named just before the second."""
    text = (
        "Tom Reyes spoke in Ohio on Monday.\n\n"
        "The Republican presidential candidate said the plan would fail, and Ann Kerr agreed.\n\n"
        "The candidate later said that the tax plan would be released in May."
    )
    clusters, quotes = analyse(nlp, text)
    first = [q for q in quotes if q.speaker_text == "The Republican presidential candidate"]
    later = [q for q in quotes if q.speaker_text == "The candidate"]
    assert first and later
    assert name_of(clusters, first[0].speaker_cluster) == "Tom Reyes"
    assert {name_of(clusters, q.speaker_cluster) for q in later} == {"Tom Reyes"}


def test_an_office_abbreviation_makes_the_title_holder(nlp) -> None:
    """ "Sen. Ann Kerr": "the senator" is Kerr, not the host named just before it."""
    text = (
        "Sen. Ann Kerr appeared on the show with the host Ruth Ellison on Thursday.\n\n"
        "During the interview, Kerr was pressed by Ellison on her plans, but the senator insisted "
        "that she had not yet decided."
    )
    assert speaker_of(nlp, text, "insisted", "the senator") == "Ann Kerr"


def test_a_title_with_words_after_it_introduces_someone(nlp) -> None:
    """ "The attorney general of the state of Ohio is suing Reyes": a new person, not Reyes,
    the one named before it."""
    text = (
        "Tom Reyes has been a party to hundreds of lawsuits in his career.\n\n"
        "The attorney general of the state of Ohio said that the college Reyes founded was a "
        "fraud."
    )
    clusters, quotes = analyse(nlp, text)
    said = [q for q in quotes if q.cue == "said"]
    assert said and said[0].speaker_text.startswith("The attorney general")
    assert said[0].speaker_cluster is None


def test_a_neighbouring_place_is_not_the_speaker_its_phrase_describes(nlp) -> None:
    """When the parse gives "said" no subject, the speaker is the noun phrase beside it; a
    place inside an appositive ("a military spokesman in Baghdad") belongs to the spokesman,
    and the spokesman is the name the appositive describes."""
    from tasks.nlp.entities import extract_entities
    from tasks.nlp.quotes.context import ArticleContext

    doc = nlp('"The convoy was hit twice," Col. Ray Warren, a military spokesman in Baghdad, said.')
    warren = next(t for t in doc if t.text == "Warren")
    assert [t.text for t in warren.subtree][-2:] == ["Baghdad", ","]
    warren.dep_ = "dep"  # the parse some sentences of this shape get: no subject for "said"
    said = next(t for t in doc if t.text == "said")
    closing = max(t.i for t in doc[: warren.i] if t.text == '"')
    art = ArticleContext(doc, *extract_entities(doc))
    assert art.speaker_of(said) is None
    speaker = art.speaker_near(said, closing + 1, said.sent.end)
    assert speaker is not None
    assert speaker.name == "Ray Warren"


def test_she_after_a_woman_the_text_does_not_name_is_no_one_named(nlp) -> None:
    """ "The woman who started the chant ... she said": the woman is the speaker, whom the text
    does not name; the man named before her is not who "she" is."""
    _clusters, quotes = analyse(
        nlp,
        "Ben Harlow wrote about the rally in the Courier on Monday.\n\n"
        "The woman who started the chant told reporters she was a nurse from Salem. "
        '"He truly cares about the people of this town," she said.',
    )
    said = quote_cued_by(quotes, "said")
    assert said is not None
    assert said.speaker_text == "she"
    assert said.speaker_cluster is None


def test_a_named_woman_stays_she_past_every_mother(nlp) -> None:
    """Only someone in particular, in a main clause, is whom a later "she" may be: "every
    mother" and "a man whose mother ..." are not."""
    clusters, quotes = analyse(
        nlp,
        "Ana Ortiz spoke to the council on Monday. She met a man whose mother had lost her "
        'home. "Every family here deserves better," she said.',
    )
    said = quote_cued_by(quotes, "said")
    assert said is not None
    assert name_of(clusters, said.speaker_cluster) == "Ana Ortiz"


def test_scare_quotes_before_anothers_participle_are_not_the_subjects(nlp) -> None:
    """'whether Mr Hale was "content" with the plan, insisting ...': no speaker stands
    between the quoted word and the participle, which is the insider's (or, parsed onto the
    whether-clause, would make Mr Hale its speaker); the word is no quote cued by it."""
    _clusters, quotes = analyse(
        nlp,
        "Tom Hale chaired the meeting on Monday.\n\n"
        'One insider refused to answer the question of whether Mr Hale was "content" with '
        'the plan, insisting it was "not a matter for the board".',
    )
    assert not any(q.quote_text == "content" and q.cue == "insisting" for q in quotes)
    assert not any(q.speaker_name == "Tom Hale" for q in quotes)


def test_a_pronoun_follows_the_pronoun_that_was_the_main_subject(nlp) -> None:
    """ "He defended Pryce, saying Pryce should be given a medal. He also spoke well of Olsen
    ... he said": the sentence before is about the man its main-clause "he" is, not about
    Pryce, the subject of a clause inside it."""
    text = (
        "Mayor Tom Hale took questions for three hours on Thursday.\n\n"
        "He defended Alan Pryce, the embattled head of the harbour board, saying Pryce "
        "should be given a medal. He also spoke warmly of Greg Olsen after the session.\n\n"
        '"There is no doubt that he is a gifted man," he said.'
    )
    assert speaker_of(nlp, text, "said", "he") == "Tom Hale"


def test_a_long_chain_of_pronouns_is_cut_not_crashed_on(nlp) -> None:
    """An article of hundreds of "He ..." sentences, each naming another man: every "he"
    follows the "he" before it, and past MAX_PRONOUN_CHAIN links the chain gives no one named
    instead of running out of stack."""
    text = (
        "Mayor Ann Hale spoke first. "
        + " ".join(f"He praised Tom Reed on day {i}." for i in range(1, 1200))
        + ' "We will build it," he said.'
    )
    assert speaker_of(nlp, text, "said", "he") in (None, "Ann Hale")


def test_a_pronoun_after_an_untagged_surname_subject_is_that_person(nlp) -> None:
    """ "Dunmore blamed the council ..." with "Dunmore" left untagged at the start of a
    sentence: still Carl Dunmore, the subject "he" looks back to, not the mayor before him."""
    text = (
        "Carl Dunmore, who runs the ferry company, met the council in March.\n\n"
        "Mayor Tom Hale opened the bridge on Friday. Dunmore blamed the council for the delay.\n\n"
        '"It should have been done a year ago," he said.'
    )
    assert speaker_of(nlp, text, "said", "he") == "Carl Dunmore"


def test_a_pronoun_after_a_speaker_the_ner_missed_is_no_one_named(nlp) -> None:
    """ "..., Mezghani said" with the name tagged a place: "He said" after it is Mezghani, whom
    no entity stands for, so no one named, never the mayor named before."""
    text = (
        "Mayor Tom Hale opened the new clinic on Friday.\n\n"
        '"We waited ten years for this," Mezghani said after the speech.\n\n'
        "He said the town would need more doctors."
    )
    assert speaker_of(nlp, text, "said", "He") is None


def test_she_in_her_own_sentence_is_not_a_woman_named_as_a_modifier(nlp) -> None:
    """ "Dana Hale, a Clinton volunteer, ..., and she said": the woman the text names in the
    pronoun's sentence only modifies "volunteer"; the volunteer, Hale, is the one named there."""
    text = (
        "Mrs. Clinton spoke to a crowd in Toledo on Monday.\n\n"
        "Dana Hale, a Clinton volunteer, walked the streets all day, and she said the turnout "
        "would be high."
    )
    assert speaker_of(nlp, text, "said", "she") == "Dana Hale"


def test_a_pronoun_after_a_speaker_tagged_an_organisation_is_no_one_named(nlp) -> None:
    """ "..., Benzarti said" with the name tagged an organisation, and never a person: "She
    said" after it is no one named, not the mayor named before."""
    text = (
        "Mayor Ann Hale opened the new clinic on Friday.\n\n"
        '"We waited ten years for this," Benzarti said after the speech.\n\n'
        "She said the town would need more doctors."
    )
    assert speaker_of(nlp, text, "said", "She") is None


def test_a_pronoun_after_a_missed_name_as_a_main_subject_is_no_one_named(nlp) -> None:
    """ "Tebourbi waited outside ..." with the name untagged (or tagged a work of art): a main
    clause's subject, used as a name where no sentence starts, so "she" after it is no one
    named, not the mayor named before."""
    text = (
        "Mayor Tom Hale opened the new clinic on Friday.\n\n"
        "Tebourbi waited outside with the other nurses. It was the third clinic that Tebourbi "
        "had seen built.\n\n"
        '"We need more doctors," she said.'
    )
    assert speaker_of(nlp, text, "said", "she") is None


def test_a_pronoun_after_a_surname_tagged_a_plural_noun_is_that_person(nlp) -> None:
    """ "Akers appeared to dismiss the plan" with "Akers" tagged a plural noun: Tom Akers is
    the subject "he" looks back to, not the other man named before."""
    text = (
        "Mrs. Hale met Tom Akers and Carl Dunn at the depot on Monday.\n\n"
        "Akers appeared to dismiss the plan, saying the trains were fine.\n\n"
        'On Friday, he remarked: "The line works."'
    )
    assert speaker_of(nlp, text, "remarked", "he") == "Tom Akers"


def test_a_pronoun_is_not_the_person_its_own_verb_addresses(nlp) -> None:
    """ "Reed asked Hale ... 'A year at most,' he told Reed": the sentence before is about
    Reed, its main subject, but a subject is not the person its own verb's object names, so
    "he" is Hale."""
    text = (
        "Carl Reed, the radio host, interviewed Mayor Tom Hale on Monday.\n\n"
        "Reed asked Hale how long the new bridge would take to build.\n\n"
        '"A year at most," he told Reed.'
    )
    assert speaker_of(nlp, text, "told", "he") == "Tom Hale"


def analyse_tagged(nlp, text: str, labels: dict[str, str | list[str]]):  # type: ignore[no-untyped-def]
    """(clusters, quotes) with the NER's entities replaced by ``labels`` (words -> label, or a
    label for each time the words occur), to rebuild the tags spaCy gives some real names
    whatever the sentence."""
    from tasks.nlp.analyse import analyse_doc

    doc = nlp(text)
    spans = []
    taken: set[int] = set()
    for words, label in sorted(labels.items(), key=lambda item: -len(item[0])):
        for n, found in enumerate(re.finditer(rf"\b{re.escape(words)}\b", text)):
            span = doc.char_span(
                found.start(), found.end(), label=label if isinstance(label, str) else label[n]
            )
            assert span is not None, words
            if not taken & set(range(span.start, span.end)):
                taken |= set(range(span.start, span.end))
                spans.append(span)
    doc.ents = sorted(spans, key=lambda s: s.start)
    article = article_of(text)
    found = analyse_doc(article, doc)
    return list(found.entities), list(found.quotes)


def test_a_name_tagged_an_organisation_whose_surname_speaks_is_a_person(nlp) -> None:
    """ "Carla Benedetti" tagged an organisation throughout, then "Benedetti said": the name is
    a person's, and the bare surname and the "she" after it are hers. Not so a name with an
    outlet's word in it ("the Harbour Post Hale", tagged ORG whole, beside "Hale said"), nor a
    place that speaks as its government ("in Verona" ... "Verona said")."""
    text = (
        "Carla Benedetti, who ran the shipyard for a decade, is running for governor.\n\n"
        '"We will win the north," Benedetti said on Monday.\n\n'
        '"The south will follow," she said.\n\n'
        "Mayor Tom Hale wrote to the Harbour Post Hale on Monday. Hale said it was a mistake.\n\n"
        "Troops were sent to camps in Verona. Say Verona refused to pay, the minister asked."
    )
    clusters, quotes = analyse_tagged(
        nlp,
        text,
        {
            "Carla Benedetti": "ORG",
            "Benedetti": "ORG",
            "Tom Hale": "PERSON",
            "Harbour Post Hale": "ORG",
            "Say Verona": "ORG",
            "Verona": "GPE",
        },
    )
    by_phrase = {q.speaker_text: q for q in quotes}
    assert by_phrase["Benedetti"].speaker_kind == "person"
    assert name_of(clusters, by_phrase["Benedetti"].speaker_cluster) == "Carla Benedetti"
    assert name_of(clusters, by_phrase["she"].speaker_cluster) == "Carla Benedetti"
    people = {c.name for c in clusters if c.label == "PERSON"}
    assert "Harbour Post Hale" not in people and "Say Verona" not in people


def test_a_person_named_after_an_outlets_possessive_is_a_person(nlp) -> None:
    """ "Channel Nine's Dana Ruiz" tagged ORG whole, with "Ruiz asked" elsewhere: Dana Ruiz is
    a person, the speaker of "Ruiz asked"."""
    text = (
        "Mayor Tom Hale sat down with Channel Nine's Dana Ruiz on Monday.\n\n"
        "Ruiz asked whether the bridge would open in May."
    )
    clusters, quotes = analyse_tagged(
        nlp, text, {"Tom Hale": "PERSON", "Channel Nine's Dana Ruiz": "ORG"}
    )
    asked = quote_cued_by(quotes, "asked")
    assert asked is not None and asked.speaker_kind == "person"
    assert name_of(clusters, asked.speaker_cluster) == "Dana Ruiz"


def test_a_place_tagged_a_person_once_is_a_place_and_no_ones_he(nlp) -> None:
    """ "Clarkston" tagged a place, used as one ("in Clarkston"), and once tagged a person: that
    once is the town too, so "he" after it is the man named before; and "Xinhua, the official
    news agency" tagged a person is an organisation."""
    text = (
        "Luay Sami moved to a flat in Clarkston in 2009. He got a car and a job in Clarkston, "
        "and Clarkston became his home.\n\n"
        '"People here are kind," he said.\n\n'
        '"The admiral is a threat," Xinhua, the official news agency, wrote.'
    )
    clusters, quotes = analyse_tagged(
        nlp,
        text,
        {"Luay Sami": "PERSON", "Clarkston": ["GPE", "GPE", "PERSON"], "Xinhua": "PERSON"},
    )
    assert name_of(clusters, quote_cued_by(quotes, "said").speaker_cluster) == "Luay Sami"
    wrote = quote_cued_by(quotes, "wrote")
    assert wrote is not None and wrote.speaker_kind == "organisation"


def test_a_title_speaking_after_a_quote_is_the_subject_before_it(nlp) -> None:
    """ "Tom Hale attacked Greg Olsen on Monday. '...,' the former mayor said": the title that
    speaks right after a quote is the person the sentence before it was about, its main
    subject, not the name nearest it. A title in the narrative ("Tom Hale offered advice to
    Greg Olsen. The former mayor said ...") is still the name nearest it (news style: "Trump
    attacked Cruz. The Texas senator replied")."""
    quoted = (
        "Tom Hale attacked his old rival Greg Olsen at a rally in Leeds on Monday.\n\n"
        '"He has never once kept a promise to this town," the former mayor said.'
    )
    assert speaker_of(nlp, quoted, "said", "the former mayor") == "Tom Hale"
    narrative = (
        "Tom Hale offered advice to his old rival Greg Olsen at a rally in Leeds on Monday.\n\n"
        "The former mayor said that the town would need a new bridge."
    )
    assert speaker_of(nlp, narrative, "said", "The former mayor") == "Greg Olsen"


def test_a_staff_title_is_not_the_person_named_before(nlp) -> None:
    """ "Tom Hale ... Olsen's campaign manager said": someone who speaks for another is not
    the last person named (nor Olsen, the principal); with no role to name them, no one."""
    text = (
        "Mayor Tom Hale spent Monday in Leeds with his rival Greg Olsen.\n\n"
        "Olsen's campaign manager said the debate would go ahead on Friday."
    )
    assert speaker_of(nlp, text, "said", "Olsen's campaign manager") is None


def test_a_title_in_quote_marks_is_not_whom_he_after_it_is(nlp) -> None:
    """'"What the president chooses to do is up to him," he said' after a sentence about Tom
    Hale: "the president" in the quote is what the speaker talked about, not whom the "he"
    after it is, as a name in quote marks would not be."""
    text = (
        "President Barack Obama flew to Leeds on Monday.\n\n"
        "On Tuesday, campaign chairman Tom Hale told a lunch group that the plan remains firm. "
        '"What the president chooses to do is up to him," he said.'
    )
    assert speaker_of(nlp, text, "said", "he") == "Tom Hale"
