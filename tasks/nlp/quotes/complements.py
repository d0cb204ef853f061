"""What a cue word reports, read off the parse: its clause, infinitive, object or prepositional
object, or the clause it interrupts, trimmed to the characters of the reported content."""

from __future__ import annotations

import functools

from spacy.tokens import Doc, Token

from tasks import lexicon
from tasks.nlp.entities import doc_text
from tasks.nlp.quotes.cues import (
    VERB_POS,
    is_speech_verb,
    no_clause_verb_forms,
    no_infinitive_verb_forms,
    object_verb_forms,
    prep_verb_forms,
    question_verb_forms,
    stance_adjective_forms,
)
from tasks.nlp.quotes.syntax import marked_by

# Reported content shorter than this many words is too thin to be a statement: on PolNeAR
# train, 2 gives F1 +0.0002 at precision -0.001, and 4 F1 -0.0015.
MIN_CONTENT_WORDS = 3
# An object that is what was said may be two words ("endorsed Hillary Clinton", "rejected the
# proposal"): two instead of three was worth F1 +0.004 on PolNeAR train.
MIN_OBJECT_WORDS = 2
# ... and a name alone is enough ("endorsed Trump", "attacked Clinton").
MIN_NAME_WORDS = 1
# An infinitive of two words is enough ("declined to comment").
MIN_INFINITIVE_WORDS = 2
# Prepositions that attach a predicate to an object ("described Trump as ...", "accused him of").
OBJECT_PREDICATE_PREPS = frozenset({"as", "of", "for"})
# A stance adjective's prepositional object is what it holds ("confident in the outcome",
# "skeptical of the deal", "concerned about the cuts"): on PolNeAR train 14 of 18 such quotes
# matched a Content (F1 +0.0004).
STANCE_PREPS = frozenset({"about", "of", "in", "on", "over", "with", "for", "against", "at", "to"})
# A word standing for a whole answer ("55 percent said so", "the mayor said no") is what a
# speech verb reports, one word though it is: 9 of 11 matched a PolNeAR Content on train (F1
# +0.0003, dev unchanged).
PROFORMS = frozenset({"so", "yes", "no"})
PROFORM_DEPS = frozenset({"advmod", "intj", "dobj"})
# What of the cue verb's own phrases right after its object or clause PolNeAR's Content runs
# on over ("praised the efforts of a donor to Sen. X", "said the road closed because ..."): on
# PolNeAR train the Content holds about half of the prepositional phrases after an object
# and four in five of those after a clause, so taking them gained F1 +0.0036 (train) and
# +0.0028 (dev). A second clause complement ("said X and that Y") runs on after a clause;
# after an infinitive ("urged them to leave because ..."), the object's phrases (+0.0002 both).
# An adverb after an object ("showed Cruz far ahead of Trump") runs on too (train +0.0004,
# dev flat); after a clause it changed nothing.
OBJECT_RUN_ON = frozenset({"prep", "advcl", "advmod"})
CLAUSE_RUN_ON = frozenset({"prep", "advcl", "ccomp"})
# ... but not over a phrase of time ("denied it during the debate", "backed him until he
# dropped out"): the Content holds 1 in 7 of those after an object (leaving them out: train
# F1 +0.0008 for the prepositions, dev +0.0011 for the clauses).
TIME_PREPS = frozenset({"during", "after", "before", "since", "until", "amid", "following"})
TIME_MARKS = frozenset({"after", "before", "since", "until", "till", "while", "as", "once"})
# Words opening a clause: the question a verb of asking asks ("asked if ..."), a second thing
# said ("said A, and that B"), the clause an "as" speech verb comments on ("As he noted, ...").
QUESTION_MARKS = frozenset({"if", "whether"})
THAT = frozenset({"that"})
AS = frozenset({"as"})
# What gives a clause a subject of its own (syntax.SUBJECT_DEPS, the speaker's, and more).
CLAUSE_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "expl", "csubj"})
# Tags of the word opening a relative clause ("who", "which", "whose").
RELATIVE_TAGS = frozenset({"WDT", "WP", "WP$"})
# Extent: first token, end token (exclusive), and whether the content must hold a verb.
Extent = tuple[int, int, bool]


def complement_extent(verb: Token) -> Extent | None:
    """:func:`_complement_extent` without a relative clause set off at its end."""
    extent = _complement_extent(verb)
    if extent is None:
        return None
    start, end, need_verb = extent
    end = _before_next_report(verb.doc, start, end)
    end = _before_trailing_relative(verb.doc, start, end)
    return start, _before_trailing_aside(verb.doc, start, end), need_verb


def _before_trailing_aside(doc: Doc, start: int, end: int) -> int:
    """End of content before a participle set off by a comma that ends it, wherever in the
    content the parse hangs it ("that she is a proud Democrat, contrasting herself with
    Sanders", 'that he has "expanded the party," claiming ...'): it says what the speaker did
    next, not what was said (PolNeAR train F1 +0.0007, exact F1 +0.0012; dev +0.0003, exact
    +0.0025)."""
    for token in doc[start:end]:
        if (
            token.dep_ == "advcl"
            and token.tag_ == "VBG"
            and token.left_edge.i == token.i
            and start < token.i - 1
            and token.head.i < token.i - 1
            and token.right_edge.i + 1 >= end - 1
            and _after_comma(doc, token.i)
        ):
            return token.i - 1
    return end


def _complement_extent(verb: Token) -> Extent | None:
    """Token range of what a cue verb reports, and whether that range must hold a verb.

    A that-clause or clause complement ("argues that ...", "..., X said"); else an infinitive
    ("vowed to take the fight to ...") with the person addressed before it ("urged Republicans
    to focus"); else, for verbs whose object is what was said, the object with its predicate
    ("called him a fraud", "announced the arrest of ..."); else, for verbs whose prepositional
    object is, that object ("called for a ban"). An if- or whether-clause the parse hangs on a
    verb of asking is its question ("asked if ..."). A verb that takes no finite clause
    (``no_clause_verb_forms``) reports only a non-finite one ("wants the council to act",
    "wants Grayson removed", "want government playing a role") or a free relative, which is a
    noun phrase ("want what you're producing").
    """
    children = list(verb.children)
    takes_clause = verb.lower_ not in no_clause_verb_forms()
    clauses = [
        c
        for c in children
        if c.dep_ == "ccomp" and (takes_clause or not _finite(c) or _free_relative(c))
    ]
    if not clauses and takes_clause:
        clauses = [
            clause
            for obj in _objects_after(verb)
            for clause in obj.children
            if _misparsed_that_clause(clause)
        ]
    # The complement after the verb ("X argues that ..."); one before it is the reported
    # clause of '..., X said.'.
    clause = next((c for c in clauses if c.i > verb.i), None) or next(iter(clauses), None)
    if clause is not None:
        start, end = clause.left_edge.i, clause.right_edge.i + 1
        if start <= verb.i < end:
            return None
        if clause.i > verb.i:
            end = _with_modifiers(verb, end, CLAUSE_RUN_ON)
        return start, _before_trailing_participle(clause, end), True
    question = next(
        (c for c in children if c.dep_ == "advcl" and c.i > verb.i and _question_mark(verb, c)),
        None,
    )
    if question is not None:
        return question.left_edge.i, question.right_edge.i + 1, True
    infinitive = next((c for c in children if c.dep_ == "xcomp" and c.i > verb.i), None)
    if infinitive is not None and verb.lower_ not in no_infinitive_verb_forms():
        start = infinitive.left_edge.i
        addressee = next(
            (c for c in children if c.dep_ == "dobj" and verb.i < c.i < infinitive.i), None
        )
        if addressee is not None:
            start = addressee.left_edge.i
        return start, _with_modifiers(verb, infinitive.right_edge.i + 1), True
    if verb.lower_ in object_verb_forms():
        objects = [c for c in children if c.dep_ in ("dobj", "oprd") and c.i > verb.i]
        if objects:
            end = _with_modifiers(verb, _with_predicate(verb, objects[-1]))
            return objects[0].left_edge.i, end, False
    proform = next(
        (
            c
            for c in children
            if c.i == verb.i + 1 and c.lower_ in PROFORMS and c.dep_ in PROFORM_DEPS
        ),
        None,
    )
    if proform is not None and is_speech_verb(verb):
        return proform.i, proform.i + 1, False
    preps = prep_verb_forms().get(verb.lower_)
    if verb.pos_ == "ADJ" and verb.lower_ in stance_adjective_forms():
        preps = STANCE_PREPS
    if preps:
        prep = next((c for c in children if c.dep_ == "prep" and c.lower_ in preps), None)
        obj = (
            next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
            if prep is not None and prep.i > verb.i
            else None
        )
        if obj is not None:
            return obj.left_edge.i, _with_predicate(verb, obj), False
    return None


# Tags of a verb in a tense: a clause whose verb or auxiliary has one is finite.
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _question_mark(verb: Token, clause: Token) -> bool:
    """Whether an adverbial clause of ``verb`` is the question it asks: "if" or "whether" after
    a verb of asking ("asked if he was ever bullied"), which the parse hangs on it as a
    condition."""
    if verb.lower_ not in question_verb_forms():
        return False
    return marked_by(clause, QUESTION_MARKS)


def _free_relative(clause: Token) -> bool:
    """A clause opening with "what" or "which" ("what polls show"): a noun phrase, the
    object of a verb that takes none but an infinitive or an object."""
    return clause.left_edge.tag_ in ("WP", "WDT")


def _finite(clause: Token) -> bool:
    """A clause in a tense ("the road will stay shut"), not an infinitive or participle ("the
    council to reopen", "Grayson removed")."""
    return clause.tag_ in FINITE_TAGS or any(
        c.dep_ in ("aux", "auxpass") and c.tag_ in FINITE_TAGS for c in clause.children
    )


def _objects_after(verb: Token) -> list[Token]:
    """The verb's object and the objects of its prepositions, after it: where the parse may hang
    the that-clause the verb reports ("told councillors that ...", "said in a statement that
    ...")."""
    found = []
    for child in verb.children:
        if child.i < verb.i:
            continue
        if child.dep_ == "dobj":
            found.append(child)
        elif child.dep_ == "prep":
            found.extend(c for c in child.children if c.dep_ == "pobj")
    return found


def _misparsed_that_clause(clause: Token) -> bool:
    """ "told councillors that the town would ...", "said in a statement that the town would
    ...": a clause the parse hung on the addressee or the occasion as a relative one although
    "that" only introduces it (a relative "that" would be its subject or object) and it has a
    subject of its own. On the occasion, 32 of 39 such quotes matched a Content on PolNeAR
    train (F1 +0.0006, dev +0.0004)."""
    if clause.dep_ not in ("acl", "relcl") or clause.i < clause.head.i:
        return False
    deps = {(c.dep_, c.lower_) for c in clause.children}
    return ("mark", "that") in deps and any(d in ("nsubj", "nsubjpass") for d, _ in deps)


def _before_trailing_participle(clause: Token, end: int) -> int:
    """End of a reported clause before ", calling ..." / ", adding ...": a participle after a
    comma says what the speaker did next, not what they said."""
    doc = clause.doc
    for child in clause.rights:
        if (
            child.dep_ == "advcl"
            and child.tag_ == "VBG"
            and child.left_edge.i == child.i
            and doc[child.i - 1].text == ","
        ):
            return min(end, child.i - 1)
    return end


# Closing quote marks, which may stand between a comma and the words after it ('has "expanded
# the party," claiming ...').
CLOSING_QUOTE_MARKS = frozenset({"”", "’", '"', "'", "''"})


def _after_comma(doc: Doc, i: int) -> bool:
    """Whether a comma, perhaps followed by closing quote marks, stands right before token
    ``i``."""
    j = i - 1
    while j > 0 and doc[j].text in CLOSING_QUOTE_MARKS:
        j -= 1
    return j >= 0 and doc[j].text == ","


def _with_predicate(verb: Token, obj: Token) -> int:
    """End of an object with the predicate the verb gives it: "described Trump as "kind"",
    "accused him of lying", "attacked Romney for being a "failed candidate"; a prepositional
    object too: "pointed to China as the enforcer" (PolNeAR train F1 +0.0004, dev flat)."""
    end = obj.right_edge.i + 1
    for child in verb.rights:
        if child.i >= end and child.dep_ == "prep" and child.lower_ in OBJECT_PREDICATE_PREPS:
            if child.i != end:
                break
            end = child.right_edge.i + 1
    return end


def _before_next_report(doc: Doc, start: int, end: int) -> int:
    """End of content before a speech verb in a tense, with no subject of its own, that the
    parse coordinated with the reported clause's verb ("said that she was tired and predicted
    that ..."): its subject is the speaker's, so it is the speaker's next report, which PolNeAR
    marks apart (PolNeAR train F1 +0.0006, dev +0.0017; any cue verb, not only speech verbs:
    -0.0003 and -0.0005)."""
    for token in doc[start:end]:
        if (
            token.dep_ == "conj"
            and start <= token.head.i < token.i
            and token.tag_ in FINITE_TAGS
            and is_speech_verb(token)
            and not any(c.dep_ in CLAUSE_SUBJECT_DEPS for c in token.children)
        ):
            cut = token.left_edge.i
            while cut - 1 > start and doc[cut - 1].dep_ in ("cc", "punct"):
                cut -= 1
            return cut
    return end


def _before_trailing_relative(doc: Doc, start: int, end: int) -> int:
    """End of content before a relative clause set off by a comma that ends it ("... met
    Bryan Pagliano, who worked on the campaign"): it describes whoever was named, and is the
    writer's, not the speaker's. On PolNeAR train the Content holds about a third of them;
    leaving them out gained F1 +0.0014 (train) and +0.0006 (dev)."""
    for token in doc[start:end]:
        first = token.left_edge
        if (
            token.dep_ == "relcl"
            and first.i - 1 > start
            and _after_comma(doc, first.i)
            and first.tag_ in RELATIVE_TAGS
            and token.right_edge.i + 1 >= end - 1
        ):
            return first.i - 1
    return end


def _with_modifiers(verb: Token, end: int, deps: frozenset[str] = OBJECT_RUN_ON) -> int:
    """End of an object or clause with the verb's phrases (of ``deps``) that run on from it
    unbroken: "praised the efforts of a donor [to Sen. X]", "showed Clinton [with a lead]",
    "said the road closed [because rain fell]". A phrase of time, or a comma or conjunction
    before anything but a that-clause joined to the verb, ends it."""
    rights = [c for c in verb.rights if c.i >= end]
    for n, child in enumerate(rights):
        if child.left_edge.i != end:
            break
        if child.dep_ in deps and not _time_or_occasion(child):
            end = child.right_edge.i + 1
        elif child.dep_ in ("cc", "punct") and _that_conjunct(rights[n:]):
            end = child.i + 1
        elif child.dep_ == "conj" and _that_conjunct([child]):
            end = child.right_edge.i + 1
        else:
            break
    return end


def _that_conjunct(rights: list[Token]) -> bool:
    """Whether the first of ``rights`` past commas and conjunctions is a clause joined to the
    verb that "that" opens ("said A, and that B"): a second thing said, not a second act
    (PolNeAR train F1 +0.0002, dev flat)."""
    nxt = next((c for c in rights if c.dep_ not in ("cc", "punct")), None)
    return nxt is not None and nxt.dep_ == "conj" and marked_by(nxt, THAT)


def _time_or_occasion(phrase: Token) -> bool:
    """A phrase or clause of time ("during the debate", "until he dropped out", "when it came
    to a vote"), or a phrase naming the occasion of speech ("in an interview", "at a rally":
    PolNeAR train F1 +0.0002, dev +0.0011)."""
    if phrase.dep_ == "prep":
        return phrase.lower_ in TIME_PREPS or any(
            c.dep_ == "pobj" and _speech_event(c) for c in phrase.children
        )
    return marked_by(phrase, TIME_MARKS) or any(
        c.dep_ == "advmod" and c.tag_ == "WRB" and c.i < phrase.i for c in phrase.children
    )


@functools.cache
def _speech_events() -> frozenset[str]:
    return frozenset(lexicon.lines("time_speech_events"))


def _speech_event(noun: Token) -> bool:
    """A noun naming the occasion of speech ("an interview", "a rally"; time_speech_events.txt)."""
    word = noun.lower_
    return word in _speech_events() or (word.endswith("s") and word[:-1] in _speech_events())


def has_subject_clause(verb: Token, extent: Extent) -> bool:
    """Whether a clause complement of ``verb`` in ``extent`` has its own subject (infinitives
    and objects, which borrow the verb's subject, pass)."""
    clause = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    if clause is None or not extent[0] <= clause.i < extent[1]:
        return True
    return any(c.dep_ in CLAUSE_SUBJECT_DEPS for c in clause.children)


def clause_around(verb: Token) -> tuple[Token, int, int] | None:
    """The clause a speech verb interrupts or follows, and the token range of the verb's words.

    "The plan, he said, is dead": the verb hangs off the clause (parataxis), or the parse has
    the clause as a complement that contains the verb. "As he noted, the plan is dead": "as"
    hangs the verb on the clause (on PolNeAR train 47 of 65 such quotes matched a Content;
    train F1 +0.0010, dev +0.0010). A verb that takes no finite clause interrupts none.
    """
    if verb.lower_ in no_clause_verb_forms():
        return None
    if (verb.dep_ == "parataxis" and verb.head.i != verb.i) or _as_clause(verb):
        own = [t.i for t in verb.subtree]
        return verb.head, min(own), max(own)
    for clause in verb.children:
        if clause.dep_ == "ccomp" and clause.left_edge.i <= verb.i <= clause.right_edge.i:
            own = [verb.i] + [t.i for c in verb.children if c.i != clause.i for t in c.subtree]
            return clause, min(own), max(own)
    return None


# What an "as" clause holds when it says what was said itself, not the clause it hangs on ("as
# he called them losers", "as he argued that ...").
AS_CLAUSE_OWN_COMPLEMENTS = frozenset({"dobj", "ccomp", "xcomp", "oprd", "dative"})


def _as_clause(verb: Token) -> bool:
    """ "As Clyburn noted, those voters will ...", "..., as some have speculated": a verb that "as"
    hangs on the clause it comments on reports that clause."""
    return (
        verb.dep_ == "advcl"
        and verb.head.pos_ in VERB_POS
        and is_speech_verb(verb)
        and marked_by(verb, AS)
        and not any(c.dep_ in AS_CLAUSE_OWN_COMPLEMENTS for c in verb.children)
    )


def min_words(doc: Doc, extent: Extent) -> int:
    """Fewest words reported content in ``extent`` may have: a name alone is enough for an
    object ("endorsed Trump"), and "to" with a verb for an infinitive."""
    start_i, end_i, need_verb = extent
    if need_verb:
        words = [t for t in doc[start_i:end_i] if not t.is_punct]
        if len(words) == 2 and words[0].lower_ == "to" and words[1].pos_ == "VERB":
            return MIN_INFINITIVE_WORDS
        return MIN_CONTENT_WORDS
    if end_i - start_i == 1 and doc[start_i].lower_ in PROFORMS:
        return 1
    if all(t.pos_ == "PROPN" for t in doc[start_i:end_i] if not t.is_punct):
        return MIN_NAME_WORDS
    return MIN_OBJECT_WORDS


def trim(
    doc: Doc, start_i: int, end_i: int, need_verb: bool = True, min_words: int = MIN_CONTENT_WORDS
) -> tuple[int, int] | None:
    """Character range of tokens [start_i, end_i) without edge punctuation, if what is left has
    ``min_words`` words (and a verb, with ``need_verb``). A leading "that" stays: it is part of
    the reported clause, and PolNeAR's Content includes it (2,327 of the 19,822 train contents
    start with it)."""
    while start_i < end_i and (doc[start_i].is_punct or doc[start_i].is_space):
        start_i += 1
    while end_i > start_i and (doc[end_i - 1].is_punct or doc[end_i - 1].is_space):
        end_i -= 1
    words = [t for t in doc[start_i:end_i] if not t.is_punct]
    if len(words) < min_words or (need_verb and not any(t.pos_ in VERB_POS for t in words)):
        return None
    start, end = doc[start_i].idx, doc[end_i - 1].idx + len(doc[end_i - 1].text)
    return start, _past_closing_mark(doc_text(doc), start, end)


# A closing mark may follow the content's last word after a comma or a period ('a "loser,"').
CLOSING_MARK_REACH = 2
# Two apostrophes for a quote mark, opening and closing alike (''like this'').
DOUBLED_MARK = "''"


def _past_closing_mark(text: str, start: int, end: int) -> int:
    """``end``, or past the closing quote mark when text[start:end] ends inside a quotation
    ('called him an "academic and musician," ...' keeps its closing mark, not a dangling opener).

    The mark may be further on, in the same paragraph: the parse ended the sentence inside the
    quotation ('said that "it works. And it is cheap."'), and the content runs to the mark
    (PolNeAR train F1 +0.0004, dev +0.0016).
    """
    content = text[start:end]
    paragraph_end = text.find("\n", end)
    rest = text[end : paragraph_end if paragraph_end >= 0 else len(text)]
    if content.count(DOUBLED_MARK) % 2 == 1:
        close = rest.find(DOUBLED_MARK)
        return end + close + len(DOUBLED_MARK) if close >= 0 else end
    opened = content.count("“") > content.count("”") or content.count('"') % 2 == 1
    if not opened:
        return end
    for n, ch in enumerate(rest[:CLOSING_MARK_REACH]):
        if ch in '”"':
            return end + n + 1
        if ch not in ",.":
            break
    close = min((i for i in (rest.find("”"), rest.find('"')) if i >= 0), default=-1)
    if close >= 0 and "“" not in rest[:close]:
        return end + close + 1
    return end
