"""Named entities of one article: spaCy's NER mentions, merged into one cluster per entity.

This module finds the mentions: spaCy's, people spaCy missed that an honorific marks, bare
surnames of people it tagged, names spaCy tagged ORG or GPE that are people. Which of them are
one entity is ``tasks.nlp.clusters``' part: "Mr Balls" and "Balls" join "Ed Balls", while "Ed
Miliband" and "David Miliband" stay two people. Honorifics are stripped from canonical names;
appositive roles ("Mark Serwotka, general secretary of the PCS union") and title words in front
of a name ("Chancellor George Osborne") are kept as the cluster's roles.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from spacy.attrs import LOWER
from spacy.strings import get_string_id
from spacy.tokens import Span

from tasks import lexicon
from tasks.model import EntityCluster, Mention
from tasks.nlp.clusters import GROUP_LABELS, RawMention, cluster_mentions
from tasks.nlp.names import (
    EDGE_PUNCT,
    canonical_words,
    honorifics,
    strip_honorifics,
    title_case_lines,
)

# Labels kept from spaCy's OntoNotes scheme: the speakers (PERSON, ORG, NORP, GPE) and places.
KEPT_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_EDGE_PUNCT = EDGE_PUNCT
# Token windows after a name, where an appositive's head is looked for: the comma, then up to
# six words before the head ("Mark Serwotka, general secretary of the PCS union" has it second)
# for a role; up to four for the title words that make an ORG/GPE-tagged name a person ("Damian
# Green, the immigration minister").
APPOSITIVE_TOKENS = 8
PERSON_APPOSITIVE_TOKENS = 6
# A role is a noun phrase; more words than this is a clause the parse hung on the name.
MAX_ROLE_WORDS = 15
# tasks.lexicon.entries under the name tasks/nlp/quotes.py imports it by; the name helpers
# under the names other modules import them by.
lexicon_entries = lexicon.entries
__all__ = ["canonical_words", "doc_text", "extract_entities", "honorifics", "strip_honorifics"]


def doc_text(doc: Any) -> str:
    """``doc.text``, built once per Doc: spaCy joins every token's text on each access, and
    entity, speaker and quote extraction each need it (kept in ``doc.user_data``)."""
    text = doc.user_data.get("whosaid.text")
    if text is None:
        text = doc.user_data["whosaid.text"] = doc.text
    return text  # type: ignore[no-any-return]


def _mention_span(ent: Any) -> tuple[int, int]:
    """Character offsets of an entity without a trailing possessive or edge punctuation."""
    start = ent.start_char
    text = ent.text
    stripped = _POSSESSIVE.sub("", text.rstrip(_EDGE_PUNCT))
    stripped = stripped.rstrip(_EDGE_PUNCT)
    lead = len(stripped) - len(stripped.lstrip(_EDGE_PUNCT))
    return start + lead, start + len(stripped)


def _appositive_role(doc: Any, ent: Any) -> str | None:
    """The appositive after a name: "Mark Serwotka, general secretary of the PCS union, said"."""
    if ent.end >= len(doc) or doc[ent.end].text != ",":
        return None
    for token in doc[ent.end : min(len(doc), ent.end + APPOSITIVE_TOKENS)]:
        if token.dep_ == "appos" and ent.start <= token.head.i < ent.end:
            return role_text(doc, token)
    return None


def role_text(doc: Any, head: Any) -> str | None:
    """The words of a role noun phrase headed by ``head``, without relative clauses."""
    end = head.right_edge.i + 1
    for child in head.rights:
        if child.dep_ in ("relcl", "acl", "appos", "punct", "cc", "conj"):
            end = min(end, child.left_edge.i)
    for token in head.doc[head.i + 1 : end]:
        if token.dep_ in ("relcl", "acl") or token.text in (",", ";", "(", "—", "–"):
            end = min(end, token.left_edge.i if token.dep_ in ("relcl", "acl") else token.i)
    start = head.left_edge.i
    words = [t for t in doc[start:end]]
    while words and (words[0].is_punct or words[0].lower_ in ("the", "a", "an")):
        words = words[1:]
    while words and words[-1].is_punct:
        words = words[:-1]
    if not words or len(words) > MAX_ROLE_WORDS or any(t.ent_type_ == "PERSON" for t in words):
        return None
    return doc[words[0].i : words[-1].i + 1].text


def _title_before(doc: Any, ent: Any) -> str | None:
    """Title words right before a name: "Chancellor George Osborne", "Labour leader Ed Miliband"."""
    titles = lexicon.words("titles")
    i = ent.start - 1
    words = []
    inside = set(range(ent.start, ent.end))
    while i >= 0 and doc[i].dep_ in ("compound", "amod", "nmod") and doc[i].head.i in inside:
        words.append(doc[i])
        inside.add(i)
        i -= 1
    if not words or not any(w.lower_ in titles for w in words):
        return None
    words.reverse()
    while words and words[0].lower_ in ("the", "a", "an"):
        words = words[1:]
    return " ".join(w.text for w in words) if words else None


@functools.cache
def _honorific_ids() -> np.ndarray:
    """spaCy ids of the lower-case honorifics that mark a name, with and without a full stop."""
    markers = sorted(honorifics().name_markers)
    return np.array([get_string_id(f) for h in markers for f in (h, h + ".")], dtype=np.uint64)


def _honorific_names(doc: Any) -> list[Any]:
    """People spaCy missed that an honorific marks: "Mr Balls", "Dr. Smith"."""
    found = []
    person_end = {e.start: e.end for e in doc.ents if e.label_ == "PERSON"}
    at = np.flatnonzero(np.isin(doc.to_array(LOWER), _honorific_ids()))
    for i in at.tolist():
        token = doc[i]
        if not token.text[:1].isupper():
            continue
        if token.ent_type_ == "PERSON" or token.i + 1 >= len(doc):
            continue
        end = token.i + 1
        while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper():
            if doc[end].ent_type_ == "PERSON" and doc[end].ent_iob_ == "B" and end > token.i + 1:
                break
            end += 1
        if end == token.i + 1:
            continue
        # The whole of a name spaCy tagged after it: "Mr. Holtz-Eakin", not "Mr. Holtz".
        end = max(end, person_end.get(token.i + 1, end))
        found.append(Span(doc, token.i, end, label="PERSON"))
    return found


# A name spaCy missed that a person's appositive marks has two to four capitalised words
# ("Amber Rudd, the Home Secretary"): one is a surname alone, more is a phrase, not a name.
APPOSITIVE_NAME_WORDS = (2, 4)


def _appositive_names(doc: Any, tagged: set[int]) -> list[Any]:
    """People spaCy missed that a person's appositive marks: "Amber Rudd, the Home Secretary,
    wants ...", "Amber Elliott, political editor of Total Politics" (the appositive's head a
    title or a person noun: ``tasks/lexicon/titles.txt``, ``unnamed_sources.txt``)."""
    people = lexicon.words("titles") | lexicon.words("unnamed_sources")
    found = []
    for token in doc:
        head = token.head
        if token.dep_ != "appos" or token.lower_ not in people or head.pos_ != "PROPN":
            continue
        if head.i + 1 >= len(doc) or doc[head.i + 1].text != ",":
            continue
        start = head.i
        while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].head.i == head.i:
            start -= 1
        words = doc[start : head.i + 1]
        lo, hi = APPOSITIVE_NAME_WORDS
        if (
            lo <= len(words) <= hi
            and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in words)
            and all(t.i not in tagged for t in words)
        ):
            found.append(Span(doc, start, head.i + 1, label="PERSON"))
    return found


# A one-word PERSON mention spaCy gives this many times is a surname the article uses ("Maddow"
# asked ... Maddow said), whose untagged uses are the person too; once may be a stray tag
# ("Twitter").
SURNAME_TAGGED_TIMES = 2


def _known_name_mentions(doc: Any, ents: list[Any]) -> list[Any]:
    """Names of people spaCy tagged, where it left the same words untagged or inside an entity
    of a label not kept ("Last week Stumpf" as a DATE, "Ivanka Trump" as a PRODUCT, "Cole" as a
    PRODUCT, a transcript's "PENCE:"): their full names (two words or more, as tagged) first,
    then their surnames alone (the last word of a full name, or a one-word name tagged
    ``SURNAME_TAGGED_TIMES``), in capitals too. Words hyphenated to the one before are part of
    another word ("Holtz-Eakin" is not "Eakin")."""
    people = [e for e in ents if e.label_ == "PERSON"]
    full = {tuple(t.text for t in e) for e in people if len(e) >= 2}
    singles = Counter(e[0].text for e in people if len(e) == 1)
    surnames = {words[-1] for words in full if not _hyphen_joined(words)}
    surnames |= {w for w, n in singles.items() if n >= SURNAME_TAGGED_TIMES}
    surnames = {w for w in surnames if w[:1].isupper() and any(c.isalpha() for c in w)}
    if not surnames:
        return []
    tagged = {i for e in ents if e.label_ in KEPT_LABELS for i in range(e.start, e.end)}
    by_surname = {w.lower(): w for w in surnames}
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for words in sorted(full, key=len, reverse=True):
        by_first.setdefault(words[0], []).append(words)
    found = []
    i = 0
    while i < len(doc):
        token = doc[i]
        size = next(
            (
                len(words)
                for words in by_first.get(token.text, ())
                if tuple(t.text for t in doc[i : i + len(words)]) == words
                and not any(k in tagged for k in range(i, i + len(words)))
            ),
            0,
        )
        if size:
            found.append(Span(doc, i, i + size, label="PERSON"))
            i += size
            continue
        surname = by_surname.get(token.lower_)
        if (
            surname is not None
            and i not in tagged
            and (token.text == surname or token.text.isupper())
            and (token.pos_ == "PROPN" or not token.is_sent_start)
            and not (i > 0 and doc[i - 1].text in "-–" and not doc[i - 1].whitespace_)
        ):
            found.append(Span(doc, i, i + 1, label="PERSON"))
        i += 1
    return found


def _hyphen_joined(words: tuple[str, ...]) -> bool:
    return len(words) >= 2 and words[-2] in ("-", "–")


def _without_leading_title(ent: Any) -> Any:
    """A name span without the title words spaCy took into it: "Councillor Owen Hale" is the
    person "Owen Hale", and "Councillor" becomes their role (``_title_before``)."""
    titles = lexicon.words("titles")
    k = 0
    while len(ent) - k > 2 and ent[k].lower_ in titles:  # a first name and a surname stay
        k += 1
    return ent if k == 0 else Span(ent.doc, ent.start + k, ent.end, label=ent.label_)


def _with_first_name(ent: Any) -> Any:
    """A surname spaCy tagged without the first name in front of it ("Amber [Elliott]"): the
    capitalised untagged word the parse makes part of the name joins it (not a title,
    honorific or surname particle)."""
    doc = ent.doc
    if len(ent) != 1 or ent.start == 0:
        return ent
    before = doc[ent.start - 1]
    skip = lexicon.words("titles") | honorifics().stripped | lexicon.words("surname_particles")
    if (
        before.dep_ == "compound"
        and before.head.i == ent.start
        and before.pos_ == "PROPN"
        and before.text[:1].isupper()
        and not before.ent_type_
        and before.lower_.rstrip(".") not in skip
    ):
        return Span(doc, ent.start - 1, ent.end, label=ent.label_)
    return ent


def _without_leading_verb(ent: Any) -> Any:
    """A name span without the verb spaCy ran into it: "Injecting Clinton", "Hammering Hillary
    Clinton" (verbs do not start names)."""
    k = 0
    while len(ent) - k > 1 and ent[k].tag_.startswith("VB"):
        k += 1
    return ent if k == 0 else Span(ent.doc, ent.start + k, ent.end, label=ent.label_)


def _introduced_as_relative(doc: Any, ent: Any) -> bool:
    """A name given as someone's relative: "his wife, Heidi Cruz", "Trump's daughter Ivanka
    Trump", "the candidate's father Rafael Cruz" (``tasks/lexicon/relation_nouns.txt``)."""
    relations = lexicon.words("relation_nouns")
    before = ent.start - 1
    if before >= 0 and doc[before].text == ",":
        before -= 1
    if before >= 0 and doc[before].lower_ in relations:
        return True
    root = ent.root
    return root.dep_ == "appos" and root.head.lower_ in relations


def _attributive(ent: Any) -> bool:
    """A name that modifies a noun after it: "the Bill Clinton era", "a Jeb Bush fundraiser"."""
    root = ent.root
    head = root.head
    return root.dep_ == "compound" and not ent.start <= head.i < ent.end and head.pos_ == "NOUN"


def _looks_like_person(ent: Any) -> bool:
    """An ORG/GPE-tagged name with a person's appositive or title.

    "Damian Green, the immigration minister" and "Head teacher Grace Obi" are people whatever
    spaCy tagged the name.
    """
    doc = ent.doc
    if all(t.text[:1].isupper() for t in ent) and _title_before(doc, ent) is not None:
        return True
    if ent.end >= len(doc) or doc[ent.end].text != ",":
        return False
    people = lexicon.words("titles") | lexicon.words("unnamed_sources")
    return any(
        t.dep_ == "appos" and ent.start <= t.head.i < ent.end and t.lower_ in people
        for t in doc[ent.end : min(len(doc), ent.end + PERSON_APPOSITIVE_TOKENS)]
    )


# A name spaCy tagged an organisation or a place is a person's when its last word alone speaks
# ("Carly Fiorina" as ORG, then "Fiorina said"): two or three capitalised words, as a full name
# has (a longer one is a body's: "Bank of New York Mellon").
SPEAKING_NAME_WORDS = (2, 3)
# Prepositions whose object is a place, not a person: "in Mexico", "across Iowa".
PLACE_PREPOSITIONS = frozenset({"in", "into", "across", "throughout", "within"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Possessive marks that end an outlet's name before a person's: "Fox News' Sean Hannity".
POSSESSIVE_MARKS = frozenset({"'s", "’s", "'", "’"})


def _speaking_words(doc: Any) -> frozenset[str]:
    """Capitalised words that stand alone as the subject of a speech verb ("Fiorina said",
    "Hannity asked"): no determiner, possessive or compound before them, no other word of a
    name after them, and not a word for a body, a source or a title ("Officials said", "The
    Committee said": ``org_nouns.txt``, ``unnamed_sources.txt``, ``titles.txt``). Where the same
    word ends a name spaCy tagged an organisation, the name is a person's."""
    from tasks.nlp.quotes.cues import speech_verb_forms  # noqa: PLC0415 (imports entities)

    speech = speech_verb_forms()
    common = lexicon.words("org_nouns") | lexicon.words("unnamed_sources") | lexicon.words("titles")
    # Words used as places ("in Mexico", "across Iowa"): a place speaks as its government.
    places = {t.text for t in doc if t.dep_ == "pobj" and t.head.lower_ in PLACE_PREPOSITIONS}
    words = set()
    for token in doc:
        if token.dep_ != "nsubj" or token.head.lower_ not in speech or not token.is_title:
            continue
        if any(c.dep_ in ("det", "poss", "compound") for c in token.lefts):
            continue
        if token.ent_iob_ == "I" or (
            token.i + 1 < len(doc) and doc[token.i + 1].ent_iob_ == "I" and token.ent_type_
        ):
            continue
        if token.lower_ in common or plural_stem(token.lower_) in common or token.text in places:
            continue
        words.add(token.text)
    return frozenset(words)


def plural_stem(word: str) -> str:
    """ "sources" -> "source", "allies" -> "ally"; other words unchanged."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _person_after_possessive(ent: Any, speaking: frozenset[str]) -> list[Any]:
    """An organisation's name that runs into a person's after a possessive ("Fox News' Sean
    Hannity", "CNN's Jake Tapper", tagged ORG whole) as the two, when the person's surname
    speaks alone elsewhere (``_speaking_words``); else ``ent`` as it is."""
    marks = [t.i for t in ent if t.text in POSSESSIVE_MARKS]
    if ent.label_ != "ORG" or not marks:
        return [ent]
    start = marks[-1] + 1
    name = ent.doc[start : ent.end]
    lo, hi = SPEAKING_NAME_WORDS
    if (
        lo <= len(name) <= hi
        and all(t.pos_ == "PROPN" and t.is_title for t in name)
        and name[-1].text in speaking
    ):
        person = Span(ent.doc, start, ent.end, label="PERSON")
        body = [Span(ent.doc, ent.start, marks[-1], label="ORG")] if marks[-1] > ent.start else []
        return [*body, person]
    return [ent]


def _speaking_name(ent: Any, words: Sequence[str], speaking: frozenset[str]) -> bool:
    """An organisation's or place's name (canonical ``words``) that is a full name whose surname
    speaks alone elsewhere: proper nouns only ("Say Mexico demanded" is no name) and no word of
    an outlet's or a body's name in it ("the Washington Post Trump", tagged ORG whole, is the
    Post and Trump: ``byline_organisations.txt``, ``org_nouns.txt``)."""
    lo, hi = SPEAKING_NAME_WORDS
    bodies = lexicon.words("byline_organisations") | lexicon.words("org_nouns")
    return (
        lo <= len(words) <= hi
        and all(t.pos_ == "PROPN" for t in ent if not t.is_punct)
        and all(w[:1].isupper() and w.replace("-", "").replace("'", "").isalpha() for w in words)
        and not any(w.lower() in bodies for w in words[:-1])
        and words[-1] in speaking
    )


def _places_not_people(doc: Any, ents: list[Any]) -> dict[str, str]:
    """One-word names the NER tagged PERSON that are places, with the label they are: the same
    word tagged a place more often than a person and used as one ("in Clarkston", "across
    Iowa": ``PLACE_PREPOSITIONS``), where no longer name of any label ends in it ("Sarah
    Palin" tagged GPE makes "Palin" a surname) and no honorific marks it. (An organisation's
    name is not told from a person's so: spaCy tags "Trump" ORG more often than PERSON in many
    an article.)"""
    words = {e.text for e in ents if e.label_ == "PERSON" and len(e) == 1}
    if not words:
        return {}
    votes: dict[str, Counter[str]] = {w: Counter() for w in words}
    for e in ents:
        if len(e) == 1 and e.text in votes:
            votes[e.text][e.label_] += 1
    ends = {e[-1].text for e in ents if len(e) >= 2}
    marked = {
        e.text
        for e in ents
        if len(e) == 1
        and e.start > 0
        and doc[e.start - 1].lower_.rstrip(".") in honorifics().stripped
    }
    places = {t.text for t in doc if t.dep_ == "pobj" and t.head.lower_ in PLACE_PREPOSITIONS}
    out = {}
    for word, count in votes.items():
        if word in ends or word in marked or word not in places:
            continue
        label, n = max(
            ((lab, k) for lab, k in count.items() if lab in PLACE_LABELS),
            key=lambda lk: lk[1],
            default=("", 0),
        )
        if n > count["PERSON"]:
            out[word] = label
    return out


def _body_by_appositive(doc: Any, ent: Any) -> bool:
    """A one-word PERSON-tagged name whose appositive is a word for a body ("Xinhua, the
    official Chinese news agency": ``org_nouns.txt``; a person introduced so is named in full:
    "Ann Hale, the firm's founder")."""
    if len(ent) != 1 or ent.end >= len(doc) or doc[ent.end].text != ",":
        return False
    bodies = lexicon.words("org_nouns")
    return any(
        t.dep_ == "appos" and ent.start <= t.head.i < ent.end and t.lower_ in bodies
        for t in doc[ent.end : min(len(doc), ent.end + PERSON_APPOSITIVE_TOKENS)]
    )


def extract_entities(doc: Any) -> tuple[list[EntityCluster], list[Mention]]:
    """Entity clusters and mentions of one spaCy ``Doc``; offsets index ``doc.text``."""
    text = doc_text(doc)
    raw: list[tuple[Any, int, int, list[str]]] = []
    extra = _honorific_names(doc)
    extra += _appositive_names(
        doc,
        {i for e in doc.ents for i in range(e.start, e.end)}
        | {i for span in extra for i in range(span.start, span.end)},
    )
    taken = {i for span in extra for i in range(span.start, span.end)}
    ents = [
        _with_first_name(_without_leading_verb(_without_leading_title(e)))
        if e.label_ == "PERSON"
        else e
        for e in doc.ents
        if not any(i in taken for i in range(e.start, e.end))
    ]
    speaking = _speaking_words(doc)
    ents = [
        part
        for e in ents
        for part in (
            [Span(doc, e.start, e.end, label="PERSON")]
            if e.label_ in GROUP_LABELS and len(e) >= 2 and _looks_like_person(e)
            else _person_after_possessive(e, speaking)
        )
    ]
    bodies = _places_not_people(doc, ents)
    ents = [
        Span(doc, e.start, e.end, label=bodies[e.text])
        if e.label_ == "PERSON" and e.text in bodies
        else Span(doc, e.start, e.end, label="ORG")
        if e.label_ == "PERSON" and _body_by_appositive(doc, e)
        else e
        for e in ents
    ]
    extra += _known_name_mentions(doc, [*ents, *extra])
    for ent in sorted([*ents, *extra], key=lambda e: e.start):
        if ent.label_ not in KEPT_LABELS:
            continue
        start, end = _mention_span(ent)
        if end <= start:
            continue
        words = canonical_words(text[start:end])
        if not words or not any(ch.isalpha() for ch in "".join(words)):
            continue
        raw.append((ent, start, end, words))

    # A name spaCy tagged ORG or GPE is a person when the same words are a person elsewhere or
    # the last word is a surname with an honorific ("Alistair Darling's" ... "Mr Darling").
    person_keys = {" ".join(w).lower() for e, _s, _e, w in raw if e.label_ == "PERSON"}
    honorific_surnames = {
        w[-1].lower()
        for e, _s, _e, w in raw
        if e.label_ == "PERSON"
        and len(w) == 1
        and e.text.split()[0].lower().rstrip(".") in honorifics().stripped
    }
    for n, (ent, start, end, words) in enumerate(raw):
        if (
            ent.label_ in GROUP_LABELS
            and len(words) >= 2
            and (
                " ".join(words).lower() in person_keys
                or (words[-1].lower() in honorific_surnames and all(w[:1].isupper() for w in words))
                or _speaking_name(ent, words, speaking)
            )
        ):
            raw[n] = (Span(doc, ent.start, ent.end, label="PERSON"), start, end, words)

    headlines = title_case_lines(text)
    mentions = [
        RawMention(
            ent,
            start,
            end,
            tuple(words),
            ent.label_,
            any(lo <= start < hi for lo, hi in headlines),
            ent.label_ == "PERSON" and _introduced_as_relative(doc, ent),
            ent.label_ == "PERSON" and _attributive(ent),
        )
        for ent, start, end, words in raw
    ]
    return cluster_mentions(doc, text, mentions, _roles)


def _roles(doc: Any, ent: Any) -> tuple[str | None, ...]:
    """The roles the text gives a person at this mention: its appositive and title words."""
    return (_appositive_role(doc, ent), _title_before(doc, ent))
