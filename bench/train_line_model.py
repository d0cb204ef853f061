"""Train the text cleaner's line model (tasks/clean/line_model.json).

    .venv/bin/python bench/train_line_model.py [--labels gold|html] [--l2 1.0] [--dry-run]

Where the weights come from: the development part (even positions in sorted id order, as
``bench/eval_clean.py`` defines it) of every set that bench reads: ScrapingHub, L3S-GN1 and
Readability (../shared/eval). Each page is read as eval_clean's text mode reads it (visible text,
``normalize_text``), cut into lines as ``clean_text_dump`` cuts them
(``tasks.clean.line_model.page_line_features``). Pages whose visible text runs past
``MAX_LINES`` lines are left out (the re-flow is quadratic in a run of joined lines).

Labels (``--labels``): a line is *article* when at least half of its words sit in a 4-word
shingle (lower-cased word tokens, as ``score.shingle_prf`` makes them) that a reference body also
holds: the gold body (``gold``), or whosaid's own HTML-mode extraction of the page (``html``,
the default: any HTML page is then a labelled example; a page HTML mode finds nothing in is left
out). Measured with eval_clean's text mode, development positions (ScrapingHub, L3S-GN1,
Readability F1): gold labels 0.949, 0.950, 0.853; HTML-mode labels 0.949, 0.950, 0.854; the
earlier ScrapingHub-only gold model 0.950, 0.950, 0.853. The two are within noise of each
other; HTML-mode labels need no gold, so they are the default. The shingles run across line
ends, so a one-word line inside the article is the article's and the same word in a menu is not.
Lines without a word are left out. Each line counts in proportion to its length (at least
``BAD_LINE_MIN_COST``), each page as much as any other. The model is an L2-regularised logistic
regression fitted by Newton's method in numpy. The odd positions are held out: their line
accuracy is printed per set, never trained on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval_clean  # noqa: E402

from tasks.clean.line_model import (  # noqa: E402
    LINE_FEATURE_NAMES,
    LINE_MODEL_PATH,
    page_line_features,
)
from tasks.clean.line_shape import text_length  # noqa: E402
from tasks.clean.lines import BAD_LINE_MIN_COST  # noqa: E402
from tasks.clean.normalize import normalize_text  # noqa: E402

SHINGLE = 4
# A line is the article's when at least this share of its words is covered by gold shingles.
LABEL_MIN_SHARE = 0.5
# Pages of more visible-text lines than this are left out (tests/test_clean_floors.py skips them
# in text mode too).
MAX_LINES = 5000
LABELS = "html"
L2 = 1.0


def line_labels(lines: list[str], gold: str, tokens) -> list[float | None]:  # type: ignore[no-untyped-def]
    """1.0 / 0.0 per line (see LABEL_MIN_SHARE), None for a line without a word."""
    gold_tokens = tokens(gold)
    gold_shingles = {
        tuple(gold_tokens[k : k + SHINGLE]) for k in range(len(gold_tokens) - SHINGLE + 1)
    }
    stream: list[str] = []
    owner: list[int] = []
    for i, line in enumerate(lines):
        for token in tokens(line):
            stream.append(token)
            owner.append(i)
    covered = [False] * len(stream)
    for k in range(len(stream) - SHINGLE + 1):
        if tuple(stream[k : k + SHINGLE]) in gold_shingles:
            for m in range(k, k + SHINGLE):
                covered[m] = True
    total = [0] * len(lines)
    hit = [0] * len(lines)
    for k, i in enumerate(owner):
        total[i] += 1
        hit[i] += covered[k]
    return [
        None if t == 0 else float(h / t >= LABEL_MIN_SHARE) for h, t in zip(hit, total, strict=True)
    ]


def page_table(
    pages: Sequence[tuple[str, str]], tokens
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Features, labels and weights of every worded line of the pages, each a (normalised
    visible text, reference body) pair."""
    xs: list[list[float]] = []
    ys: list[float] = []
    ws: list[float] = []
    for text, reference in pages:
        lines, features = page_line_features(text)
        labels = line_labels(lines, reference, tokens)
        sizes = [max(text_length(t), BAD_LINE_MIN_COST) for t in lines]
        page_total = sum(s for s, y in zip(sizes, labels, strict=True) if y is not None) or 1
        for f, y, s in zip(features, labels, sizes, strict=True):
            if y is None:
                continue
            xs.append(f)
            ys.append(y)
            ws.append(s / page_total)
    width = len(LINE_FEATURE_NAMES)
    return np.array(xs).reshape(-1, width), np.array(ys), np.array(ws)


def examples(set_name: str, labels: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(visible text, reference body) of a set's development pages and of its held-out pages
    (see the module docstring for ``labels`` and the pages left out)."""
    development: list[tuple[str, str]] = []
    held: list[tuple[str, str]] = []
    for page in eval_clean.load_set(set_name):
        text = normalize_text(eval_clean.visible_text(page.html))
        if text.count("\n\n") + 1 > MAX_LINES:
            continue
        reference = page.body if labels == "gold" else eval_clean.html_mode(page.html, page.url)
        if not reference.strip():
            continue
        (held if eval_clean.held_out(page.position) else development).append((text, reference))
    return development, held


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float) -> np.ndarray:
    """Weighted logistic regression, L2 on all weights but the bias, by Newton's method."""
    beta = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    # Newton's method converges here in 7 steps (to a step under 1e-8); 50 is a cap. The logit is
    # clipped at +-30 (a probability within 1e-13 of 0 or 1) so exp() cannot overflow, and a
    # 1e-9 ridge keeps the Hessian invertible when a feature is constant on the pages.
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(x @ beta, -30, 30)))
        gradient = x.T @ (w * (p - y)) + penalty * beta
        hessian = (
            (x * (w * p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(len(beta))
        )
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def accuracy(x: np.ndarray, y: np.ndarray, w: np.ndarray, beta: np.ndarray) -> float:
    """Weighted share of lines on the right side of 0.5."""
    predicted = (x @ beta) > 0
    return float((w * (predicted == (y > 0.5))).sum() / w.sum())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--labels",
        choices=["gold", "html"],
        default=LABELS,
        help="reference body a line is labelled by: the gold body or HTML mode's",
    )
    parser.add_argument("--l2", type=float, default=L2, help="L2 penalty (per page-weight unit)")
    parser.add_argument("--dry-run", action="store_true", help="print, do not write the model")
    args = parser.parse_args(argv)
    tokens = eval_clean._score_module().tokens
    tables = {}
    for set_name in eval_clean.SETS:
        development, held = examples(set_name, args.labels)
        tables[set_name] = (
            len(development),
            page_table(development, tokens),
            page_table(held, tokens),
        )
    x = np.concatenate([t[1][0] for t in tables.values()])
    y = np.concatenate([t[1][1] for t in tables.values()])
    w = np.concatenate([t[1][2] for t in tables.values()])
    beta = fit_logistic(x, y, w, args.l2)
    for set_name, (n_pages, train, held_table) in tables.items():
        print(
            f"{eval_clean.SETS[set_name]}: {n_pages} pages, {len(train[1])} lines trained on; "
            f"weighted line accuracy {accuracy(*train, beta):.3f} trained, "
            f"{accuracy(*held_table, beta):.3f} held out ({len(held_table[1])} lines)"
        )
    for name, value in zip(LINE_FEATURE_NAMES, beta, strict=True):
        print(f"  {name:28s} {value:+.3f}")
    if not args.dry_run:
        LINE_MODEL_PATH.parent.mkdir(exist_ok=True)
        trained_on = ", ".join(
            f"{eval_clean.SETS[n]} {t[0]} pages ({len(t[1][1])} lines)" for n, t in tables.items()
        )
        model = {
            "description": "Logistic regression: is a line of a page's visible text the article's?"
            " Written by bench/train_line_model.py (see its docstring for data and labels).",
            "trained_on": f"even positions of {trained_on}; labels from the {args.labels} body; "
            f"{dt.date.today().isoformat()}",
            "labels": args.labels,
            "l2": args.l2,
            "features": list(LINE_FEATURE_NAMES),
            "weights": [round(float(b), 4) for b in beta],
        }
        LINE_MODEL_PATH.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {LINE_MODEL_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
