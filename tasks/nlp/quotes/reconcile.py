"""Reconciling what the finders propose, so each stretch of text is one quote.

- A speaker label line ("Lynch: ...") wins over quote marks that open inside it or at its label.
- An attitude inside reported speech ("He said he believes that ...") is part of what was said,
  and PolNeAR annotates the saying (on train 22 of 254 such beliefs matched).
- A direct quote that closes a clause its own cue reports, after other words of that clause
  ('said that once the Senate goes on recess, "I intend to ..."'), becomes a partial quote
  inside that indirect one; right after a bare "that" ('warned that "nobody ..."') it stays
  direct.
- Quote marks right after a reported clause, with only punctuation or "and" / "but" between
  ('said she has the quality the job needs: "Steadiness ..."'), go on with what it reports: the
  indirect quote runs on over them and they become a partial quote inside it (on PolNeAR train
  34 indirect quotes, precision 0.857 -> 0.859, exact F1 0.544 -> 0.545; dev 0.870 -> 0.874).
- An indirect quote mostly inside a direct one, or cued from inside one, is dropped: the quote
  marks say it better.
- With ``QuoteOptions.drop_nested``, an indirect quote inside what another reports is dropped.
"""

from __future__ import annotations

from tasks.nlp.quotes.rules import Found, QuoteOptions

# Characters a quote may run past the end of the clause holding it: a closing mark after the
# clause's last word, or a period and a mark ('... to run."').
CLOSING_SLACK = 2
# An indirect quote more than this share of whose characters lie inside a direct quote is that
# quote read a second time.
INSIDE_DIRECT_SHARE = 0.5
# What may stand between a reported clause and the quote in marks that goes on with it:
# punctuation and quote marks, and "and" or "but" (``_continues``).
JOIN_GAP_CHARS = 8
CLOSING_MARKS = "\"”’'"
JOIN_PUNCTUATION = " ,;:-–—\"“”‘’'"


def without_labelled(text: str, direct: list[Found], labelled: list[Found]) -> list[Found]:
    """The marked quotes that do not start inside a speaker label line, label included (quote
    marks around a whole transcript line, '"PENCE: And that's why ..."'), then the label
    lines."""
    lines = [(text.rfind("\n", 0, lb.start) + 1, lb.end) for lb in labelled]
    kept = [d for d in direct if not any(lo <= d.start < hi for lo, hi in lines)]
    return kept + labelled


def reconcile(
    text: str, direct: list[Found], reported: list[Found], options: QuoteOptions
) -> list[Found]:
    """The indirect quotes to keep beside ``direct``; the direct quotes that close a kept
    clause are turned into partial ones in place (their ``kind``)."""
    direct_full = [d for d in direct if d.kind == "direct"]
    speech = [r for r in reported if not r.attitude]
    indirect: list[Found] = []
    for item in reported:
        cue_at = _cue_at(item)
        if item.attitude and any(s.start <= cue_at < s.end for s in speech):
            continue
        inside = [d for d in direct_full if _quoted_within(text, d, item)]
        if inside:
            for d in inside:
                d.kind = "partial"
            direct_full = [d for d in direct_full if d.kind == "direct"]
        if any(
            _overlap(item, d) > INSIDE_DIRECT_SHARE * (item.end - item.start) for d in direct_full
        ):
            continue
        if any(d.start <= cue_at < d.end for d in direct_full):
            continue
        indirect.append(item)
        for d in direct:
            if _continues(text, item, d):
                # 'said she has the quality the job needs: "Steadiness ..."': the quoted words
                # go on with what the clause reports, one attribution in PolNeAR.
                closing = d.end < len(text) and text[d.end] in CLOSING_MARKS
                item.end = d.end + 1 if closing else d.end
                d.kind = "partial"
        direct_full = [d for d in direct_full if d.kind == "direct"]
    if options.drop_nested:
        indirect = [item for item in indirect if not any(_nested(item, o) for o in indirect)]
    return indirect


def _cue_at(item: Found) -> int:
    """Where the cue of a reported quote starts (every finder of reported speech sets one)."""
    assert item.cue is not None, item
    return item.cue.idx


def _quoted_within(text: str, quote: Found, clause: Found) -> bool:
    """Whether a direct quote closes a clause its own cue reports, after words of that clause
    other than "that" ('said that once the Senate goes on recess, "I intend to ..."')."""
    if quote.cue is None or clause.cue is None or quote.parts:
        return False
    if quote.cue.i != clause.cue.i or not clause.start < quote.start < clause.end:
        return False
    if quote.end > clause.end + CLOSING_SLACK:
        return False
    lead = text[clause.start : quote.start].strip(" ,\"“‘'").split()
    return bool(lead) and lead != ["that"]


def _continues(text: str, clause: Found, quote: Found) -> bool:
    """Whether a quote in marks right after a reported clause goes on with it: only
    punctuation, or "and" / "but", between them, and the quote cued by the clause's own cue or
    by a word inside the clause (or by none)."""
    if quote.parts or clause.cue is None or not 0 <= quote.start - clause.end <= JOIN_GAP_CHARS:
        return False
    cue = quote.cue
    if cue is not None and cue.i != clause.cue.i and not clause.start <= cue.idx < clause.end:
        return False
    gap = text[clause.end : quote.start].strip(JOIN_PUNCTUATION)
    return gap in ("", "and", "but")


def _nested(inner: Found, outer: Found) -> bool:
    """Whether ``inner`` (cue and content) lies inside what ``outer`` reports, and ``outer``'s
    own cue outside it."""
    return (
        inner is not outer
        and inner.cue is not None
        and outer.cue is not None
        and outer.start <= inner.cue.idx < outer.end
        and outer.start <= inner.start
        and inner.end <= outer.end + CLOSING_SLACK
        and not outer.start <= outer.cue.idx < outer.end
    )


def _overlap(a: Found, b: Found) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))
