"""Accuracy gate: quote extraction on PolNeAR dev must not fall below the measured floors.
(Speed is measured, not gated: bench/eval_quotes.py prints the NLP stage's words/s against
spaCy's and its speed budget.)

Floors sit just below the figures measured with bench/eval_quotes.py; they only ever move up
(raise one when a change lifts the measurement, never lower one to let a change through).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
POLNEAR_DEV = SHARED / "eval" / "polnear" / "dev"
BENCH = Path(__file__).resolve().parents[1] / "bench"

FLOORS = {
    "P": 0.86,  # measured 0.839 and 0.838 on 2026-11-22, 0.843 on 2026-11-29 (evening),
    # 0.838 on 2026-11-29 with attitude cues (recall traded for precision, still >= 0.83),
    # 0.866 on 2026-11-30 (nested quotes dropped; floor raised from 0.83), 0.863 later that day,
    # 0.865 in the third session (stance adjectives)
    "R": 0.64,  # measured 0.538 and 0.537 on 2026-11-22, 0.562 on 2026-11-29, 0.587 on 11-30,
    # 0.629 on 2026-11-30 (mined cues, participles; floor raised from 0.58), 0.643 later (0.62),
    # 0.644 twice after that (floor raised from 0.635), 0.646 with stance adjectives
    "F1": 0.735,  # measured 0.655 on 2026-11-22, 0.674 on 2026-11-29, 0.690 on 2026-11-29,
    # 0.728 on 2026-11-30 (floor raised from 0.68), 0.737 later that day (from 0.72), 0.738,
    # then 0.739 in the third session (floor raised from 0.73), 0.740
    "exact_F1": 0.56,  # measured 0.505 on 2026-11-29, 0.525 later that day, 0.535 on 11-30,
    # 0.560 on 2026-11-30 (floor raised from 0.525), 0.565 later that day (from 0.555)
    # Measured 0.889 on dev (0.894 on train), the Source scored as PolNeAR marks it: with what
    # commas set off, the relative pronoun for a cue in a relative clause, and the words after
    # a speaker who follows the cue (bench/eval_quotes.py: source_phrase).
    "source_acc": 0.885,
    # Quotes at confidence >= 0.8 (bench/eval_quotes.TRUSTED_CONFIDENCE), scored alone: what an
    # analyst filtering on confidence gets. Measured 0.907 (R 0.507) on 2026-11-30.
    "trusted_P": 0.90,
}
# Recall within the gold attributions whose Cue holds a speech verb (bench/eval_quotes.cue_class):
# what whosaid is built for, kept apart from the long tail of other cue words. Measured 0.836,
# then 0.837, on 2026-11-30.
SPEECH_VERB_RECALL = 0.83


@pytest.fixture(scope="module")
def dev_result() -> dict:
    if not POLNEAR_DEV.is_dir():
        pytest.skip(f"PolNeAR dev split absent: {POLNEAR_DEV}")
    sys.path.insert(0, str(BENCH))
    import eval_quotes

    return eval_quotes.run("dev", None)


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_quote_floor(dev_result: dict, metric: str) -> None:
    measured = dev_result["systems"]["whosaid"][metric]
    assert measured >= FLOORS[metric], f"{metric} {measured:.3f} below floor {FLOORS[metric]}"


@pytest.mark.shared
@pytest.mark.slow
def test_speech_verb_recall_floor(dev_result: dict) -> None:
    by_cue = dev_result["recall_by_cue"]
    assert sum(row["n"] for row in by_cue.values()) == dev_result["systems"]["whosaid"]["n_gold"]
    measured = by_cue["speech verb"]["R"]
    assert measured >= SPEECH_VERB_RECALL, f"speech-verb recall {measured:.3f}"


@pytest.mark.shared
@pytest.mark.slow
def test_beats_textacy_baseline(dev_result: dict) -> None:
    systems = dev_result["systems"]
    if "textacy direct_quotations" not in systems:
        pytest.skip("textacy not installed (pip install -e '.[bench]')")
    assert systems["whosaid"]["F1"] > systems["textacy direct_quotations"]["F1"]
