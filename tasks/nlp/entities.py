"""Named entities of one article: spaCy's NER mentions, merged into one cluster per entity.

Within an article, "Mr Balls" and "Balls" join "Ed Balls", while "Ed Miliband" and "David
Miliband" stay two people. Honorifics are stripped from canonical names; appositive roles
("Mark Serwotka, general secretary of the PCS union") and title words in front of a name
("Chancellor George Osborne") are kept as the cluster's roles.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from spacy.attrs import LOWER, ORTH
from spacy.strings import get_string_id
from spacy.tokens import Span

from tasks import lexicon
from tasks.model import EntityCluster, Mention

# Labels kept from spaCy's OntoNotes scheme: the speakers (PERSON, ORG, NORP, GPE) and places.
KEPT_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
# ORG/GPE/NORP mentions of the same text are one entity whatever label spaCy gave each one.
GROUP_LABELS = frozenset({"ORG", "GPE", "NORP"})
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_EDGE_PUNCT = " \t\n,.;:!?\"'“”‘’()[]-–—"
# Token windows after a name, where an appositive's head is looked for: the comma, then up to
# six words before the head ("Mark Serwotka, general secretary of the PCS union" has it second)
# for a role; up to four for the title words that make an ORG/GPE-tagged name a person ("Damian
# Green, the immigration minister").
APPOSITIVE_TOKENS = 8
PERSON_APPOSITIVE_TOKENS = 6
# A role is a noun phrase; more words than this is a clause the parse hung on the name.
MAX_ROLE_WORDS = 15
# tasks.lexicon.entries under the name tasks/nlp/quotes.py imports it by.
lexicon_entries = lexicon.entries


def doc_text(doc: Any) -> str:
    """``doc.text``, built once per Doc: spaCy joins every token's text on each access, and
    entity, speaker and quote extraction each need it (kept in ``doc.user_data``)."""
    text = doc.user_data.get("whosaid.text")
    if text is None:
        text = doc.user_data["whosaid.text"] = doc.text
    return text  # type: ignore[no-any-return]


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
    text = _POSSESSIVE.sub("", text.strip(_EDGE_PUNCT)).strip(_EDGE_PUNCT)
    words = text.split()
    if len(words) > 1 and words[0].lower() == "the":
        words = words[1:]
    return strip_honorifics(words)


@dataclass
class _Cluster:
    label_votes: Counter[str] = field(default_factory=Counter)
    names: list[str] = field(default_factory=list)  # canonical names, first seen first
    surfaces: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    key_words: list[str] = field(default_factory=list)  # words of the fullest name

    @property
    def label(self) -> str:
        return self.label_votes.most_common(1)[0][0]

    @property
    def name(self) -> str:
        return max(self.names, key=lambda n: (len(n.split()), -self.names.index(n)))


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
        found.append(Span(doc, token.i, end, label="PERSON"))
    return found


def _surname_mentions(doc: Any, ents: list[Any]) -> list[Any]:
    """Bare surnames spaCy left untagged ("On Tuesday Balls went home") of people it did tag."""
    surnames = {
        e[-1].text
        for e in ents
        if e.label_ == "PERSON" and len(e) >= 2 and e[-1].text[:1].isupper()
    }
    if not surnames:
        return []
    tagged = {i for e in ents for i in range(e.start, e.end)}
    ids = np.array([get_string_id(name) for name in surnames], dtype=np.uint64)
    at = np.flatnonzero(np.isin(doc.to_array(ORTH), ids)).tolist()
    return [
        Span(doc, t.i, t.i + 1, label="PERSON")
        for t in (doc[i] for i in at)
        if t.i not in tagged and (t.pos_ == "PROPN" or not t.is_sent_start)
    ]


def _without_leading_title(ent: Any) -> Any:
    """A name span without the title words spaCy took into it: "Councillor Owen Hale" is the
    person "Owen Hale", and "Councillor" becomes their role (``_title_before``)."""
    titles = lexicon.words("titles")
    k = 0
    while len(ent) - k > 2 and ent[k].lower_ in titles:  # a first name and a surname stay
        k += 1
    return ent if k == 0 else Span(ent.doc, ent.start + k, ent.end, label=ent.label_)


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


def extract_entities(doc: Any) -> tuple[list[EntityCluster], list[Mention]]:
    """Entity clusters and mentions of one spaCy ``Doc``; offsets index ``doc.text``."""
    text = doc_text(doc)
    raw: list[tuple[Any, int, int, list[str]]] = []
    extra = _honorific_names(doc)
    taken = {i for span in extra for i in range(span.start, span.end)}
    ents = [
        _without_leading_title(e) if e.label_ == "PERSON" else e
        for e in doc.ents
        if not any(i in taken for i in range(e.start, e.end))
    ]
    ents = [
        Span(doc, e.start, e.end, label="PERSON")
        if e.label_ in GROUP_LABELS and len(e) >= 2 and _looks_like_person(e)
        else e
        for e in ents
    ]
    extra += _surname_mentions(doc, [*ents, *extra])
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
            )
        ):
            raw[n] = (Span(doc, ent.start, ent.end, label="PERSON"), start, end, words)

    clusters: list[_Cluster] = []
    assigned: list[int] = [-1] * len(raw)
    person_full: dict[str, int] = {}
    group_keys: dict[str, int] = {}

    # Pass 1: people named with two or more words, and every non-person entity by its text.
    for n, (ent, _start, _end, words) in enumerate(raw):
        if ent.label_ == "PERSON" and len(words) >= 2:
            key = " ".join(w.lower() for w in words)
            loose = f"{words[0].lower()} {words[-1].lower()}"
            index = person_full.get(key, person_full.get(loose))
            if index is None:
                index = len(clusters)
                clusters.append(_Cluster(key_words=[w.lower() for w in words]))
                person_full[key] = person_full[loose] = index
            assigned[n] = index
        elif ent.label_ != "PERSON":
            key = " ".join(w.lower() for w in words)
            label_key = "GROUP" if ent.label_ in GROUP_LABELS else ent.label_
            slot = f"{label_key}:{key}"
            if slot not in group_keys:
                group_keys[slot] = len(clusters)
                clusters.append(_Cluster(key_words=[w.lower() for w in words]))
            assigned[n] = group_keys[slot]

    # Pass 2: one-word people ("Balls", "Mr Balls") and one-word non-people that are really a
    # person's surname (spaCy often tags a lone surname ORG or GPE) join the nearest full name.
    full_people = sorted(set(person_full.values()))
    last_seen: dict[int, int] = {}
    for n, (ent, start, _end, words) in enumerate(raw):
        if assigned[n] >= 0 and not (len(words) == 1 and ent.label_ != "PERSON"):
            last_seen[assigned[n]] = start
            continue
        if len(words) != 1:
            continue
        word = words[0].lower()
        people = full_people
        by_surname = [i for i in people if clusters[i].key_words[-1] == word]
        by_first = [i for i in people if clusters[i].key_words[0] == word]
        candidates = by_surname or (by_first if ent.label_ == "PERSON" else [])
        if candidates:
            index = max(candidates, key=lambda i: (last_seen.get(i, -1), -i))
            if ent.label_ != "PERSON" and not by_surname:
                continue
            assigned[n] = index
        elif ent.label_ == "PERSON":
            key = f"PERSON1:{word}"
            if key not in group_keys:
                group_keys[key] = len(clusters)
                clusters.append(_Cluster(key_words=[word]))
            assigned[n] = group_keys[key]
        last_seen[assigned[n]] = start

    person_indices = {assigned[m] for m in range(len(raw)) if raw[m][0].label_ == "PERSON"}
    mentions: list[Mention] = []
    used: dict[int, int] = {}
    final: list[_Cluster] = []
    for n, (ent, start, end, words) in enumerate(raw):
        index = assigned[n]
        if index < 0:
            continue
        cluster = clusters[index]
        is_person_cluster = index in person_indices
        label = "PERSON" if is_person_cluster else ent.label_
        cluster.label_votes[label] += 1
        cluster.names.append(" ".join(words))
        surface = text[start:end]
        if surface not in cluster.surfaces:
            cluster.surfaces.append(surface)
        if label == "PERSON":
            for role in (_appositive_role(doc, ent), _title_before(doc, ent)):
                if role and role not in cluster.roles:
                    cluster.roles.append(role)
        if index not in used:
            used[index] = len(final)
            final.append(cluster)
        mentions.append(Mention(surface, start, end, label, used[index]))

    result = []
    for cluster in final:
        name = cluster.name
        aliases = tuple(s for s in cluster.surfaces if s != name)
        result.append(EntityCluster(name, cluster.label, aliases, tuple(cluster.roles)))
    return result, mentions
