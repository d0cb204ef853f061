"""Train the text cleaner's line model (tasks/clean/line_model.json).

    .venv/bin/python bench/train_line_model.py [--l2 1.0] [--dry-run]

Where the weights come from: the even-numbered ScrapingHub pages (position in id order, the
cleaner's development half; ../shared/eval/scrapinghub), read as bench/eval_clean.py's text mode
reads them (visible text, ``normalize_text``), cut into lines as ``clean_text_dump`` cuts them
(``tasks.clean.line_model.page_line_features``). A line is labelled *article* when at least half
of its words sit in a 4-word shingle (lower-cased word tokens, as ``score.shingle_prf`` makes
them) that the gold body also holds; the shingles run across line ends, so a one-word line
inside the article is the article's and the same word in a menu is not. Lines without a word are
left out. Each line counts in proportion to its length (at least ``BAD_LINE_MIN_COST``), each
page as much as any other. The model is an L2-regularised logistic regression fitted by Newton's
method in numpy. The odd-numbered pages are held out: their line accuracy is printed, never
trained on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
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
    pages: list[tuple[str, str, str, str]], tokens
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Features, labels and weights of every worded line of the pages."""
    xs: list[list[float]] = []
    ys: list[float] = []
    ws: list[float] = []
    for _, _, html, gold in pages:
        lines, features = page_line_features(normalize_text(eval_clean.visible_text(html)))
        labels = line_labels(lines, gold, tokens)
        sizes = [max(text_length(t), BAD_LINE_MIN_COST) for t in lines]
        page_total = sum(s for s, y in zip(sizes, labels, strict=True) if y is not None) or 1
        for f, y, s in zip(features, labels, sizes, strict=True):
            if y is None:
                continue
            xs.append(f)
            ys.append(y)
            ws.append(s / page_total)
    return np.array(xs), np.array(ys), np.array(ws)


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
    # L2 0.1, 1 and 10 give text-mode F1 0.949, 0.950, 0.949 on the even pages: 1 is the middle
    # of a flat range.
    parser.add_argument("--l2", type=float, default=1.0, help="L2 penalty (per page-weight unit)")
    parser.add_argument("--dry-run", action="store_true", help="print, do not write the model")
    args = parser.parse_args(argv)
    tokens = eval_clean._score_module().tokens
    pages = eval_clean.load_scrapinghub(None)
    even, odd = pages[0::2], pages[1::2]
    x_even, y_even, w_even = page_table(even, tokens)
    x_odd, y_odd, w_odd = page_table(odd, tokens)
    beta = fit_logistic(x_even, y_even, w_even, args.l2)
    print(f"lines: {len(y_even)} even (train), {len(y_odd)} odd (held out)")
    print(
        f"weighted line accuracy: even {accuracy(x_even, y_even, w_even, beta):.3f}, "
        f"odd {accuracy(x_odd, y_odd, w_odd, beta):.3f}"
    )
    for name, value in zip(LINE_FEATURE_NAMES, beta, strict=True):
        print(f"  {name:28s} {value:+.3f}")
    if not args.dry_run:
        LINE_MODEL_PATH.parent.mkdir(exist_ok=True)
        model = {
            "description": "Logistic regression: is a line of a page's visible text the article's?"
            " Written by bench/train_line_model.py (see its docstring for data and labels).",
            "trained_on": f"ScrapingHub even-numbered pages ({len(even)} pages, "
            f"{len(y_even)} lines), {dt.date.today().isoformat()}",
            "l2": args.l2,
            "features": list(LINE_FEATURE_NAMES),
            "weights": [round(float(b), 4) for b in beta],
        }
        LINE_MODEL_PATH.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {LINE_MODEL_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
