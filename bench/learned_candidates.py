"""Would a learned attribution layer on top of the rules reach PolNeAR's targets? An experiment.

Every constituent the parse offers as something a word could report (each verb's or noun's
clause, object, prepositional object, the rest of a sentence around a parenthetical "he said",
each whole sentence) is a candidate Content. A logistic regression over parse features of the
candidate and its head word (the word, its dependency, its subject's kind, modal, negation,
the candidate's first word and length, quote marks, whether the rules know the word as a cue)
learns which candidates PolNeAR marks. Out-of-fold probabilities (4 folds by article) decide
which candidates to add to the rules' quotes: highest first, none overlapping a rule quote or
an earlier addition, only those with a subject for a speaker (the product has no quotes
without a "who"). The table is P/R/F1/exact/source for the rules alone and for each threshold.

    .venv/bin/python bench/learned_candidates.py --cache /tmp/polnear-docs

Needs scikit-learn (``pip install -e '.[bench]'``); runs on train only (about 7 minutes here).
Measured 2026-11-30 (docs/quotes.md): F1 0.717 -> 0.735 at best (threshold 0.7, 2114 quotes
added at about 0.6 precision), with exact F1 and source accuracy falling (0.542 -> 0.524,
0.869 -> 0.856); not adopted.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path
from typing import Any

import eval_quotes

from tasks.nlp import quotes

# Dependencies under which a word's reported content hangs (spaCy's English labels).
CHILD_DEPS = frozenset(
    {"ccomp", "xcomp", "dobj", "advcl", "acl", "attr", "acomp", "oprd", "relcl", "conj"}
    | {"csubj", "nsubj", "nsubjpass", "parataxis", "dative", "npadvmod", "appos"}
)
LENGTH_BUCKETS = (1, 2, 3, 5, 8, 12, 20, 35, 60)


def candidates(doc: Any) -> list[tuple[Any, str, int, int, Any]]:
    """(head word, kind, start token, end token, governing token) for each candidate span."""
    out = []
    for v in doc:
        for c in v.children:
            if c.dep_ in CHILD_DEPS:
                out.append((v, c.dep_, c.left_edge.i, c.right_edge.i + 1, c))
            elif c.dep_ in ("prep", "agent"):
                for g in c.children:
                    if g.dep_ in ("pobj", "pcomp"):
                        out.append((v, "prep_" + g.dep_, g.left_edge.i, g.right_edge.i + 1, g))
                        out.append((v, "prepfull", c.left_edge.i, c.right_edge.i + 1, c))
        if v.dep_ in ("parataxis", "advcl", "prep", "ccomp") and v.head is not v:
            h = v.head
            s0, s1 = h.left_edge.i, h.right_edge.i + 1
            if v.left_edge.i <= s0 + 1:
                out.append((v, "rest_after", v.right_edge.i + 1, s1, h))
            elif v.right_edge.i + 1 >= s1 - 1:
                out.append((v, "rest_before", s0, v.left_edge.i, h))
    for s in doc.sents:
        out.append((s.root, "sent", s.start, s.end, s.root))
    return [c for c in out if c[3] > c[2]]


def subject_of(v: Any) -> Any | None:
    for c in v.children:
        if c.dep_ in ("nsubj", "nsubjpass", "csubj"):
            return c
    if v.dep_ in ("xcomp", "conj", "advcl") and v.head is not v:
        return next((c for c in v.head.children if c.dep_ == "nsubj"), None)
    return None


def features(v: Any, kind: str, s: int, e: int, c: Any, doc: Any) -> list[str]:
    span, first = doc[s:e], doc[s]
    subj = subject_of(v)
    if subj is None:
        st = "none"
    elif subj.pos_ == "PRON":
        st = "pron:" + subj.lower_
    elif subj.ent_type_:
        st = "ent:" + subj.ent_type_
    else:
        st = "noun:" + subj.lower_
    length = next((str(b) for b in LENGTH_BUCKETS if e - s <= b), "big")
    vl, sk = v.lower_, st.split(":")[0]
    f = [
        f"k={kind}", f"v={vl}", f"vk={vl}|{kind}", f"vpos={v.pos_}", f"vtag={v.tag_}",
        f"vdep={v.dep_}", f"cpos={c.pos_}", f"ctag={c.tag_}", f"first={first.lower_}",
        f"firstk={first.lower_}|{kind}", f"len={length}", f"lenk={length}|{kind}", f"st={st}",
        f"stk={sk}|{kind}", f"stv={sk}|{vl}", f"last={doc[e - 1].lower_}", f"vdepk={v.dep_}|{kind}",
        f"{'vbefore' if v.i < s else 'vafter'}|{kind}",
    ]  # fmt: skip
    if kind.startswith("prep"):
        prep = c.head if kind in ("prep_pobj", "prep_pcomp") else c
        f += [f"prep={prep.lower_}|{vl}", f"prepk={prep.lower_}|{kind}"]
    if any(t.pos_ in ("VERB", "AUX") for t in span):
        f.append(f"hasverb|{kind}")
    if any(t.text in '"“”' for t in span):
        f.append(f"quotemark|{kind}")
    for a in v.children:
        if a.dep_ == "aux" and a.tag_ == "MD":
            f.append(f"modal={a.lower_}")
        elif a.dep_ == "neg":
            f.append("neg")
        elif a.dep_ == "auxpass":
            f.append(f"passive|{kind}")
    if quotes.is_speech_verb(v):
        f.append(f"speech|{kind}")
    if quotes.is_attitude_verb(v):
        f.append(f"attitude|{kind}")
    if subj is not None and subj.ent_type_ == "PERSON":
        f.append(f"personsubj|{vl}")
    return f


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, required=True, help="parsed docs (eval_quotes)")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--thresholds", default="0.5,0.6,0.7,0.8")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(eval_quotes.EVAL_DIR))
    import numpy as np  # noqa: PLC0415
    import score  # noqa: PLC0415
    from sklearn.feature_extraction import FeatureHasher  # noqa: PLC0415
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    from sklearn.model_selection import GroupKFold  # noqa: PLC0415

    from tasks.nlp.analyse import analyse_doc  # noqa: PLC0415

    articles, gold = eval_quotes.load_articles("train", args.limit)
    docs = eval_quotes.cached_docs("train", articles, args.cache)
    rows: list[tuple[str, int, int, list[str], str | None]] = []
    labels: list[bool] = []
    rules: dict[str, tuple[list[tuple[int, int]], list[dict[str, Any]]]] = {}
    for article, doc in zip(articles, docs, strict=True):
        name, body = article.article_id, article.body
        found = analyse_doc(article, doc).quotes
        rules[name] = (
            [(q.quote_start, q.quote_end) for q in found],
            eval_quotes.scored_quotes(found, body),
        )
        golds = [collections.Counter(score.tokens(g["content"])) for g in gold[name]]
        seen = set()
        for v, kind, s, e, c in candidates(doc):
            if (s, e) in seen:
                continue
            seen.add((s, e))
            a, b = doc[s].idx, doc[e - 1].idx + len(doc[e - 1])
            toks = collections.Counter(score.tokens(body[a:b]))
            n = sum(toks.values())
            best = 0.0
            for gt in golds:
                common = sum((toks & gt).values())
                if common:
                    p, r = common / n, common / sum(gt.values())
                    best = max(best, 2 * p * r / (p + r))
            subj = subject_of(v)
            speaker = doc[subj.left_edge.i : subj.right_edge.i + 1].text if subj else None
            rows.append((name, a, b, features(v, kind, s, e, c, doc), speaker))
            labels.append(best >= 0.5)

    x = FeatureHasher(n_features=2**20, input_type="string", alternate_sign=False).transform(
        r[3] for r in rows
    )
    y = np.array(labels)
    groups = np.array([r[0] for r in rows])
    prob = np.zeros(len(rows))
    for train, test in GroupKFold(4).split(x, y, groups):
        model = LogisticRegression(C=0.3, max_iter=2000, solver="liblinear")
        model.fit(x[train], y[train])
        prob[test] = model.predict_proba(x[test])[:, 1]

    by_article: dict[str, list[int]] = collections.defaultdict(list)
    for i, r in enumerate(rows):
        by_article[r[0]].append(i)
    bodies = {a.article_id: a.body for a in articles}
    print(f"PolNeAR train: {len(articles)} articles, {len(rows)} candidates ({y.mean():.2f} match)")
    print("\n| system | added | P | R | F1 | exact F1 | source acc |")
    print("|---|---|---|---|---|---|---|")
    base = score.quote_scores(gold, {n: rules[n][1] for n in gold})
    print(
        f"| rules | 0 | {base['P']:.3f} | {base['R']:.3f} | {base['F1']:.3f} | "
        f"{base['exact_F1']:.3f} | {base['source_acc']:.3f} |"
    )
    for threshold in map(float, args.thresholds.split(",")):
        pred, added = {}, 0
        for name in gold:
            taken = list(rules[name][0])
            out = list(rules[name][1])
            for i in sorted(by_article[name], key=lambda i: -prob[i]):
                _, a, b, _, speaker = rows[i]
                if prob[i] < threshold or not speaker:
                    continue
                if any(a < hi and lo < b for lo, hi in taken):
                    continue
                taken.append((a, b))
                out.append({"quote_text": bodies[name][a:b], "speaker_text": speaker})
                added += 1
            pred[name] = out
        s = score.quote_scores(gold, pred)
        print(
            f"| rules + model >= {threshold} | {added} | {s['P']:.3f} | {s['R']:.3f} | "
            f"{s['F1']:.3f} | {s['exact_F1']:.3f} | {s['source_acc']:.3f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
