"""Dependency-parse helpers the quote finders share: who a verb's subject is, how far a speaker
phrase runs, where a sentence ends."""

from __future__ import annotations

import unicodedata

from spacy.tokens import Doc, Token

from tasks.nlp.quotes.cues import VERB_POS, is_speech_verb

SUBJECT_DEPS = ("nsubj", "nsubjpass")
# A subject is looked for at most this many clauses up from the verb. On PolNeAR train
# (bench/eval_quotes.py), three find 35 fewer quotes (F1 0.7182 against 0.7184) and eight one
# more at the same F1: past five, climbing further finds nothing.
MAX_SUBJECT_CLIMB = 5
# A speaker phrase longer than this is a parse error more often than a speaker, and only the
# head's own words are kept. 96% of PolNeAR train Sources, appositives included, are at most 14
# tokens, but the longer ones are real speakers with long roles ("Scott Pruitt, the Republican
# attorney general of Oklahoma, one of the states suing the EPA,"): with the same quotes, 20
# gives source accuracy 0.004 above 14 on train and on dev (10 gives 0.006 less on train).
MAX_SPEAKER_TOKENS = 20
# Dashes that end what comes before a speaker phrase in its own subtree (a dateline).
DASHES = frozenset({"--", "—", "–", "―"})


def subject(verb: Token) -> Token | None:
    """The subject of ``verb``; participles and conjuncts borrow the subject of their clause."""
    node, climbed = verb, False
    for _ in range(MAX_SUBJECT_CLIMB):
        if climbed and node.dep_ == "ccomp" and is_speech_verb(node.head):
            # "X suggested that troops could be drafted in, insisting ...": X insists.
            node = node.head
            continue
        subjects = [
            child
            for child in node.children
            if child.dep_ in SUBJECT_DEPS and child.lower_ != "there" and has_word(child)
        ]
        if subjects:
            # Two subjects are a misparse ('"One of the brightest members," Rep. Moran said':
            # "One" and "Moran"); the one nearest the verb is its own.
            return past_dateline(min(subjects, key=lambda child: abs(child.i - node.i)))
        if _set_off_object_participle(node):
            # "Gowdy's office dismissed the lawsuit, calling it meritless": a participle set
            # off after the object is the clause's next act, whatever noun the parse hangs it on.
            verb = node.head.head
            node, climbed = (verb.head if verb.dep_ == "prep" else verb), True
            continue
        if node.dep_ == "acl" and node.tag_ == "VBG" and node.head.pos_ in ("NOUN", "PROPN"):
            # "a statement defending the plan", "polls showing Trump ahead": the noun the
            # participle hangs on is the one speaking.
            return node.head
        if node.dep_ in ("conj", "advcl", "xcomp", "acl") and node.head.i != node.i:
            node, climbed = node.head, True
            continue
        if node.dep_ == "pcomp" and node.head.head.i != node.head.i:
            # "He answered by citing ...", "after calling her ...": the clause the preposition
            # belongs to has the subject.
            node, climbed = node.head.head, True
            continue
        return None
    return None


def _set_off_object_participle(node: Token) -> bool:
    """A participle after a comma that the parse hangs on the object of a verb ("dismissed the
    lawsuit, calling it ..."), not a noun's own description ("a statement defending ...")."""
    head = node.head
    if head.dep_ == "pobj" and head.head.dep_ == "prep":
        head = head.head
    elif head.dep_ != "dobj":
        return False
    return (
        node.dep_ == "acl"
        and node.tag_ == "VBG"
        and node.i > node.head.i
        and node.doc[node.left_edge.i - 1].text == ","
        and head.head.pos_ in VERB_POS
    )


def past_dateline(head: Token) -> Token:
    """ "HARTFORD -- Governor Ruth Ellison, ..., said": the parse makes the dateline (a word in
    capitals, then a dash) the subject and the speaker its appositive; the speaker is the
    appositive."""
    doc = head.doc
    if not (head.text.isupper() and head.i + 1 < len(doc) and doc[head.i + 1].text in DASHES):
        return head
    return next((c for c in head.rights if c.dep_ == "appos" and c.i > head.i + 1), head)


def has_word(token: Token) -> bool:
    """Whether a token is more than dashes: the parse tags a dash it has not seen ("―", the
    horizontal bar some outlets set for a dash) as a noun or verb, even as a clause's subject
    (a "%" can be a subject: "39% say they are conservative")."""
    return not all(unicodedata.category(ch) == "Pd" for ch in token.text)


def speaker_extent(head: Token) -> tuple[int, int]:
    """Token range of the speaker phrase headed by ``head``, without appositives or clauses."""
    end = head.right_edge.i + 1
    doc = head.doc
    for child in head.rights:
        after_comma = child.left_edge.i > 0 and doc[child.left_edge.i - 1].text == ","
        if (
            child.dep_ in ("appos", "punct", "advcl")
            or (child.dep_ in ("relcl", "acl") and after_comma)
            or child.text in (",", "(")
        ):
            end = min(end, child.left_edge.i)
    start = head.left_edge.i
    for i in range(start, head.i):
        if doc[i].text in DASHES:
            # "WASHINGTON -- President Obama, ...": a dateline is not the speaker's.
            start = i + 1
    while start < head.i and (doc[start].is_punct or doc[start].dep_ in ("cc", "preconj")):
        start += 1
    while end - 1 > head.i and doc[end - 1].is_punct:
        end -= 1
    if end - start > MAX_SPEAKER_TOKENS:
        start, end = head.i, head.i + 1
        while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].head is head:
            start -= 1
    return start, end


def same_token(a: Token | None, b: Token | None) -> bool:
    """Whether two tokens are the same token (spaCy makes a new Token object on each access)."""
    return a is not None and b is not None and a.i == b.i


def marked_by(clause: Token, words: frozenset[str]) -> bool:
    """Whether a subordinating word of ``words`` opens ``clause`` ("that", "if", "as": its
    ``mark`` child)."""
    return any(c.dep_ == "mark" and c.lower_ in words for c in clause.children)


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def is_reduced_passive(verb: Token) -> bool:
    """A past participle heading a clause of its own with no subject or auxiliary: "Asked about
    the bomb, Clinton said ...", "Trump, pressed on his taxes, said ...". The subject it would
    borrow from the clause it hangs on is the one asked, not the one asking. A sentence's first
    word tagged as a past tense (the tagger's guess for "Asked" opening a paragraph) is one too:
    a finite verb with no subject cannot open a sentence."""
    participle = verb.tag_ == "VBN" or (
        verb.tag_ == "VBD" and verb.i == verb.sent.start and verb.head.i > verb.i
    )
    return (
        participle
        and verb.dep_ in ("advcl", "acl")
        and not any(c.dep_ in (*SUBJECT_DEPS, "aux", "auxpass") for c in verb.children)
    )


def sentence_end(doc: Doc, i: int) -> int:
    """The end (exclusive) of the sentence holding token ``i``; the doc's end past it."""
    if i >= len(doc):
        return len(doc)
    return int(doc[i].sent.end)
