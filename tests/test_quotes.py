"""extract_quotes: direct, partial and indirect quotes with their speakers.

The sentences here are written for these tests. Seed tests read ../shared/seeds in place.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schemas.vocab import QuoteRule, values
from tasks.model import Quote
from tasks.nlp.quotes import find_quoted_spans
from tasks.nlp.quotes.cues import inflect

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"


# -- quote marks, no model needed ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "contents"),
    [
        ('She said: "We will win."', ["We will win."]),
        ("She said: “We will win.”", ["We will win."]),
        ('"First part," he said, "second part."', ["First part,", "second part."]),
        ("He called it ‘a shambles’ on Monday.", ["a shambles"]),
        ("The Brownites’ best friend was the paper.", []),
        ("It's Tom's car and the dogs' bowls.", []),
        ('"Open all the way to the end', ["Open all the way to the end"]),
        ('"One. "Two."', ["One.", "Two."]),
        ("", []),
    ],
)
def test_find_quoted_spans(text: str, contents: list[str]) -> None:
    assert [text[s.start : s.end] for s in find_quoted_spans(text)] == contents


def test_quoted_span_flags_unclosed_paragraphs() -> None:
    text = '"The first paragraph goes on\n\n"and the second one ends here."'
    spans = find_quoted_spans(text)
    assert [s.closed for s in spans] == [False, True]
    assert [s.paragraph for s in spans] == [0, 1]


@pytest.mark.parametrize(
    ("entry", "forms"),
    [
        (("say", "said"), {"say", "says", "said", "saying"}),
        (("argue",), {"argue", "argues", "argued", "arguing"}),
        (("deny", "denied", "denies"), {"deny", "denies", "denied", "denying"}),
        (("stress",), {"stress", "stresses", "stressed", "stressing"}),
        # a final consonant after a short vowel doubles
        (("plan",), {"plan", "plans", "planned", "planning"}),
        (("refer",), {"refer", "refers", "referred", "referring"}),
    ],
)
def test_inflect(entry: tuple[str, ...], forms: set[str]) -> None:
    assert forms <= inflect(entry)


# -- the whole extraction on literal sentences ---------------------------------------------


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from tasks.nlp.analyse import load_nlp

    return load_nlp()


def quotes_of(nlp, text: str, options=None) -> list[Quote]:  # type: ignore[no-untyped-def]
    from tasks.nlp.entities import extract_entities
    from tasks.nlp.quotes import DEFAULT_OPTIONS, extract_quotes

    doc = nlp(text)
    clusters, mentions = extract_entities(doc)
    return extract_quotes(doc, clusters, mentions, options=options or DEFAULT_OPTIONS)


def only(quotes: list[Quote], kind: str | None = None) -> Quote:
    chosen = [q for q in quotes if kind is None or q.kind == kind]
    assert len(chosen) == 1, chosen
    return chosen[0]


def containing(quotes: list[Quote], words: str) -> Quote:
    for quote in quotes:
        if words in quote.quote_text:
            return quote
    raise AssertionError(f"no quote with {words!r} in {[q.quote_text for q in quotes]}")


def check_invariants(text: str, quotes: list[Quote]) -> None:
    for q in quotes:
        assert q.kind in {"direct", "indirect", "partial"}
        assert q.rule in values(QuoteRule)
        assert q.speaker_kind in {"person", "organisation", "unnamed", "unknown"}
        assert 0.0 <= q.confidence <= 1.0
        assert 0 <= q.quote_start < q.quote_end <= len(text)
        if " " not in q.quote_text or q.quote_text == text[q.quote_start : q.quote_end]:
            assert text[q.quote_start : q.quote_end].startswith(q.quote_text[:5])
        assert not q.quote_text.startswith(('"', "“"))
        if q.kind == "indirect":
            # Reported content may end on quoted words, with their closing mark
            # ('called him a "loser,"'), but never on a dangling opener ('called him a "loser').
            assert q.quote_text.count("“") == q.quote_text.count("”")
            assert q.quote_text.count('"') % 2 == 0
        else:
            assert not q.quote_text.endswith(('"', "”"))
        if q.speaker_text is not None:
            assert text[q.speaker_start : q.speaker_end] == q.speaker_text
        if q.cue is not None:
            assert text[q.cue_start : q.cue_end] == q.cue


DIRECT_SHAPES = [
    # (text, quote words, speaker text, speaker name)
    (
        'Priya Natarajan, the council leader, said: "We will reopen the library in May."',
        "We will reopen the library in May.",
        "Priya Natarajan",
        "Priya Natarajan",
    ),
    (
        '"We will reopen the library in May," Priya Natarajan said.',
        "We will reopen the library in May,",
        "Priya Natarajan",
        "Priya Natarajan",
    ),
    (
        '"We will reopen the library in May," said Priya Natarajan, the council leader.',
        "We will reopen the library in May,",
        "Priya Natarajan",
        "Priya Natarajan",
    ),
    (
        "Tomas Berg told reporters: “Nobody expected the bridge to close so soon.”",
        "Nobody expected the bridge to close so soon.",
        "Tomas Berg",
        "Tomas Berg",
    ),
    (
        'Tomas Berg said – "Nobody expected the bridge to close so soon."',
        "Nobody expected the bridge to close so soon.",
        "Tomas Berg",
        "Tomas Berg",
    ),
    (
        'In the Gazette today, Ruth Okoro writes; "The council has lost the argument on parking."',
        "The council has lost the argument on parking.",
        "Ruth Okoro",
        "Ruth Okoro",
    ),
    (
        '"Is this really the best we can do?" asked Harriet Quinlan.',
        "Is this really the best we can do?",
        "Harriet Quinlan",
        "Harriet Quinlan",
    ),
    (
        '"The ferry timetable will not change before the spring" Harriet Quinlan told the meeting.',
        "The ferry timetable will not change before the spring",
        "Harriet Quinlan",
        "Harriet Quinlan",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "words", "speaker", "name"), DIRECT_SHAPES)
def test_direct_quote_shapes(nlp, text: str, words: str, speaker: str, name: str) -> None:
    quotes = quotes_of(nlp, text)
    check_invariants(text, quotes)
    quote = containing(quotes, words.rstrip(",.?"))
    assert quote.kind == "direct"
    assert quote.quote_text == words
    assert quote.speaker_text == speaker
    assert quote.speaker_name == name
    assert quote.speaker_kind == "person"
    assert quote.cue is not None
    assert quote.confidence >= 0.7


@pytest.mark.slow
def test_split_quote_is_one_quote_with_one_speaker(nlp) -> None:
    text = '"The first half was poor," Harriet Quinlan said, "but the second was much better."'
    quotes = [q for q in quotes_of(nlp, text) if q.kind == "direct"]
    assert {q.speaker_name for q in quotes} == {"Harriet Quinlan"}
    joined = " ".join(q.quote_text for q in quotes)
    assert "The first half was poor" in joined and "the second was much better" in joined


@pytest.mark.slow
def test_quote_over_several_paragraphs_keeps_its_speaker(nlp) -> None:
    text = (
        'Harriet Quinlan said: "We have waited three years for this road to be repaired.\n\n'
        '"Every winter it gets worse and every winter we are told to wait.\n\n'
        '"This year we will not wait any longer."'
    )
    quotes = [q for q in quotes_of(nlp, text) if q.kind == "direct"]
    check_invariants(text, quotes)
    joined = " ".join(q.quote_text for q in quotes)
    for words in ("three years", "Every winter", "not wait any longer"):
        assert words in joined
    assert {q.speaker_name for q in quotes} == {"Harriet Quinlan"}


@pytest.mark.slow
def test_quote_in_next_paragraph_without_cue_keeps_speaker(nlp) -> None:
    text = (
        'Mr Berg, the harbour master, said: "The boats will stay in port tonight."\n\n'
        "Fishermen had hoped to sail at dawn.\n\n"
        '"Nobody goes out in a storm like this one."'
    )
    quote = containing(quotes_of(nlp, text), "storm like this")
    assert quote.speaker_text == "Mr Berg"


@pytest.mark.slow
def test_saying_colon_then_unmarked_paragraph(nlp) -> None:
    text = (
        "The mayor, Tomas Berg, issued a statement last night, saying:\n\n"
        "The closure of the bridge is a blow to every family in the valley.\n\n"
        "Repairs will begin next week."
    )
    quote = containing(quotes_of(nlp, text), "closure of the bridge")
    assert quote.kind == "direct"
    assert quote.speaker_name == "Tomas Berg"
    assert "Repairs" not in quote.quote_text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "name"),
    [
        (
            'Ed Balls said he had "huge sympathy" for the nurses.',
            "huge sympathy",
            "Ed Balls",
        ),
        (
            'Harriet Quinlan said the new rota was "simply unworkable" for parents.',
            "simply unworkable",
            "Harriet Quinlan",
        ),
        (
            'Tomas Berg accused the board of "playing games with people\'s jobs".',
            "playing games with people's jobs",
            "Tomas Berg",
        ),
    ],
)
def test_partial_quotes_go_to_the_reporting_speaker(nlp, text: str, words: str, name: str) -> None:
    quotes = quotes_of(nlp, text)
    check_invariants(text, quotes)
    quote = only(quotes, "partial")
    assert quote.quote_text == words
    assert quote.speaker_name == name


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        'Burton thinks that cats are "cuties".',
        'He defended himself against the charge that he is waging a "class war".',
        'The memoir describes the "donorgate" affair in detail.',
        'Fans queued all night for the "golden ticket" sale.',
        # titles of where or to whom it was said
        'Tomas Berg said on "Morning Report" that the bridge would reopen in May.',
        'Harriet Quinlan told "The Evening Show" that the library would close.',
    ],
)
def test_scare_quotes_are_not_speech(nlp, text: str) -> None:
    quotes = quotes_of(nlp, text)
    assert not [q for q in quotes if q.kind in ("direct", "partial")], quotes


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "speaker", "cue"),
    [
        (
            "Mr Balls argues that the Government is pursuing the right strategy.",
            "the Government is pursuing the right strategy",
            "Mr Balls",
            "argues",
        ),
        (
            "Damian Green suggested that troops could be drafted in to cover the ports.",
            "troops could be drafted in to cover the ports",
            "Damian Green",
            "suggested",
        ),
        (
            "The harbour will stay closed until Friday, Tomas Berg said.",
            "The harbour will stay closed until Friday",
            "Tomas Berg",
            "said",
        ),
        (
            "According to Harriet Quinlan, the school will close in June.",
            "the school will close in June",
            "Harriet Quinlan",
            "According",
        ),
        (
            "In a Harbour Gazette poll released Monday, 61 percent of residents backed the bridge.",
            "61 percent of residents backed the bridge",
            "a Harbour Gazette poll released Monday",
            "In",
        ),
        (
            "Ruth Okoro's warning that the fund would run dry went unheeded.",
            "the fund would run dry",
            "Ruth Okoro",
            "warning",
        ),
    ],
)
def test_indirect_speech(nlp, text: str, words: str, speaker: str, cue: str) -> None:
    quotes = quotes_of(nlp, text)
    check_invariants(text, quotes)
    quote = containing(quotes, words)
    assert quote.kind == "indirect"
    assert quote.speaker_text is not None and speaker in quote.speaker_text
    assert quote.cue == cue


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "content", "speaker", "cue"),
    [
        # a prepositional object that is what was said
        (
            "Tomas Berg called for a ban on lorries in the old town.",
            "a ban on lorries in the old town",
            "Tomas Berg",
            "called",
        ),
        # an object with the predicate the verb gives it
        (
            "Harriet Quinlan accused the council of wasting money on consultants.",
            "the council of wasting money on consultants",
            "Harriet Quinlan",
            "accused",
        ),
        # the person urged belongs with the infinitive
        (
            "Ruth Okoro urged residents to leave their cars at home on Saturday.",
            "residents to leave their cars at home on Saturday",
            "Ruth Okoro",
            "urged",
        ),
        # a two-word object of an object-speech verb
        ("The mayor endorsed Ruth Okoro.", "Ruth Okoro", "The mayor", "endorsed"),
        # a participle's speaker: the clause's subject after a preposition, or the noun it
        # hangs on
        (
            "Tomas Berg answered by criticizing the new bridge tax.",
            "the new bridge tax",
            "Tomas Berg",
            "criticizing",
        ),
        (
            "The union published a leaflet criticizing the new bridge tax.",
            "the new bridge tax",
            "a leaflet",
            "criticizing",
        ),
        # indirect content ending on quoted words keeps the closing mark, not a dangling opener
        (
            'Harriet Quinlan called the mayor an "academic and musician," and left the room.',
            'the mayor an "academic and musician,"',
            "Harriet Quinlan",
            "called",
        ),
        (
            "Tomas Berg said the plan would “save the town,” and then sat down.",
            "the plan would “save the town,”",
            "Tomas Berg",
            "said",
        ),
        # a name alone is enough for an object, "to" and a verb for an infinitive
        ("The mayor endorsed Okoro.", "Okoro", "The mayor", "endorsed"),
        ("Tomas Berg declined to comment.", "to comment", "Tomas Berg", "declined"),
        # object and prepositional-object verbs that cue no quote marks still cue these
        (
            "Harriet Quinlan expressed deep concern about the closures.",
            "deep concern about the closures",
            "Harriet Quinlan",
            "expressed",
        ),
        (
            "Tomas Berg was referring to the new bridge tax.",
            "the new bridge tax",
            "Tomas Berg",
            "referring",
        ),
    ],
)
def test_indirect_content_boundaries(nlp, text: str, content: str, speaker: str, cue: str) -> None:
    quotes = quotes_of(nlp, text)
    check_invariants(text, quotes)
    quote = only(quotes, "indirect")
    assert quote.quote_text == content
    assert quote.speaker_text == speaker
    assert quote.cue == cue


@pytest.mark.slow
def test_quote_closing_a_reported_clause_is_partial(nlp) -> None:
    text = (
        "Harriet Quinlan said that once the bridge reopens, "
        '"we will hold a party for the whole town."'
    )
    quotes = quotes_of(nlp, text)
    check_invariants(text, quotes)
    clause = only(quotes, "indirect")
    assert clause.quote_text.startswith("that once the bridge reopens")
    assert "party for the whole town" in clause.quote_text
    quoted = only(quotes, "partial")
    assert quoted.quote_text.startswith("we will hold a party")
    assert {clause.speaker_name, quoted.speaker_name} == {"Harriet Quinlan"}


@pytest.mark.slow
def test_quote_right_after_that_stays_direct(nlp) -> None:
    text = 'Harriet Quinlan warned that "nobody can cross the bridge until it is repaired."'
    quote = containing(quotes_of(nlp, text), "nobody can cross")
    assert quote.kind == "direct"
    assert quote.speaker_name == "Harriet Quinlan"


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "The river rose overnight and the road was closed.",
        # Attitude verbs with nothing reported, or no one holding the attitude.
        "Burton thinks about cats all day.",
        "The bank is expected to raise interest rates in June.",
        "Tomas Berg, expected to win the seat, stayed at home.",
        "What Tomas Berg believes is none of our business.",
        "I think the plan will work.",
        # "continue" reports speech ('"...," she continued') but not with an infinitive
        "Tomas Berg continues to travel to the capital every week.",
        # A poll is a source only when the sentence opens with it (poll_nouns.txt).
        "Tomas Berg trails in the polls.",
    ],
)
def test_no_speech_no_quotes(nlp, text: str) -> None:
    assert quotes_of(nlp, text) == []


# Beliefs, hopes and wants are reported like speech (PolNeAR annotates them, and the issue asks
# for "a speech or cognition verb with a that-clause or complement"), but as indirect quotes only,
# below speech in confidence, with the attitude verb as cue and rule 'attitude' so users can
# filter them out.
ATTITUDES = [
    # (text, content, speaker, cue)
    ("Burton thinks that cats are cute.", "that cats are cute", "Burton", "thinks"),
    ("She wanted the bridge to reopen before winter.", "the bridge to reopen", "She", "wanted"),
    (
        "Harriet Quinlan believes that the council will close the library.",
        "that the council will close the library",
        "Harriet Quinlan",
        "believes",
    ),
    ("Tomas Berg wants to run for mayor next year.", "to run for mayor", "Tomas Berg", "wants"),
    ("Tomas Berg supported the new bridge tax.", "the new bridge tax", "Tomas Berg", "supported"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "content", "speaker", "cue"), ATTITUDES)
def test_attitudes_are_indirect_quotes_below_speech(
    nlp, text: str, content: str, speaker: str, cue: str
) -> None:
    from tasks.nlp.quotes import CONFIDENCE

    quotes = quotes_of(nlp, text)
    check_invariants(text, quotes)
    quote = only(quotes)
    assert quote.kind == "indirect"
    assert content in quote.quote_text
    assert quote.speaker_text == speaker
    assert quote.cue == cue
    assert quote.rule == "attitude"
    assert quote.confidence <= CONFIDENCE["attitude"] < CONFIDENCE["reported_speech"]


@pytest.mark.slow
def test_a_belief_inside_speech_is_part_of_what_was_said(nlp) -> None:
    text = "Harriet Quinlan said she believes the council will close the library."
    quote = only(quotes_of(nlp, text))
    assert quote.cue == "said"
    assert quote.quote_text == "she believes the council will close the library"


@pytest.mark.slow
def test_speech_reported_inside_speech_is_the_outer_speakers(nlp) -> None:
    text = "Harriet Quinlan said that Tomas Berg had claimed the council would close the library."
    quote = only(quotes_of(nlp, text))
    assert (quote.cue, quote.speaker_text) == ("said", "Harriet Quinlan")
    assert quote.quote_text == "that Tomas Berg had claimed the council would close the library"


@pytest.mark.slow
def test_quoted_words_in_a_belief_are_not_a_quote(nlp) -> None:
    # The belief is reported; the marked word is the writer's (or a scare quote), not speech.
    text = 'Burton thinks that cats are "cuties".'
    quote = only(quotes_of(nlp, text))
    assert (quote.kind, quote.cue) == ("indirect", "thinks")


@pytest.mark.slow
def test_pronoun_resolves_to_the_last_subject(nlp) -> None:
    text = (
        "Harriet Quinlan opened the new clinic in Leeds on Monday. Tomas Berg was not there.\n\n"
        'Mrs Quinlan thanked the nurses. She said: "This clinic belongs to the town."'
    )
    quote = containing(quotes_of(nlp, text), "belongs to the town")
    assert quote.speaker_text == "She"
    assert quote.speaker_name == "Harriet Quinlan"
    assert quote.speaker_kind == "person"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "kind", "name", "role"),
    [
        # "they" goes to the group that was the subject just before: people (NORP), an
        # organisation, or a plural source noun (kept as the role)
        (
            "Republicans gathered in Ohio. They argued that the tax was unfair.",
            "organisation",
            "Republicans",
            None,
        ),
        (
            "Local officials were angry about the plan. They said the council had ignored them.",
            "unnamed",
            None,
            "Local officials",
        ),
        # a place is not a group that speaks; with no group before, "they" stays unknown
        (
            "Tomas Berg visited Hull on Monday. They said the bridge would reopen in May.",
            "unknown",
            None,
            None,
        ),
    ],
)
def test_they_resolves_to_the_group_named_before(
    nlp, text: str, kind: str, name: str | None, role: str | None
) -> None:
    quote = only(quotes_of(nlp, text))
    assert quote.speaker_text == "They"
    assert (quote.speaker_kind, quote.speaker_name, quote.speaker_role) == (kind, name, role)


@pytest.mark.slow
def test_title_resolves_to_the_person_who_holds_it(nlp) -> None:
    text = (
        "Tomas Berg, the Transport Secretary, visited Hull on Monday.\n\n"
        'The Transport Secretary said: "The new line will open next spring."'
    )
    quote = containing(quotes_of(nlp, text), "new line will open")
    assert quote.speaker_text == "The Transport Secretary"
    assert quote.speaker_name == "Tomas Berg"
    assert quote.speaker_role == "Transport Secretary"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "kind"),
    [
        (
            'One insider said: "The whole plan is dead in the water."',
            "dead in the water",
            "unnamed",
        ),
        (
            'A source close to Harriet Quinlan said: "She will not stand again."',
            "will not stand again",
            "unnamed",
        ),
        (
            "Supporters of the Foreign Secretary said his statement was honest and fair.",
            "his statement was honest",
            "unnamed",
        ),
        (
            'The union said: "Our members will not accept this offer."',
            "will not accept",
            "organisation",
        ),
        (
            "One passenger said the late buses had changed her week.",
            "the late buses had changed",
            "unnamed",
        ),
        (
            'Unite, the biggest union in the sector, said: "Our members reject this offer."',
            "reject this offer",
            "organisation",
        ),
    ],
)
def test_unnamed_and_organisation_speakers(nlp, text: str, words: str, kind: str) -> None:
    quote = containing(quotes_of(nlp, text), words)
    assert quote.speaker_kind == kind
    if kind == "unnamed":
        assert quote.speaker_cluster is None and quote.speaker_name is None


@pytest.mark.slow
def test_appositive_is_the_role(nlp) -> None:
    text = (
        "Mark Serwotka, general secretary of the PCS union whose members are striking, said: "
        '"Take the offer or leave it is not a negotiation."'
    )
    quote = containing(quotes_of(nlp, text), "not a negotiation")
    assert quote.speaker_text == "Mark Serwotka"
    assert quote.speaker_role == "general secretary of the PCS union"


# -- seeds: real articles, read in place -------------------------------------------------------

JUNK_MARKERS = ("\npeople Emma Watson", "\nfatal: your current branch", "\nStephen Bush is special")


def seed_body(name: str) -> str:
    """The article body of a seed: the cleaner's output when it exists, else our own cut."""
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"shared seeds absent: {path}")
    raw = path.read_text(encoding="utf-8")
    try:
        from tasks.clean.text_dump import clean_text_dump  # being written by another engineer

        extracted = clean_text_dump(raw)
        if extracted and extracted[0].body.strip():
            return extracted[0].body
    except (ImportError, AttributeError):
        pass
    body = raw.split("\n", 1)[1] if "\n" in raw else raw  # the first line is the title
    cut = min((body.find(m) for m in JUNK_MARKERS if m in body), default=len(body))
    return body[:cut]


def seed_quotes(nlp, name: str) -> list[Quote]:  # type: ignore[no-untyped-def]
    body = seed_body(name)
    quotes = quotes_of(nlp, body)
    check_invariants(body, quotes)
    return quotes


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'"))


def said_by(quotes: list[Quote], words: str) -> Quote:
    for quote in quotes:
        if _norm(words) in _norm(quote.quote_text):
            return quote
    raise AssertionError(f"no quote with {words!r}")


@pytest.mark.slow
@pytest.mark.shared
def test_seed_serwotka(nlp) -> None:
    quotes = seed_quotes(nlp, "001_6b588aa404d670d4.txt")
    quote = said_by(quotes, "Isn't that just classic bullying?")
    assert quote.kind == "direct"
    assert quote.speaker_name == "Mark Serwotka"
    assert quote.speaker_role == "general secretary of the PCS union"


@pytest.mark.slow
@pytest.mark.shared
def test_seed_balls_interview(nlp) -> None:
    quotes = seed_quotes(nlp, "001_6b588aa404d670d4.txt")
    for words in (
        "huge sympathy",
        "This isn't about trade union leaders",
        "The unions still need to give some ground",
        "In 1931, a Labour Prime Minister",
        "tragedy",
    ):
        assert said_by(quotes, words).speaker_name == "Ed Balls", words
    green = said_by(quotes, "troops could be drafted in")
    assert green.kind == "indirect" and green.speaker_name == "Damian Green"


@pytest.mark.slow
@pytest.mark.shared
def test_seed_balls_darling(nlp) -> None:
    quotes = seed_quotes(nlp, "000_039f3d89b3b5069f.txt")
    assert (
        said_by(quotes, "the Government is pursuing the right strategy").speaker_name == "Ed Balls"
    )
    darling = said_by(quotes, "The next spending review will be the toughest")
    assert darling.speaker_name == "Alistair Darling"
    supporters = said_by(quotes, "honest")
    assert supporters.speaker_kind == "unnamed"
    for scare in ("class war", "donorgate"):
        assert not [q for q in quotes if q.kind != "indirect" and q.quote_text == scare], scare


@pytest.mark.slow
@pytest.mark.shared
def test_seed_nick_cohen(nlp) -> None:
    quotes = seed_quotes(nlp, "003_224cd0fa656972b9.txt")
    quote = said_by(quotes, "faint but distinct smell of a deniable smear operation")
    assert quote.kind == "direct"
    assert quote.speaker_name == "Nick Cohen"


@pytest.mark.slow
def test_indirect_cue_candidates_cover_every_cue(nlp) -> None:
    """The reported-speech finder only looks at the tokens ArticleContext picks out by their
    lower-case form; every token one of its cue tests accepts must be among them."""
    from tasks.nlp.entities import extract_entities
    from tasks.nlp.quotes import (
        is_attitude_verb,
        is_object_cue_verb,
        is_speech_verb,
        speech_noun_forms,
    )

    text = (
        "According to Harriet Quinlan, the school will close. In a Harbour Gazette poll, most "
        "parents agreed. Tomas Berg believes the plan will work and SAID so; he expressed "
        "concern, referring to the cuts. Ruth Okoro's warning that the fund would run dry was "
        "ignored, and her claims were denied. Officials declined to comment."
    )
    from tasks.nlp.quotes.context import ArticleContext

    doc = nlp(text)
    art = ArticleContext(doc, *extract_entities(doc))
    cues = {
        t.i
        for t in doc
        if is_speech_verb(t)
        or is_attitude_verb(t)
        or is_object_cue_verb(t)
        or t.lower_ in speech_noun_forms() | {"according", "in"}
    }
    assert len(cues) >= 10
    assert cues <= set(art.cue_candidates)
    assert len(art.cue_candidates) < len(doc) / 2


@pytest.mark.slow
def test_extraction_keeps_no_doc_alive(nlp) -> None:
    """A worker extracts from thousands of Docs: nothing may hold on to them afterwards (a
    module-level cache keyed by Doc would keep every parsed article in memory)."""
    import gc
    import weakref

    from tasks.nlp.entities import extract_entities
    from tasks.nlp.quotes import extract_quotes

    doc = nlp('"The harbour will stay shut," Mr Berg said. Berg added that the fund was empty.')
    quotes = extract_quotes(doc, *extract_entities(doc))
    assert quotes
    ref = weakref.ref(doc)
    del doc
    gc.collect()
    assert ref() is None


@pytest.mark.slow
def test_that_clause_hung_on_the_addressee(nlp) -> None:
    """The parse reads 'councillors that the town would ...' as a relative clause; "that" only
    introduces the clause (it has its own subject), so it is what was told."""
    text = (
        "Dr Lena Brandt, the county's chief engineer, told councillors that the town would run"
        " short of water within a decade."
    )
    quote = only(quotes_of(nlp, text))
    assert quote.kind == "indirect"
    assert quote.quote_text == "that the town would run short of water within a decade"
    assert (quote.speaker_name, quote.cue) == ("Lena Brandt", "told")


@pytest.mark.slow
def test_stance_adjective_is_an_attitude(nlp) -> None:
    from tasks.nlp.quotes import CONFIDENCE

    text = "Ms Okafor is confident that the levy will pass before the summer."
    quote = only(quotes_of(nlp, text))
    assert quote.quote_text == "that the levy will pass before the summer"
    assert (quote.cue, quote.speaker_name) == ("confident", "Okafor")
    assert quote.confidence == CONFIDENCE["attitude"]
    # The same adjective with no clause after it reports nothing.
    assert quotes_of(nlp, "Ms Okafor is confident.") == []


# -- the rule behind each quote, and the options ------------------------------------------------

# One article with a quote of every rule but the tagger's (the tagger's: further down), and
# its quotes in text order as (the words each starts with, the rule that found it).
EVERY_RULE_LINES = (
    '"Nobody in this town has ever seen a winter like the one we had last year."',
    "Quinlan: No more money for the harbour this year",
    'Harriet Quinlan, the council leader, said the cuts were "a disgrace to the town".',
    "According to Tomas Berg, the ferry will stop running in June.",
    "Ruth Okoro's warning that the fund would run dry was ignored.",
    '"We cannot keep every service going with the money we have left," the report said.',
    '"The town deserves better than this, and the voters know it."',
    "In a Harbour Gazette poll released Monday, most residents opposed the cuts.",
    "Tomas Berg wants to run for mayor next year.",
    "The mayor closed the meeting, saying:",
    "The harbour will reopen in the spring, whatever the council decides.",
)
EVERY_RULE_QUOTES = [
    ("Nobody in this town", "marked_uncued"),
    ("No more money", "speaker_label"),
    ("the cuts were", "reported_speech"),
    ("a disgrace to the town", "marked_governed"),
    ("the ferry will stop", "according_to"),
    ("that the fund would run dry", "speech_noun"),
    ("We cannot keep", "marked_cue"),
    ("The town deserves better", "marked_inherited"),
    ("most residents opposed", "poll"),
    ("to run for mayor", "attitude"),
    ("The harbour will reopen", "unmarked_paragraph"),
]


@pytest.mark.slow
def test_every_quote_row_names_the_rule_that_found_it(nlp) -> None:
    """Each finder fills ``rule``, and the row writer carries it into the quotes table."""
    from tasks.model import Article
    from tasks.nlp.analyse import analyse_doc
    from tasks.store.rows import analysis_tables

    body = "\n".join(EVERY_RULE_LINES)
    article = Article(
        "a1", "h1", "test", "line:1", None, None, None, None, (), None, None, "en", body
    )
    analysis = analyse_doc(article, nlp(body))
    check_invariants(body, list(analysis.quotes))
    assert [
        (q.quote_text[: len(w)], q.rule)
        for q, (w, _) in zip(analysis.quotes, EVERY_RULE_QUOTES, strict=True)
    ] == EVERY_RULE_QUOTES
    rows = analysis_tables([analysis])["quotes"]
    rules = rows.column("rule").to_pylist()
    assert sorted(rules) == sorted(rule for _, rule in EVERY_RULE_QUOTES)
    assert set(rules) == set(values(QuoteRule)) - {"tagger"}


@pytest.mark.slow
def test_rules_tell_apart_the_finders_of_low_confidence(nlp) -> None:
    """A quote inheriting the speaker of the one before and an attitude both sit below the
    speech cues' confidence, each at its own rule's: the rule says which is which, so one can
    be kept without the other."""
    from tasks.nlp.quotes import CONFIDENCE

    text = (
        '"We cannot keep every service going with the money we have left," the report said.\n'
        '"The town deserves better than this, and the voters know it."\n'
        "Tomas Berg wants to run for mayor next year."
    )
    quotes = quotes_of(nlp, text)
    check_invariants(text, quotes)
    inherited, attitude = quotes[1:]
    assert inherited.confidence == CONFIDENCE["marked_inherited"]
    assert attitude.confidence == CONFIDENCE["attitude"]
    assert max(inherited.confidence, attitude.confidence) < CONFIDENCE["reported_speech"]
    assert (inherited.rule, attitude.rule) == ("marked_inherited", "attitude")
    assert [q.quote_text for q in quotes if q.rule != "attitude"] == [
        q.quote_text for q in quotes[:2]
    ]


@pytest.mark.slow
def test_attitudes_can_be_turned_off(nlp) -> None:
    from tasks.nlp.quotes import QuoteOptions

    text = "Burton thinks that cats are cute. Harriet Quinlan said the library would close."
    assert [q.rule for q in quotes_of(nlp, text)] == ["attitude", "reported_speech"]
    off = quotes_of(nlp, text, QuoteOptions(attitudes=False))
    assert [(q.rule, q.speaker_text) for q in off] == [("reported_speech", "Harriet Quinlan")]


@pytest.mark.slow
def test_nested_reports_can_be_kept(nlp) -> None:
    from tasks.nlp.quotes import QuoteOptions

    text = "Harriet Quinlan said that Tomas Berg had claimed that the fund was empty."
    assert [q.speaker_text for q in quotes_of(nlp, text)] == ["Harriet Quinlan"]
    kept = quotes_of(nlp, text, QuoteOptions(drop_nested=False))
    assert [(q.speaker_text, q.quote_text) for q in kept] == [
        ("Harriet Quinlan", "that Tomas Berg had claimed that the fund was empty"),
        ("Tomas Berg", "that the fund was empty"),
    ]


# -- the optional attribution tagger's spans (tasks/nlp/attribution_model.py) ---------------------


def tagged_quotes_of(nlp, text: str, spans: dict[str, str]) -> list[Quote]:  # type: ignore[no-untyped-def]
    """Quotes with the tagger's spans given by hand: label -> the words it marked."""
    from tasks.nlp.entities import extract_entities
    from tasks.nlp.quotes import extract_quotes

    tagged = []
    for label, words in spans.items():
        start = text.index(words)
        tagged.append((label, start, start + len(words)))
    doc = nlp(text)
    return extract_quotes(doc, *extract_entities(doc), tagged)


TAGGED_TEXT = "Senator Jane Ruiz is pushing for a ban on the sale of assault weapons in the state."
TAGGED_CONTENT = "a ban on the sale of assault weapons in the state"


@pytest.mark.slow
def test_tagged_content_with_a_cue_becomes_a_quote(nlp) -> None:
    from tasks.nlp.quotes import CONFIDENCE

    assert quotes_of(nlp, TAGGED_TEXT) == []  # no rule knows "pushing for"
    spans = {"CONTENT": TAGGED_CONTENT, "CUE": "is pushing for"}
    quote = only(tagged_quotes_of(nlp, TAGGED_TEXT, spans))
    assert (quote.kind, quote.quote_text, quote.cue) == ("indirect", TAGGED_CONTENT, "pushing")
    assert quote.speaker_name == "Jane Ruiz"
    assert (quote.confidence, quote.found_by, quote.rule) == (
        CONFIDENCE["tagger"],
        "tagger",
        "tagger",
    )
    check_invariants(TAGGED_TEXT, [quote])


@pytest.mark.slow
def test_tagged_content_needs_a_cue_next_to_it(nlp) -> None:
    assert tagged_quotes_of(nlp, TAGGED_TEXT, {"CONTENT": TAGGED_CONTENT}) == []
    # Four tokens (". Her office is") between the Content and the cue: another statement's cue.
    far = TAGGED_TEXT + " Her office is pushing for hearings after the summer recess in the fall."
    spans = {"CONTENT": TAGGED_CONTENT, "CUE": "pushing for hearings"}
    assert tagged_quotes_of(nlp, far, spans) == []


@pytest.mark.slow
def test_tagged_content_needs_a_speaker(nlp) -> None:
    text = "The ban on the sale of assault weapons is expected to pass in the spring."
    spans = {"CONTENT": "to pass in the spring", "CUE": "is expected"}
    assert tagged_quotes_of(nlp, text, spans) == []


@pytest.mark.slow
def test_tagged_content_never_replaces_a_rule_quote(nlp) -> None:
    text = "Jane Ruiz said that the ban would pass in the spring."
    ruled = only(quotes_of(nlp, text))
    assert ruled.found_by == "rule"
    spans = {"CONTENT": "the ban would pass", "CUE": "said"}
    assert tagged_quotes_of(nlp, text, spans) == [ruled]


def test_attribution_tagger_is_off_unless_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from tasks.nlp import attribution_model

    for setting in (None, "", "off", "OFF"):
        if setting is None:
            monkeypatch.delenv(attribution_model.MODEL_ENV, raising=False)
        else:
            monkeypatch.setenv(attribution_model.MODEL_ENV, setting)
        assert attribution_model.model_path() is None
        assert attribution_model.tag(["One text.", "Another."]) == [(), ()]


def test_attribution_tagger_missing_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tasks.nlp import attribution_model

    monkeypatch.setenv(attribution_model.MODEL_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="no spaCy pipeline there"):
        attribution_model.check()


# -- what a cue verb's clause can be ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        # A verb that takes no finite clause reports none, before it or after it ...
        ("The road will stay shut until spring, the council wanted.", "wanted", None),
        ("The road will stay shut until spring, the council sought.", "sought", None),
        # ... but still its infinitive, with or without someone before it.
        ("The mayor sought to reassure residents after the flood.", "sought", "to reassure"),
        ("Ms Ellison wants the council to reopen the library.", "wants", "the council to"),
        ("Ms Ellison wants Grayson removed from the board.", "wants", "Grayson removed"),
        ("Voters want what the farmers are producing.", "want", "what the farmers"),
        # A speech verb in the same place reports the clause.
        ("The road will stay shut until spring, the council said.", "said", "The road will"),
    ],
)
def test_no_clause_verbs_report_no_finite_clause(
    nlp, text: str, cue: str, content: str | None
) -> None:
    quotes = [q for q in quotes_of(nlp, text) if q.cue == cue]
    if content is None:
        assert quotes == []
    else:
        assert only(quotes).quote_text.startswith(content)


@pytest.mark.slow
def test_a_dash_the_parse_takes_for_a_word_is_no_speaker(nlp) -> None:
    # U+2015, set for a dash by some outlets, is tagged a noun and made the verb's subject.
    text = (
        "If he paid no rent \u2015 as was true for the years his accounts were made public "
        "\u2015 Harlan boasted, \u201cThat makes me clever.\u201d"
    )
    assert only(quotes_of(nlp, text)).speaker_text == "Harlan"


@pytest.mark.slow
def test_a_subject_ends_before_its_verb(nlp) -> None:
    # The parse hangs the appositive after the object on the subject, so the subject's
    # phrase would run over the verb and its object.
    text = (
        "A group representing taxi drivers backed Ruth Ellison for mayor on Friday, another "
        "sign of organized labor lining up behind the incumbent."
    )
    quote = only(quotes_of(nlp, text))
    assert quote.speaker_text == "A group representing taxi drivers"


@pytest.mark.slow
def test_of_two_subjects_the_one_next_to_the_verb_speaks(nlp) -> None:
    # The parse makes both "One" (inside the quote) and "Moran" subjects of "said".
    text = (
        '"He would be a great senator. Not good, great. One of the brightest members," '
        "Rep. Ellis K. Moran (D-Md.) said in a phone interview."
    )
    quote = only(quotes_of(nlp, text))
    assert (quote.rule, quote.speaker_name) == ("marked_cue", "Ellis K. Moran")


@pytest.mark.slow
def test_a_dateline_is_not_the_speaker(nlp) -> None:
    # The parse makes "HARTFORD" the subject and the governor its appositive.
    text = (
        "HARTFORD -- Governor Ruth Ellison, opening the new bridge on Sunday, said the state "
        "would repair every road by 2030."
    )
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker_text, quote.speaker_name) == ("Governor Ruth Ellison", "Ruth Ellison")


@pytest.mark.slow
def test_a_share_is_a_speaker(nlp) -> None:
    # Only dashes are wordless: "%" is the subject that says.
    quote = only(quotes_of(nlp, "In the survey, 39% say they are conservative."))
    assert (quote.speaker_text, quote.quote_text) == ("39%", "they are conservative")


@pytest.mark.slow
def test_a_transcript_line_in_quote_marks_is_one_quote(nlp) -> None:
    """ "HALE: ..." inside quote marks is the label line's quote, not a second one that keeps
    the label in its words."""
    text = (
        "The interview ran on Sunday.\n\n"
        '"HALE: The harbour will stay open, whatever the council decides next year."\n\n'
        '"MORGAN: Do you really think the money will be there for it?"'
    )
    quotes = quotes_of(nlp, text)
    assert [q.rule for q in quotes] == ["speaker_label", "speaker_label"]
    assert quotes[0].quote_text.startswith("The harbour will stay open")
    assert not any("HALE:" in q.quote_text or "MORGAN:" in q.quote_text for q in quotes)


@pytest.mark.slow
def test_quoted_words_that_go_on_with_a_reported_clause_are_part_of_it(nlp) -> None:
    """'said the town needs one thing: "Patience ..."': what the clause reports runs on into
    the quote marks, so the indirect quote holds them and the quoted words are a partial quote
    inside it."""
    text = (
        "Ruth Okoro, the former council leader, said she has the one quality the job needs: "
        '"Steadiness -- an absolute rock steadiness, and a calm head."'
    )
    quotes = quotes_of(nlp, text)
    indirect = [q for q in quotes if q.kind == "indirect"]
    assert len(indirect) == 1
    assert indirect[0].quote_text.startswith("she has the one quality")
    assert indirect[0].quote_text.endswith('and a calm head."')
    assert [q.kind for q in quotes if q is not indirect[0]] == ["partial"]


@pytest.mark.slow
def test_a_desks_label_before_a_colon_is_no_speaker(nlp) -> None:
    """ "Correction: ...", "BREAKING: ...": the outlet's labels, not speaker label lines."""
    text = (
        "The council met on Monday.\n\n"
        "Correction: An earlier version of this story gave the wrong date for the vote.\n\n"
        "BREAKING: Harbour ferry to stop running in June after council vote"
    )
    assert [q for q in quotes_of(nlp, text) if q.rule == "speaker_label"] == []


# -- content boundaries on a given parse ----------------------------------------------------


def parsed(words: str, heads: list[int], deps: str, tags: str):  # type: ignore[no-untyped-def]
    """A Doc with the parse given (heads as token indices), so a boundary rule is tested on
    exactly the attachment it is about, whatever a model would make of the sentence."""
    import spacy
    from spacy.tokens import Doc

    pos_of = {"VBD": "VERB", "VBG": "VERB", "VB": "VERB", "NN": "NOUN", "NNP": "PROPN"}
    tag_list = tags.split()
    return Doc(
        spacy.blank("en").vocab,
        words=words.split(),
        heads=heads,
        deps=deps.split(),
        tags=tag_list,
        pos=[pos_of.get(t, "X") for t in tag_list],
    )


def extent_text(doc, verb_i: int) -> str | None:  # type: ignore[no-untyped-def]
    from tasks.nlp.quotes.complements import complement_extent

    extent = complement_extent(doc[verb_i])
    return None if extent is None else doc[extent[0] : extent[1]].text


def test_a_because_clause_on_the_speech_verb_is_part_of_what_was_said() -> None:
    # The parse hangs "because ..." on "said", not on the reported clause; PolNeAR's Content
    # holds it.
    doc = parsed(
        "Berg said the road closed because rain fell .",
        [1, 1, 3, 4, 1, 7, 7, 1, 1],
        "nsubj ROOT det nsubj ccomp mark nsubj advcl punct",
        "NNP VBD DT NN VBD IN NN VBD .",
    )
    assert extent_text(doc, 1) == "the road closed because rain fell"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "content"),
    [
        # the verb's phrases after its object run on in what was said
        (
            "Harriet Quinlan praised the work of the volunteers at the flooded school.",
            "the work of the volunteers at the flooded school",
        ),
        (
            "The survey showed the mayor with a narrow lead over his rival.",
            "the mayor with a narrow lead over his rival",
        ),
        ("The survey showed Anna Holt far ahead of her rival.", "Anna Holt far ahead of her rival"),
    ],
)
def test_an_object_runs_on_over_the_verbs_phrases(nlp, text: str, content: str) -> None:
    assert only(quotes_of(nlp, text), "indirect").quote_text == content


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("Tomas Berg praised Anna Holt, who ran the food bank for ten years.", "Anna Holt"),
        (
            "Harriet Quinlan said the council had hired Tom Reyes, who built the old pier.",
            "the council had hired Tom Reyes",
        ),
        (
            "Tomas Berg said the money would go to the museum, which opened in 1990.",
            "the money would go to the museum",
        ),
    ],
)
def test_a_relative_clause_set_off_at_the_end_is_the_writers(nlp, text: str, content: str) -> None:
    assert only(quotes_of(nlp, text), "indirect").quote_text == content


def test_the_phrases_after_an_infinitive_on_the_verb_run_on() -> None:
    doc = parsed(
        "Berg urged them to leave because rain fell .",
        [1, 1, 1, 4, 1, 7, 7, 1, 1],
        "nsubj ROOT dobj aux xcomp mark nsubj advcl punct",
        "NNP VBD PRP TO VB IN NN VBD .",
    )
    assert extent_text(doc, 1) == "them to leave because rain fell"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "Tomas Berg said that the harbour “is safe. The engineers checked every beam.”",
            "that the harbour “is safe. The engineers checked every beam.”",
        ),
        (
            "Harriet Quinlan said the plan was ''a disgrace. Nobody asked the fishermen.''",
            "the plan was ''a disgrace. Nobody asked the fishermen.''",
        ),
    ],
)
def test_reported_content_runs_to_the_closing_mark(nlp, text: str, content: str) -> None:
    # The parse ends the sentence inside the quotation; the content is all the quotation.
    assert only(quotes_of(nlp, text), "indirect").quote_text == content


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "Harriet Quinlan praised the volunteers in an interview with the local paper.",
            "the volunteers",
        ),
        (
            "Tomas Berg criticized the new bridge tax at a rally in the old town.",
            "the new bridge tax",
        ),
    ],
)
def test_the_occasion_of_speech_is_not_what_was_said(nlp, text: str, content: str) -> None:
    assert only(quotes_of(nlp, text), "indirect").quote_text == content


@pytest.mark.slow
def test_a_second_speech_verb_without_a_subject_is_a_second_report(nlp) -> None:
    text = (
        "Harriet Quinlan said that the ferry was too expensive and predicted that the council "
        "would sell it."
    )
    quotes = quotes_of(nlp, text)
    assert [(q.cue, q.quote_text) for q in quotes if q.kind == "indirect"] == [
        ("said", "that the ferry was too expensive"),
        ("predicted", "that the council would sell it"),
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "Tomas Berg referred to the old pier as a danger to swimmers.",
            "the old pier as a danger to swimmers",
        ),
        (
            "Harriet Quinlan pointed to the harbour as the town's best asset.",
            "the harbour as the town's best asset",
        ),
    ],
)
def test_a_prepositional_object_keeps_the_predicate_the_verb_gives_it(
    nlp, text: str, content: str
) -> None:
    assert only(quotes_of(nlp, text), "indirect").quote_text == content


def test_a_second_that_clause_joined_to_the_verb_is_said_too() -> None:
    # The parse joins "that fares would rise" to "said", past the comma and "and".
    doc = parsed(
        "Berg said the road closed , and that fares would rise .",
        [1, 1, 3, 4, 1, 1, 1, 10, 10, 10, 1, 1],
        "nsubj ROOT det nsubj ccomp punct cc mark nsubj aux conj punct",
        "NNP VBD DT NN VBD , CC IN NNS MD VB .",
    )
    assert extent_text(doc, 1) == "the road closed , and that fares would rise"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "content"),
    [
        # speech verbs whose object is what was said (object_speech_verbs.txt)
        (
            "Tomas Berg repeated the charge against the harbour board.",
            "the charge against the harbour board",
        ),
        ("Harriet Quinlan claimed victory in the ferry vote.", "victory in the ferry vote"),
        # and whose prepositional object is (prep_speech_verbs.txt)
        ("Tomas Berg asked for a recount of the ferry vote.", "a recount of the ferry vote"),
        ("Harriet Quinlan agreed with the new harbour master.", "the new harbour master"),
    ],
)
def test_more_verbs_report_their_object(nlp, text: str, content: str) -> None:
    assert only(quotes_of(nlp, text), "indirect").quote_text == content


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "content"),
    [
        # the parse hangs the that-clause on the occasion, not on the verb
        (
            "Harriet Quinlan said in a statement that the ferry fares were important steps.",
            "that the ferry fares were important steps",
        ),
        # a speech verb that "as" hangs on the clause it comments on reports that clause
        (
            "As Tomas Berg noted, the harbour board will sell the old ferry next year.",
            "the harbour board will sell the old ferry next year",
        ),
        (
            "The ferry will not run this winter, as the harbour board reported.",
            "The ferry will not run this winter",
        ),
    ],
)
def test_a_clause_the_parse_hangs_elsewhere_is_reported(nlp, text: str, content: str) -> None:
    assert only(quotes_of(nlp, text), "indirect").quote_text == content


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("Tomas Berg is skeptical of the new harbour plan.", "the new harbour plan"),
        ("Harriet Quinlan was confident in the ferry crew.", "the ferry crew"),
    ],
)
def test_a_stance_adjective_holds_its_prepositional_object(nlp, text: str, content: str) -> None:
    assert only(quotes_of(nlp, text), "indirect").quote_text == content


@pytest.mark.slow
def test_a_title_below_the_place_of_speech_is_no_partial_quote(nlp) -> None:
    # "on" sits under "talk", not under "said": still the place of speech, and its quoted
    # words the title of a show.
    text = 'Harriet Quinlan said the ferry was safe during her talk on "Open Water" last week.'
    assert [q.quote_text for q in quotes_of(nlp, text) if q.kind == "partial"] == []


@pytest.mark.slow
def test_an_owned_speech_noun_reports_its_prepositional_object(nlp) -> None:
    text = "Harriet Quinlan's attacks on the new ferry timetable were printed in the paper."
    quote = only(quotes_of(nlp, text), "indirect")
    assert (quote.rule, quote.quote_text, quote.speaker_text) == (
        "speech_noun",
        "the new ferry timetable",
        "Harriet Quinlan's",
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("Asked about the new ferry, most of the fishermen said no.", "no"),
        ("Forty percent of the voters said so in the spring.", "so"),
    ],
)
def test_a_one_word_answer_is_what_was_said(nlp, text: str, content: str) -> None:
    assert [q.quote_text for q in quotes_of(nlp, text) if q.cue == "said"] == [content]


@pytest.mark.slow
def test_the_if_clause_of_a_verb_of_asking_is_its_question(nlp) -> None:
    # The parse hangs "if ..." on "asked" as a condition.
    text = "Harriet Quinlan asked the captain if the ferry would run on Sunday."
    assert only(quotes_of(nlp, text), "indirect").quote_text == "if the ferry would run on Sunday"
