"""A person's gender as the text gives it: honorifics used with their name, pronouns that refer
to them. Never from a first name.

Two kinds of evidence, each a vote per use:

- ``honorific``: "Mrs Clinton", "Mr. Obama", "Sir Keir Starmer" (the gender column of
  ``tasks/lexicon/honorifics.txt``), in the mention or just before it;
- ``pronoun``: a he/she pronoun, outside quote marks, whose sentence (up to the pronoun) and the
  sentence before name exactly one person, that person being this one. Any second person in
  that window, by name, by a title ("the nominee's daughter") or by a noun for a person ("a
  woman", "his wife"), and the pronoun says nothing: "Clinton attacked Trump, saying he ..." is
  no vote; nor is a pronoun with another of its gender before the name in the window ("she
  said ... the rise of Trump, who ... she": the first "she" is someone named earlier).

A person's gender is the side with at least ``MAJORITY`` of their votes of the strongest kind
(honorifics first: a form of address is the text saying it outright); otherwise unknown.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from schemas.vocab import Gender, GenderEvidence
from tasks import lexicon
from tasks.nlp.names import honorifics

MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
# How far before a one-word name its honorific is looked for: the longest in honorifics.txt
# with its space ("professor ", 10 characters) and an opening quote mark or bracket.
HONORIFIC_LOOKBACK_CHARS = 12
# Share of a person's votes one side needs. Two thirds: one stray vote (a pronoun whose lone
# named person is not its referent: "Trump's daughter said she ...") among three does not
# overturn the others, and an even split says nothing.
MAJORITY = 2 / 3
# Quoted words: the speaker's pronouns are about other people. Curly pairs, straight pairs and
# the doubled single quotes of some wire copy, within one paragraph, and a paragraph's words up
# to a closing mark it never opened (the last paragraph of a quote over several).
_QUOTED = re.compile(r"(?m)^[^“”\n]*”|“[^”\n]*”?|\"[^\"\n]*\"?|''[^\n]*?''")


@dataclass(frozen=True)
class PersonGender:
    gender: Gender
    evidence: GenderEvidence


UNKNOWN = PersonGender("unknown", "unknown")


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """(start, end) of every stretch of text inside quote marks, in order."""
    return [(m.start(), m.end()) for m in _QUOTED.finditer(text)]


def inside(regions: Sequence[tuple[int, int]], starts: Sequence[int], char: int) -> bool:
    """Whether ``char`` lies in one of ``regions`` (sorted; ``starts`` their starts)."""
    i = bisect.bisect_right(starts, char) - 1
    return i >= 0 and regions[i][0] <= char < regions[i][1]


def honorific_gender(text: str, start: int, surface: str) -> str | None:
    """'m' or 'f' when an honorific with a gender opens the mention or stands right before it."""
    words = surface.lower().split()
    # The word before, without the comma of an appositive: "the first lady, Michelle Obama".
    before = text[max(0, start - HONORIFIC_LOOKBACK_CHARS) : start].replace(",", " ").split()
    table = honorifics()
    for word in (words[0] if len(words) > 1 else None, before[-1].lower() if before else None):
        if word in table.male:
            return "m"
        if word in table.female:
            return "f"
    return None


def pronoun_gender(lower: str) -> str | None:
    return "m" if lower in MALE_PRONOUNS else "f" if lower in FEMALE_PRONOUNS else None


def decide(votes: Counter[str], evidence: GenderEvidence) -> PersonGender | None:
    total = sum(votes.values())
    for side, gender in (("m", "male"), ("f", "female")):
        if total and votes[side] / total >= MAJORITY:
            return PersonGender(gender, evidence)  # type: ignore[arg-type]
    return None


def person_genders(
    doc: Any, mentions: Sequence[tuple[int, int, str, int]], people: set[int]
) -> dict[int, PersonGender]:
    """Gender of each cluster in ``people`` from the person ``mentions`` (start, end, surface,
    cluster) of one article."""
    text = doc.user_data.get("whosaid.text") or doc.text
    honorific_votes: dict[int, Counter[str]] = {}
    for start, _end, surface, cluster in mentions:
        if cluster in people and (g := honorific_gender(text, start, surface)):
            honorific_votes.setdefault(cluster, Counter())[g] += 1
    pronoun_votes = _pronoun_votes(doc, text, mentions, people)
    out: dict[int, PersonGender] = {}
    for cluster in people:
        found = decide(honorific_votes.get(cluster, Counter()), "honorific") or decide(
            pronoun_votes.get(cluster, Counter()), "pronoun"
        )
        out[cluster] = found or UNKNOWN
    return out


def _pronoun_votes(
    doc: Any, text: str, mentions: Sequence[tuple[int, int, str, int]], people: set[int]
) -> dict[int, Counter[str]]:
    regions = quoted_regions(text)
    region_starts = [r[0] for r in regions]
    # Every person named counts against a pronoun's other candidates, people or not ``people``
    # (a name not yet given a cluster has a cluster number of its own).
    named = sorted(
        (start, cluster)
        for start, _end, _surface, cluster in mentions
        if not inside(regions, region_starts, start)
    )
    # A person named by a title alone ("the nominee", "the president's") is a person too, and
    # so is one named by a noun for a person or a relative ("a woman", "his wife").
    titles = lexicon.words("titles")
    nouns = lexicon.words("person_nouns") | lexicon.words("relation_nouns")
    for token in doc:
        if token.dep_ == "appos" or token.ent_type_:
            continue
        if (
            token.lower_ in titles
            and (token.dep_ == "poss" or any(c.lower_ == "the" for c in token.lefts))
        ) or (token.lower_ in nouns and token.pos_ == "NOUN"):
            named.append((token.idx, -1 - token.i))
    named.sort()
    named_starts = [n[0] for n in named]
    pronouns = [
        (token.idx, side)
        for token in doc
        if (side := pronoun_gender(token.lower_)) and not inside(regions, region_starts, token.idx)
    ]
    pronoun_starts = [p[0] for p in pronouns]
    votes: dict[int, Counter[str]] = {}
    for token in doc:
        side = pronoun_gender(token.lower_)
        if side is None or inside(regions, region_starts, token.idx):
            continue
        sentence = token.sent
        lo = doc[sentence.start - 1].sent.start_char if sentence.start > 0 else 0
        window = named[
            bisect.bisect_left(named_starts, lo) : bisect.bisect_left(named_starts, token.idx)
        ]
        clusters = {cluster for _start, cluster in window}
        if len(clusters) != 1 or (only := clusters.pop()) not in people:
            continue
        # "she said ... the rise of Donald Trump, who ... she": a pronoun of this gender before
        # the one name in the window refers to someone named earlier, whom this one may too.
        since = bisect.bisect_left(pronoun_starts, lo)
        before = pronouns[since : bisect.bisect_left(pronoun_starts, window[0][0])]
        if any(s == side for _at, s in before):
            continue
        votes.setdefault(only, Counter())[side] += 1
    return votes
