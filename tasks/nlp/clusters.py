"""Which mentions of one article are one entity.

People, in three passes over the body (lines in title case come last, ``_join_headlines``):

1. Full names (a first name and a surname): one cluster per person. "Donald J. Trump" joins
   "Donald Trump" (middle names agree where both give them; "George H. W. Bush" and "George W.
   Bush" stay two), "Donald Trump Jr." stays apart from "Donald Trump", and a name that ends in
   another's full name joins it ("Crooked Hillary Clinton" is Hillary Clinton).
2. Surnames alone ("Balls", "Mr Balls", "De Blasio") and first names alone ("Hillary") join the
   one full name they can be. A gendered honorific rules out people of the other gender ("Mrs.
   Clinton" is not Bill Clinton). Where two people remain ("Clinton" in an article that names
   Bill and Hillary Clinton, with nothing to say which), the mention is left unresolved, never
   guessed: it joins no cluster, and is listed in ``UNRESOLVED_KEY`` for the speaker resolver.
3. Lines in title case (headlines, section heads: ``tasks.nlp.names.title_case_lines``) mint
   nothing. spaCy runs names into the verbs and names next to them there ("Obama Says", "Tom
   Nides Thanked Clinton"), so a mention on such a line joins a body cluster whose full name,
   or whose surname, is among its words, trimmed to those words, and is dropped otherwise.

Organisations and places join by their words (ORG, GPE and NORP as one kind), and a one-word
ORG or GPE mention that is a person's surname joins that person.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tasks.model import EntityCluster, Mention
from tasks.nlp import gender as genders
from tasks.nlp.names import NameParts, first_name_key, name_key, name_parts

GROUP_LABELS = frozenset({"ORG", "GPE", "NORP"})
# Labels of one-word mentions that are a person where the word is the surname of a person the
# article names in full (spaCy tags a bare surname as a place or a body often enough).
SURNAME_LABELS = GROUP_LABELS | {"LOC", "FAC"}
# doc.user_data key: (start, end, 'm'/'f'/None honorific gender) of person mentions left
# unresolved (two people could be meant).
UNRESOLVED_KEY = "whosaid.unresolved_people"
_AMBIGUOUS = -2


@dataclass(frozen=True)
class RawMention:
    """A mention before clustering: the spaCy span, its character offsets, its canonical words
    (``tasks.nlp.names.canonical_words``) and label, whether it lies on a title-case line,
    whether it names someone as another's relative, and whether it modifies a noun."""

    ent: Any
    start: int
    end: int
    words: tuple[str, ...]
    label: str
    headline: bool
    relative: bool = False  # named as someone's relative: "his wife, Heidi Cruz"
    attributive: bool = False  # a name modifying a noun: "the Bill Clinton era"


@dataclass
class _Cluster:
    parts: NameParts | None  # people: the parts of the fullest name so far
    label_votes: Counter[str] = field(default_factory=Counter)
    names: list[str] = field(default_factory=list)  # canonical names, first seen first
    surfaces: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.label_votes.most_common(1)[0][0]

    @property
    def name(self) -> str:
        """The fullest of the names that are this person's own: with the most words among those
        with the cluster's first name and surname ("Donald J. Trump" over "Donald Trump", not
        "Crooked Hillary Clinton" over "Hillary Clinton"), most used, with the most letters
        ("Hillary Clinton" over a "Hilary Clinton" as often used), first seen."""
        own = self.names
        if self.parts is not None and self.parts.full:
            mine = [
                n
                for n in self.names
                if first_name_key((p := name_parts(n.split())).first)
                == first_name_key(self.parts.first)
                and p.surname == self.parts.surname
            ]
            own = mine or own
        counts = Counter(own)
        return max(own, key=lambda n: (len(n.split()), counts[n], len(n), -self.names.index(n)))


class _People:
    """The article's person clusters while they are built."""

    def __init__(self) -> None:
        self.clusters: list[_Cluster] = []
        self.full: list[int] = []  # clusters founded by a full name
        self.single: dict[str, list[int]] = {}  # surname (or first name) alone -> clusters
        self.redirect: dict[int, int] = {}
        # Full names given other than as a relative or a noun's modifier: people the article
        # is about, whom its bare surnames name before those it mentions in passing ("the Bill
        # Clinton era" in an article about Hillary Clinton).
        self.named_in_own_right: set[int] = set()

    def new(self, parts: NameParts) -> int:
        self.clusters.append(_Cluster(parts))
        index = len(self.clusters) - 1
        if parts.full:
            self.full.append(index)
        return index

    def find(self, index: int) -> int:
        while index in self.redirect:
            index = self.redirect[index]
        return index

    def full_match(self, parts: NameParts) -> int | None:
        """The full-name cluster of this full name: its exact form, else the one compatible
        cluster; ``_AMBIGUOUS`` when two are; None when none is."""
        candidates = [i for i in self.full if self._parts(i).same_person_as(parts)]
        exact = [i for i in candidates if self._parts(i) == parts]
        if exact:
            return exact[0]
        if len(candidates) > 1:
            return _AMBIGUOUS
        return candidates[0] if candidates else None

    def _parts(self, index: int) -> NameParts:
        parts = self.clusters[index].parts
        assert parts is not None
        return parts

    def widen(self, index: int, parts: NameParts) -> None:
        """Keep the middle name a later form gives ("Donald J. Trump" after "Donald Trump")."""
        if parts.middle and not self._parts(index).middle:
            self.clusters[index].parts = parts

    def by_surname(self, surname: str, suffix: str) -> list[int]:
        """Full-name clusters with this surname: with the same suffix, or, for a surname with
        none, those with a suffix when no other has the surname ("Trump" is Donald Trump where
        Donald Trump Jr. is named too)."""
        same = [i for i in self.full if self._parts(i).surname == surname]
        exact = [i for i in same if self._parts(i).suffix == suffix]
        return exact or ([] if suffix else same)

    def by_first(self, first: str) -> list[int]:
        return [i for i in self.full if self._parts(i).first == first]


def _gender_filter(candidates: list[int], gender: str | None, known: dict[int, str]) -> list[int]:
    if gender is None:
        return candidates
    return [i for i in candidates if known.get(i) in (None, gender)]


def cluster_mentions(
    doc: Any, text: str, raw: list[RawMention], roles: Any
) -> tuple[list[EntityCluster], list[Mention]]:
    """Entity clusters and mentions of one article from its raw mentions; ``roles(doc, ent)``
    gives the roles a person mention carries."""
    people = _People()
    groups: dict[str, int] = {}  # "GROUP:words" / "LOC:words" -> index into group_clusters
    group_clusters: list[_Cluster] = []
    assigned: list[int | None] = [None] * len(raw)  # people: cluster index or _AMBIGUOUS
    in_group: list[int | None] = [None] * len(raw)
    spans = [(r.start, r.end, list(r.words)) for r in raw]
    parts = [name_parts(list(r.words)) if r.label == "PERSON" else None for r in raw]

    # Pass 1: full names, those that give a middle name first (most specific), in text order.
    full = [n for n, p in enumerate(parts) if p is not None and p.full and not raw[n].headline]
    for n in sorted(full, key=lambda n: (not parts[n].middle, raw[n].start)):  # type: ignore[union-attr]
        p = parts[n]
        assert p is not None
        index = people.full_match(p)
        if index is None:
            index = people.new(p)
        elif index != _AMBIGUOUS:
            people.widen(index, p)
        assigned[n] = index
        if index != _AMBIGUOUS and not raw[n].relative and not raw[n].attributive:
            people.named_in_own_right.add(index)
    _merge_prefixed_names(people, raw, assigned)
    people.named_in_own_right = {people.find(i) for i in people.named_in_own_right}

    # Organisations and places, by their words.
    for n, r in enumerate(raw):
        if r.label != "PERSON" and not r.headline:
            kind = "GROUP" if r.label in GROUP_LABELS else r.label
            slot = f"{kind}:{' '.join(w.lower() for w in r.words)}"
            if slot not in groups:
                groups[slot] = len(group_clusters)
                group_clusters.append(_Cluster(None))
            in_group[n] = groups[slot]

    # Pass 2: surnames and first names alone, and one-word groups that are a surname; those
    # with a gendered honorific first, so that "President Obama" sees the "Mr. Obama" who is
    # not Michelle Obama before it joins anyone.
    known = _full_name_genders(doc, text, raw, parts, assigned, people)
    said = [
        genders.honorific_gender(text, r.start, text[r.start : r.end]) if parts[n] else None
        for n, r in enumerate(raw)
    ]
    for n in sorted(range(len(raw)), key=lambda n: said[n] is None):
        r, p = raw[n], parts[n]
        if r.headline or assigned[n] is not None:
            continue
        if p is None:
            if len(r.words) != 1 or r.label not in SURNAME_LABELS:
                continue
            # "Scott" tagged ORG, "Schiff" tagged LOC, in an article naming Bobby Scott or Adam
            # Schiff: the surname alone, joined as one tagged PERSON is.
            surname = name_parts(list(r.words))
            if not people.by_surname(surname.surname, surname.suffix):
                continue
            index = _short_form(people, raw, assigned, n, surname, said[n], known)
            assigned[n] = index
            if index != _AMBIGUOUS:
                in_group[n] = None
            continue
        if not p.surname:
            continue
        assigned[n] = _short_form(people, raw, assigned, n, p, said[n], known)

    for n, r in enumerate(raw):
        if r.headline:
            _join_headline(n, r, people, groups, assigned, in_group, spans, text)

    return _assemble(doc, text, raw, people, group_clusters, assigned, in_group, spans, roles)


def _short_form(
    people: _People,
    raw: list[RawMention],
    assigned: list,
    n: int,
    p: NameParts,
    said: str | None,
    known: dict[int, str],
) -> int:
    """The cluster of a surname (or first name) alone: the one person it can be, else
    ``_AMBIGUOUS`` (module docstring)."""
    candidates = people.by_surname(p.surname, p.suffix)
    if not candidates and len(raw[n].words) == 1 and not raw[n].relative:
        # "Hillary" alone is Hillary Clinton; "Mr Miliband's brother, Ed" is not Ed Balls.
        candidates = people.by_first(p.surname)
    singles = people.single.get(f"{p.surname}|{p.suffix}", [])
    if not candidates:
        return _single(people, p, said, known)
    fitting = _gender_filter(candidates, said, known)
    if len(fitting) > 1:
        # "his wife, Heidi Cruz" and "his father, Rafael Cruz" are introduced as the
        # relatives of the one the bare surname names.
        fitting = [i for i in fitting if i in people.named_in_own_right] or fitting
    if len(fitting) > 1:
        fitting = _principal(fitting, raw, assigned)
    if not fitting:
        # "Mrs. Clinton" where only Bill Clinton is named in full: someone else.
        return _single(people, p, said, known)
    if said is None and _gender_filter(singles, said, known):
        # "Obama" where "Mr. Obama" is not the Michelle Obama named in full: either.
        return _AMBIGUOUS
    return fitting[0] if len(fitting) == 1 else _AMBIGUOUS


def _principal(candidates: list[int], raw: list[RawMention], assigned: list) -> list[int]:
    """The one of several people with a surname whom a bare surname names, as news style has
    it (the surname alone is the second reference to the person introduced first; a namesake
    introduced later is given their full name): the person named first in full, when also
    named in full more often than each of the others. Otherwise all of them: the text does not
    say which."""
    first: dict[int, int] = {}
    times: Counter[int] = Counter()
    for n, r in enumerate(raw):
        if assigned[n] in candidates and not r.headline:
            first.setdefault(assigned[n], r.start)
            times[assigned[n]] += 1
    lead = min(candidates, key=lambda i: first[i])
    if all(times[lead] > times[i] for i in candidates if i != lead):
        return [lead]
    return candidates


def _single(people: _People, p: NameParts, said: str | None, known: dict[int, str]) -> int:
    """The cluster of a surname alone that no full name in the article has: one per surname
    and gender ("Mr. Clinton" and "Mrs. Clinton" are two), or ``_AMBIGUOUS``."""
    key = f"{p.surname}|{p.suffix}"
    existing = people.single.setdefault(key, [])
    fitting = _gender_filter(existing, said, known)
    if said is None and len(fitting) > 1:
        return _AMBIGUOUS
    if fitting:
        index = fitting[0]
    else:
        index = people.new(p)
        existing.append(index)
    if said is not None:
        known.setdefault(index, said)
    return index


def _merge_prefixed_names(people: _People, raw: list[RawMention], assigned: list) -> None:
    """A full name that ends in another cluster's full name is that person with words in front
    ("Crooked Hillary Clinton", "Universe Alicia Machado")."""
    for index in list(people.full):
        parts = people.clusters[index].parts
        words = next((list(raw[n].words) for n, a in enumerate(assigned) if a == index), None)
        if parts is None or not words or len(words) < 3:
            continue
        for k in range(1, len(words) - 1):
            tail = name_parts(words[k:])
            target = people.full_match(tail) if tail.full else None
            if target is not None and target != _AMBIGUOUS and target != index:
                people.redirect[index] = target
                people.full.remove(index)
                break
    for n, a in enumerate(assigned):
        if a is not None and a != _AMBIGUOUS:
            assigned[n] = people.find(a)


def _full_name_genders(
    doc: Any,
    text: str,
    raw: list[RawMention],
    parts: list[NameParts | None],
    assigned: list,
    people: _People,
) -> dict[int, str]:
    """'m'/'f' of the full-name clusters, from their own mentions (pass 2 needs them before it
    joins the short forms). Short forms not yet joined count as people of their own, so a
    pronoun near one gives no vote."""
    mentions = []
    for n, r in enumerate(raw):
        if r.headline or parts[n] is None:
            continue
        cluster = assigned[n] if assigned[n] is not None else -1000 - n
        mentions.append((r.start, r.end, text[r.start : r.end], cluster))
    found = genders.person_genders(doc, mentions, set(people.full))
    return {i: g.gender[0] for i, g in found.items() if g.gender != "unknown"}


def _words_span(text: str, start: int, end: int, words: list[str]) -> tuple[int, int] | None:
    """Character offsets of ``words`` inside text[start:end]."""
    pattern = r"\s+".join(re.escape(w) for w in words)
    found = re.search(pattern, text[start:end])
    return (start + found.start(), start + found.end()) if found else None


def _join_headline(
    n: int,
    r: RawMention,
    people: _People,
    groups: dict[str, int],
    assigned: list,
    in_group: list,
    spans: list,
    text: str,
) -> None:
    """A mention on a title-case line joins a body cluster or nothing (module docstring)."""
    words = list(r.words)
    # A run of its words that is a body person's full name, longest first ...
    for size in range(len(words), 1, -1):
        for k in range(len(words) - size + 1):
            sub = name_parts(words[k : k + size])
            index = people.full_match(sub) if sub.full else None
            if index is not None and index != _AMBIGUOUS:
                span = _words_span(text, r.start, r.end, words[k : k + size])
                if span:
                    assigned[n] = index
                    spans[n] = (*span, words[k : k + size])
                    return
    # ... else one word that is the surname of exactly one body person.
    for word in words:
        key = name_key(word)
        candidates = people.by_surname(key, "") or people.single.get(f"{key}|", [])
        if len(candidates) == 1:
            span = _words_span(text, r.start, r.end, [word])
            if span:
                assigned[n] = candidates[0]
                spans[n] = (*span, [word])
                return
    if r.label != "PERSON":
        kind = "GROUP" if r.label in GROUP_LABELS else r.label
        slot = groups.get(f"{kind}:{' '.join(w.lower() for w in words)}")
        if slot is not None:
            in_group[n] = slot


def _assemble(
    doc: Any,
    text: str,
    raw: list[RawMention],
    people: _People,
    group_clusters: list[_Cluster],
    assigned: list,
    in_group: list,
    spans: list,
    roles: Any,
) -> tuple[list[EntityCluster], list[Mention]]:
    """Clusters in order of first mention, with names, labels, aliases, roles and gender."""
    order: dict[tuple[str, int], int] = {}
    final: list[_Cluster] = []
    mentions: list[Mention] = []
    unresolved: list[tuple[int, int, str | None]] = []
    for n, r in enumerate(raw):
        start, end, words = spans[n]
        if assigned[n] == _AMBIGUOUS:
            unresolved.append((start, end, genders.honorific_gender(text, start, text[start:end])))
            continue
        if assigned[n] is not None:
            key, cluster, label = ("p", assigned[n]), people.clusters[assigned[n]], "PERSON"
        elif in_group[n] is not None:
            key, cluster, label = ("g", in_group[n]), group_clusters[in_group[n]], r.label
        else:
            continue
        cluster.label_votes[label] += 1
        cluster.names.append(" ".join(words))
        surface = text[start:end]
        if surface not in cluster.surfaces:
            cluster.surfaces.append(surface)
        if label == "PERSON" and not r.headline:
            for role in roles(doc, r.ent):
                if role and role not in cluster.roles:
                    cluster.roles.append(role)
        if key not in order:
            order[key] = len(final)
            final.append(cluster)
        mentions.append(Mention(surface, start, end, label, order[key]))
    doc.user_data[UNRESOLVED_KEY] = unresolved
    person_index = {i for (kind, _), i in order.items() if kind == "p"}
    # A person left unresolved is someone all the same: "Trump attacked Clinton, saying she
    # ..." gives Trump no vote where "Clinton" is left unresolved.
    found = genders.person_genders(
        doc,
        [(m.start, m.end, m.text, m.cluster) for m in mentions if m.label == "PERSON"]
        + [(lo, hi, text[lo:hi], -1000 - k) for k, (lo, hi, _g) in enumerate(unresolved)],
        person_index,
    )
    result = []
    for i, cluster in enumerate(final):
        name = cluster.name
        aliases = tuple(s for s in cluster.surfaces if s != name)
        g = found.get(i)
        result.append(
            EntityCluster(
                name,
                cluster.label,
                aliases,
                tuple(cluster.roles),
                gender=g.gender if g else None,
                gender_evidence=g.evidence if g else None,
            )
        )
    return result, mentions
