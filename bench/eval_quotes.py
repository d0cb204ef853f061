"""Quote extraction on PolNeAR: whosaid's NLP stage against textacy's baseline, with speed.

Builds ``Article`` records from a PolNeAR split, runs them through
``tasks.nlp.analyse.analyse_articles``
(the NLP stage the flow runs), and scores the quotes with ``score.quote_scores`` from
``../shared/eval``. textacy's ``direct_quotations`` over the same spaCy docs is the baseline.
Speed is words per second of ``analyse_articles`` relative to spaCy's own ``nlp.pipe`` over the
same texts (a ratio, so it means the same on any machine).

    .venv/bin/python bench/eval_quotes.py --split dev
    .venv/bin/python bench/eval_quotes.py --split train --limit 200 --json /tmp/train.json
    .venv/bin/python bench/eval_quotes.py --split train --cache /tmp/polnear-docs
    .venv/bin/python bench/eval_quotes.py --split dev --path warehouse

``--path warehouse`` scores what a user's query returns instead: the split written as a
news-please JSONL dump, put through ``whosaid ingest`` into a temporary warehouse, and the
``quotes`` rows scored against PolNeAR (offsets index the cleaned ``articles.body``).

``--upper-bound MODEL`` adds a row for whosaid with a learned attribution layer trained on
PolNeAR itself (``whosaid train-attribution ../shared/eval/polnear/train -o MODEL``, a folder
outside the repo): the most a learned layer of this kind gets from PolNeAR-sized annotations,
beside the default (the rules alone, as no model ships) and textacy.

``--cache DIR`` is for developing the rules: the parsed docs are kept in DIR (parsed once, by
whosaid's own pipeline) and only ``tasks.nlp.analyse.analyse_doc`` runs again, so no speed is
measured and textacy is skipped. Keep DIR outside the repo: the docs hold PolNeAR's texts.

Every quote names the rule that found it (``Quote.rule``). ``--by-rule`` adds each rule's quotes
scored on their own (their precision is what ``tasks.nlp.quotes.rules.CONFIDENCE`` records);
``--rule NAME`` (repeatable) scores only the quotes of those rules. ``--no-attitudes`` and
``--keep-nested`` run the extraction with those ``QuoteOptions`` changed, to measure what each
default is worth. ``--source-errors`` lists the quotes whose content matches a gold attribution
but whose speaker misses its Source (what source accuracy counts against).

    .venv/bin/python bench/eval_quotes.py --split train --cache /tmp/polnear-docs --by-rule
    .venv/bin/python bench/eval_quotes.py --cache /tmp/polnear-docs --rule marked_cue

Mapping to PolNeAR's attributions: every Quote becomes one prediction, except a partial quote
whose words lie inside an indirect quote (``he said he had "huge sympathy" for ...``): PolNeAR
gives each token to one attribution, so only the enclosing clause is scored, whatever its cue.
A direct quote right after "that" (``warned that "nobody ..."``) is scored from "that", and a
speaker with words set off after it before the cue (``Jon Ralston, who runs a newsletter, said``)
with those words, as PolNeAR's Content and Source spans run.
"""

from __future__ import annotations

import argparse
import collections
import functools
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

UPPER_BOUND = "whosaid + PolNeAR-trained layer (upper bound)"

# Articles per timing round (one analyse_articles batch is 32 docs; 16 keeps rounds short).
SPEED_CHUNK = 16
# The speed budget: whosaid's NLP stage may take at most twice spaCy's own nlp.pipe time on the
# same texts (the 2x budget of docs/quotes.md), so its words/s ratio to spaCy stays >= 0.5.
SPEED_BUDGET_RATIO = 0.5
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EVAL_DIR = SHARED / "eval"
# The train articles no rule is developed on (the identity gold's held-out part): the train
# split's scores are also printed for them apart, and for the rest.
IDENTITY_GOLD = Path(__file__).resolve().parent / "gold" / "polnear_identity.tsv"


def load_articles(split: str, limit: int | None) -> tuple[list[Any], dict[str, list[dict]]]:
    """Articles of one PolNeAR split (those with gold attributions) and their gold relations."""
    sys.path.insert(0, str(EVAL_DIR))
    import score  # noqa: PLC0415

    from tasks.model import Article

    gold = score.load_polnear(EVAL_DIR / "polnear" / split)
    names = sorted(gold)[:limit] if limit else sorted(gold)
    articles = []
    for name in names:
        body = (EVAL_DIR / "polnear" / split / "text" / f"{name}.txt").read_text()
        articles.append(
            Article(
                article_id=name,
                content_hash=hashlib.sha256(body.encode()).hexdigest(),
                source_uri=f"polnear:{split}",
                source_locator=name,
                url=None,
                outlet=name.split("_", 1)[0],
                title=None,
                standfirst=None,
                authors=(),
                published_at=None,
                published_at_source=None,
                language="en",
                body=body,
            )
        )
    return articles, {name: gold[name] for name in names}


def source_phrase(quote: Any, body: str) -> str | None:
    """The speaker as PolNeAR marks a Source: the name with what follows it set off by commas
    or dashes before the cue (an appositive role, an age, a relative clause), else with its
    appositive role if one follows.

    whosaid keeps "Mark Serwotka" as speaker_text and "general secretary of the PCS union" as
    speaker_role; PolNeAR's Source span is "Mark Serwotka, general secretary of the PCS union"
    (and "Jon Ralston, who runs a newsletter," for "Jon Ralston, who runs a newsletter, said").
    """
    if quote.speaker_text is None or quote.speaker_end is None:
        return quote.speaker_text
    if quote.cue_start is not None and quote.speaker_start < quote.cue_start:
        gap = body[quote.speaker_end : quote.cue_start]
        relative = RELATIVE_CUE.fullmatch(gap)
        if relative:
            # "Trump, who says he ...": the cue is in the relative clause, and PolNeAR's Source
            # is the relative pronoun; whosaid's speaker_text is the person it stands for.
            return relative.group(1)
        # "Jon Ralston, who runs a newsletter, said": PolNeAR's Source runs up to the cue,
        # with whatever the commas (or dashes) set off after the name.
        set_off = SET_OFF.fullmatch(gap) if len(gap) <= SET_OFF_MAX_CHARS else None
        if set_off:
            return body[quote.speaker_start : quote.speaker_end + set_off.end(1)]
    if quote.cue_start is not None and quote.speaker_start > quote.cue_start:
        # "..., said Brian Baker, a longtime adviser to the family who runs the campaign.":
        # after the cue, PolNeAR's Source runs over the words set off after the name to the
        # end of the sentence.
        after = TRAILING_SET_OFF.match(body, quote.speaker_end)
        if after and after.end() - quote.speaker_end <= SET_OFF_MAX_CHARS:
            return body[quote.speaker_start : after.end()]
    if not quote.speaker_role:
        return quote.speaker_text
    window = body[quote.speaker_end : quote.speaker_end + len(quote.speaker_role) + 12]
    at = window.find(quote.speaker_role)
    if at < 0 or not APPOSITIVE_GAP.fullmatch(window[:at]):
        return quote.speaker_text
    return body[quote.speaker_start : quote.speaker_end + at + len(quote.speaker_role)]


APPOSITIVE_GAP = re.compile(r",\s+(?:(?:the|a|an)\s+)?")
# Words set off after a speaker who follows the cue, to the end of the sentence: ", a pollster
# at Clemson." / ", who runs the campaign." (not into a quote or another clause).
TRAILING_SET_OFF = re.compile(r",\s[^\n\"“”;:]*?(?=[.!?]\s|[.!?]$|\n|$)")
# A cue inside a relative clause on the speaker: ", who says", " who has long argued" (no comma
# closes the clause before the cue, which SET_OFF's ", who runs a newsletter, said" has).
RELATIVE_CUE = re.compile(r",?\s*(who|that|which)\b[^,;:\n]{0,40}", re.IGNORECASE)
# Words set off between a speaker and the cue: ", a pollster at Clemson," / " — a teacher —" /
# " (D-Md.), chair of the committee,"; an adverb may stand before the cue ("..., also said").
SET_OFF = re.compile(r"(\s*(?:,|\s[—–-]|\s\()[^\n]*?[,—–)])\s*(?:\w+ly\s+|also\s+)?")
# Tried 2026-11-30 on train: leaving out set-off phrases that say how or where ("in an interview",
# "speaking on condition of anonymity") or have more than two commas lowered source accuracy
# (0.870 -> 0.868, 0.867): PolNeAR's Sources keep them more often than not.
SET_OFF_MAX_CHARS = 160


QUOTE_MARKS = "\"“”‘’'"
THAT_BEFORE_MARK = re.compile(r"\b(that)\s*[\"“‘']$", re.IGNORECASE)


def content_text(quote: Any, body: str) -> str:
    """quote_text, or for a split quote its segments as PolNeAR writes a discontinuous Content:
    each piece with its own quote marks, joined by a space ('"A," "B."')."""
    if not quote.segments:
        lead = THAT_BEFORE_MARK.search(body, max(0, quote.quote_start - 10), quote.quote_start)
        if quote.kind == "direct" and lead:
            # 'warned that "nobody can cross"': PolNeAR's Content starts at "that".
            return body[lead.start(1) : quote.quote_start] + quote.quote_text
        return quote.quote_text
    pieces = []
    for start, end in quote.segments:
        lo, hi = start, end
        while lo > max(0, start - 2) and body[lo - 1] in QUOTE_MARKS:
            lo -= 1
        while hi < min(len(body), end + 2) and body[hi] in QUOTE_MARKS:
            hi += 1
        pieces.append(body[lo:hi])
    return " ".join(pieces)


def scored_quotes(quotes: tuple[Any, ...], body: str) -> list[dict[str, Any]]:
    """The predictions one article's quotes stand for (see the module docstring)."""
    indirect = [q for q in quotes if q.kind == "indirect"]
    out = []
    for q in quotes:
        if q.kind == "partial" and any(
            i.quote_start <= q.quote_start < i.quote_end for i in indirect
        ):
            continue
        out.append(
            {
                "quote_text": content_text(q, body),
                "speaker_text": source_phrase(q, body),
                "speaker_name": q.speaker_name,
                # Not scored; kept in --json output to break precision down by cue and kind.
                "kind": q.kind,
                "rule": q.rule,
                "cue": q.cue,
                "confidence": q.confidence,
                "start": q.quote_start,
                "end": q.quote_end,
            }
        )
    return out


# Analysts who want rows they can trust filter on confidence; the eval reports what that filter
# buys: the predictions at or above this confidence, scored on their own.
TRUSTED_CONFIDENCE = 0.8


def trusted_scores(score: Any, gold: dict[str, list[dict]], ours: dict[str, list[dict]]) -> dict:
    """P and R of the predictions with confidence >= TRUSTED_CONFIDENCE, scored alone."""
    kept = {
        name: [p for p in preds if p["confidence"] >= TRUSTED_CONFIDENCE]
        for name, preds in ours.items()
    }
    s = score.quote_scores(gold, kept)
    return {"trusted_P": s["P"], "trusted_R": s["R"], "trusted_n": s["n_pred"]}


def matched_pairs(score: Any, preds: list[dict], rels: list[dict]) -> list[tuple[int, int]]:
    """(prediction, gold) index pairs as ``score.quote_scores`` pairs them: one to one, best
    content overlap first, token F1 >= 0.5."""
    ranked = sorted(
        (
            (score.overlap_f1(p["quote_text"], g["content"]), i, j)
            for i, p in enumerate(preds)
            for j, g in enumerate(rels)
        ),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for f, i, j in ranked:
        if f < 0.5:
            break
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return pairs


def source_errors(
    score: Any, gold: dict[str, list[dict]], ours: dict[str, list[dict]]
) -> list[dict[str, Any]]:
    """The matched pairs whose gold relation has a Source that whosaid's speaker misses: the
    pairs ``score.quote_scores`` counts against source accuracy (``matched_pairs``)."""
    errors = []
    for article, rels in gold.items():
        preds = ours.get(article, [])
        for i, j in matched_pairs(score, preds, rels):
            p, g = preds[i], rels[j]
            if not g.get("source"):
                continue
            best = max(
                score.overlap_f1(p.get("speaker_text") or "", g["source"]),
                score.overlap_f1(p.get("speaker_name") or "", g["source"]),
            )
            if best < 0.5:
                errors.append(
                    {
                        "article": article,
                        "gold_source": g["source"],
                        "speaker_text": p.get("speaker_text"),
                        "speaker_name": p.get("speaker_name"),
                        "rule": p["rule"],
                        "cue": p["cue"],
                        "content": p["quote_text"],
                    }
                )
    return errors


def source_error_lines(errors: list[dict[str, Any]]) -> list[str]:
    """One line per source error: the article, the rule and cue, gold Source against whosaid's
    speaker phrase and name, and the start of the content."""
    lines = [f"{len(errors)} matched quotes whose speaker misses the gold Source:"]
    for e in errors:
        content = " ".join(e["content"].split())
        lines.append(
            f"- {e['article'][:40]} [{e['rule']} {e['cue']!r}] gold {e['gold_source']!r} | "
            f"ours {e['speaker_text']!r} ({e['speaker_name']!r}) | {content[:90]!r}"
        )
    return lines


def only_rules(ours: dict[str, list[dict]], rules: set[str]) -> dict[str, list[dict]]:
    """The predictions whose quote was found by one of ``rules``."""
    return {name: [p for p in preds if p["rule"] in rules] for name, preds in ours.items()}


def rule_scores(score: Any, gold: dict[str, list[dict]], ours: dict[str, list[dict]]) -> dict:
    """Each rule's predictions scored on their own: how many, and their precision."""
    from schemas.vocab import QuoteRule, values  # noqa: PLC0415
    from tasks.nlp.quotes import CONFIDENCE  # noqa: PLC0415

    found = {p["rule"] for preds in ours.values() for p in preds}
    out = {}
    for rule in (r for r in values(QuoteRule) if r in found):
        s = score.quote_scores(gold, only_rules(ours, {rule}))
        out[rule] = {"n": s["n_pred"], "P": s["P"], "confidence": CONFIDENCE[rule]}
    return out


# What kind of word cues each gold attribution, first match wins: the lexicons whosaid's rules
# read, then PolNeAR's attributions cued by anything else ("backing", "seemed", "voted for",
# "is expected to"), which no lexicon lists. Recall per class says where the misses are.
OUTSIDE = "outside the lexicons"


@functools.cache
def cue_classes() -> tuple[tuple[str, frozenset[str]], ...]:
    """(class, the word forms that put a Cue in it), in the order they are tried."""
    from tasks.nlp import quotes  # noqa: PLC0415

    return (
        ("speech verb", quotes.speech_verb_forms()),
        ("according to", frozenset({"according"})),
        ("speech noun", quotes.speech_noun_forms()),
        ("belief or wish", quotes.attitude_verb_forms() | quotes.stance_adjective_forms()),
        ("object or preposition verb", quotes.object_verb_forms() | set(quotes.prep_verb_forms())),
    )


def cue_class(cue: str | None) -> str:
    """The class of a gold Cue text, from the words in it (``cue_classes``, else ``OUTSIDE``)."""
    words = re.findall(r"[\w’']+", (cue or "").lower())
    for name, forms in cue_classes():
        if any(w in forms for w in words):
            return name
    return OUTSIDE


def recall_by_cue(score: Any, gold: dict[str, list[dict]], ours: dict[str, list[dict]]) -> dict:
    """Share of the gold and recall within it, per cue class: each class's relations scored as
    if they were the whole gold (so precision means nothing here and is not reported)."""
    classes = {a: [cue_class(g["cue"]) for g in rels] for a, rels in gold.items()}
    total = sum(len(rels) for rels in gold.values())
    out = {}
    for name in [name for name, _ in cue_classes()] + [OUTSIDE]:
        part = {
            a: [g for g, c in zip(rels, classes[a], strict=True) if c == name]
            for a, rels in gold.items()
        }
        n = sum(len(rels) for rels in part.values())
        if n:
            out[name] = {"n": n, "share": n / total, "R": score.quote_scores(part, ours)["R"]}
    return out


def warehouse_run(split: str, limit: int | None) -> dict[str, Any]:
    """Scores of the quotes a user's query returns: the split as a news-please JSONL dump
    through ``whosaid ingest`` (``bench/eval_identity.py``'s dump writer), predictions built
    from the warehouse's ``quotes`` rows and the cleaned ``articles.body`` their offsets
    index, mapped onto PolNeAR's conventions as the direct scoring maps them."""
    import tempfile  # noqa: PLC0415
    from types import SimpleNamespace  # noqa: PLC0415

    import duckdb  # noqa: PLC0415

    sys.path.insert(0, str(EVAL_DIR))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import eval_identity  # noqa: PLC0415
    import score  # noqa: PLC0415

    articles, gold = load_articles(split, limit)
    names = [a.article_id for a in articles]
    with tempfile.TemporaryDirectory(prefix="whosaid-quotes-") as tmp:
        warehouse = eval_identity.ingest_dump(split, names, Path(tmp))
        with duckdb.connect(str(warehouse / "whosaid.duckdb"), read_only=True) as con:
            cur = con.execute(
                "SELECT a.url, a.body, q.* FROM quotes q JOIN articles a USING (article_id) "
                "ORDER BY a.url, q.quote_start, q.quote_end"
            )
            columns = [d[0] for d in cur.description]
            rows = [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]
    by_url = eval_identity.article_of_url(names)
    quotes: dict[str, list[Any]] = {name: [] for name in names}
    bodies: dict[str, str] = {}
    kinds: dict[str, int] = {}
    for row in rows:
        name = by_url[row["url"]]
        bodies[name] = row["body"]
        segments = tuple((s["start"], s["end"]) for s in row["quote_segments"] or ())
        quotes[name].append(SimpleNamespace(**row, segments=segments))
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    ours = {name: scored_quotes(tuple(qs), bodies.get(name, "")) for name, qs in quotes.items()}
    return {
        "split": split,
        "path": "warehouse",
        "articles": len(articles),
        "words": sum(len(a.body.split()) for a in articles),
        "quote_kinds": kinds,
        "systems": {
            "whosaid (warehouse)": {
                **score.quote_scores(gold, ours),
                **trusted_scores(score, gold, ours),
            }
        },
        "recall_by_cue": recall_by_cue(score, gold, ours),
    }


def cached_docs(split: str, articles: list[Any], cache: Path) -> list[Any]:
    """whosaid's parse of each article, kept in ``cache`` as a DocBin (parsed on first use)."""
    from spacy.tokens import DocBin  # noqa: PLC0415

    from tasks.nlp.analyse import load_nlp

    nlp = load_nlp()
    cache.mkdir(parents=True, exist_ok=True)
    docs = []
    for article in articles:
        path = cache / f"{split}-{article.article_id}-{article.content_hash[:12]}.spacy"
        if path.exists():
            docs.extend(DocBin().from_disk(path).get_docs(nlp.vocab))
        else:
            doc = nlp(article.body)
            DocBin(docs=[doc]).to_disk(path)
            docs.append(doc)
    return docs


@contextmanager
def attribution_model_set(model: Path | str | None) -> Iterator[None]:
    """``WHOSAID_ATTRIBUTION_MODEL`` set to ``model`` (None: off) for the duration."""
    from tasks.nlp import attribution_model  # noqa: PLC0415

    before = os.environ.get(attribution_model.MODEL_ENV)
    os.environ[attribution_model.MODEL_ENV] = str(model) if model else "off"
    try:
        yield
    finally:
        if before is None:
            del os.environ[attribution_model.MODEL_ENV]
        else:
            os.environ[attribution_model.MODEL_ENV] = before


def cached_analyses(articles: list[Any], docs: list[Any], options: Any = None) -> list[Any]:
    """``analyse_doc`` over parsed docs, with whatever attribution model the environment names."""
    from tasks.nlp import attribution_model  # noqa: PLC0415
    from tasks.nlp.analyse import analyse_doc  # noqa: PLC0415
    from tasks.nlp.quotes import DEFAULT_OPTIONS  # noqa: PLC0415

    tagged = attribution_model.tag([a.body for a in articles])
    return [
        analyse_doc(article, doc, spans, options or DEFAULT_OPTIONS)
        for article, doc, spans in zip(articles, docs, tagged, strict=True)
    ]


def upper_bound_scores(
    score: Any, articles: list[Any], analyses: list[Any], gold: dict[str, list[dict]]
) -> dict[str, Any]:
    """The upper-bound row and its recall by cue class, from the analyses made with it on."""
    bodies = {a.article_id: a.body for a in articles}
    theirs = {a.article_id: scored_quotes(a.quotes, bodies[a.article_id]) for a in analyses}
    return {
        "system": {**score.quote_scores(gold, theirs), **trusted_scores(score, gold, theirs)},
        "recall_by_cue": recall_by_cue(score, gold, theirs),
    }


def cached_run(
    split: str,
    limit: int | None,
    cache: Path,
    options: Any = None,
    rules: set[str] | None = None,
    by_rule: bool = False,
    upper_bound: Path | None = None,
) -> dict[str, Any]:
    """Scores over parses kept in ``cache`` (parsed on the first call): rule development only."""
    sys.path.insert(0, str(EVAL_DIR))
    import score  # noqa: PLC0415

    articles, gold = load_articles(split, limit)
    docs = cached_docs(split, articles, cache)
    analyses = cached_analyses(articles, docs, options)
    out = {
        "split": split,
        "articles": len(articles),
        "words": sum(len(a.body.split()) for a in articles),
        **scored_run(score, articles, analyses, gold, rules, by_rule),
    }
    if upper_bound is not None:
        with attribution_model_set(upper_bound):
            learned = upper_bound_scores(
                score, articles, cached_analyses(articles, docs, options), gold
            )
        out["systems"][UPPER_BOUND] = learned["system"]
        out["recall_by_cue_upper"] = learned["recall_by_cue"]
    return out


def held_out_train_articles() -> set[str]:
    """The PolNeAR train articles of the identity gold's ``train-heldout`` part."""
    with IDENTITY_GOLD.open() as f:
        rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
    return {row[1] for row in rows[1:] if row[0] == "train-heldout"}


def part_scores(
    score: Any, gold: dict[str, list[dict]], ours: dict[str, list[dict]]
) -> dict[str, dict[str, Any]]:
    """The train split's scores over its developed articles and its held-out ones apart."""
    held = held_out_train_articles()
    out = {}
    for part, keep in (
        ("train-develop", lambda a: a not in held),
        ("train-heldout", held.__contains__),
    ):
        part_gold = {a: g for a, g in gold.items() if keep(a)}
        part_ours = {a: q for a, q in ours.items() if keep(a)}
        out[part] = {"articles": len(part_gold), **score.quote_scores(part_gold, part_ours)}
    return out


def scored_run(
    score: Any,
    articles: list[Any],
    analyses: list[Any],
    gold: dict[str, list[dict]],
    rules: set[str] | None,
    by_rule: bool,
) -> dict[str, Any]:
    """whosaid's scores, quote kinds and recall by cue class for analysed articles (only the
    quotes of ``rules`` when given), with each rule's scores when ``by_rule``."""
    bodies = {a.article_id: a.body for a in articles}
    ours = {a.article_id: scored_quotes(a.quotes, bodies[a.article_id]) for a in analyses}
    if rules:
        ours = only_rules(ours, rules)
    kinds = collections.Counter(
        q.kind for a in analyses for q in a.quotes if not rules or q.rule in rules
    )
    out: dict[str, Any] = {
        "quote_kinds": dict(kinds),
        "systems": {
            "whosaid": {**score.quote_scores(gold, ours), **trusted_scores(score, gold, ours)}
        },
        "recall_by_cue": recall_by_cue(score, gold, ours),
        "predictions": ours,
    }
    if by_rule:
        out["by_rule"] = rule_scores(score, gold, ours)
    if set(gold) & held_out_train_articles():
        out["parts"] = part_scores(score, gold, ours)
    return out


def _lemmatizer() -> Any:
    """The English model's rule lemmatizer as a callable on finished docs."""
    import importlib  # noqa: PLC0415

    from tasks.nlp.analyse import MODEL_PACKAGES

    for name in MODEL_PACKAGES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        full = module.load(exclude=["tok2vec", "tagger", "parser", "ner"])
        return full.get_pipe("lemmatizer")
    raise RuntimeError("no English spaCy model installed")


def run(
    split: str,
    limit: int | None,
    options: Any = None,
    rules: set[str] | None = None,
    by_rule: bool = False,
    upper_bound: Path | None = None,
) -> dict[str, Any]:
    """Scores and speed of the NLP stage the flow runs (``analyse_articles``) against spaCy's
    own ``nlp.pipe`` and textacy, over a fresh parse."""
    sys.path.insert(0, str(EVAL_DIR))
    import score  # noqa: PLC0415

    from tasks.nlp.analyse import analyse_articles, load_nlp
    from tasks.nlp.quotes import DEFAULT_OPTIONS

    articles, gold = load_articles(split, limit)
    nlp = load_nlp()
    texts = [a.body for a in articles]
    words = sum(len(t.split()) for t in texts)
    list(nlp.pipe(texts[:8], batch_size=32))  # warm up: first calls allocate and load

    # spaCy alone and whosaid's whole stage, interleaved chunk by chunk (the order flipping
    # each time), so load from other processes on a shared machine falls on both alike.
    # With an upper-bound model, the stage with it on is a third step of each round.
    docs: list[Any] = []
    analyses: list[Any] = []
    learned: list[Any] = []
    spacy_s = ours_s = learned_s = 0.0
    for n, at in enumerate(range(0, len(articles), SPEED_CHUNK)):
        chunk = articles[at : at + SPEED_CHUNK]
        steps = ["spacy", "ours"] + (["learned"] if upper_bound else [])
        for step in steps if n % 2 == 0 else reversed(steps):
            t0 = time.perf_counter()
            if step == "spacy":
                docs.extend(nlp.pipe([a.body for a in chunk], batch_size=32))
                spacy_s += time.perf_counter() - t0
            elif step == "ours":
                with attribution_model_set(None):
                    analyses.extend(analyse_articles(chunk, options=options or DEFAULT_OPTIONS))
                ours_s += time.perf_counter() - t0
            else:
                with attribution_model_set(upper_bound):
                    learned.extend(analyse_articles(chunk, options=options or DEFAULT_OPTIONS))
                learned_s += time.perf_counter() - t0

    ours = scored_run(score, articles, analyses, gold, rules, by_rule)
    ours["systems"]["whosaid"]["words_per_s_ratio"] = spacy_s / ours_s
    if upper_bound:
        upper = upper_bound_scores(score, articles, learned, gold)
        ours["systems"][UPPER_BOUND] = {**upper["system"], "words_per_s_ratio": spacy_s / learned_s}
        ours["recall_by_cue_upper"] = upper["recall_by_cue"]

    baseline: dict[str, list[dict[str, Any]]] = {}
    textacy_s = 0.0
    try:
        from textacy.extract import direct_quotations  # noqa: PLC0415

        # textacy picks cue verbs by lemma; whosaid's pipeline skips the lemmatizer, so the
        # model's own lemmatizer is run over the same docs first (and counted in its time).
        lemmatize = _lemmatizer()
        t0 = time.perf_counter()
        for article, doc in zip(articles, docs, strict=True):
            doc = lemmatize(doc)
            found = []
            try:
                triples = list(direct_quotations(doc))
            except Exception:  # textacy raises on some docs (e.g. unbalanced quotes)
                triples = []
            for speaker, _cue, content in triples:
                found.append(
                    {
                        "quote_text": " ".join(s.text for s in content)
                        if isinstance(content, list)
                        else content.text,
                        "speaker_text": " ".join(t.text for t in speaker),
                        "speaker_name": None,
                    }
                )
            baseline[article.article_id] = found
        textacy_s = time.perf_counter() - t0
    except ImportError:
        baseline = {}

    if baseline:
        ours["systems"]["textacy direct_quotations"] = {
            **score.quote_scores(gold, baseline),
            "words_per_s_ratio": spacy_s / (spacy_s + textacy_s),
        }
    return {
        "split": split,
        "articles": len(articles),
        "words": words,
        "spacy_words_per_s": words / spacy_s,
        "whosaid_words_per_s": words / ours_s,
        **ours,
    }


def table(result: dict[str, Any]) -> str:
    speed = result.get("spacy_words_per_s")
    lines = [
        f"PolNeAR {result['split']}: {result['articles']} articles, {result['words']} words"
        + (
            f"; spaCy nlp.pipe {speed:.0f} words/s"
            if speed
            else " (through whosaid ingest, no timing)"
            if result.get("path") == "warehouse"
            else " (cached parses, no timing)"
        ),
        "",
        "| system | P | R | F1 | exact F1 | source acc | words/s ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, s in result["systems"].items():
        label = "whosaid (default: the rules alone)" if name == "whosaid" else name
        lines.append(
            f"| {label} | {s['P']:.3f} | {s['R']:.3f} | {s['F1']:.3f} | {s['exact_F1']:.3f} | "
            f"{s['source_acc']:.3f} | {s.get('words_per_s_ratio', float('nan')):.2f} |"
        )
    ours = next(iter(result["systems"].values()))
    if "words_per_s_ratio" in ours and "whosaid_words_per_s" in result:
        ratio = ours["words_per_s_ratio"]
        lines += [
            "",
            f"speed: whosaid's NLP stage {result['whosaid_words_per_s']:.0f} words/s, "
            f"{ratio:.2f} of spaCy's; budget >= {SPEED_BUDGET_RATIO} "
            f"({'within' if ratio >= SPEED_BUDGET_RATIO else 'OVER'} budget)",
        ]
    lines += [
        "",
        f"{next(iter(result['systems']))} at confidence >= {TRUSTED_CONFIDENCE}: "
        f"{ours['trusted_n']} quotes, "
        f"P {ours['trusted_P']:.3f}, R {ours['trusted_R']:.3f}",
        "",
    ]
    if "parts" in result:
        lines += ["| whosaid, train part | articles | P | R | F1 | exact F1 | source acc |"]
        lines += ["|---|---|---|---|---|---|---|"]
        for part, s in result["parts"].items():
            lines.append(
                f"| {part} | {s['articles']} | {s['P']:.3f} | {s['R']:.3f} | {s['F1']:.3f} | "
                f"{s['exact_F1']:.3f} | {s['source_acc']:.3f} |"
            )
        lines.append("")
    upper = result.get("recall_by_cue_upper")
    lines += [
        "| gold attributions cued by | n | share | whosaid R |"
        + (" upper bound R |" if upper else ""),
        "|---|---|---|---|" + ("---|" if upper else ""),
    ]
    for name, row in result.get("recall_by_cue", {}).items():
        extra = f" {upper[name]['R']:.3f} |" if upper else ""
        lines.append(f"| {name} | {row['n']} | {row['share']:.3f} | {row['R']:.3f} |{extra}")
    if "by_rule" in result:
        lines += ["", "| rule | quotes | P alone | confidence |", "|---|---|---|---|"]
        for rule, row in result["by_rule"].items():
            lines.append(f"| {rule} | {row['n']} | {row['P']:.3f} | {row['confidence']:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=["dev", "train"], default="dev")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--cache", type=Path, default=None, help="keep parses here; score only, no timing"
    )
    parser.add_argument(
        "--rule", action="append", default=None, help="score only the quotes of this rule"
    )
    parser.add_argument(
        "--upper-bound",
        type=Path,
        default=None,
        help="a learned attribution layer trained on PolNeAR train (whosaid train-attribution)",
    )
    parser.add_argument("--by-rule", action="store_true", help="score each rule on its own")
    parser.add_argument(
        "--source-errors",
        action="store_true",
        help="list the quotes whose content matches gold but whose speaker misses its Source",
    )
    parser.add_argument("--no-attitudes", action="store_true", help="QuoteOptions(attitudes=False)")
    parser.add_argument(
        "--keep-nested", action="store_true", help="QuoteOptions(drop_nested=False)"
    )
    parser.add_argument(
        "--path",
        choices=["direct", "warehouse"],
        default="direct",
        help="direct: the NLP stage's quotes (default); warehouse: the rows a `whosaid ingest` "
        "of the split as a JSONL dump leaves in the warehouse",
    )
    args = parser.parse_args(argv)
    from schemas.vocab import QuoteRule, values  # noqa: PLC0415
    from tasks.nlp.quotes import QuoteOptions  # noqa: PLC0415

    unknown = sorted(set(args.rule or ()) - set(values(QuoteRule)))
    if unknown:
        print(f"no such rule {unknown}; rules: {', '.join(values(QuoteRule))}", file=sys.stderr)
        return 2
    if not (EVAL_DIR / "polnear" / args.split).is_dir():
        print(f"no PolNeAR data at {EVAL_DIR / 'polnear' / args.split}", file=sys.stderr)
        return 2
    options = QuoteOptions(attitudes=not args.no_attitudes, drop_nested=not args.keep_nested)
    rules = set(args.rule) if args.rule else None
    if args.path == "warehouse":
        result = warehouse_run(args.split, args.limit)
    elif args.cache:
        result = cached_run(
            args.split, args.limit, args.cache, options, rules, args.by_rule, args.upper_bound
        )
    else:
        result = run(args.split, args.limit, options, rules, args.by_rule, args.upper_bound)
    print(table(result))
    print(f"\nquote kinds: {result['quote_kinds']}")
    if args.source_errors and "predictions" in result:
        sys.path.insert(0, str(EVAL_DIR))
        import score  # noqa: PLC0415

        _articles, gold = load_articles(args.split, args.limit)
        errors = source_errors(score, gold, result["predictions"])
        print("\n" + "\n".join(source_error_lines(errors)))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
