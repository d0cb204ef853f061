"""Prototypes: spend less on spaCy for the same quotes, measured against the current NLP stage.

    python bench/nlp_prototype.py --corpus bench/out/c2k --articles 200 --rounds 3

The current stage (``tasks.nlp.analyse.analyse_articles``) runs tok2vec, tagger, parser,
attribute_ruler
and NER over every sentence. Prototype B ("two-pass") starts from this: the extractors need a parse
only where speech is reported; NER is needed everywhere (speakers named earlier are resolved
later). So:

1. every sentence: tokenizer + ``senter`` (its own 16-wide tok2vec, cheap) + ``ner``;
2. candidate sentences only: tok2vec + tagger + parser + attribute_ruler, each sentence parsed as
   its own Doc, the tags and arcs copied back into the full Doc (other sentences get a flat tree:
   first token ROOT, the rest ``dep``, no tags). A candidate sentence holds a quote mark, a speech
   verb or noun form from the lexicon, or "according", or neighbours a sentence with quote marks;
3. the same extraction as ``analyse_articles`` (``tasks.nlp.analyse.analyse_doc``) over that Doc.

Prototype A swaps the ``attribute_ruler`` (a Matcher over 179 patterns that maps the tagger's
fine-grained TAG to POS) for a dictionary lookup built from those same patterns.

Each variant runs over the same texts in the same process, interleaved round by round, and is
reported as a ratio to spaCy's full ``en_core_web_sm`` ``nlp.pipe`` (the floor). Agreement with
the current stage is measured on what lands in the warehouse: quotes (kind, offsets, speaker
name), mentions and entity clusters (name, label, roles).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tasks.model import Analysis, Article  # noqa: E402
from tasks.nlp import analyse as nlp  # noqa: E402
from tasks.nlp import quotes  # noqa: E402

QUOTE_MARKS = set('"“”„«»')


def load_texts(corpus: Path, n: int) -> list[tuple[str, datetime | None]]:
    """(body, published) for the first ``n`` articles of a jsonl / jsonl.gz corpus."""
    out: list[tuple[str, datetime | None]] = []
    for path in sorted(corpus.glob("*.jsonl*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt") as fh:  # type: ignore[operator]
            for line in fh:
                rec = json.loads(line)
                out.append((rec["maintext"], datetime.fromisoformat(rec["date_publish"])))
                if len(out) >= n:
                    return out
    return out


def load_model(exclude: Iterable[str] = (), enable: Iterable[str] = ()):  # type: ignore[no-untyped-def]
    import importlib

    for name in nlp.MODEL_PACKAGES:
        try:
            model = importlib.import_module(name).load(exclude=list(exclude))
        except ImportError:
            continue
        for pipe in enable:
            model.enable_pipe(pipe)
        return model
    raise RuntimeError("no en_core_web_sm installed")


def _values(value: Any) -> list[str]:
    """A pattern value: a string, or ``{"IN": [...]}`` (others, e.g. REGEX, are not tables)."""
    if value is None:
        return []
    return list(value.get("IN", ())) if isinstance(value, dict) else [value]


def _attr(token: Any, key: str) -> Any:
    return {
        "TAG": token.tag_,
        "LOWER": token.lower_,
        "DEP": token.dep_,
        "IS_SPACE": token.is_space,
    }[key]


def _matches(token: Any, spec: dict[str, Any]) -> bool:
    for key, want in spec.items():
        got = _attr(token, key)
        if isinstance(want, dict):
            if "IN" in want and got not in want["IN"]:
                return False
            if "NOT_IN" in want and got in want["NOT_IN"]:
                return False
            if "REGEX" in want:
                return False  # no POS rule uses one
        elif got != want:
            return False
    return True


class TagToPos:
    """What the attribute_ruler does for POS, without its Matcher: the rules that only look at
    TAG and/or LOWER become dictionaries; the dozen that look at the parse (DEP) are checked one
    by one, after them, in the ruler's order. Built from the model's own patterns."""

    def __init__(self, model: Any) -> None:
        self.by_tag: dict[str, str] = {}
        self.by_word: dict[str, str] = {}
        self.by_word_tag: dict[tuple[str, str], str] = {}
        self.rules: list[tuple[list[dict[str, Any]], int, str]] = []
        for rule in model.get_pipe("attribute_ruler").patterns:
            pos = rule["attrs"].get("POS")
            if pos is None:
                continue
            for pattern in rule["patterns"]:
                keys = set(pattern[0])
                plain = len(pattern) == 1 and all(
                    not isinstance(v, dict) or set(v) == {"IN"} for v in pattern[0].values()
                )
                tags, words = _values(pattern[0].get("TAG")), _values(pattern[0].get("LOWER"))
                if plain and keys == {"TAG"}:
                    self.by_tag.update(dict.fromkeys(tags, pos))
                elif plain and keys == {"LOWER"}:
                    self.by_word.update(dict.fromkeys(words, pos))
                elif plain and keys == {"LOWER", "TAG"}:
                    self.by_word_tag.update({(w, t): pos for w in words for t in tags})
                else:
                    self.rules.append((pattern, rule.get("index", 0), pos))

    def __call__(self, doc: Any) -> Any:
        for token in doc:
            tag, lower = token.tag_, token.lower_
            pos = (
                self.by_word_tag.get((lower, tag))
                or self.by_word.get(lower)
                or self.by_tag.get(tag)
            )
            for pattern, index, rule_pos in self.rules:
                start = token.i - index
                if start < 0 or start + len(pattern) > len(doc):
                    continue
                if all(_matches(doc[start + k], spec) for k, spec in enumerate(pattern)):
                    pos = rule_pos
            if pos:
                token.pos_ = pos
        return doc


def fast_pos_model():  # type: ignore[no-untyped-def]
    """``tasks.nlp.analyse.load_nlp()``'s pipeline with the attribute_ruler (a Matcher over 179
    patterns)
    swapped for ``TagToPos``."""
    from spacy.language import Language

    model = load_model(exclude=["lemmatizer"])
    tag_to_pos = TagToPos(model)
    Language.component("whosaid_tag_to_pos", func=tag_to_pos)
    model.add_pipe("whosaid_tag_to_pos", before="attribute_ruler")
    model.remove_pipe("attribute_ruler")
    return model


def candidate_sentences(doc: Any) -> list[Any]:
    verbs, nouns = quotes.speech_verb_forms(), quotes.speech_noun_forms()
    sents = list(doc.sents)
    marked = [any(ch in QUOTE_MARKS for ch in s.text) or "‘" in s.text for s in sents]
    keep = []
    for i, s in enumerate(sents):
        cue = any(t.lower_ in verbs or t.lower_ in nouns or t.lower_ == "according" for t in s)
        near_mark = marked[i] or (i > 0 and marked[i - 1]) or (i + 1 < len(sents) and marked[i + 1])
        if cue or near_mark:
            keep.append(s)
    return keep


class TwoPass:
    """NER + senter on everything, the parser only on candidate sentences."""

    def __init__(self, batch_size: int = 64) -> None:
        self.ner = load_model(
            exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"],
            enable=["senter"],
        )
        self.parse = load_model(exclude=["ner", "lemmatizer", "senter"])
        self.batch_size = batch_size
        self.sentences = 0
        self.parsed = 0

    def pipe(self, texts: Iterable[str]) -> Iterator[Any]:
        from spacy.attrs import DEP, HEAD, POS, TAG

        for doc in self.ner.pipe(texts, batch_size=self.batch_size):
            cands = candidate_sentences(doc)
            self.sentences += sum(1 for _ in doc.sents)
            self.parsed += len(cands)
            subs = list(self.parse.pipe((s.as_doc() for s in cands), batch_size=self.batch_size))
            attrs = [HEAD, DEP, TAG, POS]
            arr = np.zeros((len(doc), 4), dtype="int64")  # heads are relative, may be < 0
            root, flat = doc.vocab.strings.add("ROOT"), doc.vocab.strings.add("dep")
            for s in doc.sents:  # a flat tree per sentence keeps the sentence boundaries
                arr[s.start, 1] = root
                for t in range(s.start + 1, s.end):
                    arr[t, 0] = s.start - t
                    arr[t, 1] = flat
            for s, sub in zip(cands, subs, strict=True):
                arr[s.start : s.end] = sub.to_array(attrs).view("int64")
            ents = list(doc.ents)
            doc.from_array(attrs, arr.view("uint64"))
            doc.ents = ents
            yield doc


def keys(a: Analysis) -> dict[str, set]:
    return {
        "quotes": {(q.kind, q.quote_start, q.quote_end, q.speaker_name) for q in a.quotes},
        "mentions": {(m.start, m.end, m.label) for m in a.mentions},
        "entities": {(e.name, e.label, tuple(sorted(e.roles))) for e in a.entities},
    }


def agreement(ref: list[Analysis], new: list[Analysis]) -> dict[str, tuple[float, float]]:
    """(precision, recall) of ``new`` against ``ref``, per output."""
    out = {}
    for what in ("quotes", "mentions", "entities"):
        tp = fp = fn = 0
        for r, n in zip(ref, new, strict=True):
            a, b = keys(r)[what], keys(n)[what]
            tp, fp, fn = tp + len(a & b), fp + len(b - a), fn + len(a - b)
        out[what] = (tp / max(1, tp + fp), tp / max(1, tp + fn))
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, required=True, help="a jsonl(.gz) corpus from corpus.py")
    p.add_argument("--articles", type=int, default=200)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args(argv)

    texts = load_texts(args.corpus, args.articles)
    bodies = [t for t, _ in texts]
    words = sum(len(b.split()) for b in bodies)
    arts = [
        Article(
            f"a{i}",
            f"h{i}",
            "bench",
            f"line:{i}",
            None,
            None,
            None,
            None,
            (),
            pub,
            None,
            "en",
            body,
        )
        for i, (body, pub) in enumerate(texts)
    ]
    full = load_model()
    ner_only = load_model(exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
    parse_only = load_model(exclude=["attribute_ruler", "lemmatizer", "ner"])
    current = nlp.load_nlp()
    fast = fast_pos_model()
    two = TwoPass()

    results: dict[str, Any] = {}

    def run_current() -> list[Analysis]:
        return nlp.analyse_articles(arts)

    def run_fast() -> list[Analysis]:
        return [
            nlp.analyse_doc(a, d)
            for a, d in zip(arts, fast.pipe(bodies, batch_size=32), strict=True)
        ]

    def run_two() -> list[Analysis]:
        return [nlp.analyse_doc(a, d) for a, d in zip(arts, two.pipe(bodies), strict=True)]

    variants: dict[str, Callable[[], Any]] = {
        "spaCy full en_core_web_sm nlp.pipe (floor)": lambda: list(
            full.pipe(bodies, batch_size=64)
        ),
        "spaCy NER only": lambda: list(ner_only.pipe(bodies, batch_size=64)),
        "spaCy tok2vec+tagger+parser": lambda: list(parse_only.pipe(bodies, batch_size=64)),
        "whosaid load_nlp() pipe only (no extraction)": lambda: list(
            current.pipe(bodies, batch_size=32)
        ),
        "whosaid analyse_articles (current NLP stage)": run_current,
        "prototype A: TAG->POS table instead of attribute_ruler + same extraction": run_fast,
        "prototype B: two-pass (parse candidate sentences) + same extraction": run_two,
    }
    times: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(args.rounds):
        for name, fn in variants.items():
            t0 = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - t0)
    floor = "spaCy full en_core_web_sm nlp.pipe (floor)"
    print(
        f"\n{len(bodies)} articles, {words:,} words, {args.rounds} interleaved rounds; "
        "ratio = variant time / floor time in the same round, median\n"
    )
    print("| variant | time / floor | words/s vs floor |")
    print("|---|---:|---:|")
    for name in variants:
        ratio = statistics.median(t / f for t, f in zip(times[name], times[floor], strict=True))
        print(f"| {name} | {ratio:.2f} | {1 / ratio:.2f}x |")
    share = two.parsed / max(1, two.sentences)
    print(f"\ntwo-pass parsed {two.parsed:,} of {two.sentences:,} sentences ({share:.0%})")
    current_out = results["whosaid analyse_articles (current NLP stage)"]
    protos = [k for k in variants if k.startswith("prototype")]
    print(
        "\n| output | " + " | ".join(f"{k.split(':')[0]} precision | recall" for k in protos) + " |"
    )
    print("|---|" + "---:|---:|" * len(protos))
    scores = [agreement(current_out, results[k]) for k in protos]
    for what in ("quotes", "mentions", "entities"):
        cells = " | ".join(f"{sc[what][0]:.3f} | {sc[what][1]:.3f}" for sc in scores)
        print(f"| {what} | {cells} |")
    same = total = 0
    for a, b in zip(current.pipe(bodies[:20]), fast.pipe(bodies[:20]), strict=True):
        same += sum(x.pos == y.pos for x, y in zip(a, b, strict=True))
        total += len(a)
    print(
        f"\nprototype A gives the attribute_ruler's POS on {same / total:.4%} of {total:,} tokens"
    )


if __name__ == "__main__":
    main()
