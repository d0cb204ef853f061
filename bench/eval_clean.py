"""Cleaning benchmarks: ScrapingHub article bodies, htmldate MediaCloud publication dates.

    .venv/bin/python bench/eval_clean.py [--limit N] [--json out.json] [--compare] [--halves]

Prints markdown tables. Bodies are scored with the project's scorer (``score.shingle_prf``:
4-word shingles, averaged per-document P and R). Two ways of reading a page are measured:

- **HTML mode**: ``tasks.clean.html.extract_html`` over the raw page.
- **text mode**: the page's visible text in page order (BeautifulSoup after removing script,
  style, noscript and template; ``get_text("\\n")``; stripped non-empty lines joined by blank
  lines) through ``normalize_text`` + ``clean_text_dump``, bodies joined if it splits.

next to plain ``trafilatura.extract`` (defaults) and all visible text in the same run;
``--compare`` adds jusText, readability-lxml and newspaper4k when they are installed.
Dates: share of pages whose ``extract_html`` day equals the gold day, next to htmldate alone.
``--halves`` adds text mode on the even-numbered pages (where the cleaner's rules were developed)
and the odd-numbered ones (held out) apart.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"
sys.path.insert(0, str(ROOT))

from tasks.clean.html import extract_html  # noqa: E402
from tasks.clean.normalize import normalize_text  # noqa: E402
from tasks.clean.text_dump import clean_text_dump  # noqa: E402


def _score_module():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(EVAL))
    import score

    return score


def visible_text(html: str) -> str:
    """The page's visible text as the text-mode benchmark defines it."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    lines = (line.strip() for line in soup.get_text("\n").split("\n"))
    return "\n\n".join(line for line in lines if line)


def text_mode(html: str) -> str:
    found = clean_text_dump(normalize_text(visible_text(html)))
    return "\n\n".join(e.body for e in found)


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


def load_scrapinghub(limit: int | None) -> list[tuple[str, str, str, str]]:
    """(id, url, html, gold body) for each page, in id order."""
    folder = EVAL / "scrapinghub"
    gold = json.loads((folder / "ground-truth.json").read_text())
    rows = []
    for doc_id in sorted(gold)[:limit]:
        raw = gzip.decompress((folder / "html" / f"{doc_id}.html.gz").read_bytes())
        rows.append(
            (
                doc_id,
                gold[doc_id]["url"],
                raw.decode("utf-8", "replace"),
                gold[doc_id]["articleBody"],
            )
        )
    return rows


def bodies_table(limit: int | None = None, compare: bool = False) -> dict[str, dict[str, float]]:
    """P/R/F1 and seconds per page for each extractor over the ScrapingHub pages."""
    score = _score_module()
    pages = load_scrapinghub(limit)
    gold = {doc_id: body for doc_id, _, _, body in pages}
    systems: dict[str, Callable[[str, str | None], str]] = {
        "whosaid HTML mode (extract_html)": html_mode,
        "whosaid text mode (clean_text_dump)": lambda html, url: text_mode(html),
        "trafilatura.extract (defaults)": plain_trafilatura,
        "all visible text": lambda html, url: visible_text(html),
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
    results: dict[str, dict[str, float]] = {}
    for name, fn in systems.items():
        start = time.perf_counter()
        pred = {}
        for doc_id, url, html, _ in pages:
            try:
                pred[doc_id] = fn(html, url)
            except Exception:  # noqa: BLE001 - a failing page scores 0 for that system
                pred[doc_id] = ""
        seconds = time.perf_counter() - start
        scores = score.shingle_prf(pred, gold)
        scores["s_per_page"] = seconds / max(1, len(pages))
        results[name] = scores
    return results


def halves_table(limit: int | None = None) -> dict[str, dict[str, float]]:
    """Text mode on the even- and odd-numbered pages (position in id order) apart: the cleaner's
    rules were developed looking at the even pages only, the odd ones are held out."""
    score = _score_module()
    pages = load_scrapinghub(limit)
    pred = {doc_id: text_mode(html) for doc_id, _, html, _ in pages}
    gold = {doc_id: body for doc_id, _, _, body in pages}
    out = {}
    for name, part in (("even (development)", pages[0::2]), ("odd (held out)", pages[1::2])):
        ids = [doc_id for doc_id, _, _, _ in part]
        if not ids:
            continue
        out[name] = score.shingle_prf({i: pred[i] for i in ids}, {i: gold[i] for i in ids})
    return out


def dates_table(limit: int | None = None) -> dict[str, dict[str, float]]:
    """Share of pages whose day equals the gold day: extract_html vs htmldate alone."""
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
        try:
            day = htmldate.find_date(html, url=url, original_date=True, extensive_search=True)
        except Exception:  # noqa: BLE001
            day = None
        alone += day == entry["date"]
    n = max(1, len(items))
    return {
        "whosaid extract_html": {"accuracy": ours / n, "n": len(items), "skipped_nan": skipped},
        "htmldate.find_date (original_date, extensive)": {
            "accuracy": alone / n,
            "n": len(items),
            "skipped_nan": skipped,
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="add jusText, readability-lxml and newspaper4k (if installed)",
    )
    parser.add_argument("--only", choices=["bodies", "dates"], default=None)
    parser.add_argument(
        "--halves",
        action="store_true",
        help="also text mode on even (development) and odd (held-out) pages apart",
    )
    args = parser.parse_args(argv)
    if not EVAL.exists():
        print(f"{EVAL} is absent: nothing to measure", file=sys.stderr)
        return 1
    out: dict[str, object] = {}
    if args.only in (None, "bodies"):
        bodies = bodies_table(args.limit, args.compare)
        out["scrapinghub"] = bodies
        n = int(next(iter(bodies.values()))["n"])
        print(f"\n### ScrapingHub article bodies ({n} pages, score.shingle_prf)\n")
        print("| extractor | P | R | F1 | s/page |")
        print("|---|---|---|---|---|")
        for name, s in bodies.items():
            print(
                f"| {name} | {s['P']:.3f} | {s['R']:.3f} | {s['F1']:.3f} | {s['s_per_page']:.3f} |"
            )
    if args.halves:
        halves = halves_table(args.limit)
        out["scrapinghub_text_mode_halves"] = halves
        print("\n### Text mode by half (pages in id order)\n")
        print("| pages | n | P | R | F1 |")
        print("|---|---|---|---|---|")
        for name, s in halves.items():
            print(f"| {name} | {int(s['n'])} | {s['P']:.3f} | {s['R']:.3f} | {s['F1']:.3f} |")
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
