"""Text normalisation shared by every cleaning path, and language detection.

``normalize_text`` repairs what transport did to a text, never what the author wrote: mojibake
(ftfy), Unicode composition (NFC), invisible and non-breaking characters, words hyphenated across
a line break, runs of spaces. Curly and straight quotes stay as written (quote offsets downstream
index the body as the publisher set it). Line structure is kept: single newlines stay single,
paragraph breaks become exactly one blank line ("\\n\\n").
"""

from __future__ import annotations

import functools
import re
import unicodedata

import ftfy

# Spaces other than U+0020: no-break, narrow no-break, figure, typographic widths, ideographic.
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
# Characters with no width that only get in the way of matching: zero-width space/joiners, word
# joiner, BOM, soft hyphen (a hyphenation hint, not text), bidi marks.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\u2061-\u2064\ufeff\u00ad\u202a-\u202e]")
# A word broken across a line break by typesetting: "pre-\nsident" -> "president". Only a single
# newline with lowercase letters on both sides counts; "well-\nknown" is ambiguous and loses its
# hyphen too, the common and cheaper error (pdftotext and GROBID make the same choice).
_HYPHEN_BREAK = re.compile(r"(?<=[a-z\u00df-\u00ff])-\n(?=[a-z\u00df-\u00ff])")
_RUN_OF_SPACES = re.compile(r" {2,}")
_BLANK_LINES = re.compile(r"\n{3,}")

_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,  # quotes are kept as written
    fix_line_breaks=True,  # \r\n, \r, U+2028/9 -> \n
    normalization="NFC",
    explain=False,
)


def normalize_text(text: str) -> str:
    """Repair mojibake and invisible characters; keep words, quotes and paragraph breaks."""
    if not text:
        return ""
    text = ftfy.fix_text(text, _FTFY)
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _HYPHEN_BREAK.sub("", text)
    lines = [_RUN_OF_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


# py3langid needs some text to be right: below ~20 letters its top guess on English prose is
# wrong about one time in four (its README: accuracy climbs steeply from 1 to 5 words).
MIN_LETTERS_FOR_LANGUAGE = 20
# Normalised probability under which the guess is not worth recording.
MIN_LANGUAGE_PROBABILITY = 0.5
# Enough text to decide; classifying a whole long article only costs time.
LANGUAGE_SAMPLE_CHARS = 5000


@functools.cache
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little text to tell."""
    sample = (text or "")[:LANGUAGE_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS_FOR_LANGUAGE:
        return None
    lang, prob = _identifier().classify(sample)
    if prob < MIN_LANGUAGE_PROBABILITY:
        return None
    return str(lang)
