"""Speaker identity on PolNeAR: does each real person's every quote land on one entity?

The gold is ``bench/gold/polnear_identity.tsv`` (how it was made: ``bench/gold/README.md``): each
gold attribution of the chosen PolNeAR articles, keyed by its Source and Content offsets, labelled
with the real person who speaks (a canonical full name), ``UNNAMED`` (a group, an organisation, a
document, an anonymous source) or ``NONE`` (no speaker). Parts: ``dev`` (all 84 dev articles),
``train-develop`` (train articles rules may be developed on) and ``train-heldout`` (train
articles to measure on only).

Two paths, the same scoring:

- ``nlp``: ``tasks.nlp.analyse.analyse_articles`` over the articles, their rows put through the
  load's identity step (``tasks.store.identity.resolve_identities``: people linked across
  articles) in an in-memory DuckDB;
- ``warehouse``: the articles as a news-please JSONL dump through ``whosaid ingest`` into a
  temporary warehouse, scored on the ``quotes`` and ``entities`` rows a user's query returns.

Matching: each whosaid quote is paired with a gold attribution by content overlap, one to one,
best first, token F1 >= 0.5 (``score.py``'s rule for quote content). Content, not the speaker
span, so that a quote given to the wrong speaker phrase still counts against speaker precision,
and so that the warehouse path, whose cleaned bodies can differ from PolNeAR's texts by a few
characters, is matched exactly as the in-process path is.

Figures, over the matched quotes of gold persons (UNNAMED and NONE are not persons):

- ``on_entity``: of a person's quotes resolved to an entity, the share on that person's majority
  entity (pooled over persons, and the worst person with at least ``MIN_QUOTES`` of them);
- ``merged``: entities holding resolved quotes of two or more gold persons, split by the
  cause of the quotes of people other than the entity's own (``error_cause``): ``by name``
  (a phrase naming one person joined to another's entity: one entity for two people),
  ``by reference`` (a pronoun or title resolved to the wrong person) and ``by speaker`` (the
  quote given to another phrase than its Source); an entity counts under the first cause of
  that order it has;
- ``precision``: of the matched quotes resolved to a PERSON entity (any gold label), the share
  whose gold person is that entity's person (the gold person with most quotes on it; of
  people with as many, the one sharing a word with the entity's name);
- ``unresolved``: of a person's matched quotes, the share with no PERSON entity as speaker;
- ``found``: the share of gold person quotes whosaid matched at all (quote recall, for context).

    .venv/bin/python bench/eval_identity.py                      # every part, both paths
    .venv/bin/python bench/eval_identity.py --part dev --path nlp --json /tmp/identity.json
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EVAL_DIR = SHARED / "eval"
POLNEAR = EVAL_DIR / "polnear"
GOLD = ROOT / "bench" / "gold" / "polnear_identity.tsv"
PARTS = ("dev", "train-develop", "train-heldout")
PATHS = ("nlp", "warehouse")
NOT_PERSONS = {"UNNAMED", "NONE"}
# score.py's threshold for a prediction to match a gold Content.
MATCH_F1 = 0.5
# A person needs this many resolved quotes to be ranked as the worst; one or two quotes make a
# share of 0 or 0.5 that says little.
MIN_QUOTES = 5


def _score() -> Any:
    sys.path.insert(0, str(EVAL_DIR))
    import score  # noqa: PLC0415

    return score


@dataclass(frozen=True)
class GoldQuote:
    """One gold attribution with the person who speaks it."""

    article: str
    content: str
    person: str
    source: str | None = None  # the Source span's words; None for an attribution with none


@dataclass(frozen=True)
class Said:
    """One whosaid quote: its text and the entity its speaker resolved to."""

    article: str
    quote_text: str
    entity_id: str | None
    entity_label: str | None
    entity_name: str | None
    speaker_text: str | None = None


def split_of(part: str) -> str:
    return "dev" if part == "dev" else "train"


def annotation_files(split: str) -> dict[str, Path]:
    """The one annotator's file per article that ``score.load_polnear`` reads (the first)."""
    first: dict[str, Path] = {}
    for ann in sorted((POLNEAR / split / "attributions").glob("*.ann")):
        first.setdefault(ann.name.rsplit("_", 1)[0], ann)
    return first


def relations_with_offsets(split: str, article: str, ann: Path) -> list[dict[str, Any]]:
    """The gold relations of one article as ``score.load_polnear`` builds them, with the first
    start and last end of their Source and Content spans (brat spans can be discontinuous)."""
    text = (POLNEAR / split / "text" / f"{article}.txt").read_text()
    spans: dict[str, list[tuple[int, int]]] = {}
    rels = []
    for line in ann.read_text().splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 3:
            _, _, ranges = parts[1].partition(" ")
            spans[parts[0]] = (
                [(int(a), int(b)) for a, b in (s.split() for s in ranges.split(";"))]
                if ranges
                else []
            )
        elif line.startswith("E"):
            args = dict(x.split(":") for x in parts[1].split())
            content = spans.get(args.get("Content", ""))
            if not content:
                continue
            source = spans.get(args.get("Source", ""))
            rels.append(
                {
                    "content": " ".join(text[a:b] for a, b in content),
                    "source_text": " ".join(text[a:b] for a, b in source) if source else None,
                    "content_start": content[0][0],
                    "content_end": content[-1][1],
                    "source_start": source[0][0] if source else None,
                    "source_end": source[-1][1] if source else None,
                }
            )
    return rels


def load_gold(parts: tuple[str, ...]) -> dict[str, dict[str, list[GoldQuote]]]:
    """{part: {article: [GoldQuote]}} for every gold attribution of the labelled articles, in the
    order ``score.load_polnear`` gives them (checked against it)."""
    score = _score()
    labels: dict[tuple[str, str], dict[tuple[int | None, int | None, int, int], str]] = {}
    with GOLD.open() as f:
        for row in csv.DictReader((x for x in f if not x.startswith("#")), delimiter="\t"):
            key = (
                int(row["source_start"]) if row["source_start"] else None,
                int(row["source_end"]) if row["source_end"] else None,
                int(row["content_start"]),
                int(row["content_end"]),
            )
            labels.setdefault((row["part"], row["article"]), {})[key] = row["person"]
    gold: dict[str, dict[str, list[GoldQuote]]] = {}
    for split in sorted({split_of(p) for p in parts}):
        reference = score.load_polnear(POLNEAR / split)
        files = annotation_files(split)
        for (part, article), by_key in sorted(labels.items()):
            if part not in parts or split_of(part) != split:
                continue
            rels = relations_with_offsets(split, article, files[article])
            if [r["content"] for r in rels] != [r["content"] for r in reference[article]]:
                raise ValueError(f"{article}: relations differ from score.load_polnear")
            quotes = []
            for r in rels:
                key = (r["source_start"], r["source_end"], r["content_start"], r["content_end"])
                if key not in by_key:
                    raise ValueError(f"{article}: gold attribution {key} has no label")
                source = r["source_text"]
                quotes.append(GoldQuote(article, r["content"], by_key[key], source))
            gold.setdefault(part, {})[article] = quotes
    return gold


def load_articles(split: str, names: list[str]) -> list[Any]:
    """PolNeAR texts as ``Article`` records, built as bench/eval_quotes.py builds them."""
    from tasks.model import Article  # noqa: PLC0415

    articles = []
    for name in names:
        body = (POLNEAR / split / "text" / f"{name}.txt").read_text()
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
    return articles


def said_in_process(split: str, names: list[str], cache: Path | None = None) -> list[Said]:
    """whosaid's quotes with the entity the load would give each speaker: the NLP stage's rows,
    put through the load's identity step (``tasks.store.identity.resolve_identities``) in an
    in-memory DuckDB. With ``cache``, parses are kept there (``bench/eval_quotes.py --cache``):
    for developing rules."""
    from tasks.nlp.analyse import analyse_articles, analyse_doc  # noqa: PLC0415

    articles = load_articles(split, names)
    if cache is None:
        analyses = analyse_articles(articles)
    else:
        from eval_quotes import cached_docs  # noqa: PLC0415

        docs = cached_docs(split, articles, cache)
        analyses = [analyse_doc(a, d) for a, d in zip(articles, docs, strict=True)]
    with identity_tables(analyses) as con:
        rows = con.execute(
            "SELECT q.article_id, q.quote_text, q.speaker_entity_id, e.label, e.name, "
            "q.speaker_text FROM quotes q "
            "LEFT JOIN entities e ON e.entity_id = q.speaker_entity_id"
        ).fetchall()
    return [Said(*r) for r in rows]


@contextmanager
def identity_tables(analyses: list[Any]) -> Iterator[Any]:
    """An in-memory DuckDB holding the analyses' mentions, entity occurrences and quotes after
    the load's identity step: what a warehouse holds of them, without Prefect or Parquet."""
    import duckdb  # noqa: PLC0415

    from tasks.store.identity import resolve_identities  # noqa: PLC0415
    from tasks.store.rows import analysis_tables  # noqa: PLC0415
    from tasks.store.warehouse import ensure_schema  # noqa: PLC0415

    con = duckdb.connect()
    try:
        ensure_schema(con)
        for name, table in analysis_tables(analyses).items():
            con.register("batch", table)
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM batch")
            con.unregister("batch")
        resolve_identities(con)
        yield con
    finally:
        con.close()


def _dump_url(name: str) -> str:
    return f"https://{name.split('_', 1)[0]}.example/{name}"


def write_dump(split: str, names: list[str], path: Path) -> None:
    """The articles as news-please JSON Lines, with PolNeAR's metadata, the article name in the
    URL (the scorer finds its rows by it)."""
    with (POLNEAR / "metadata.tsv").open() as f:
        meta = {r["filename"]: r for r in csv.DictReader(f, delimiter="\t")}
    with path.open("w") as out:
        for name in names:
            m = meta.get(name, {})
            date = m.get("publication_date")
            author = m.get("author")
            record = {
                "url": _dump_url(name),
                "source_domain": m.get("publisher"),
                "title": m.get("title"),
                "authors": [author] if author and author != "None" else [],
                "date_publish": f"{date} 12:00:00" if date else None,
                "language": "en",
                "maintext": (POLNEAR / split / "text" / f"{name}.txt").read_text(),
            }
            out.write(json.dumps(record) + "\n")


def ingest_dump(split: str, names: list[str], workdir: Path) -> Path:
    """The articles as a news-please JSONL dump (``write_dump``) through ``whosaid ingest`` into
    a warehouse under ``workdir``; the warehouse folder. ``article_of_url`` maps its rows back."""
    dump = workdir / "polnear.jsonl"
    warehouse = workdir / "warehouse"
    write_dump(split, names, dump)
    # This checkout's code, whichever checkout the venv was installed from.
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    subprocess.run(
        [str(Path(sys.executable).with_name("whosaid")), "ingest", str(dump), "-w", str(warehouse)],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": path},
    )
    return warehouse


def article_of_url(names: list[str]) -> dict[str, str]:
    """{dump URL: PolNeAR article name} for the articles ``write_dump`` wrote."""
    return {_dump_url(n): n for n in names}


def said_via_warehouse(split: str, names: list[str], workdir: Path) -> list[Said]:
    """whosaid's quotes as the warehouse holds them after ``whosaid ingest`` of a JSONL dump."""
    import duckdb  # noqa: PLC0415

    warehouse = ingest_dump(split, names, workdir)
    by_url = article_of_url(names)
    with duckdb.connect(str(warehouse / "whosaid.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT a.url, q.quote_text, q.speaker_entity_id, e.label, e.name, q.speaker_text "
            "FROM quotes q "
            "JOIN articles a USING (article_id) "
            "LEFT JOIN entities e ON e.entity_id = q.speaker_entity_id"
        ).fetchall()
    return [Said(by_url[url], *rest) for url, *rest in rows]


def match(gold: dict[str, list[GoldQuote]], said: list[Said]) -> list[tuple[GoldQuote, Said]]:
    """Gold and whosaid quotes paired one to one within each article, best overlap first."""
    overlap_f1 = _score().overlap_f1
    by_article: dict[str, list[Said]] = defaultdict(list)
    for s in said:
        by_article[s.article].append(s)
    pairs = []
    for article, golds in gold.items():
        preds = by_article.get(article, [])
        ranked = sorted(
            (
                (overlap_f1(p.quote_text, g.content), i, j)
                for i, p in enumerate(preds)
                for j, g in enumerate(golds)
            ),
            reverse=True,
        )
        used_p: set[int] = set()
        used_g: set[int] = set()
        for f1, i, j in ranked:
            if f1 < MATCH_F1:
                break
            if i in used_p or j in used_g:
                continue
            used_p.add(i)
            used_g.add(j)
            pairs.append((golds[j], preds[i]))
    return pairs


# Speaker phrases that refer to someone without naming them.
_REFERRING = frozenset(
    ("he", "she", "him", "her", "his", "they", "i", "we", "you", "it", "the", "this", "that")
    + ("who", "whom")
)


def _shares_word(entity_name: str | None, person: str) -> bool:
    words = set((entity_name or "").lower().replace(".", " ").split())
    return bool(words & set(person.lower().replace(".", " ").split()))


def error_cause(g: GoldQuote, s: Said) -> str:
    """Why a quote of person ``g.person`` sits on another person's entity:

    - ``name``: whosaid's speaker phrase is the gold Source (token F1 >= 0.5, score.py's rule
      for sources) and names someone: the name was joined to the wrong person (an identity
      error: one entity for two people);
    - ``reference``: the phrase is the gold Source but a pronoun or a title ("she", "the
      nominee"): the reference was resolved to the wrong person;
    - ``speaker``: the phrase is not the gold Source: the quote was given to someone else
      named nearby (an attribution error).
    """
    if g.source and s.speaker_text and _score().overlap_f1(s.speaker_text, g.source) >= 0.5:
        first = s.speaker_text.split()[0].lower()
        return "reference" if first in _REFERRING else "name"
    return "speaker"


def identity_scores(
    gold: dict[str, list[GoldQuote]], pairs: list[tuple[GoldQuote, Said]]
) -> dict[str, Any]:
    """The identity figures (module docstring) for one part and one path."""
    n_gold: Counter[str] = Counter(g.person for qs in gold.values() for g in qs)
    persons = sorted(p for p in n_gold if p not in NOT_PERSONS)
    found: Counter[str] = Counter()
    unresolved: Counter[str] = Counter()
    on: dict[str, Counter[str]] = defaultdict(Counter)  # person -> entity -> quotes
    held: dict[str, Counter[str]] = defaultdict(Counter)  # entity -> gold label -> quotes
    names: dict[str, str | None] = {}
    articles: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)  # entity -> (person, art)
    for g, s in pairs:
        is_person = s.entity_id is not None and s.entity_label == "PERSON"
        if is_person:
            held[s.entity_id][g.person] += 1  # type: ignore[index]
            names[s.entity_id] = s.entity_name  # type: ignore[index]
            articles[s.entity_id][(g.person, g.article)] += 1  # type: ignore[index]
        if g.person in NOT_PERSONS:
            continue
        found[g.person] += 1
        if not is_person:
            unresolved[g.person] += 1
        else:
            on[g.person][s.entity_id] += 1  # type: ignore[index]
    per_person = {}
    for p in persons:
        resolved = sum(on[p].values())
        top = on[p].most_common(1)
        per_person[p] = {
            "gold": n_gold[p],
            "found": found[p],
            "resolved": resolved,
            "on_entity": top[0][1] / resolved if resolved else None,
            "entities": len(on[p]),
            "unresolved": unresolved[p] / found[p] if found[p] else None,
        }
    owner = {}
    for e, labels in held.items():
        people = {k: v for k, v in labels.items() if k not in NOT_PERSONS}
        # Most quotes; of people with as many, the one the entity's name names ("Alan Cole"
        # holding one quote of Alan Cole and one of another economist is Alan Cole's).
        owner[e] = (
            max(people, key=lambda k: (people[k], _shares_word(names[e], k))) if people else None
        )
    merged = sorted(
        e for e, labels in held.items() if len([k for k in labels if k not in NOT_PERSONS]) >= 2
    )
    # Why each other person's quote sits on a merged entity (``error_cause``).
    causes: dict[str, Counter[str]] = defaultdict(Counter)
    misattributed = []
    for g, s in pairs:
        e = s.entity_id
        if e in owner and g.person not in NOT_PERSONS and g.person != owner[e]:
            cause = error_cause(g, s)
            causes[e][cause] += 1  # type: ignore[index]
            misattributed.append(
                f"{cause}: {g.person}'s quote on {names[e]!r} (phrase {s.speaker_text!r}, "
                f"gold Source {g.source!r}) @ {g.article}"
            )
    merged_by = Counter(
        next(c for c in ("name", "reference", "speaker") if causes[e][c]) for e in merged
    )
    n_resolved = sum(sum(c.values()) for c in held.values())
    n_right = sum(c[owner[e]] for e, c in held.items() if owner[e])
    pooled_resolved = sum(v["resolved"] for v in per_person.values())
    ranked = [v["on_entity"] for v in per_person.values() if v["resolved"] >= MIN_QUOTES]
    n_found = sum(found.values())
    return {
        "articles": len(gold),
        "persons": len(persons),
        "gold_person_quotes": sum(n_gold[p] for p in persons),
        "found": n_found / sum(n_gold[p] for p in persons) if persons else 0.0,
        "on_entity": (
            sum(on[p].most_common(1)[0][1] for p in persons if on[p]) / pooled_resolved
            if pooled_resolved
            else 0.0
        ),
        "on_entity_worst": min(ranked) if ranked else None,
        "persons_ranked": len(ranked),
        "merged": len(merged),
        "merged_by_name": merged_by["name"],
        "merged_by_reference": merged_by["reference"],
        "merged_by_speaker": merged_by["speaker"],
        "merged_entities": [
            {
                "entity": names[e],
                "people": dict(Counter({k: v for k, v in held[e].items() if k not in NOT_PERSONS})),
            }
            for e in merged
        ],
        # For --explain: each person's quotes off their majority entity, where they went.
        "off_entity": [
            {
                "person": p,
                "majority": names[on[p].most_common(1)[0][0]],
                "entity": names[e],
                "owner": owner[e],
                "articles": sorted({a for (q, a) in articles[e] if q == p}),
                "quotes": n,
            }
            for p in persons
            if len(on[p]) > 1
            for e, n in on[p].most_common()[1:]
        ],
        "merged_articles": {
            names[e] or e: sorted(f"{q} @ {a}" for (q, a) in articles[e] if q not in NOT_PERSONS)
            for e in merged
        },
        "misattributed": sorted(misattributed),
        "precision": n_right / n_resolved if n_resolved else 0.0,
        "resolved_to_person": n_resolved,
        "unresolved": sum(unresolved.values()) / n_found if n_found else 0.0,
        "per_person": per_person,
    }


def run(
    parts: tuple[str, ...] = PARTS, paths: tuple[str, ...] = PATHS, cache: Path | None = None
) -> dict[str, Any]:
    """{path: {part: identity_scores}}; ``cache`` keeps the nlp path's parses."""
    gold = load_gold(parts)
    results: dict[str, dict[str, Any]] = {p: {} for p in paths}
    for part in parts:
        names = sorted(gold.get(part, {}))
        if not names:
            continue
        for path in paths:
            if path == "nlp":
                said = said_in_process(split_of(part), names, cache)
            else:
                with tempfile.TemporaryDirectory(prefix="whosaid-identity-") as tmp:
                    said = said_via_warehouse(split_of(part), names, Path(tmp))
            results[path][part] = identity_scores(gold[part], match(gold[part], said))
    return results


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def markdown(results: dict[str, Any], top: int) -> str:
    lines = [
        "| path | part | articles | persons | gold person quotes | found | on one entity "
        "(pooled) | worst person | merged entities (by name / reference / speaker) | "
        "speaker precision | unresolved |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for path, by_part in results.items():
        for part, r in by_part.items():
            lines.append(
                f"| {path} | {part} | {r['articles']} | {r['persons']} | "
                f"{r['gold_person_quotes']} | {_fmt(r['found'])} | {_fmt(r['on_entity'])} | "
                f"{_fmt(r['on_entity_worst'])} (of {r['persons_ranked']}) | {r['merged']} "
                f"({r['merged_by_name']} / {r['merged_by_reference']} / "
                f"{r['merged_by_speaker']}) | "
                f"{_fmt(r['precision'])} (of {r['resolved_to_person']}) | "
                f"{_fmt(r['unresolved'])} |"
            )
    for path, by_part in results.items():
        for part, r in by_part.items():
            lines += [
                "",
                f"**{path}, {part}**: the {top} people with most gold quotes",
                "",
                "| person | gold | found | resolved | on one entity | entities | unresolved |",
                "|---|---|---|---|---|---|---|",
            ]
            ranked = sorted(r["per_person"].items(), key=lambda kv: (-kv[1]["gold"], kv[0]))
            for person, v in ranked[:top]:
                lines.append(
                    f"| {person} | {v['gold']} | {v['found']} | {v['resolved']} | "
                    f"{_fmt(v['on_entity'])} | {v['entities']} | {_fmt(v['unresolved'])} |"
                )
            if r["merged_entities"]:
                biggest = sorted(r["merged_entities"], key=lambda m: -sum(m["people"].values()))
                lines += [
                    "",
                    f"merged entities (the {min(top, len(biggest))} holding most quotes): "
                    + "; ".join(
                        f"{m['entity']!r} = "
                        + " + ".join(f"{p} ({n})" for p, n in sorted(m["people"].items()))
                        for m in biggest[:top]
                    ),
                ]
    return "\n".join(lines)


def explain(results: dict[str, Any]) -> str:
    """The errors behind the figures: merged entities with the articles of each person's quotes
    on them, and quotes off their person's majority entity. For dev and train-develop only; the
    held-out part is measured, not read."""
    lines = []
    for path, by_part in results.items():
        for part, r in by_part.items():
            if part == "train-heldout":
                continue
            lines += ["", f"**{path}, {part}: merged entities**", ""]
            for name, rows in sorted(r["merged_articles"].items()):
                lines.append(f"- {name!r}: " + "; ".join(rows))
            lines += ["", f"**{path}, {part}: quotes on another person's entity**", ""]
            lines += [f"- {m}" for m in r["misattributed"]]
            lines += ["", f"**{path}, {part}: quotes off their person's entity**", ""]
            for o in r["off_entity"]:
                lines.append(
                    f"- {o['person']} ({o['quotes']}): on {o['entity']!r} (owner {o['owner']}), "
                    f"majority {o['majority']!r}; " + ", ".join(o["articles"])
                )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", choices=PARTS, action="append", help="default: every part")
    ap.add_argument("--path", choices=PATHS, action="append", help="default: both")
    ap.add_argument("--top", type=int, default=15, help="people listed per table")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument(
        "--explain",
        action="store_true",
        help="also list each merged entity's people and articles and every off-entity quote",
    )
    ap.add_argument("--cache", type=Path, help="keep the nlp path's parses here (outside the repo)")
    args = ap.parse_args()
    results = run(tuple(args.part or PARTS), tuple(args.path or PATHS), args.cache)
    print(markdown(results, args.top))
    if args.explain:
        print(explain(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
