"""Speaker phrases whose words name someone other than the speaker.

``SpeakerResolver`` asks ``shape(head)`` before it looks the phrase up, and gets one of:

- ``Agent``: the head is the subject of a passive whose agent is given ("X is being urged by
  supporters to run"): the agent speaks, the subject is addressed;
- ``Refused``: the head is the subject of a passive with no agent ("X was known to the
  services but considered to be low-risk": nobody is named as considering it), or follows the
  writer's own gloss ("- that is, he sought out help"): no one in the text is the speaker;
- ``Group``: the head is coordinated with another speaker ("Mr Grassley and Mr Leahy said",
  "Mr. Rubio and his advisers recognized"): a group, not the first person named;
- ``Staff``: the head is a staff or camp noun tied to a principal ("aides for Mr Balls", "a
  spokesman for the Treasury", "Clinton's campaign", "a source close to the Foreign
  Secretary"): an unnamed source or organisation speaking, with the principal as its
  affiliation, never the principal (a relation, "Mr Miliband's brother", is a person who is
  not the principal either; ``is_relation_noun``);
- None: an ordinary phrase, resolved by name, pronoun or title.

Word lists: ``tasks/lexicon/staff_nouns.txt``, ``relation_nouns.txt``,
``passive_speaker_verbs.txt`` (passives whose subject does speak: "X was quoted as saying"),
``writer_glosses.txt``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tasks import lexicon

# Dependencies that tie a principal to a staff noun: "Clinton's campaign" (poss), "the Clinton
# campaign" (compound), "aides for/to/of Mr Balls" (prep + pobj), "a source close to X" (amod +
# prep + pobj).
_PRINCIPAL_PREPS = frozenset({"for", "to", "of", "with", "from"})


@dataclass(frozen=True)
class Agent:
    head: Any  # the agent's head token ("supporters" in "urged by supporters")


@dataclass(frozen=True)
class Refused:
    reason: str  # "passive without agent" or "writer's gloss"


@dataclass(frozen=True)
class Group:
    pass


@dataclass(frozen=True)
class Staff:
    principal: Any  # the principal's head token ("Balls" in "aides for Mr Balls")
    organisation: bool  # a camp, campaign or office rather than people


Shape = Agent | Refused | Group | Staff | None


def _lemma(token: Any) -> str:
    """The head word as listed: lower case, the plural's -s, -es or -ies undone."""
    word = token.lower_
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2] in lexicon.words("staff_nouns"):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def is_staff_noun(token: Any) -> bool:
    return token.pos_ in ("NOUN", "PROPN") and (
        _lemma(token) in lexicon.words("staff_nouns")
        or token.lower_ in lexicon.words("staff_nouns")
    )


def is_relation_noun(token: Any) -> bool:
    return token.lower_ in lexicon.words("relation_nouns")


def principal_of(noun: Any) -> Any | None:
    """The person or body a staff or relation noun belongs to: its possessor, a name before it,
    or the object of "for", "of", "to", "close to" ("Clinton's campaign manager": the possessor
    of the noun in front)."""
    for child in noun.lefts:
        if child.dep_ == "compound" and child.pos_ == "NOUN":
            found = next((c for c in child.children if c.dep_ == "poss"), None)
            if found is not None:
                return found
    for child in noun.children:
        if child.dep_ == "poss" and child.pos_ in ("PROPN", "NOUN", "PRON"):
            return child
    for child in noun.lefts:
        if child.dep_ == "compound" and child.pos_ == "PROPN":
            return child
    for child in noun.rights:
        if child.dep_ == "prep" and child.lower_ in _PRINCIPAL_PREPS:
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
        if child.dep_ in ("amod", "advmod") and child.lower_ == "close":
            for prep in child.children:
                objects = [c for c in prep.children if c.dep_ == "pobj"]
                if prep.dep_ == "prep" and objects:
                    return objects[0]
    return None


def _passive_verb(head: Any) -> Any | None:
    """The passive verb whose subject ``head`` is, following "and"/"but" to the verb the subject
    is written with."""
    if head.dep_ != "nsubjpass":
        return None
    return head.head


def agent_of(verb: Any) -> Any | None:
    for child in verb.children:
        if child.dep_ == "agent":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    return None


def _active_conjuncts(verb: Any) -> bool:
    """Whether a verb in the active voice shares the passive's subject: "Trump was asked about
    it and said ..." (the subject does speak, in the active clause)."""
    for conj in verb.conjuncts:
        if conj.i == verb.i:
            continue
        active = conj.tag_ in ("VBD", "VBZ", "VBP") or (
            conj.tag_ in ("VBN", "VBG")
            and not any(c.dep_ == "auxpass" for c in conj.children)
            and any(c.dep_ in ("aux",) for c in conj.children)
        )
        if active and not any(c.dep_ in ("nsubj", "nsubjpass") for c in conj.children):
            return True
    return False


def _after_gloss(head: Any) -> bool:
    """The subject follows the writer's gloss ("that is," / "i.e.,") in its own clause."""
    doc = head.doc
    lo = max(head.sent.start, head.left_edge.i - 4)
    before = " ".join(t.lower_ for t in doc[lo : head.left_edge.i] if not t.is_punct)
    return any(before.endswith(g) for g in lexicon.lines("writer_glosses"))


def shape(head: Any) -> Shape:
    """What a speaker phrase headed by ``head`` is (module docstring)."""
    verb = _passive_verb(head)
    if verb is not None and verb.lower_ not in passive_speaker_forms():
        agent = agent_of(verb)
        if agent is not None:
            return Agent(agent)
        if not _active_conjuncts(verb):
            return Refused("passive without agent")
    if _after_gloss(head):
        return Refused("writer's gloss")
    if _coordinated_speakers(head):
        return Group()
    if is_staff_noun(head):
        principal = principal_of(head)
        if principal is not None:
            organisation = _lemma(head) in lexicon.words("org_nouns")
            return Staff(principal, organisation)
    return None


def _coordinated_speakers(head: Any) -> bool:
    """Two or more speakers joined by "and": names, pronouns or plural nouns ("Mr Grassley and
    Mr Leahy", "he and other challengers", "Mr. Rubio and his advisers", "Sens. Merkley, Brown
    and Menendez", where the parse hangs "and" on the last but one), "both" or a staff noun
    ("both the candidate and her staff"), or a name before the head that has its own "and"
    ("Donald Trump and House Speaker Paul Ryan" parsed as a modifier of "Ryan"). Two singular
    common nouns are one person's descriptions ("the former first lady and U.S. senator")."""
    named_modifiers = [
        t
        for t in head.subtree
        if t.i < head.i and t.dep_ in ("nmod", "compound") and t.ent_type_ == "PERSON"
    ]
    for node in (head, *named_modifiers):
        conjuncts = [c for c in node.children if c.dep_ == "conj"]
        if not conjuncts:
            continue
        joiners = [c for w in (node, *conjuncts) for c in w.children if c.dep_ in ("cc", "preconj")]
        if not joiners:
            continue
        if node.i != head.i:
            return True
        words = [node, *conjuncts]
        if any(
            (w.pos_ == "PROPN" and w.text[:1].isupper())
            or w.pos_ == "PRON"
            or w.tag_ in ("NNS", "NNPS")
            for w in words
        ):
            return True
        if any(j.dep_ == "preconj" for j in joiners) or any(is_staff_noun(c) for c in conjuncts):
            return True
    return False


def passive_speaker_forms() -> frozenset[str]:
    return lexicon.words("passive_speaker_verbs")
