"""Cleaning benchmarks: article bodies and titles on three page sets, publication dates.

    .venv/bin/python bench/eval_clean.py [--sets scrapinghub,l3s-gn1,readability] [--limit N]
        [--only bodies|titles|dates] [--compare] [--json out.json]

Prints markdown tables.

**Sets** (``../shared/eval/``): ScrapingHub (181 news pages), L3S-GN1 (621 news pages of 2008,
about 400 sites), Readability (Mozilla Readability's 113 test pages: news, blogs, docs). Each is
read in sorted id order.

**Held-out part**: in every set, the pages at odd positions (0-based) of the sorted id order.
The cleaner's rules, the line model (``bench/train_line_model.py``) and the title rules are
developed on the even positions only; the odd ones are scored, never read for development. The
held-out figure is printed next to the whole set's.

**Bodies** are scored with the project's scorer (``score.shingle_prf``: 4-word shingles,
averaged per-document P and R, F1 of the averages). Four systems in the same run:

- **HTML mode**: ``tasks.clean.html.extract_html`` over the raw page.
- **text mode**: the page's visible text in page order (BeautifulSoup after removing script,
  style, noscript and template; ``get_text("\\n")``; stripped non-empty lines joined by blank
  lines) through ``normalize_text`` + ``clean_text_dump``, bodies joined if it splits.
- plain ``trafilatura.extract`` (defaults), and all visible text.

``--compare`` adds jusText, readability-lxml and newspaper4k when they are installed.

**Titles** are scored against ``bench/gold/titles.tsv`` (hand-written headlines of ScrapingHub
and L3S-GN1 pages, see ``bench/gold/TITLES.md``): a title is right when it equals the gold one
after ``title_key`` (``score.norm``, case folded, edge punctuation and quote marks stripped).
HTML mode's ``Extracted.title``, text mode's first article's title, and trafilatura's metadata
title (``bare_extraction(with_metadata=True)``).

**Dates**: share of htmldate-MediaCloud-2020 pages whose ``extract_html`` day equals the gold
day, next to htmldate alone.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"
TITLE_GOLD = ROOT / "bench" / "gold" / "titles.tsv"
sys.path.insert(0, str(ROOT))

from tasks.clean.html import extract_html  # noqa: E402
from tasks.clean.normalize import normalize_text  # noqa: E402
from tasks.clean.text_dump import clean_text_dump  # noqa: E402

# Folder under ../shared/eval -> the name the tables print.
SETS = {"scrapinghub": "ScrapingHub", "l3s-gn1": "L3S-GN1", "readability": "Readability"}

HTML_MODE = "whosaid HTML mode (extract_html)"
TEXT_MODE = "whosaid text mode (clean_text_dump)"
TRAFILATURA = "trafilatura.extract (defaults)"
VISIBLE = "all visible text"
SYSTEM_ALIASES = {
    "html": HTML_MODE,
    "text": TEXT_MODE,
    "trafilatura": TRAFILATURA,
    "visible": VISIBLE,
}


class Page(NamedTuple):
    """One page of a set with its gold body."""

    doc_id: str
    url: str | None
    html: str
    body: str
    position: int  # in the set's sorted id order; odd positions are the held-out part


def held_out(position: int) -> bool:
    """Whether a page at this position (sorted id order, 0-based) is in the held-out part."""
    return position % 2 == 1


def _score_module():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(EVAL))
    import score

    return score


def visible_text(html: str) -> str:
    """The page's visible text as the text-mode benchmark defines it."""
    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():
        # An XHTML page is still a page: lxml's HTML parser reads it as browsers do.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    lines = (line.strip() for line in soup.get_text("\n").split("\n"))
    return "\n\n".join(line for line in lines if line)


def text_mode_articles(html: str):  # type: ignore[no-untyped-def]
    return clean_text_dump(normalize_text(visible_text(html)))


def text_mode(html: str) -> str:
    return "\n\n".join(e.body for e in text_mode_articles(html))


def html_mode(html: str, url: str | None) -> str:
    found = extract_html(html, url)
    return found.body if found else ""


def plain_trafilatura(html: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


def _justext(html: str, url: str | None) -> str:
    import justext

    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def _readability(html: str, url: str | None) -> str:
    from bs4 import BeautifulSoup
    from readability import Document

    summary = Document(html).summary(html_partial=True)
    return BeautifulSoup(summary, "lxml").get_text("\n")


def _newspaper(html: str, url: str | None) -> str:
    import newspaper

    article = newspaper.Article(url or "http://example.com/")
    article.download(input_html=html)
    article.parse()
    return article.text or ""


def load_set(name: str, limit: int | None = None) -> list[Page]:
    """The pages of one set (a folder of ../shared/eval in ScrapingHub's shape), in id order."""
    folder = EVAL / name
    gold = json.loads((folder / "ground-truth.json").read_text())
    pages = []
    for position, doc_id in enumerate(sorted(gold)[:limit]):
        raw = gzip.decompress((folder / "html" / f"{doc_id}.html.gz").read_bytes())
        pages.append(
            Page(
                doc_id,
                gold[doc_id].get("url"),
                raw.decode("utf-8", "replace"),
                gold[doc_id]["articleBody"],
                position,
            )
        )
    return pages


def load_scrapinghub(limit: int | None) -> list[tuple[str, str | None, str, str]]:
    """(id, url, html, gold body) of ScrapingHub's pages in id order (``bench/train_line_model.py``
    reads them)."""
    return [(p.doc_id, p.url, p.html, p.body) for p in load_set("scrapinghub", limit)]


def body_systems(compare: bool = False) -> dict[str, Callable[[str, str | None], str]]:
    systems: dict[str, Callable[[str, str | None], str]] = {
        HTML_MODE: html_mode,
        TEXT_MODE: lambda html, url: text_mode(html),
        TRAFILATURA: plain_trafilatura,
        VISIBLE: lambda html, url: visible_text(html),
    }
    if compare:
        systems["jusText (English stoplist)"] = _justext
        for name, fn, module in (
            ("readability-lxml", _readability, "readability"),
            ("newspaper4k", _newspaper, "newspaper"),
        ):
            try:
                __import__(module)
            except ImportError:
                continue
            systems[name] = fn
    return systems


def score_bodies(pages: Sequence[Page], pred: dict[str, str]) -> dict[str, dict[str, float]]:
    """P/R/F1 on the whole of ``pages`` and on their held-out part."""
    score = _score_module()
    out = {}
    for part, chosen in (
        ("all", pages),
        ("held_out", [p for p in pages if held_out(p.position)]),
    ):
        if chosen:
            gold = {p.doc_id: p.body for p in chosen}
            out[part] = score.shingle_prf({i: pred.get(i, "") for i in gold}, gold)
    return out


def predict(
    pages: Sequence[Page], fn: Callable[[str, str | None], str]
) -> tuple[dict[str, str], float]:
    """Each page's body by ``fn`` (a page it fails on gets ""), and the seconds it took."""
    start = time.perf_counter()
    pred = {}
    for page in pages:
        try:
            pred[page.doc_id] = fn(page.html, page.url)
        except Exception:  # noqa: BLE001 - a failing page scores 0 for that system
            pred[page.doc_id] = ""
    return pred, time.perf_counter() - start


def bodies_table(
    set_name: str = "scrapinghub",
    limit: int | None = None,
    compare: bool = False,
    systems: Sequence[str] | None = None,
    pages: Sequence[Page] | None = None,
) -> dict[str, dict[str, float]]:
    """For each system: P/R/F1 over the set, F1 over its held-out part, seconds per page.

    ``systems`` picks some of ``body_systems()`` by name; ``pages`` scores given pages instead
    of loading the set."""
    pages = list(pages) if pages is not None else load_set(set_name, limit)
    available = body_systems(compare)
    chosen = {name: available[name] for name in (systems or available)}
    results: dict[str, dict[str, float]] = {}
    for name, fn in chosen.items():
        pred, seconds = predict(pages, fn)
        scores = score_bodies(pages, pred)
        row = dict(scores["all"])
        if "held_out" in scores:
            row.update({f"held_out_{k}": v for k, v in scores["held_out"].items()})
        row["s_per_page"] = seconds / max(1, len(pages))
        results[name] = row
    return results


# ---------------------------------------------------------------------------------------------
# Titles


class TitleGold(NamedTuple):
    set_name: str
    doc_id: str
    title: str


_TITLE_EDGE = re.compile(r"^[\s\"'“”‘’«».,:;!?*|–—-]+|[\s\"'“”‘’«».,:;|–—-]+$")


def title_key(text: str | None) -> str:
    """A title as compared: ``score.norm`` (NFKC, curly quotes folded, whitespace collapsed),
    case folded, quote marks and punctuation at either end stripped. A headline printed in
    capitals by the site's style sheet is the same headline; a site name left on is not."""
    norm = _score_module().norm
    return _TITLE_EDGE.sub("", norm(text or "")).casefold()


def load_title_gold(path: Path = TITLE_GOLD) -> list[TitleGold]:
    """The hand-written headlines: ``set<TAB>id<TAB>title`` rows, ``#`` lines are comments."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(
            (line for line in handle if line.strip() and not line.startswith("#")),
            delimiter="\t",
            quoting=csv.QUOTE_NONE,
        ):
            if row[0] == "set":
                continue
            rows.append(TitleGold(row[0], row[1], row[2]))
    return rows


def html_mode_title(html: str, url: str | None) -> str | None:
    found = extract_html(html, url)
    return found.title if found else None


def text_mode_title(html: str, url: str | None) -> str | None:
    found = text_mode_articles(html)
    return found[0].title if found else None


def trafilatura_title(html: str, url: str | None) -> str | None:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    return getattr(doc, "title", None) if doc is not None else None


TITLE_SYSTEMS: dict[str, Callable[[str, str | None], str | None]] = {
    "whosaid HTML mode": html_mode_title,
    "whosaid text mode": text_mode_title,
    "trafilatura (metadata title)": trafilatura_title,
}


def title_predictions(
    gold: Sequence[TitleGold] | None = None, systems: Sequence[str] | None = None
) -> tuple[list[tuple[TitleGold, Page]], dict[str, dict[tuple[str, str], str | None]]]:
    """The gold pages with their Page, and each system's title per (set, id)."""
    gold = list(gold if gold is not None else load_title_gold())
    by_set: dict[str, dict[str, Page]] = {}
    for name in sorted({g.set_name for g in gold}):
        by_set[name] = {p.doc_id: p for p in load_set(name)}
    pairs = [(g, by_set[g.set_name][g.doc_id]) for g in gold]
    chosen = {name: TITLE_SYSTEMS[name] for name in (systems or TITLE_SYSTEMS)}
    pred: dict[str, dict[tuple[str, str], str | None]] = {}
    for name, fn in chosen.items():
        pred[name] = {}
        for g, page in pairs:
            try:
                pred[name][(g.set_name, g.doc_id)] = fn(page.html, page.url)
            except Exception:  # noqa: BLE001 - a failing page has no title
                pred[name][(g.set_name, g.doc_id)] = None
    return pairs, pred


def titles_table(
    gold: Sequence[TitleGold] | None = None, systems: Sequence[str] | None = None
) -> dict[str, dict[str, float]]:
    """Title accuracy per system: over the gold, its held-out part, and per set."""
    pairs, pred = title_predictions(gold, systems)
    out: dict[str, dict[str, float]] = {}
    for name, titles in pred.items():
        right = {
            (g.set_name, g.doc_id): title_key(titles[(g.set_name, g.doc_id)]) == title_key(g.title)
            for g, _ in pairs
        }
        row: dict[str, float] = {"n": len(pairs), "accuracy": sum(right.values()) / len(pairs)}
        held = [right[(g.set_name, g.doc_id)] for g, page in pairs if held_out(page.position)]
        row["held_out_n"] = len(held)
        row["held_out_accuracy"] = sum(held) / max(1, len(held))
        for set_name in SETS:
            part = [right[(g.set_name, g.doc_id)] for g, _ in pairs if g.set_name == set_name]
            if part:
                row[f"{set_name}_accuracy"] = sum(part) / len(part)
        out[name] = row
    return out


# ---------------------------------------------------------------------------------------------
# Dates


def dates_table(limit: int | None = None, htmldate_alone: bool = True) -> dict[str, dict]:
    """Share of pages whose day equals the gold day: extract_html (and htmldate alone)."""
    import htmldate

    folder = EVAL / "htmldate-mediacloud-2020"
    gold = json.loads((folder / "eval_mediacloud_2020.json").read_text())
    items = sorted(gold.items())
    skipped = sum(
        1 for _, v in items if not isinstance(v.get("date"), str) or v["date"].lower() == "nan"
    )
    items = [
        (u, v) for u, v in items if isinstance(v.get("date"), str) and v["date"].lower() != "nan"
    ][:limit]
    ours = alone = 0
    for url, entry in items:
        html = (folder / "test_set" / entry["file"]).read_bytes().decode("utf-8", "replace")
        found = extract_html(html, url)
        if found is not None and found.published_at is not None:
            ours += found.published_at.date().isoformat() == entry["date"]
        if htmldate_alone:
            try:
                day = htmldate.find_date(html, url=url, original_date=True, extensive_search=True)
            except Exception:  # noqa: BLE001
                day = None
            alone += day == entry["date"]
    n = max(1, len(items))
    out: dict[str, dict] = {
        "whosaid extract_html": {"accuracy": ours / n, "n": len(items), "skipped_nan": skipped}
    }
    if htmldate_alone:
        out["htmldate.find_date (original_date, extensive)"] = {
            "accuracy": alone / n,
            "n": len(items),
            "skipped_nan": skipped,
        }
    return out


# ---------------------------------------------------------------------------------------------
# Printing


def _print_bodies(set_name: str, bodies: dict[str, dict[str, float]]) -> None:
    first = next(iter(bodies.values()))
    n, held = int(first["n"]), int(first.get("held_out_n", 0))
    print(
        f"\n### {SETS.get(set_name, set_name)} article bodies ({n} pages; held out: {held} "
        "at odd positions; score.shingle_prf)\n"
    )
    print("| extractor | P | R | F1 | held-out P | held-out R | held-out F1 | s/page |")
    print("|---|---|---|---|---|---|---|---|")
    for name, s in bodies.items():
        print(
            f"| {name} | {s['P']:.3f} | {s['R']:.3f} | {s['F1']:.3f} | "
            f"{s.get('held_out_P', 0):.3f} | {s.get('held_out_R', 0):.3f} | "
            f"{s.get('held_out_F1', 0):.3f} | {s['s_per_page']:.3f} |"
        )


def _print_summary(all_bodies: dict[str, dict[str, dict[str, float]]]) -> None:
    print("\n### Body F1 by set: whole set (held-out part)\n")
    names = (TEXT_MODE, HTML_MODE, TRAFILATURA, VISIBLE)
    print("| set | pages (held out) | text mode | HTML mode | trafilatura | all visible text |")
    print("|---|---|---|---|---|---|")
    for set_name, bodies in all_bodies.items():
        first = next(iter(bodies.values()))
        cells = [
            f"{bodies[m]['F1']:.3f} ({bodies[m].get('held_out_F1', 0):.3f})" if m in bodies else ""
            for m in names
        ]
        print(
            f"| {SETS.get(set_name, set_name)} | {int(first['n'])} "
            f"({int(first.get('held_out_n', 0))}) | " + " | ".join(cells) + " |"
        )


def _print_titles(titles: dict[str, dict[str, float]]) -> None:
    first = next(iter(titles.values()))
    print(
        f"\n### Titles ({int(first['n'])} hand-written headlines, bench/gold/titles.tsv; held out: "
        f"{int(first['held_out_n'])} at odd positions; exact match after title_key)\n"
    )
    present = [s for s in SETS if f"{s}_accuracy" in first]
    print(
        "| system | accuracy | held-out accuracy | " + " | ".join(SETS[s] for s in present) + " |"
    )
    print("|---|---|---|" + "---|" * len(present))
    for name, s in titles.items():
        cells = " | ".join(f"{s[f'{x}_accuracy']:.3f}" for x in present)
        print(f"| {name} | {s['accuracy']:.3f} | {s['held_out_accuracy']:.3f} | {cells} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sets", default=",".join(SETS), help=f"comma-separated, of {', '.join(SETS)}"
    )
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="add jusText, readability-lxml and newspaper4k (if installed)",
    )
    parser.add_argument("--only", choices=["bodies", "titles", "dates"], default=None)
    parser.add_argument(
        "--systems",
        default=None,
        help=f"comma-separated body systems, of {', '.join(SYSTEM_ALIASES)} (default: all)",
    )
    args = parser.parse_args(argv)
    systems = [SYSTEM_ALIASES[s] for s in args.systems.split(",")] if args.systems else None
    if not EVAL.exists():
        print(f"{EVAL} is absent: nothing to measure", file=sys.stderr)
        return 1
    out: dict[str, object] = {}
    if args.only in (None, "bodies"):
        all_bodies = {}
        for set_name in args.sets.split(","):
            all_bodies[set_name] = bodies_table(set_name, args.limit, args.compare, systems)
            _print_bodies(set_name, all_bodies[set_name])
        _print_summary(all_bodies)
        out["bodies"] = all_bodies
    if args.only in (None, "titles") and TITLE_GOLD.exists():
        titles = titles_table()
        _print_titles(titles)
        out["titles"] = titles
    if args.only in (None, "dates"):
        found = dates_table(args.limit)
        out["mediacloud_dates"] = found
        first = next(iter(found.values()))
        print(
            f"\n### htmldate MediaCloud 2020 publication dates ({first['n']} pages, "
            f"{first['skipped_nan']} NaN gold entries skipped)\n"
        )
        print("| system | day accuracy |")
        print("|---|---|")
        for name, s in found.items():
            print(f"| {name} | {s['accuracy']:.3f} |")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
