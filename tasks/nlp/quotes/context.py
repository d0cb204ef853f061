"""The article the quote finders read: its parsed ``Doc``, text, speaker resolver, and the lookups
they all need (the token at a character, the speaker of a cue)."""

from __future__ import annotations

import bisect

import numpy as np
from spacy.attrs import IDX, LOWER
from spacy.tokens import Doc, Token

from tasks.model import EntityCluster, Mention
from tasks.nlp import speaker_phrases as phrases
from tasks.nlp.entities import doc_text
from tasks.nlp.quotes.cues import indirect_cue_ids
from tasks.nlp.quotes.syntax import has_word, is_reduced_passive, speaker_extent, subject
from tasks.nlp.speaker_phrases import passive_speaker_forms
from tasks.nlp.speakers import Speaker, SpeakerResolver

SPEAKER_POS = ("PROPN", "PRON", "NOUN")
RELATIVE_PRONOUNS = ("who", "that", "which")


class ArticleContext:
    """One article as the finders see it, built once per ``extract_quotes`` call."""

    def __init__(
        self,
        doc: Doc,
        clusters: list[EntityCluster],
        mentions: list[Mention],
        byline: tuple[str, ...] = (),
    ) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.resolver = SpeakerResolver(doc, clusters, mentions, byline)
        columns = doc.to_array([LOWER, IDX])
        self.token_starts: list[int] = columns[:, 1].tolist()
        # Tokens whose lower-case form can cue an indirect quote: the only ones the
        # reported-speech finder looks at (every cue test is a set lookup on that form).
        self.cue_candidates: list[int] = np.flatnonzero(
            np.isin(columns[:, 0], indirect_cue_ids())
        ).tolist()

    def token_index(self, char: int) -> int:
        """Index of the token that contains or starts after ``char``."""
        i = bisect.bisect_right(self.token_starts, char) - 1
        if i < 0:
            return 0
        token = self.doc[i]
        if char >= token.idx + len(token.text) and i + 1 < len(self.doc):
            return i + 1
        return i

    def paragraph_start(self, paragraph: int) -> int:
        return self.resolver.paragraphs[paragraph][0]

    def paragraph_of(self, char: int) -> int:
        return self.resolver.paragraph_of(char)

    def resolve(self, head: Token) -> Speaker:
        """The speaker named by the phrase ``head`` heads."""
        start, end = speaker_extent(head)
        return self.resolver.resolve(start, end, head)

    def speaker_of(self, verb: Token) -> Speaker | None:
        """The subject of a cue verb as a resolved speaker, following conjunctions. A reduced
        passive ("Asked by reporters about it, Carson said") is said by its agent, or by no one
        the text names."""
        if is_reduced_passive(verb) and verb.lower_ not in passive_speaker_forms():
            agent = phrases.agent_of(verb)
            if agent is not None:
                return self.resolve(agent)
            found = subject(verb)
            if found is None:
                return None
            start, end = speaker_extent(found)
            span = self.doc[start:end]
            return Speaker(
                span.text,
                span.start_char,
                span.end_char,
                "unknown",
                None,
                None,
                None,
                refused="passive without agent",
            )
        found = subject(verb)
        if found is None:
            return None
        relative = found.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl"
        if relative:
            found = verb.head
        start, end = speaker_extent(found)
        if found.i < verb.i and start <= found.i < verb.i < end:
            # "A union representing flight attendants endorsed Clinton ..., another example of
            # ...": an appositive the parse hangs on the subject from past the verb makes the
            # phrase run over its own cue; a subject ends before the verb it is subject of.
            end = verb.left_edge.i if verb.left_edge.i > found.i else verb.i
            while end - 1 > found.i and self.doc[end - 1].is_punct:
                end -= 1
        if (relative or found.i == verb.head.i) and start < verb.left_edge.i < end:
            # "a former adviser who supported ...", "ads attacking ...": the speaker ends
            # before "who" or the participle.
            end = verb.left_edge.i
            while end - 1 > found.i and self.doc[end - 1].is_punct:
                end -= 1
        return self.resolver.resolve(start, end, found)

    def speaker_near(self, verb: Token, lo: int, hi: int) -> Speaker | None:
        """A speaker for a cue verb: its subject, else a noun phrase next to it in [lo, hi)."""
        speaker = self.speaker_of(verb)
        if speaker is not None:
            return speaker
        doc = self.doc
        for i in list(range(verb.i + 1, hi)) + list(range(verb.i - 1, lo - 1, -1)):
            token = doc[i]
            if token.pos_ in SPEAKER_POS and not token.is_punct and has_word(token):
                head = token
                while head.dep_ in ("compound", "amod", "det", "poss") and lo <= head.head.i < hi:
                    head = head.head
                return self.resolve(_phrase_owner(head, lo, hi))
        return None


def _phrase_owner(head: Token, lo: int, hi: int) -> Token:
    """The noun phrase a neighbouring noun belongs to: "Baghdad" in "Col. Warren, a military
    spokesman in Baghdad, said" (a parse that gives "said" no subject) is where the spokesman
    is, and the spokesman is Warren. Climbs from a preposition's object to the noun the
    preposition modifies, and from an appositive to the name it describes, within [lo, hi)."""
    while True:
        prep = head.head
        if (
            head.dep_ == "pobj"
            and prep.dep_ == "prep"
            and prep.head.pos_ in ("NOUN", "PROPN")
            and lo <= prep.head.i < hi
        ):
            head = prep.head
        elif head.dep_ == "appos" and head.head.ent_type_ == "PERSON" and lo <= head.head.i < hi:
            head = head.head
        else:
            return head
