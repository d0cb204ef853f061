"""The words that cue a quote, as every form they take in text, read from ``tasks/lexicon/``.

Verb lists hold a base form and any irregular forms (``say said``); the regular ones are made by
``inflect``. Noun lists hold singulars; their plurals in -s are added. Every test here is a set
lookup on a token's lower-case form (and, for verbs, its part of speech).
"""

from __future__ import annotations

import functools

import numpy as np
from spacy.strings import get_string_id
from spacy.tokens import Token

from tasks import lexicon

VERB_POS = ("VERB", "AUX")


def inflect(entry: tuple[str, ...]) -> set[str]:
    """The base form of a verb, its listed irregular forms and its regular -s, -ed, -ing forms."""
    base, irregular = entry[0], entry[1:]
    forms = {base, *irregular}
    if base.endswith("e"):
        forms |= {base + "s", base + "d", base[:-1] + "ing"}
    elif base.endswith("y") and base[-2:-1] not in ("a", "e", "o", "u"):
        forms |= {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    elif base.endswith(("s", "sh", "ch", "x")):
        forms |= {base + "es", base + "ed", base + "ing"}
    else:
        forms |= {base + "s", base + "ed", base + "ing"}
    if _doubles_final(base):
        # "plan" -> "planned", "planning"; "refer" -> "referred". Spelling also doubles where
        # the stress is not final ("offerred"), but such forms never occur, so no harm.
        forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    return forms


def _doubles_final(base: str) -> bool:
    """Whether a verb ends consonant-vowel-consonant, the shape that can double its last letter."""
    vowels = "aeiou"
    return (
        len(base) >= 3
        and base[-1] not in vowels + "wxy"
        and base[-2] in vowels
        and base[-3] not in vowels
    )


def _verb_forms(name: str) -> frozenset[str]:
    return frozenset(f for entry in lexicon.entries(name) for f in inflect(entry))


def _noun_forms(name: str) -> frozenset[str]:
    return frozenset(
        f for entry in lexicon.entries(name) for base in entry for f in (base, base + "s")
    )


@functools.cache
def speech_verb_forms() -> frozenset[str]:
    """Verbs that report speech or writing (``speech_verbs.txt``): cues for every kind."""
    return _verb_forms("speech_verbs")


@functools.cache
def speech_noun_forms() -> frozenset[str]:
    """Nouns of speech with a that-clause ("X's warning that ...", ``speech_nouns.txt``)."""
    return _noun_forms("speech_nouns")


@functools.cache
def object_verb_forms() -> frozenset[str]:
    """Speech verbs whose object noun phrase is what was said ("announced the arrest")."""
    return _verb_forms("object_speech_verbs")


@functools.cache
def prep_verb_forms() -> dict[str, frozenset[str]]:
    """Inflected speech verbs whose prepositional object is what was said ("called for a ban"),
    each with the prepositions that introduce it."""
    forms: dict[str, frozenset[str]] = {}
    for entry in lexicon.entries("prep_speech_verbs"):
        verbs, preps = entry[: entry.index("|")], frozenset(entry[entry.index("|") + 1 :])
        for form in inflect(verbs):
            forms[form] = forms.get(form, frozenset()) | preps
    return forms


@functools.cache
def no_infinitive_verb_forms() -> frozenset[str]:
    """Cue verbs whose infinitive is not what was said ("continues to rise")."""
    return _verb_forms("no_infinitive_verbs")


@functools.cache
def question_verb_forms() -> frozenset[str]:
    """Verbs whose if- or whether-clause is the question asked (``question_verbs.txt``)."""
    return _verb_forms("question_verbs")


@functools.cache
def no_clause_verb_forms() -> frozenset[str]:
    """Cue verbs whose complement is never a finite clause ("sought to", "wants a"):
    ``no_clause_verbs.txt``."""
    return _verb_forms("no_clause_verbs")


@functools.cache
def attitude_verb_forms() -> frozenset[str]:
    """Verbs of belief, expectation and wanting (``cognition_verbs.txt``): cues for indirect
    attributions only, never for quote marks."""
    return _verb_forms("cognition_verbs")


@functools.cache
def stance_adjective_forms() -> frozenset[str]:
    """Adjectives of belief or intention after a copula (``stance_adjectives.txt``)."""
    return frozenset(entry[0] for entry in lexicon.entries("stance_adjectives"))


@functools.cache
def poll_noun_forms() -> frozenset[str]:
    """Polls and surveys (``poll_nouns.txt``), the sources of "In a ... poll, ..." sentences."""
    return _noun_forms("poll_nouns")


# "told": the verb whose object is the person told, not what was said ('told "New Day"').
TELL_FORMS = frozenset(inflect(("tell", "told")))


def is_speech_verb(token: Token) -> bool:
    return token.lower_ in speech_verb_forms() and token.pos_ in VERB_POS


def is_object_cue_verb(token: Token) -> bool:
    """A verb whose object or prepositional object is what was said ("expressed concern",
    "referring to the leak") though it cues no quote marks: an indirect cue only."""
    return token.pos_ in VERB_POS and (
        token.lower_ in object_verb_forms() or token.lower_ in prep_verb_forms()
    )


def is_attitude_verb(token: Token) -> bool:
    return token.lower_ in attitude_verb_forms() and token.pos_ in VERB_POS


def is_stance_adjective(token: Token) -> bool:
    """ "confident" in "X is confident that ...": an attitude cue whose holder is the copula's
    subject."""
    return (
        token.pos_ == "ADJ" and token.dep_ == "acomp" and token.lower_ in stance_adjective_forms()
    )


@functools.cache
def indirect_cue_ids() -> np.ndarray:
    """spaCy hash ids of every lower-case form that can cue an indirect quote: the only tokens
    the reported-speech finder looks at."""
    forms = (
        {"according", "in"}
        | speech_noun_forms()
        | speech_verb_forms()
        | attitude_verb_forms()
        | object_verb_forms()
        | set(prep_verb_forms())
        | stance_adjective_forms()
    )
    return np.array(sorted(get_string_id(f) for f in forms), dtype=np.uint64)
