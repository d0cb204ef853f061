"""Build the attribution corpus: inline markup in ``src/`` to brat standoff in PolNeAR's layout.

Each ``src/<id>.txt`` is one article written for this project. Its first three lines are
``# title: ...``, ``# date: YYYY-MM-DD`` and ``# outlet: ...``, then a blank line, then the text,
with attributions marked inline::

    ⟦S3 Maria Lopez⟧ ⟦C3 said⟧ ⟦Q3 the plan would cut waiting times⟧.

S is the Source, C the Cue, Q the Content; the number ties the parts of one attribution
together. Source and Content may come in several pieces (a Content split around its cue); the
Cue is one piece (PolNeAR's single-contiguous-cue rule); an attribution with no Source has only
C and Q. The plain text is the markup with the ``⟦X12 `` openers and ``⟧`` closers removed.

The brat output is what ``whosaid train-attribution DIR`` reads (``tasks.nlp.attribution_crf``)
and what ``../shared/eval/score.py`` loads: ``DIR/text/<id>.txt`` is the title, a blank line and
the plain text; ``DIR/attributions/<id>.ann`` holds ``T`` lines for Source, Cue, Content and an
``Attribution`` (or ``Attribution-no-source``) trigger on the cue, and one ``E`` line each.

    python corpus/attribution/build.py corpus/attribution/src -o build/attribution-corpus
    python corpus/attribution/build.py corpus/attribution/src --check
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

OPEN = "⟦"
CLOSE = "⟧"
OPENER = re.compile(r"⟦([SCQ])(\d+) ")
LABELS = {"S": "Source", "C": "Cue", "Q": "Content"}
HEADER_KEYS = ("title", "date", "outlet")
HEADER = re.compile(r"# (title|date|outlet): (.*\S)\s*$")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class MarkupError(ValueError):
    """Malformed markup: the message is one line, naming the file, line and column."""


@dataclass(frozen=True)
class Attribution:
    """One attribution: its number in the markup and its pieces as (start, end) character
    offsets into the plain text."""

    number: int
    source: tuple[tuple[int, int], ...]
    cue: tuple[int, int]
    content: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Article:
    name: str
    title: str
    date: str
    outlet: str
    text: str
    attributions: tuple[Attribution, ...]


def _where(markup: str, at: int) -> str:
    line = markup.count("\n", 0, at) + 1
    col = at - (markup.rfind("\n", 0, at) + 1) + 1
    return f"line {line}, column {col}"


def parse_markup(markup: str, name: str = "<text>") -> tuple[str, list[Attribution]]:
    """The plain text of ``markup`` and its attributions, checked: markers balanced and well
    formed, no span empty or with space at its edges, each attribution with one Cue and some
    Content. Raises ``MarkupError`` (one line) on the first fault."""
    plain: list[str] = []
    length = 0
    stack: list[tuple[str, int, int, int]] = []  # (label, number, plain start, markup offset)
    pieces: dict[int, dict[str, list[tuple[int, int]]]] = {}
    first_at: dict[int, int] = {}
    i = 0
    while i < len(markup):
        ch = markup[i]
        if ch == OPEN:
            m = OPENER.match(markup, i)
            if not m:
                raise MarkupError(
                    f"{name}: {_where(markup, i)}: '⟦' must be followed by S, C or Q, a number "
                    f"and one space, got {markup[i : i + 6]!r}"
                )
            number = int(m.group(2))
            stack.append((m.group(1), number, length, i))
            first_at.setdefault(number, i)
            i = m.end()
            continue
        if ch == CLOSE:
            if not stack:
                raise MarkupError(f"{name}: {_where(markup, i)}: '⟧' closes nothing")
            label, number, start, opened = stack.pop()
            span = "".join(plain)[start:length]
            if not span.strip():
                raise MarkupError(f"{name}: {_where(markup, opened)}: empty {label}{number} span")
            if span != span.strip():
                raise MarkupError(
                    f"{name}: {_where(markup, opened)}: {label}{number} span {span!r} begins or "
                    "ends with a space (keep spaces outside the markers)"
                )
            pieces.setdefault(number, {}).setdefault(label, []).append((start, length))
            i += 1
            continue
        plain.append(ch)
        length += 1
        i += 1
    if stack:
        label, number, _, opened = stack[-1]
        raise MarkupError(f"{name}: {_where(markup, opened)}: {label}{number} is never closed")
    out = []
    for number, parts in sorted(pieces.items(), key=lambda kv: first_at[kv[0]]):
        at = _where(markup, first_at[number])
        cues = parts.get("C", [])
        if len(cues) != 1:
            raise MarkupError(
                f"{name}: {at}: attribution {number} has {len(cues)} cue spans (it needs exactly "
                "one: a second attribution needs its own number)"
            )
        if not parts.get("Q"):
            raise MarkupError(f"{name}: {at}: attribution {number} has a cue but no content (Q)")
        out.append(
            Attribution(
                number,
                tuple(sorted(parts.get("S", []))),
                cues[0],
                tuple(sorted(parts["Q"])),
            )
        )
    return "".join(plain), out


def parse_article(source: str, name: str) -> Article:
    """One ``src/<name>.txt``: its header and its marked-up text. The article's text is the
    title, a blank line and the plain body, as PolNeAR's texts begin with their headline."""
    lines = source.split("\n")
    header: dict[str, str] = {}
    for n, key in enumerate(HEADER_KEYS):
        m = HEADER.match(lines[n]) if n < len(lines) else None
        if not m or m.group(1) != key:
            raise MarkupError(f"{name}: line {n + 1}: expected '# {key}: ...'")
        header[key] = m.group(2)
    if not DATE.fullmatch(header["date"]):
        raise MarkupError(f"{name}: line 2: date {header['date']!r} is not YYYY-MM-DD")
    if len(lines) < 5 or lines[3].strip():
        raise MarkupError(f"{name}: line 4: expected a blank line after the header")
    if OPEN in header["title"] or CLOSE in header["title"]:
        raise MarkupError(f"{name}: line 1: the title holds no markup")
    body = "\n".join(lines[4:]).strip("\n") + "\n"
    prefix = header["title"] + "\n\n"
    # Offsets into the body are shifted past the title; errors still name the file's own lines.
    try:
        plain, attributions = parse_markup(body, name)
    except MarkupError as err:
        raise MarkupError(_shift_line(str(err), 4)) from None
    shift = len(prefix)
    moved = tuple(
        Attribution(
            a.number,
            tuple((s + shift, e + shift) for s, e in a.source),
            (a.cue[0] + shift, a.cue[1] + shift),
            tuple((s + shift, e + shift) for s, e in a.content),
        )
        for a in attributions
    )
    return Article(name, header["title"], header["date"], header["outlet"], prefix + plain, moved)


def _shift_line(message: str, by: int) -> str:
    return re.sub(r"line (\d+)", lambda m: f"line {int(m.group(1)) + by}", message, count=1)


def to_brat(article: Article) -> str:
    """The ``.ann`` file of one article: T lines (Source, Cue, Content, and the Attribution
    trigger on the cue) and one E line per attribution, as PolNeAR writes them."""
    lines: list[str] = []
    t = 0

    def span_line(label: str, segments: Sequence[tuple[int, int]]) -> str:
        nonlocal t
        t += 1
        offsets = ";".join(f"{s} {e}" for s, e in segments)
        text = " ".join(article.text[s:e] for s, e in segments)
        lines.append(f"T{t}\t{label} {offsets}\t{text}")
        return f"T{t}"

    for n, a in enumerate(article.attributions, start=1):
        source = span_line("Source", a.source) if a.source else None
        cue = span_line("Cue", [a.cue])
        content = span_line("Content", a.content)
        kind = "Attribution" if source else "Attribution-no-source"
        trigger = span_line(kind, [a.cue])
        args = [f"{kind}:{trigger}", f"Content:{content}", f"Cue:{cue}"]
        if source:
            args.append(f"Source:{source}")
        lines.append(f"E{n}\t{' '.join(args)}")
    return "\n".join(lines) + ("\n" if lines else "")


def read_sources(folder: Path) -> list[Article]:
    """Every ``*.txt`` in ``folder``, parsed and checked, in name order."""
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise MarkupError(f"{folder}: no article (*.txt) there")
    return [parse_article(f.read_text(encoding="utf-8"), f.name) for f in files]


def write_brat(articles: Iterable[Article], out: Path) -> int:
    """Write ``out/text/<id>.txt`` and ``out/attributions/<id>.ann``; returns the count."""
    (out / "text").mkdir(parents=True, exist_ok=True)
    (out / "attributions").mkdir(parents=True, exist_ok=True)
    n = 0
    for a in articles:
        stem = Path(a.name).stem
        (out / "text" / f"{stem}.txt").write_text(a.text, encoding="utf-8")
        (out / "attributions" / f"{stem}.ann").write_text(to_brat(a), encoding="utf-8")
        n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("src", type=Path, help="folder of marked-up articles")
    parser.add_argument("-o", "--out", type=Path, help="brat folder to write")
    parser.add_argument("--check", action="store_true", help="only parse and check")
    parser.add_argument(
        "--stats", action="store_true", help="also count attributions by cue class (bench's)"
    )
    args = parser.parse_args(argv)
    try:
        articles = read_sources(args.src)
    except MarkupError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    words = sum(len(a.text.split()) for a in articles)
    count = sum(len(a.attributions) for a in articles)
    if args.out and not args.check:
        write_brat(articles, args.out)
        print(f"{len(articles)} articles, {words} words, {count} attributions -> {args.out}")
    else:
        print(f"{len(articles)} articles, {words} words, {count} attributions: ok")
    if args.stats:
        for line in stats(articles):
            print(line)
    return 0


def stats(articles: Sequence[Article]) -> list[str]:
    """Attributions by cue class, as ``bench/eval_quotes.py`` classes PolNeAR's gold cues (from
    whosaid's own lexicons), and how many have no Source or a split Content."""
    root = Path(__file__).resolve().parents[2]
    sys.path[:0] = [str(root), str(root / "bench")]
    import eval_quotes  # noqa: PLC0415

    counts: dict[str, int] = {}
    no_source = split = 0
    for a in articles:
        for t in a.attributions:
            name = eval_quotes.cue_class(a.text[t.cue[0] : t.cue[1]])
            counts[name] = counts.get(name, 0) + 1
            no_source += not t.source
            split += len(t.content) > 1
    total = sum(counts.values())
    lines = [
        f"{name}: {n} ({n / total:.0%})"
        for name, n in sorted(counts.items(), key=lambda kv: -kv[1])
    ]
    return lines + [f"no source: {no_source}", f"content in pieces: {split}"]


if __name__ == "__main__":
    raise SystemExit(main())
