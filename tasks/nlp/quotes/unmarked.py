"""Direct quotes without quote marks: a paragraph after one that ends '..., saying:', and lines
that put a speaker's name before a colon ("Lynch: No outside influence on FBI probe")."""

from __future__ import annotations

from schemas.vocab import QuoteRule
from tasks import lexicon
from tasks.nlp.quotes.context import ArticleContext
from tasks.nlp.quotes.cues import VERB_POS
from tasks.nlp.quotes.marked import colon_cue
from tasks.nlp.quotes.marks import QuotedSpan
from tasks.nlp.quotes.rules import CONFIDENCE, Found

# A speaker label before a colon ("Lynch: No outside influence ...") is a short name at the
# very start of a line; longer lead-ins are sentences that happen to hold a colon. On PolNeAR
# train, at most 3 words loses 10 quotes and 8 finds the same as 5 (within 40 characters).
LABEL_MAX_WORDS = 5
LABEL_MAX_CHARS = 40
LABEL_MIN_CONTENT_WORDS = 3


def unmarked_paragraph_quotes(art: ArticleContext, spans: list[QuotedSpan]) -> list[Found]:
    """A paragraph without quote marks after one that ends '..., saying:' is the quote."""
    found: list[Found] = []
    paragraphs = art.resolver.paragraphs
    marked = {s.paragraph for s in spans}
    for paragraph in range(len(paragraphs) - 1):
        cue = colon_cue(art, paragraph)
        if cue is None or paragraph + 1 in marked:
            continue
        start, end = paragraphs[paragraph + 1]
        while start < end and art.text[start].isspace():
            start += 1
        while end > start and art.text[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        speaker = art.speaker_near(cue, cue.sent.start, cue.sent.end)
        rule: QuoteRule = "unmarked_paragraph"
        found.append(
            Found("direct", start, end, speaker, cue, rule, CONFIDENCE[rule], paragraph + 1)
        )
    return found


def speaker_label_lines(art: ArticleContext) -> list[Found]:
    """Headlines and transcripts that name the speaker before a colon: "Lynch: No outside
    influence on FBI probe", "Chris Matthews: Seriously, ..."."""
    found: list[Found] = []
    doc, text = art.doc, art.text
    for paragraph, (start, end) in enumerate(art.resolver.paragraphs):
        colon = text.find(":", start, min(end, start + LABEL_MAX_CHARS))
        if colon < 0 or colon + 2 >= end:
            continue
        label = text[start:colon]
        if not label.strip() or len(label.split()) > LABEL_MAX_WORDS:
            continue
        if _editorial(label):
            continue  # "Correction: An earlier version ...": the desk's note, nobody's quote
        first, last = art.token_index(start), art.token_index(colon) - 1
        words = [t for t in doc[first : last + 1] if t.is_alpha]
        if not words or not all(t.text[:1].isupper() or t.is_stop for t in words):
            continue
        if any(t.pos_ in VERB_POS for t in doc[first : last + 1]):
            continue  # 'He said: ...' is a cue, handled with the quote marks
        content_start, content_end = colon + 1, end
        while content_start < content_end and text[content_start] in " \t\"“‘'":
            content_start += 1
        while content_end > content_start and text[content_end - 1] in " \t\"”’'":
            content_end -= 1
        if len(text[content_start:content_end].split()) < LABEL_MIN_CONTENT_WORDS:
            continue
        head = doc[last]
        while head.head.i != head.i and first <= head.head.i <= last:
            head = head.head
        speaker = art.resolver.resolve(first, last + 1, head)
        rule: QuoteRule = "speaker_label"
        found.append(
            Found(
                "direct",
                content_start,
                content_end,
                speaker,
                None,
                rule,
                CONFIDENCE[rule],
                paragraph,
            )
        )
    return found


def _editorial(label: str) -> bool:
    """A label made only of a desk's words ("Correction", "BREAKING", "Editor's note"); one that
    goes on to a name ("EXCLUSIVE – Roger Stone") still names its speaker."""
    words = [w.strip("\"“‘'[–—-").lower() for w in label.split()]
    words = [w for w in words if w]
    return bool(words) and all(w in lexicon.words("editorial_labels") for w in words)
