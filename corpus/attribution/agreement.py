"""Agreement between the blind re-annotation (``blind/``) and the original markup (``src/``).

Each ``blind/<id>.txt`` is an article of ``src/`` annotated again from its plain text alone. Both
are parsed with ``build.py``'s parser; their plain texts must be the same. Attributions are
paired as ``../shared/eval/score.py`` pairs a prediction with a gold relation: one to one within
an article, best Content overlap first, a pair only when the token-multiset overlap F1 of the two
Contents is at least 0.5. The original is taken as the reference: recall is the share of its
attributions the blind set pairs, precision the share of the blind set's paired (F1 is symmetric).

On the paired attributions:

- Content exact: the same character spans; and the scorer's ``exact_F1`` text test (equal apart
  from case and edge punctuation and quote marks), as an F1 over both sets.
- Source: the scorer's test (over pairs whose original has a Source, the blind Source has token
  overlap F1 >= 0.5 with it), and the share with the same Source spans (both none counts).
- Cue: the same span, and spans that overlap at all.

Figures are given overall and by the class of the original Cue (``bench/eval_quotes.py``'s
``cue_class``, from whosaid's own lexicons), then every disagreement is listed.

    python corpus/attribution/agreement.py                  # blind/ against src/
    python corpus/attribution/agreement.py --score          # also score.py's own quote_scores
    python corpus/attribution/agreement.py --json
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EVAL_DIR = ROOT.parent / "shared" / "eval"
# score.py's matching threshold: a Content pairs when token overlap F1 >= 0.5 (its docstring).
MATCH_F1 = 0.5


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if not spec or not spec.loader:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _modules() -> tuple[ModuleType, ModuleType, Callable[[str | None], str]]:
    """build.py, score.py and bench's cue classifier."""
    build = sys.modules.get("corpus_build") or _load("corpus_build", HERE / "build.py")
    score = _load("shared_score", EVAL_DIR / "score.py")
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import eval_quotes  # noqa: PLC0415

    return build, score, eval_quotes.cue_class


@dataclass(frozen=True)
class Rel:
    """One attribution with its texts (pieces joined by a space, as build.py's T lines)."""

    article: str
    number: int
    source: tuple[tuple[int, int], ...]
    cue: tuple[int, int]
    content: tuple[tuple[int, int], ...]
    source_text: str
    cue_text: str
    content_text: str


def relations(article: Any) -> list[Rel]:
    text = article.text
    stem = Path(article.name).stem
    return [
        Rel(
            stem,
            a.number,
            a.source,
            a.cue,
            a.content,
            " ".join(text[s:e] for s, e in a.source),
            text[a.cue[0] : a.cue[1]],
            " ".join(text[s:e] for s, e in a.content),
        )
        for a in article.attributions
    ]


def pair(score: ModuleType, blind: Sequence[Rel], orig: Sequence[Rel]) -> list[tuple[int, int]]:
    """(blind, original) index pairs as ``score.quote_scores`` forms them."""
    ranked = sorted(
        (
            (score.overlap_f1(b.content_text, o.content_text), i, j)
            for i, b in enumerate(blind)
            for j, o in enumerate(orig)
        ),
        reverse=True,
    )
    used_b: set[int] = set()
    used_o: set[int] = set()
    out = []
    for f, i, j in ranked:
        if f < MATCH_F1:
            break
        if i in used_b or j in used_o:
            continue
        used_b.add(i)
        used_o.add(j)
        out.append((i, j))
    return out


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def load_pairs(blind_dir: Path, src_dir: Path) -> dict[str, Any]:
    """Parse both sides of every article in ``blind_dir`` and pair their attributions. Raises
    ``ValueError`` when an article's plain text differs between the two (misaligned files)."""
    build, score, cue_class = _modules()
    articles = []
    for blind_article in build.read_sources(blind_dir):
        path = src_dir / blind_article.name
        orig_article = build.parse_article(path.read_text(encoding="utf-8"), path.name)
        if orig_article.text != blind_article.text:
            raise ValueError(f"{blind_article.name}: plain text differs from {path}")
        blind, orig = relations(blind_article), relations(orig_article)
        articles.append((blind, orig, pair(score, blind, orig)))
    return {"score": score, "cue_class": cue_class, "articles": articles}


def _tally(rows: list[tuple[Rel | None, Rel | None]], score: ModuleType) -> dict[str, Any]:
    """Figures over (blind, original) rows: a pair, a blind-only (None original) or an
    original-only (None blind) attribution."""
    pairs = [(b, o) for b, o in rows if b and o]
    n_blind = sum(1 for b, _ in rows if b)
    n_orig = sum(1 for _, o in rows if o)
    m = len(pairs)
    p = m / n_blind if n_blind else 0.0
    r = m / n_orig if n_orig else 0.0
    exact_spans = sum(b.content == o.content for b, o in pairs)
    exact_text = sum(score._exact(b.content_text) == score._exact(o.content_text) for b, o in pairs)
    with_source = [(b, o) for b, o in pairs if o.source]
    source_ok = sum(
        score.overlap_f1(b.source_text, o.source_text) >= MATCH_F1 for b, o in with_source
    )
    return {
        "n_orig": n_orig,
        "n_blind": n_blind,
        "matched": m,
        "P": p,
        "R": r,
        "F1": _f1(p, r),
        "content_exact_spans": exact_spans / m if m else 0.0,
        "exact_F1": _f1(
            exact_text / n_blind if n_blind else 0.0, exact_text / n_orig if n_orig else 0.0
        ),
        "source_acc": source_ok / len(with_source) if with_source else 0.0,
        "source_same_spans": sum(b.source == o.source for b, o in pairs) / m if m else 0.0,
        "cue_same_span": sum(b.cue == o.cue for b, o in pairs) / m if m else 0.0,
        "cue_overlap": sum(_overlaps(b.cue, o.cue) for b, o in pairs) / m if m else 0.0,
    }


def rows_of(loaded: dict[str, Any]) -> list[tuple[Rel | None, Rel | None]]:
    rows: list[tuple[Rel | None, Rel | None]] = []
    for blind, orig, pairs in loaded["articles"]:
        paired_b = {i for i, _ in pairs}
        paired_o = {j for _, j in pairs}
        rows += [(blind[i], orig[j]) for i, j in pairs]
        rows += [(b, None) for i, b in enumerate(blind) if i not in paired_b]
        rows += [(None, o) for j, o in enumerate(orig) if j not in paired_o]
    return rows


def agreement(blind_dir: Path, src_dir: Path) -> dict[str, Any]:
    """Overall figures, figures by cue class and the disagreements (see the module doc). A row's
    cue class is its original Cue's, a blind-only attribution's its own."""
    loaded = load_pairs(blind_dir, src_dir)
    score, cue_class = loaded["score"], loaded["cue_class"]
    rows = rows_of(loaded)
    by_class: dict[str, list[tuple[Rel | None, Rel | None]]] = {}
    for b, o in rows:
        by_class.setdefault(cue_class((o or b).cue_text), []).append((b, o))  # type: ignore[union-attr]
    return {
        "articles": len(loaded["articles"]),
        "overall": _tally(rows, score),
        "by_cue_class": {
            name: _tally(part, score)
            for name, part in sorted(by_class.items(), key=lambda kv: -len(kv[1]))
        },
        "disagreements": disagreements(rows, score),
    }


def disagreements(rows: list[tuple[Rel | None, Rel | None]], score: ModuleType) -> list[dict]:
    """One entry per unpaired attribution and per paired one whose Content, Source or Cue spans
    differ: its kind(s), article, and both sides' texts."""
    out = []
    for b, o in rows:
        if b and o:
            kinds = [
                kind
                for kind, differs in (
                    ("content", b.content != o.content),
                    ("source", b.source != o.source),
                    ("cue", b.cue != o.cue),
                )
                if differs
            ]
            if not kinds:
                continue
        else:
            kinds = ["blind only" if b else "original only"]
        first = o or b
        assert first is not None
        entry: dict[str, Any] = {"article": first.article, "kinds": kinds}
        for side, rel in (("orig", o), ("blind", b)):
            if rel:
                entry[side] = {
                    "n": rel.number,
                    "source": rel.source_text,
                    "cue": rel.cue_text,
                    "content": rel.content_text,
                }
        if b and o:
            entry["source_match"] = (
                score.overlap_f1(b.source_text, o.source_text) >= MATCH_F1
                if o.source
                else not b.source
            )
        out.append(entry)
    return sorted(out, key=lambda e: (e["article"], e.get("orig", e.get("blind"))["n"]))


def score_py(blind_dir: Path, src_dir: Path) -> dict[str, Any]:
    """``score.quote_scores`` itself, the originals as gold (through its own ``load_polnear``)
    and the blind attributions as predictions (Content as quote_text, Source as speaker_text).
    ``load_polnear`` names an article by its .ann file up to the last ``_`` (PolNeAR's
    ``<article>_<annotator>.ann``), so the originals are written as ``<id>_orig.ann``."""
    loaded = load_pairs(blind_dir, src_dir)
    build, score = sys.modules["corpus_build"], loaded["score"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        (out / "text").mkdir()
        (out / "attributions").mkdir()
        pred: dict[str, list[dict]] = {}
        for blind_article in build.read_sources(blind_dir):
            stem = Path(blind_article.name).stem
            path = src_dir / blind_article.name
            orig = build.parse_article(path.read_text(encoding="utf-8"), path.name)
            (out / "text" / f"{stem}.txt").write_text(orig.text, encoding="utf-8")
            (out / "attributions" / f"{stem}_orig.ann").write_text(
                build.to_brat(orig), encoding="utf-8"
            )
            pred[stem] = [
                {"quote_text": r.content_text, "speaker_text": r.source_text or None}
                for r in relations(blind_article)
            ]
        gold = score.load_polnear(out)
    return score.quote_scores(gold, pred)


FIGURES = (
    ("P", "P"),
    ("R", "R"),
    ("F1", "F1"),
    ("content_exact_spans", "Q exact"),
    ("exact_F1", "exact_F1"),
    ("source_acc", "S acc"),
    ("source_same_spans", "S same"),
    ("cue_same_span", "C same"),
    ("cue_overlap", "C overlap"),
)


def report(result: dict[str, Any]) -> list[str]:
    head = f"{'':32} {'orig':>5} {'blind':>5} {'pairs':>5} " + " ".join(
        f"{label:>9}" for _, label in FIGURES
    )
    lines = [f"{result['articles']} articles, blind against original", head]
    for name, t in [("overall", result["overall"]), *result["by_cue_class"].items()]:
        lines.append(
            f"{name:32} {t['n_orig']:5} {t['n_blind']:5} {t['matched']:5} "
            + " ".join(f"{t[key]:9.3f}" for key, _ in FIGURES)
        )
    lines.append("")
    lines.append(f"disagreements ({len(result['disagreements'])}):")
    for d in result["disagreements"]:
        lines.append(f"- {d['article']} [{', '.join(d['kinds'])}]")
        for side in ("orig", "blind"):
            if side in d:
                r = d[side]
                lines.append(
                    f"    {side:5} {r['n']:>2} S={r['source']!r} C={r['cue']!r} Q={r['content']!r}"
                )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--blind", type=Path, default=HERE / "blind")
    parser.add_argument("--src", type=Path, default=HERE / "src")
    parser.add_argument("--score", action="store_true", help="also score.py's quote_scores")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = agreement(args.blind, args.src)
    if args.score:
        result["score_py"] = score_py(args.blind, args.src)
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return 0
    print("\n".join(report(result)))
    if args.score:
        print("\nscore.py quote_scores (original as gold, blind as prediction):")
        print(json.dumps(result["score_py"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
