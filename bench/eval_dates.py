"""How well whosaid recovers publication dates, measured on PolNeAR's gold dates.

(a) Text alone (what a JSON Lines dump without dates gives): ``published_from_text`` on every
    PolNeAR article with a text file (train + dev); found exactly / within a day / wrong / none.
    Also with a month reference (the dump's crawl month, as CC-News partitions by month), which
    supplies the year of yearless wire datelines. ``published_from_url`` is not applicable:
    PolNeAR has no URLs.
(b) Dates given as metadata strings ("2016-09-12"): ``parse_date`` must keep every one (1.0).

    python bench/eval_dates.py [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import calendar
import csv
import json
from datetime import date
from pathlib import Path

from tasks.clean.dates import parse_date, published_from_text

POLNEAR = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "polnear"


def load_articles(limit: int | None) -> list[tuple[str, str, date]]:
    """(article name, text, gold publication date) for metadata rows with a text file."""
    articles = []
    with (POLNEAR / "metadata.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            path = POLNEAR / row["compartment"] / "text" / f"{row['filename']}.txt"
            if path.exists():
                text = path.read_text(encoding="utf-8")
                articles.append(
                    (row["filename"], text, date.fromisoformat(row["publication_date"]))
                )
            if limit and len(articles) >= limit:
                break
    return articles


def score_text(articles: list[tuple[str, str, date]], with_month: bool) -> dict[str, float]:
    exact = near = wrong = none = 0
    for _, text, gold in articles:
        reference = None
        if with_month:
            last_day = calendar.monthrange(gold.year, gold.month)[1]
            reference = date(gold.year, gold.month, last_day)
        found = published_from_text(text, reference=reference)
        if found is None:
            none += 1
            continue
        delta = abs((found[0].date() - gold).days)
        exact += delta == 0
        near += delta == 1
        wrong += delta > 1
    n = len(articles)
    return {
        "articles": n,
        "found_exact": exact / n,
        "found_off_by_one_day": near / n,
        "wrong": wrong / n,
        "none": none / n,
    }


def score_metadata(articles: list[tuple[str, str, date]]) -> dict[str, float]:
    kept = 0
    for _, _, gold in articles:
        parsed = parse_date(gold.isoformat())
        kept += parsed is not None and parsed.date() == gold
    return {"articles": len(articles), "kept_exactly": kept / len(articles)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    args = parser.parse_args()
    if not (POLNEAR / "metadata.tsv").exists():
        raise SystemExit(f"{POLNEAR} is absent: this bench reads the shared PolNeAR data")
    articles = load_articles(args.limit)
    results = {
        "text_alone": score_text(articles, with_month=False),
        "text_with_month_reference": score_text(articles, with_month=True),
        "url": "not applicable: PolNeAR has no URLs",
        "metadata_parse_date": score_metadata(articles),
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"PolNeAR, {len(articles)} articles with text (train + dev)\n")
    print("| source | n | exact | off by 1 day | wrong (>1 day) | none |")
    print("|---|---|---|---|---|---|")
    for name in ("text_alone", "text_with_month_reference"):
        r = results[name]
        assert isinstance(r, dict)
        print(
            f"| published_from_text, {name.replace('_', ' ')} | {r['articles']} "
            f"| {r['found_exact']:.3f} | {r['found_off_by_one_day']:.3f} | {r['wrong']:.3f} "
            f"| {r['none']:.3f} |"
        )
    print("| published_from_url | - | n/a (no URLs in PolNeAR) | | | |")
    meta = results["metadata_parse_date"]
    assert isinstance(meta, dict)
    print(f"| parse_date on metadata strings | {meta['articles']} | {meta['kept_exactly']:.3f} "
          "| | 0 | |")  # fmt: skip


if __name__ == "__main__":
    main()
