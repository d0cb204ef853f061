"""People's names as written: honorifics, canonical words, the parts of a full name, and the
title-case lines (headlines, section heads) whose capitals spaCy's NER cannot read.

Shared by entity clustering within an article (``tasks.nlp.entities``), gender
(``tasks.nlp.gender``) and the warehouse's linking of one person's entities across articles
(``tasks.store.identity``), so that all three split a name the same way.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from tasks import lexicon

_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
EDGE_PUNCT = " \t\n,.;:!?\"'“”‘’()[]-–—"
# Punctuation stripped from the edges of a word before it is judged capitalised or not.
_WORD_EDGE = "\"'“”‘’()[]{}.,;:!?-–—…*"
# A title-case line has at least this many words that title case capitalises: with two
# ("Chris Smith.", "New York.") it is as likely a name on its own line, a signature or a
# dateline, which spaCy reads well and which is no headline.
TITLE_CASE_MIN_WORDS = 3


@dataclass(frozen=True)
class Honorifics:
    """The honorifics of ``tasks/lexicon/honorifics.txt`` by what each is used for."""

    stripped: frozenset[str]  # dropped from the front of a canonical name (no full stop)
    name_markers: frozenset[str]  # mark a person spaCy missed: "Mr Balls" (no full stop)
    male: frozenset[str]  # give the gender, as spelt with or without a full stop
    female: frozenset[str]


@functools.cache
def honorifics() -> Honorifics:
    stripped: set[str] = set()
    markers: set[str] = set()
    gendered: dict[str, set[str]] = {"m": set(), "f": set(), "-": set()}
    for line in lexicon.lines("honorifics"):
        forms, use, gender = line.lower().split("\t")
        spellings = forms.split()
        if use in ("name", "office"):
            stripped.update(f.rstrip(".") for f in spellings)
        if use == "name":
            markers.update(f.rstrip(".") for f in spellings)
        gendered[gender].update(spellings)
    return Honorifics(
        frozenset(stripped), frozenset(markers), frozenset(gendered["m"]), frozenset(gendered["f"])
    )


def strip_honorifics(words: list[str]) -> list[str]:
    """Drop leading honorifics ("Mr", "Dr.", "Sir") unless nothing would be left."""
    stripped = honorifics().stripped
    out = list(words)
    while len(out) > 1 and out[0].lower().rstrip(".") in stripped:
        out = out[1:]
    return out


def canonical_words(text: str) -> list[str]:
    """The words of a mention without possessive, edge punctuation, leading "the" or honorific."""
    text = _POSSESSIVE.sub("", text.strip(EDGE_PUNCT)).strip(EDGE_PUNCT)
    words = text.split()
    if len(words) > 1 and words[0].lower() == "the":
        words = words[1:]
    return strip_honorifics(words)


def is_suffix(word: str) -> bool:
    """ "Jr.", "Sr", "III": a generational suffix (``tasks/lexicon/name_suffixes.txt``)."""
    return word.lower().rstrip(".").rstrip(",") in lexicon.words("name_suffixes")


def name_key(word: str) -> str:
    """A name word as compared: lower case, curly apostrophes straight, no full stop."""
    return word.lower().replace("’", "'").rstrip(".,")


@dataclass(frozen=True)
class NameParts:
    """A person's name split for matching, each part by ``name_key``: "Donald J. Trump Jr." is
    first "donald", middle "j", surname "trump", suffix "jr"; "Bill de Blasio" is first "bill"
    and surname "de blasio"; "De Blasio" and "Trump" alone have a surname and no first name."""

    first: str
    middle: str  # middle names and initials run together without full stops: "hw", "todd"
    surname: str
    suffix: str

    @property
    def full(self) -> bool:
        """A first name and a surname, not a surname alone."""
        return bool(self.first) and bool(self.surname)

    def same_person_as(self, other: NameParts) -> bool:
        """Two full names of one person: the same first name (spelt with a letter doubled or
        not: "Hilary" and "Hillary"), surname and suffix, and middle names that agree where
        both give them ("Donald J. Trump" is "Donald Trump"; "George H. W. Bush" is not
        "George W. Bush")."""
        if (first_name_key(self.first), self.surname, self.suffix) != (
            first_name_key(other.first),
            other.surname,
            other.suffix,
        ):
            return False
        return not self.middle or not other.middle or self.middle == other.middle


_DOUBLED = re.compile(r"(\w)\1+")


def undoubled(word: str) -> str:
    """A word with each run of one letter written once: "hillary" and "hilary" are "hilary",
    "phillip" and "philip" "philip" (spellings of one first name)."""
    return _DOUBLED.sub(r"\1", word)


@functools.cache
def _full_forms() -> dict[str, str]:
    """Each short first name of ``tasks/lexicon/first_name_forms.txt`` to its full form."""
    return {short: entry[0] for entry in lexicon.entries("first_name_forms") for short in entry}


def first_name_key(word: str) -> str:
    """A first name as two names of one person share it: its full form ("len" is "leonard",
    "bill" "william"), spelt with each doubled letter once ("hillary" and "hilary")."""
    return undoubled(_full_forms().get(word, word))


def name_parts(words: list[str]) -> NameParts:
    """The parts of a person's canonical words (``canonical_words``)."""
    keys = [k for k in (name_key(w) for w in words) if k]
    suffix = ""
    if len(keys) > 1 and is_suffix(keys[-1]):
        suffix = keys.pop()
    if not keys:
        return NameParts("", "", "", suffix)
    particles = lexicon.words("surname_particles")
    at = len(keys) - 1
    while at > 0 and keys[at - 1] in particles:
        at -= 1
    surname = " ".join(keys[at:])
    if at == 0:
        return NameParts("", "", surname, suffix)
    middle = "".join(k.replace(".", "") for k in keys[1:at])
    return NameParts(keys[0], middle, surname, suffix)


def title_case_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line in title case or capitals: headlines, section heads, captions.

    A line is title case when it has at least ``TITLE_CASE_MIN_WORDS`` words that title case
    capitalises (all but ``tasks/lexicon/title_case_small_words.txt``, numbers and symbols) and
    every one of them starts with a capital. On PolNeAR (dev and 300 train texts) the share of
    such words capitalised is 1.0 on 377 lines, all headlines, section heads, captions and
    credits; below that (0.8-0.96, 30 lines) sit body sentences crowded with names ("Former New
    York Gov. George Pataki is endorsing John Kasich."), which spaCy reads as it reads any
    sentence, so only the lines with every such word capitalised are title case.
    """
    small = lexicon.words("title_case_small_words")
    spans = []
    start = 0
    for line in text.split("\n"):
        words = [w.strip(_WORD_EDGE) for w in line.split()]
        content = [
            w
            for w in words
            if w and not w[0].isdigit() and any(c.isalpha() for c in w) and w.lower() not in small
        ]
        if len(content) >= TITLE_CASE_MIN_WORDS and all(w[0].isupper() for w in content):
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans
