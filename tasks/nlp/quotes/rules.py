"""What every quote finder shares: the rules with their confidence, the caller's options, and a
quote as a finder proposes it (``Found``), before the finders' results are reconciled."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from schemas.vocab import QuoteFinder, QuoteKind, QuoteRule
from tasks.nlp.speakers import Speaker

# A quote's confidence is the precision of the rule that found it on the PolNeAR train split,
# rounded down: ``bench/eval_quotes.py --split train --by-rule`` scores each rule's quotes on
# their own (the comments give the quotes scored and their precision; a partial quote inside an
# indirect one is scored as that one). PolNeAR marks whole reported clauses, not the quoted
# fragment, so the figure for quoted words inside a clause understates them.
CONFIDENCE: dict[QuoteRule, float] = {
    "marked_cue": 0.95,  # 3808 quotes at 0.956
    "marked_inherited": 0.65,  # 262 at 0.676
    "marked_uncued": 0.7,  # 236 at 0.729
    "marked_governed": 0.4,  # 75 at 0.413
    "unmarked_paragraph": 0.45,  # 19 at 0.474
    "speaker_label": 0.65,  # 214 at 0.668
    "reported_speech": 0.85,  # 8074 at 0.874
    # 1239 at 0.751, set lower on purpose: an attitude is a stance the writer ascribes, not
    # words anyone said, so it ranks below every speech cue but the partial and unmarked ones.
    "attitude": 0.55,
    "according_to": 0.9,  # 391 at 0.918
    "poll": 0.9,  # 14 at 0.929
    "speech_noun": 0.7,  # 116 at 0.716 (with the prepositional objects: "X's attacks on Y")
    # The optional tagger's Contents (tasks/nlp/attribution_model.py): 102 at 0.67 on the 84
    # train articles held out from its training (bench/trained_tagger.py; dev: 172 at 0.65).
    "tagger": 0.65,
}
# Taken off when the subject of a speech or attitude cue resolves to no person, organisation or
# unnamed source (train precision of indirect quotes: 0.86 with such a speaker, 0.75 without).
UNKNOWN_SPEAKER_PENALTY = 0.1


def confidence(rule: QuoteRule, speaker: Speaker | None) -> float:
    """The confidence of a quote whose speaker is the subject of its cue: the rule's, less
    ``UNKNOWN_SPEAKER_PENALTY`` when that subject resolves to nothing known."""
    penalty = UNKNOWN_SPEAKER_PENALTY if speaker is not None and speaker.kind == "unknown" else 0
    return CONFIDENCE[rule] - penalty


@dataclass(frozen=True)
class QuoteOptions:
    """What a caller may choose about what counts as a quote; the defaults are whosaid's, and
    ``bench/eval_quotes.py`` measures what each is worth (``--no-attitudes``, ``--keep-nested``).

    ``attitudes``: beliefs, hopes and wants ("X believes that ...", "X wants to ...", "X is
    confident that ...") are indirect quotes (rule ``attitude``), as PolNeAR annotates them.
    ``drop_nested``: an indirect quote inside what another reports ("Trump said Clinton claimed
    that ...", "according to the filing, Reines asked ...") is dropped: it is the outer
    speaker's report, not the inner speaker's words, and PolNeAR, which gives each token to one
    attribution, marks the outer one.
    """

    attitudes: bool = True
    drop_nested: bool = True


DEFAULT_OPTIONS = QuoteOptions()


@dataclass
class Found:
    """A quote as one finder proposes it; offsets index the article's text. Reconciliation may
    still turn a direct one into a partial one (``kind``) or drop it."""

    kind: QuoteKind
    start: int
    end: int
    speaker: Speaker | None
    cue: Token | None
    rule: QuoteRule
    confidence: float
    paragraph: int
    # Pieces of a split quote ('"A," he said, "B."'): (start, end) of each; empty for one piece.
    parts: list[tuple[int, int]] = field(default_factory=list)

    @property
    def attitude(self) -> bool:
        """Cued by a verb or adjective of belief or wanting rather than speech."""
        return self.rule == "attitude"

    @property
    def found_by(self) -> QuoteFinder:
        return "tagger" if self.rule == "tagger" else "rule"
