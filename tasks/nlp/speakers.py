"""Who a speaker phrase refers to: a named person, an organisation, an unnamed source, or unknown.

``SpeakerResolver`` is built once per article from its entity clusters and mentions and answers
for any speaker phrase found by ``tasks.nlp.quotes``: pronouns go to the person they most plausibly
point back to, "Mr Balls" and "Balls" to the cluster of "Ed Balls", definite titles ("the Shadow
Chancellor") to the person who holds them in that article, and phrases like "one insider" or "the
union" stay unnamed sources or organisations.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from schemas.vocab import SpeakerKind
from tasks import lexicon
from tasks.model import EntityCluster, Mention
from tasks.nlp import speaker_phrases as phrases
from tasks.nlp.clusters import UNRESOLVED_KEY
from tasks.nlp.entities import SURNAME_TAGGED_TIMES, doc_text, plural_stem, role_text
from tasks.nlp.gender import FEMALE_PRONOUNS, MALE_PRONOUNS, inside, quoted_regions

PERSON_PRONOUNS = MALE_PRONOUNS | FEMALE_PRONOUNS
# Pronouns for a group: resolved to an organisation or an unnamed source group when one was
# named just before (see SpeakerResolver.resolve_group).
GROUP_PRONOUNS = frozenset({"they", "them", "we"})
GROUP_LABELS = frozenset({"ORG", "NORP"})
# doc.user_data key of the article's SpeakerResolver, kept so that what it resolved (and why it
# refused a phrase) can be read after extraction.
RESOLVER_KEY = "whosaid.speaker_resolver"
# A person reference that is no one's: a name the entity step left unresolved.
NOBODY = -1
# The determiners that make a noun for a person someone in particular.
UNNAMED_PERSON_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "one"})
# What a group pronoun resolves to: (speaker kind, cluster, name, role).
Group = tuple[SpeakerKind, int | None, str | None, str | None]
ORG_LABELS = frozenset({"ORG", "NORP", "GPE", "FAC", "LOC"})
DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
# A pronoun looks back at most this many paragraphs for its person (news paragraphs are one to
# three sentences; beyond three the antecedent is usually re-named).
PRONOUN_PARAGRAPH_WINDOW = 3
# A definite title no role or earlier use explains ("the candidate", "the chairman") is the
# last person named in its own paragraph or the one before: further back it named someone else
# more often than not (PolNeAR dev: with three
# paragraphs, 44 of 52 such speakers right; with one, 42 of 47).
TITLE_PARAGRAPH_WINDOW = 1
# Marks that close a quote: a title right after one is the quote's speaker (_title_cluster).
CLOSING_QUOTES = ('"', "”", "''")
# A he or she followed to the he or she before it (_chained_pronoun) is followed at most this many
# links back; past that it is no one named. News chains run a few sentences (a paragraph's "He
# ... He ... he said"); the cap keeps an article of thousands of such sentences (a transcript, a
# hostile dump) from running the resolver out of stack.
MAX_PRONOUN_CHAIN = 50
# Rank of the subject of a sentence's main clause (``_is_subject``); a subject one clause down
# ranks one less, so "X acknowledged that Y had split ..., he said" prefers X.
SUBJECT_RANK = 10
# A subject tagged one of these is no name the NER missed: "Democrats said", "the Gulf". A place
# (GPE) or an organisation (ORG) may be one, when the word is never used as one: never after a
# preposition, tagged a person more often than not (``_untagged_name_subjects``).
UNTAGGED_NAME_LABELS = frozenset({"NORP", "LOC", "FAC"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP"})
# Dependencies of a noun phrase that says what someone is or becomes rather than pointing at
# someone ("is the nominee", "becoming the party's nominee"): no reference to a person.
PREDICATIVE_DEPS = frozenset({"attr", "oprd", "acomp"})
# The writer's own first person: "I" outside quote marks is whoever the byline names.
FIRST_PERSON = frozenset({"i", "me"})
# A byline that names a person: two to four words, each a capitalised word or an initial
# ("Heidi M. Przybyla"), before any comma ("..., USA TODAY" names the outlet).
BYLINE_NAME = re.compile(r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){1,3}")


@dataclass(frozen=True)
class Speaker:
    """A resolved speaker phrase."""

    text: str
    start: int
    end: int
    kind: SpeakerKind
    cluster: int | None
    name: str | None
    role: str | None
    # The person or body the speaker speaks for ("aides for Mr Balls": Ed Balls's cluster),
    # when the phrase says so; the speaker is never that principal.
    affiliation: int | None = None
    # Why the phrase is no one's words although it stands where a speaker would: "passive
    # without agent" ("X was considered to be low-risk"), "writer's gloss" ("that is, he ...").
    # The quote finder should then give the quote no speaker phrase (or no quote).
    refused: str | None = None


class SpeakerResolver:
    """Resolves speaker phrases of one article against its entity clusters."""

    def __init__(
        self,
        doc: Any,
        clusters: list[EntityCluster],
        mentions: list[Mention],
        byline: tuple[str, ...] = (),
    ) -> None:
        self.doc = doc
        self.clusters = clusters
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.mention_starts = [m.start for m in self.mentions]
        self.token_mention: dict[int, Mention] = {}
        for mention in self.mentions:
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            for token in span:
                self.token_mention.setdefault(token.i, mention)
        self.text = doc_text(doc)
        self.paragraphs = paragraph_spans(self.text)
        self.paragraph_starts = [start for start, _ in self.paragraphs]
        self.gender = self._genders()
        # Person mentions the entity step left unresolved (two people could be meant): a
        # pronoun that points back to one stays unresolved too.
        self.unresolved: list[tuple[int, int, str | None]] = list(
            doc.user_data.get(UNRESOLVED_KEY, ())
        )
        self.unresolved_gender = {lo: g for lo, _hi, g in self.unresolved}
        # Every phrase resolved, by its offsets.
        self.resolved: dict[tuple[int, int], Speaker] = {}
        self.quoted = quoted_regions(self.text)
        self.quoted_starts = [q[0] for q in self.quoted]
        self.author = byline_person(byline)
        doc.user_data[RESOLVER_KEY] = self
        self.person_refs = self._person_references()
        self.ref_starts = [r[0] for r in self.person_refs]
        self.pronoun_subjects = self._pronoun_subjects()
        self.pronoun_cluster: dict[int, int | None] = {}
        self.pronoun_chain = 0  # pronouns being resolved, each for the one after it

    # -- article-level facts -------------------------------------------------------------

    def paragraph_of(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.paragraph_starts, char) - 1)

    def _genders(self) -> dict[int, str]:
        """'m' or 'f' for the people whose gender the text gives (tasks/nlp/gender.py)."""
        return {
            i: c.gender[0] for i, c in enumerate(self.clusters) if c.gender in ("male", "female")
        }

    def _person_references(self) -> list[tuple[int, int, int]]:
        """(char offset, cluster, subject rank) for every person mention and resolved title."""
        refs: list[tuple[int, int, int]] = []
        quoted, quoted_starts = self.quoted, self.quoted_starts
        for mention in self.mentions:
            if mention.label == "PERSON":
                if inside(quoted, quoted_starts, mention.start):
                    # A name in quote marks is what the speaker talked about, not who "he"
                    # or "she" after the quote is.
                    continue
                token = self._token_at(mention.start)
                refs.append((mention.start, mention.cluster, _is_subject(token)))
        for lo, _hi, _gender in self.unresolved:
            refs.append((lo, NOBODY, _is_subject(self._token_at(lo))))
        refs.sort()
        self.name_refs = list(refs)
        # Names that only modify another noun ("Hillary Clinton's reaction", "the Cruz
        # campaign"): not whom a title after them refers to.
        self.modifier_names = {
            char for char, _c, _r in refs if _is_name_modifier(self._token_at(char))
        }
        self.name_ref_starts = [r[0] for r in refs]
        self.office_owner = self._office_owners()
        title_holder: dict[str, int] = {}
        # The person each definite title phrase names, by the phrase's first character.
        self.title_at: dict[int, int | None] = {}
        role_owner = self._role_owners()
        titles = lexicon.words("titles")
        for chunk in self.doc.noun_chunks:
            root = chunk.root
            if root.lower_ not in titles or root.ent_type_ == "PERSON":
                continue
            first = chunk[0].lower_
            if first not in ("the",) and chunk[0].dep_ != "poss":
                continue
            if any(t.ent_type_ == "PERSON" for t in chunk):
                continue
            if root.dep_ in PREDICATIVE_DEPS:
                # "becoming the party's nominee": what someone is or may be, not a reference.
                continue
            if inside(quoted, quoted_starts, chunk.start_char):
                # Like a name in quote marks, a title there ("my lawyer", "the president") is
                # what the speaker talked about, not whom a "he" or "she" after the quote is.
                continue
            key = title_key(chunk.text)
            cluster = self._title_cluster(
                key,
                chunk.start_char,
                role_owner,
                title_holder,
                _post_modified(root) or phrases.is_staff_noun(root),
            )
            self.title_at[chunk.start_char] = cluster
            if cluster is not None:
                title_holder.setdefault(key, cluster)
                refs.append((chunk.start_char, cluster, _is_subject(root)))
        refs.extend(self._unnamed_person_subjects())
        untagged = self._untagged_name_subjects()
        # A name the entity step left to no one that is, as a subject, the person the same word
        # names where the NER tagged it (``_untagged_name_subjects``): that person's.
        named = {char for char, cluster, _rank in untagged if cluster != NOBODY}
        refs = [r for r in refs if r[1] != NOBODY or r[0] not in named] + untagged
        refs.sort()
        self.title_holder = title_holder
        return refs

    def _pronoun_subjects(self) -> dict[int, list[tuple[int, str, int]]]:
        """By sentence start: (token index, 'm' or 'f', subject rank) of each he or she that is
        a subject outside quote marks. A sentence whose main subject is "he" is about whoever
        that "he" is, not about a person it names further down ("He defended Blatter, saying
        Blatter should win a prize. He also praised Trump" is one man throughout)."""
        out: dict[int, list[tuple[int, str, int]]] = {}
        for token in self.doc:
            lower = token.lower_
            if lower not in PERSON_PRONOUNS or token.dep_ not in ("nsubj", "nsubjpass"):
                continue
            if inside(self.quoted, self.quoted_starts, token.idx):
                continue
            gender = "m" if lower in MALE_PRONOUNS else "f"
            out.setdefault(token.sent.start_char, []).append((token.i, gender, _is_subject(token)))
        return out

    def _unnamed_person_subjects(self) -> list[tuple[int, int, int]]:
        """References to people the text does not name: a noun for a person as a subject ("The
        woman said", "A voter in Leeds told us"), outside quote marks and naming no one ("her
        husband, Tom Hale" is Hale). A he or she after one may be that person, and then is no
        one named; its gender, where the noun gives one, goes in ``unresolved_gender``."""
        nouns = _person_nouns()
        gendered = _gendered_nouns()
        refs = []
        for token in self.doc:
            lower = token.lower_
            if lower not in nouns and lower not in gendered or token.tag_ != "NN":
                # (a plural, "other women", is no he or she)
                continue
            if token.ent_type_ or token.dep_ == "appos":
                continue
            if inside(self.quoted, self.quoted_starts, token.idx):
                continue
            if not any(
                c.dep_ == "poss" or c.lower_ in UNNAMED_PERSON_DETERMINERS for c in token.lefts
            ):
                # Someone in particular ("the woman", "a voter", "his wife"), not "what
                # grandfather of seven would ..." or "every mother".
                continue
            if any(c.ent_type_ == "ORDINAL" for c in token.lefts):
                # "the first lady" is an office's holder, whom a title names.
                continue
            if any(
                c.dep_ in ("appos", "compound") and c.ent_type_ == "PERSON" for c in token.children
            ):
                continue
            rank = _is_subject(token)
            if rank < SUBJECT_RANK:
                # Only a main clause's subject: "a man whose mother had Alzheimer's" is about
                # the man, and names no one a later "she" is.
                continue
            start = token.left_edge.idx if token.left_edge.i < token.i else token.idx
            refs.append((start, NOBODY, rank))
            if lower in gendered:
                self.unresolved_gender.setdefault(start, gendered[lower])
        return refs

    def _untagged_name_subjects(self) -> list[tuple[int, int, int]]:
        """Subjects the NER did not take for a person, by name: a capitalised singular word that no
        person mention covers (untagged, or tagged a place, an organisation, a date, a work of art;
        not a group, ``UNTAGGED_NAME_LABELS``). One that the NER tagged a person elsewhere, always
        as one person and at least SURNAME_TAGGED_TIMES, or else that is the surname of one person
        of the article (tagged a plural noun too: "Akers appeared to ..."), is that person ("Dunmore
        blamed the council ..." with "Dunmore" untagged at the start of a sentence). Another is a
        person whom no entity stands for when it is the subject of a speech verb ("Mezghani said"),
        or untagged (or tagged neither a place nor an organisation) and a main clause's subject
        ("Tebourbi waited outside"), and a name by its use elsewhere in the article (capitalised
        where no sentence starts, never after a preposition, as a place is: "in Mezghani", nor
        inside a longer place's name: "United States"): a he or she after it is most likely that
        one, so no one named, not the person named before. A name the entity step left to no one
        (two people have it) is only ever the person the same word is where the NER tagged it.

        On PolNeAR train (the identity gold's held-out articles left out) this changed 23 pronoun
        speakers, read by hand: 2 wrong people made right, 14 made unresolved, 6 unresolved made
        right, 1 unresolved made wrong, none right made wrong (without the longer place's name,
        "States typically decentralize ... she said" made one right unresolved). Surnames tagged
        plural nouns changed 5 more: 3 wrong made right, 2 unresolved made right."""
        from tasks.nlp.quotes.cues import speech_verb_forms  # noqa: PLC0415 (imports speakers)

        speech = speech_verb_forms()
        common = _common_nouns()
        uses: dict[str, list[Any]] = {}
        for token in self.doc:
            if token.is_title:
                uses.setdefault(token.text, []).append(token)
        # What the entity step made of the same word where the NER tagged it a person alone (once
        # may be a stray tag, hence SURNAME_TAGGED_TIMES).
        bare: dict[str, list[int]] = {}
        # How often the same word alone is an entity of another label: a company the NER also
        # tags a person ("Carrier said ... a Carrier worker") is not one whatever its count.
        other: Counter[str] = Counter()
        for mention in self.mentions:
            surface = self.text[mention.start : mention.end]
            if " " in surface:
                continue
            if mention.label == "PERSON":
                bare.setdefault(surface, []).append(mention.cluster)
            else:
                other[surface] += 1
        refs = []
        for token in self.doc:
            if token.dep_ not in ("nsubj", "nsubjpass") or not token.is_title:
                continue
            if token.tag_ not in ("NNP", "NN", "NNS") or token.ent_type_ in UNTAGGED_NAME_LABELS:
                continue
            if token.lower_ in common or token.lower_ in PERSON_PRONOUNS:
                continue
            if token.i in self.token_mention and self.token_mention[token.i].label == "PERSON":
                continue
            if any(c.dep_ in ("det", "poss", "compound") for c in token.lefts):
                continue
            if inside(self.quoted, self.quoted_starts, token.idx):
                continue
            rank = _is_subject(token)
            same_word = bare.get(token.text, [])
            if other[token.text] >= len(same_word) > 0:
                continue
            unresolved = self._unresolved_person(token)
            cluster = None
            if len(same_word) >= SURNAME_TAGGED_TIMES and len(set(same_word)) == 1:
                cluster = same_word[0]
            elif not unresolved:
                cluster = self._surname_cluster(token.text)
            if cluster is not None:
                refs.append((token.idx, cluster, rank))
                continue
            if unresolved or token.tag_ == "NNS":
                # (a plural noun is a person's name only as a surname the article gives:
                # "Giles attempted ...")
                continue
            if token.head.lower_ not in speech and (
                token.ent_type_ in ("GPE", "ORG") or rank < SUBJECT_RANK
            ):
                continue
            same = uses.get(token.text, [])
            if not any(not t.is_sent_start for t in same) or any(
                t.dep_ == "pobj" or _in_longer_entity(t) for t in same
            ):
                continue
            refs.append((token.idx, NOBODY, rank))
        return refs

    def _role_owners(self) -> dict[str, list[int]]:
        owners: dict[str, list[int]] = {}
        for index, cluster in enumerate(self.clusters):
            if cluster.label != "PERSON":
                continue
            for role in cluster.roles:
                owners.setdefault(title_key(role), []).append(index)
        return owners

    def _office_owners(self) -> dict[str, list[int]]:
        """People by the office an abbreviation before their name gives ("New Jersey Gov.
        Chris Christie": "new jersey governor"; ``office_abbreviations.txt``). Used to match a
        title to its holder only: unlike a role, such an office does not keep its holder from
        being "the candidate"."""
        offices = dict(
            line.lower().split("\t", 1) for line in lexicon.lines("office_abbreviations")
        )
        owners: dict[str, list[int]] = {}
        for mention in self.mentions:
            if mention.label != "PERSON":
                continue
            token = self._token_at(mention.start)
            if token.i == 0:
                continue
            before = self.doc[token.i - 1]
            office = offices.get(before.lower_.rstrip("."))
            if office is None:
                continue
            place: list[str] = []
            i = before.i - 1
            while i >= 0 and self.doc[i].ent_type_ in ("GPE", "NORP") and self.doc[i].is_title:
                place.insert(0, self.doc[i].lower_)
                i -= 1
            for key in {office, " ".join([*place, office])}:
                if mention.cluster not in owners.setdefault(key, []):
                    owners[key].append(mention.cluster)
        return owners

    def _title_cluster(
        self,
        key: str,
        at: int,
        role_owner: dict[str, list[int]],
        holder: dict[str, int],
        introduces: bool = False,
    ) -> int | None:
        """The person a definite title names, in this order: by an earlier use of it or of a
        title it matches, by role, by an office abbreviation before the name, or the person
        named just before (``TITLE_PARAGRAPH_WINDOW``) who holds no other title, passing over
        names that only modify another noun ("Hillary Clinton's reaction ..., the candidate
        said": not Clinton); right after a quote, the main subject of the nearest sentence that
        names someone. On PolNeAR train (the identity gold's held-out articles left out) the
        main subject after a quote changed 4 speakers, all wrong made right; for every title it
        made 8 right and 5 right wrong or unresolved, and dev identity precision fell 0.967 ->
        0.965.

        A role matches the title when it is the title or the title names it more or less
        fully (``role_matches``: "the chairman" is the "RNC Chairman" and the "Rules Committee
        Chairman"); of several such people, the one named last before the title."""
        if key in holder:
            return holder[key]
        held = [c for title, c in holder.items() if role_matches(title, key)]
        if held:
            # "the Republican presidential candidate" said earlier: "the candidate" too.
            return self._last_named(held, at)
        owners = [c for role, cs in role_owner.items() for c in cs if role_matches(role, key)]
        owners = owners or [
            c for office, cs in self.office_owner.items() for c in cs if role_matches(office, key)
        ]
        if owners:
            return self._last_named(owners, at)
        if introduces:
            # "The attorney general of the state of New York is suing Trump": a title with
            # words after it that say whose or where introduces someone; it does not point
            # back to whoever was named last. Nor does a staff noun ("the spokesman", "Sanders'
            # campaign manager"): someone who speaks for another, whom only a role names.
            return None
        taken = set(holder.values()) | {c for cs in role_owner.values() for c in cs}
        paragraph = self.paragraph_of(at)
        index = bisect.bisect_left(self.name_ref_starts, at) - 1
        nearest: list[tuple[int, int, int]] = []  # the eligible names of the nearest sentence
        while index >= 0:
            char, cluster, rank = self.name_refs[index]
            index -= 1
            if paragraph - self.paragraph_of(char) > TITLE_PARAGRAPH_WINDOW:
                break
            if cluster in taken or char in self.modifier_names:
                continue
            if nearest and self._sentence_start(char) != self._sentence_start(nearest[0][0]):
                break
            nearest.append((char, cluster, rank))
        if not nearest:
            return None
        # A title that speaks right after a quote ('"...," the former president said') is the
        # person the sentence before the quote was about, its main subject; another title is
        # the name nearest it ("Sanders offered advice to Clinton. ... the nominee", a title
        # used for the person the sentence named other than as its subject).
        after_quote = self.text[:at].rstrip().endswith(CLOSING_QUOTES)
        subjects = [ref for ref in nearest if ref[2] == SUBJECT_RANK] if after_quote else []
        cluster = (subjects or nearest)[0][1]
        return None if cluster == NOBODY else cluster

    def _last_named(self, clusters: list[int], at: int) -> int:
        """Of ``clusters``, the one whose name was last mentioned before ``at`` (else the last
        of them)."""
        wanted = set(clusters)
        index = bisect.bisect_left(self.mention_starts, at) - 1
        while index >= 0:
            if self.mentions[index].cluster in wanted:
                return self.mentions[index].cluster
            index -= 1
        return clusters[-1]

    def _token_at(self, char: int) -> Any:
        span = self.doc.char_span(char, char + 1, alignment_mode="expand")
        return span[0] if span is not None and len(span) else self.doc[0]

    # -- resolution ----------------------------------------------------------------------

    def resolve(self, start_token: int, end_token: int, head: Any) -> Speaker:
        """The speaker named by tokens ``[start_token, end_token)`` with syntactic head ``head``."""
        speaker = self._resolve(start_token, end_token, head)
        self.resolved[(speaker.start, speaker.end)] = speaker
        return speaker

    def _resolve(self, start_token: int, end_token: int, head: Any) -> Speaker:
        doc = self.doc
        span = doc[start_token:end_token]
        text, start, end = span.text, span.start_char, span.end_char
        found = phrases.shape(head)
        if isinstance(found, phrases.Agent):
            # "X is being urged by supporters to run": the supporters speak.
            lo, hi = _phrase_extent(found.head)
            return self._resolve(lo, hi, found.head)
        if isinstance(found, phrases.Refused):
            return Speaker(text, start, end, "unknown", None, None, None, refused=found.reason)
        if isinstance(found, phrases.Group):
            # "the council and Northline Buses" are organisations; "Mr Grassley and Mr Leahy",
            # "he and his aides" people the phrase does not make one of.
            members = [head, *(c for c in head.children if c.dep_ == "conj")]
            kind: SpeakerKind = (
                "organisation" if all(self._is_organisation(m) for m in members) else "unnamed"
            )
            return Speaker(text, start, end, kind, None, None, None)
        lower = head.lower_
        role = None
        appos = [c for c in head.rights if c.dep_ == "appos"]
        if appos:
            role = role_text(doc, appos[0])
        affiliation = self._affiliation(head, appos)

        mention = self.token_mention.get(head.i)
        if mention is None and appos and head.tag_ not in ("NNS", "NNPS"):
            # "his leader, Ed Miliband": the appositive names the person ("Presidential
            # candidates Hillary Clinton and Donald Trump" name two).
            named = self.token_mention.get(appos[0].i)
            if named is not None and named.label == "PERSON":
                mention, role = named, title_text(span.text)
        if mention is None and head.pos_ == "PROPN" and not isinstance(found, phrases.Staff):
            # "Sen. Ted Cruz of Texas": a name in the head's own compound chain ("aides for Mr
            # Balls" and "the Hillary Clinton Campaign" are not the principal).
            mention = next(
                (
                    self.token_mention[t.i]
                    for t in span
                    if t.i in self.token_mention
                    and self.token_mention[t.i].label == "PERSON"
                    and _in_name_of(t, head)
                ),
                None,
            )
        if (
            mention is None
            and head.text[:1].isupper()
            and head.pos_ in ("PROPN", "NOUN")
            and not head.ent_type_
            and not isinstance(found, phrases.Staff)
            and not self._unresolved_person(head)
        ):
            # "Sanders pushes Dems ..." where the NER saw no name (and the tagger, at the
            # start of a headline, a plural noun): the one person of the article whose
            # surname or alias is that word as written.
            index = self._surname_cluster(head.text)
            if index is not None:
                cluster = self.clusters[index]
                role = role or next(iter(cluster.roles), None)
                return Speaker(text, start, end, "person", index, cluster.name, role, affiliation)
        if mention is None and self._unresolved_person(head):
            return Speaker(text, start, end, "person", None, None, role, affiliation)
        if mention is not None:
            cluster = self.clusters[mention.cluster]
            if mention.label == "PERSON":
                role = (
                    role
                    or _premodifier_role(span, head, mention.start)
                    or next(iter(cluster.roles), None)
                )
                if affiliation == mention.cluster:
                    affiliation = None
                return Speaker(
                    text, start, end, "person", mention.cluster, cluster.name, role, affiliation
                )
            if mention.label in ORG_LABELS:
                return Speaker(
                    text, start, end, "organisation", mention.cluster, cluster.name, role
                )

        if appos and plural_stem(appos[0].lower_) in lexicon.words("org_nouns"):
            # "Unite, Britain's biggest union, said": the appositive says what the name is.
            return Speaker(text, start, end, "organisation", None, None, role)
        if lower in GROUP_PRONOUNS:
            group = self.resolve_group(head)
            if group is not None:
                return Speaker(text, start, end, group[0], group[1], group[2], group[3])
            return Speaker(text, start, end, "unknown", None, None, role)
        if (
            lower in FIRST_PERSON
            and self.author
            and not inside(self.quoted, self.quoted_starts, start)
        ):
            # "I" in the writer's own words (an opinion column, a first-person report): the
            # person the byline names, their entity when the article names them too.
            cluster_index = self._named_cluster(self.author)
            return Speaker(text, start, end, "person", cluster_index, self.author, role)
        if head.pos_ == "PRON" or lower in PERSON_PRONOUNS:
            if lower in PERSON_PRONOUNS:
                cluster_index = self.resolve_pronoun(head)
                if cluster_index is not None:
                    cluster = self.clusters[cluster_index]
                    return Speaker(
                        text,
                        start,
                        end,
                        "person",
                        cluster_index,
                        cluster.name,
                        role or next(iter(cluster.roles), None),
                    )
                return Speaker(text, start, end, "person", None, None, role)
            return Speaker(text, start, end, "unknown", None, None, role)

        stem = plural_stem(lower)
        first = span[0].lower_
        definite = first == "the" or span[0].dep_ == "poss"
        if lower in lexicon.words("titles") and definite and stem == lower:
            key = title_key(span.text)
            if start in self.title_at:
                cluster_index = self.title_at[start]
            else:
                cluster_index = self._title_cluster(
                    key,
                    start,
                    self._role_owners(),
                    self.title_holder,
                    _post_modified(head) or phrases.is_staff_noun(head),
                )
            role = role or title_text(span.text)
            if cluster_index is not None:
                return Speaker(
                    text,
                    start,
                    end,
                    "person",
                    cluster_index,
                    self.clusters[cluster_index].name,
                    role,
                )
            return Speaker(text, start, end, "person", None, None, role)
        if isinstance(found, phrases.Staff):
            # "aides for Mr Balls", "Clinton's campaign": speaking for the principal.
            camp: SpeakerKind = "organisation" if found.organisation else "unnamed"
            return Speaker(text, start, end, camp, None, None, role, affiliation)
        if phrases.is_relation_noun(head) and phrases.principal_of(head) is not None:
            # "Mr Miliband's brother", "Scott's niece": someone the phrase does not name, not
            # the one they are kin to.
            return Speaker(text, start, end, "unknown", None, None, role)
        if stem in lexicon.words("unnamed_sources") or lower in lexicon.words("unnamed_sources"):
            return Speaker(text, start, end, "unnamed", None, None, role, affiliation)
        if stem in lexicon.words("org_nouns"):
            return Speaker(text, start, end, "organisation", None, None, role, affiliation)
        if lower in lexicon.words("titles"):
            return Speaker(text, start, end, "unnamed", None, None, role, affiliation)
        if head.pos_ == "NOUN" and any(
            c.lower_ in ("one", "another") and c.dep_ in ("det", "nummod") for c in head.lefts
        ):
            # "One driver said", "another resident said": someone the reporter chose not to name.
            return Speaker(text, start, end, "unnamed", None, None, role)
        return Speaker(text, start, end, "unknown", None, None, role)

    def _named_cluster(self, name: str) -> int | None:
        """The person cluster whose name or an alias is ``name`` (ignoring case), if one is."""
        key = name.casefold()
        for index, cluster in enumerate(self.clusters):
            if cluster.label == "PERSON" and key in {
                n.casefold() for n in (cluster.name, *cluster.aliases)
            }:
                return index
        return None

    def _surname_cluster(self, word: str) -> int | None:
        """The one person cluster whose name ends in ``word`` or has it as an alias, as
        written, or None when none or several do."""
        found = [
            index
            for index, cluster in enumerate(self.clusters)
            if cluster.label == "PERSON"
            and (cluster.name.split()[-1] == word or word in cluster.aliases)
        ]
        return found[0] if len(found) == 1 else None

    def _affiliation(self, head: Any, appos: list[Any]) -> int | None:
        """The cluster of the principal a staff noun ties the speaker to: the head
        itself ("aides for Mr Balls"), the noun before a name ("Clinton spokesman Nick
        Merrill"), or the appositive ("Kellyanne Conway, Trump's campaign manager")."""
        nouns = [head, *appos]
        nouns += [c for c in head.lefts if c.dep_ == "compound" and c.pos_ == "NOUN"]
        for noun in nouns:
            if not phrases.is_staff_noun(noun):
                continue
            principal = phrases.principal_of(noun)
            if principal is None:
                continue
            if principal.lower_ in PERSON_PRONOUNS:
                return self.resolve_pronoun(principal)
            mention = self.token_mention.get(principal.i)
            if mention is not None:
                return mention.cluster
            if principal.lower_ in lexicon.words("titles"):
                return self.title_holder.get(title_key(" ".join(t.text for t in principal.subtree)))
        return None

    def _is_organisation(self, token: Any) -> bool:
        mention = self.token_mention.get(token.i)
        if mention is not None:
            return mention.label in ORG_LABELS
        return plural_stem(token.lower_) in lexicon.words("org_nouns")

    def _unresolved_person(self, head: Any) -> bool:
        """The head is a name the article leaves unresolved (two people have it)."""
        return any(lo <= head.idx < hi for lo, hi, _g in self.unresolved)

    def resolve_group(self, pronoun: Any) -> Group | None:
        """(kind, cluster, name, role) of the group "they" or "we" stands for, or None.

        Candidates are groups that are the subject of a clause: an organisation or people (ORG
        or NORP mention: "Democrats said", "the FBI found") or a plural noun that is a source or
        an organisation ("officials", "the unions"). "they" looks in its own sentence, then the
        one before; "we" in its own sentence only (a speaker's "we" is their side: "The union
        said we ..."). The pronoun's own sentence wins, then the subject of a main clause, then
        the nearest ("Republicans say Democrats are ... They say ...": Republicans).
        """
        sentence = pronoun.sent
        lo = sentence.start
        if pronoun.lower_ in ("they", "them") and lo > 0:
            lo = self.doc[lo - 1].sent.start
        candidates: list[tuple[tuple[int, int, int], Group]] = []
        for token in self.doc[lo : pronoun.i]:
            rank = _is_subject(token)
            if not rank or token.head.i == pronoun.i:
                continue
            key = (int(token.i >= sentence.start), rank, token.i)
            mention = self.token_mention.get(token.i)
            if mention is not None:
                if mention.label in GROUP_LABELS and token.tag_ in ("NNS", "NNPS", "NNP", "NN"):
                    cluster = self.clusters[mention.cluster]
                    candidates.append((key, ("organisation", mention.cluster, cluster.name, None)))
                continue
            if token.tag_ not in ("NNS", "NNPS"):
                continue
            stem = plural_stem(token.lower_)
            kind: SpeakerKind
            if stem in lexicon.words("unnamed_sources"):
                kind = "unnamed"
            elif stem in lexicon.words("org_nouns"):
                kind = "organisation"
            else:
                continue
            start = token.left_edge.i
            while start < token.i and self.doc[start].lower_ in DETERMINERS:
                start += 1
            candidates.append((key, (kind, None, None, self.doc[start : token.i + 1].text)))
        return max(candidates)[1] if candidates else None

    def resolve_pronoun(self, pronoun: Any) -> int | None:
        """The person cluster a he/she pronoun points back to, or None (memoised: a pronoun
        may be asked for again as the antecedent of a later one)."""
        if pronoun.i not in self.pronoun_cluster:
            if self.pronoun_chain >= MAX_PRONOUN_CHAIN:
                return None
            self.pronoun_chain += 1
            try:
                self.pronoun_cluster[pronoun.i] = None
                self.pronoun_cluster[pronoun.i] = self._resolve_pronoun(pronoun)
            finally:
                self.pronoun_chain -= 1
        return self.pronoun_cluster[pronoun.i]

    def _resolve_pronoun(self, pronoun: Any) -> int | None:
        """The person cluster a he/she pronoun points back to, or None.

        Looks back sentence by sentence: the subject of a main clause wins (a he or she that is
        one is followed to whoever it is), then any subject, then the last person named; people
        of the other gender (from honorifics or earlier pronouns) are skipped.
        """
        lower = pronoun.lower_
        want = "m" if lower in MALE_PRONOUNS else "f" if lower in FEMALE_PRONOUNS else None
        at = pronoun.idx
        paragraph = self.paragraph_of(at)
        index = bisect.bisect_left(self.ref_starts, at) - 1
        candidates: list[tuple[int, int, int]] = []  # (char, cluster, rank)
        others = self._co_arguments(pronoun)
        while index >= 0:
            char, cluster, rank = self.person_refs[index]
            index -= 1
            if paragraph - self.paragraph_of(char) > PRONOUN_PARAGRAPH_WINDOW:
                break
            if cluster in others:
                continue
            gender = self._gender_at((char, cluster, rank))
            if want and gender and gender != want:
                continue
            candidates.append((char, cluster, rank))
        chosen: int | None = None
        if candidates:
            sentence_of = self._sentence_start
            # Sentences from the pronoun's own backwards; within one, the best-ranked reference.
            by_sentence: dict[int, list[tuple[int, int, int]]] = {}
            for cand in candidates:
                by_sentence.setdefault(sentence_of(cand[0]), []).append(cand)
            # Someone the text already gives the pronoun's gender, named after the subject
            # found (or with none found): "He was joined by Ann Hale, ... She said" is Hale
            # when nothing says the "he" further back is a woman or a man.
            agreeing: tuple[int, int, int] | None = None
            own = sentence_of(at)
            for sentence in sorted(by_sentence, reverse=True):
                group = by_sentence[sentence]
                best = max(group, key=lambda c: (c[2], c[0]))
                chained = self._chained_pronoun(sentence, pronoun, want, best)
                if chained is not None:
                    chosen = self.resolve_pronoun(self.doc[chained])
                    if chosen is None:
                        return None
                    break
                if best[2] > 0:
                    chosen = best[1]
                    if want == "f" and self._gender_at(best) is None and sentence == own:
                        # "Christie described Clinton as a disgrace after she attacked ...": in
                        # the pronoun's own sentence a woman the text names is a surer "she"
                        # than a subject of no known gender, who is more often a man (news
                        # quotes about three men for every woman: the Gender Gap Tracker's
                        # figures). Not for "he":
                        # on PolNeAR dev and train-develop the same rule for "he" turns a
                        # right subject ("Mook acknowledged X and Sanders had split ..., he
                        # said") wrong and puts none right.
                        agreeing = max(
                            (c for c in group if self._agrees(c, want)),
                            key=lambda c: (c[2], c[0]),
                            default=agreeing,
                        )
                    if agreeing is not None and self._gender_at(best) is None:
                        chosen = agreeing[1]
                    break
                if agreeing is None and want:
                    agreeing = max((c for c in group if self._gender_at(c) == want), default=None)
            if chosen is None and agreeing is not None:
                chosen = agreeing[1]
            if chosen is None:
                chosen = candidates[0][1]
        if chosen == NOBODY:
            return None
        if chosen is not None and want:
            self.gender.setdefault(chosen, want)
        return chosen

    def _co_arguments(self, pronoun: Any) -> set[int]:
        """People named as the object of the pronoun's own verb, directly or through a
        preposition ("he told Hannity", "she thanked Ms Ortiz", "he spoke with Trump"): a subject
        is not the person its own verb's object names, so "Hannity asked Trump ... 'I think
        so,' he told Hannity" is not Hannity."""
        verb = pronoun.head
        if pronoun.dep_ not in ("nsubj", "nsubjpass") or verb.i == pronoun.i:
            return set()
        objects = [c for c in verb.children if c.dep_ in ("dobj", "dative")]
        objects += [o for c in verb.children if c.dep_ == "prep" for o in c.children]
        out = set()
        for token in objects:
            if token.dep_ not in ("dobj", "dative", "pobj"):
                continue
            mention = self.token_mention.get(token.i)
            if mention is not None and mention.label == "PERSON":
                out.add(mention.cluster)
        return out

    def _chained_pronoun(
        self, sentence: int, pronoun: Any, want: str | None, best: tuple[int, int, int]
    ) -> int | None:
        """The he or she of ``pronoun``'s gender that is the main clause's subject of
        ``sentence``, before ``pronoun``, where the sentence's best named reference ``best`` is
        not: then the pronoun means whoever that one does, or no one named if that one is no
        one named. On PolNeAR train (the identity gold's held-out articles left out) this
        changed 35 pronoun speakers, read by hand: 26 wrong people made right, 6 made
        unresolved, 3 wrong to another wrong one, none right made wrong. A he or she in a
        clause further down ("with whom he had worked") is not followed: with it, 16 more
        changed on train, 5 wrong made right, 2 made wrong (a misparse ranks the named subject
        below it), 9 wrong to another wrong one, and identity precision on dev fell 0.967 ->
        0.965."""
        if want is None:
            return None
        found = [
            (rank, i)
            for i, gender, rank in self.pronoun_subjects.get(sentence, ())
            if gender == want and i < pronoun.i and rank == SUBJECT_RANK > best[2]
        ]
        return max(found)[1] if found else None

    def _agrees(self, ref: tuple[int, int, int], want: str) -> bool:
        """The reference is to a person the text gives the gender ``want``, by a name that does not
        modify a common noun ("Ann Hale, a Clinton supporter, ... her remark" is Hale's: the
        supporter is the one named there, not Clinton; "Clinton's remark" does name Clinton).
        For the woman in the pronoun's own sentence: on PolNeAR train (the identity gold's
        held-out articles left out) 2 wrong people made right, none right made wrong. Not for a
        person named sentences back, where the modifier was often the one meant ("the Sanders
        movement is alive. He has ...": 1 made right, 1 right made wrong)."""
        return self._gender_at(ref) == want and not _is_noun_modifier(self._token_at(ref[0]))

    def _gender_at(self, ref: tuple[int, int, int]) -> str | None:
        """'m', 'f' or None: what the text says of the gender of the person a reference is."""
        char, cluster, _rank = ref
        return self.gender.get(cluster) if cluster != NOBODY else self.unresolved_gender.get(char)

    def _sentence_start(self, char: int) -> int:
        return int(self._token_at(char).sent.start_char)


@functools.cache
def _person_nouns() -> frozenset[str]:
    """Nouns for a person or a relative (``person_nouns.txt``, ``relation_nouns.txt``)."""
    return lexicon.words("person_nouns") | lexicon.words("relation_nouns")


@functools.cache
def _common_nouns() -> frozenset[str]:
    """Capitalised words that are titles, sources, organisations or people, not names."""
    return (
        lexicon.words("titles")
        | lexicon.words("unnamed_sources")
        | lexicon.words("org_nouns")
        | _person_nouns()
    )


@functools.cache
def _gendered_nouns() -> dict[str, str]:
    """``gendered_nouns.txt`` as noun -> 'm' or 'f'."""
    return {noun: gender for noun, gender in lexicon.entries("gendered_nouns")}


def byline_person(byline: tuple[str, ...]) -> str | None:
    """The one person a byline names, or None: no byline, two authors (whose "I" is not
    known), or a desk or agency ("Breitbart News", "AP"; ``byline_organisations.txt``).
    "Heidi M. Przybyla, USA TODAY" is Heidi M. Przybyla; "AMY CHOZICK" is Amy Chozick."""
    people = []
    for author in byline:
        name = " ".join(author.split(",")[0].split())
        if name.isupper():
            name = name.title()
        if not BYLINE_NAME.fullmatch(name):
            continue
        if any(w.lower().strip(".") in lexicon.words("byline_organisations") for w in name.split()):
            continue
        people.append(name)
    return people[0] if len(people) == 1 else None


def _phrase_extent(head: Any) -> tuple[int, int]:
    """Token range of the noun phrase headed by ``head`` without what follows a comma."""
    doc = head.doc
    end = head.right_edge.i + 1
    for child in head.rights:
        if child.dep_ in ("appos", "punct", "relcl", "acl") or child.text in (",", "("):
            end = min(end, child.left_edge.i)
    start = head.left_edge.i
    while start < head.i and (doc[start].is_punct or doc[start].dep_ in ("cc", "preconj")):
        start += 1
    return start, max(end, head.i + 1)


def _in_name_of(token: Any, head: Any) -> bool:
    """``token`` is part of the name ``head`` heads: the head itself or a word of its compound
    chain ("Ted" in "Sen. Ted Cruz")."""
    while token.i != head.i:
        if token.dep_ not in ("compound", "flat", "nmod") or token.head.i == token.i:
            return False
        token = token.head
    return True


def title_key(text: str) -> str:
    """A title phrase normalised for matching: lowercased, without determiner or possessive."""
    words = text.lower().replace("’", "'").split()
    while words and words[0] in DETERMINERS:
        words = words[1:]
    if words and words[-1].endswith("'s"):
        words[-1] = words[-1][:-2]
    return " ".join(words)


def role_matches(role: str, key: str) -> bool:
    """A person's role (``title_key`` form) fits the definite title ``key``: the same words,
    one extending the other ("senator" / "senator from texas"), or the role ending in the title
    ("rnc chairman" for "the chairman")."""
    return (
        role == key
        or role.startswith(key + " ")
        or key.startswith(role + " ")
        or (role.endswith(" " + key) and not _changes_office(role[: -len(key)]))
    )


def _changes_office(words: str) -> bool:
    """The words before a title make it another office or a past one ("vice", "former",
    "ex-"): ``title_modifiers.txt``."""
    modifiers = lexicon.words("title_modifiers")
    return any(w in modifiers or w.split("-")[0] in modifiers for w in words.split())


def title_text(text: str) -> str:
    """A title phrase as written, without its leading determiner."""
    words = text.split()
    while len(words) > 1 and words[0].lower() in DETERMINERS:
        words = words[1:]
    return " ".join(words)


def _premodifier_role(span: Any, head: Any, name_start: int) -> str | None:
    """Title words before the name in the speaker phrase ("Head teacher" Grace Obi)."""
    titles = lexicon.words("titles")
    words = [
        t
        for t in span
        if t.i < head.i and t.idx < name_start and t.ent_type_ != "PERSON" and not t.is_punct
    ]
    if words and any(t.lower_ in titles for t in words):
        while words and words[0].lower_ in DETERMINERS:
            words = words[1:]
        return " ".join(t.text for t in words) or None
    return None


def _post_modified(root: Any) -> bool:
    """A title's head has a prepositional phrase or a clause after it ("the attorney general of
    the state", "the head of the rules committee", "the senator who chairs it")."""
    return any(c.dep_ in ("prep", "relcl", "acl") for c in root.rights)


def _in_longer_entity(token: Any) -> bool:
    """``token`` is one word of a longer place's name ("States" in "United States"; not an
    organisation's: the NER tags many a full name ORG)."""
    if token.ent_type_ not in PLACE_LABELS:
        return False
    return token.ent_iob_ == "I" or (
        token.i + 1 < len(token.doc) and token.doc[token.i + 1].ent_iob_ == "I"
    )


def _is_name_modifier(token: Any) -> bool:
    """``token``'s name is a possessive or a modifier of a common noun ("Clinton's reaction",
    "the Cruz campaign", "a Trump supporter")."""
    head = _name_head(token)
    return head.dep_ == "poss" or _is_noun_modifier(head)


def _is_noun_modifier(token: Any) -> bool:
    """``token``'s name modifies a common noun after it ("a Clinton volunteer"), not as a
    possessive ("Clinton's remark" names Clinton)."""
    head = _name_head(token)
    return head.dep_ == "compound" and head.head.pos_ != "PROPN"


def _name_head(token: Any) -> Any:
    """The last word of the name ``token`` is part of ("Clinton" in "Hillary Clinton")."""
    while token.dep_ in ("compound", "flat") and token.head.pos_ == "PROPN":
        if token.head.i == token.i:
            break
        token = token.head
    return token


def _is_subject(token: Any) -> int:
    """How prominent a subject ``token`` (or the name it is part of) is: 0 when it is no
    subject, else higher the nearer its clause is to the sentence's root (``SUBJECT_RANK`` for
    the main clause, one less per clause it is embedded in, never below 1).

    A name that modifies a common noun ("the Cruz campaign said", "a Trump supporter") is not
    the subject: the campaign, the supporter is."""
    while token.dep_ in ("compound", "appos") and token.head.i != token.i:
        if token.dep_ == "compound" and token.head.pos_ != "PROPN":
            return 0
        token = token.head
    if token.dep_ not in ("nsubj", "nsubjpass"):
        return 0
    verb = token.head
    depth = 0
    while verb.head.i != verb.i:
        if verb.dep_ != "conj":
            depth += 1
        verb = verb.head
    return max(1, SUBJECT_RANK - depth)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line: a paragraph, in news text."""
    spans = []
    start = 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans or [(0, len(text))]
