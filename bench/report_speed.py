"""How long `whosaid report` takes over a warehouse of a million quotes, and where the time goes.

    python bench/report_speed.py                     # 1M quotes, prints a markdown table
    python bench/report_speed.py --quotes 100000

The warehouse is bench/query_speed.py's synthetic one (articles over one year and 40 outlets,
Zipf-distributed speakers, the real DDL, the load's sort order and roll-up), with what the
report also reads filled in the same spirit: each speaker's quotes report a third as many
utterances (so an utterance is carried ~3 times, by several outlets), bodies that hold their
quotes at the stored offsets (so the data-quality checks pass as after a real load), one entity
per speaker with a role on some quotes, and one run with its rejects. Then each aggregate of
``tasks.report.aggregates`` is timed on its own, and ``write_report`` end to end.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from query_speed import build_native, synthetic_tables  # noqa: E402

from tasks.report import ReportOptions, aggregates, speakers  # noqa: E402
from tasks.report.build import write_report  # noqa: E402

# An utterance is reported by about three quotes: Quotebank's quotations average ~2.6 mentions
# (Vaucher et al., 2021); three keeps the synthetic numbers round.
QUOTES_PER_UTTERANCE = 3
ROLES = np.array(["minister", "Prime Minister", "leader of the council", "spokesperson"])


def with_utterances(quo: pa.Table, seed: int = 11) -> pa.Table:
    """Quotes with texts and utterance ids: speaker s's quotes pick among count(s) / 3 texts."""
    rng = np.random.default_rng(seed)
    speaker = quo.column("speaker_entity_id").to_numpy(zero_copy_only=False).astype(str)
    _, inverse, counts = np.unique(speaker, return_inverse=True, return_counts=True)
    pool = np.maximum(1, counts[inverse] // QUOTES_PER_UTTERANCE)
    k = (rng.random(len(speaker)) * pool).astype(np.int64).astype(str)
    key = np.char.add(np.char.add(speaker, "-"), k)
    text = np.char.add(
        np.char.add("On point ", k), ", we will keep the buses running whatever it costs."
    )
    roles = np.where(rng.random(len(speaker)) < 0.3, ROLES[rng.integers(0, 4, len(speaker))], None)
    for name, values in (
        ("quote_text", text),
        ("utterance_id", np.char.add("u", key)),
        ("speaker_role", roles),
    ):
        i = quo.schema.get_field_index(name)
        quo = quo.set_column(i, quo.schema.field(i), pa.array(values, type=pa.string()))
    return quo


def complete(path: Path) -> None:
    """Fill what the report reads beyond articles and quotes, in SQL, as a load would leave it."""
    con = duckdb.connect(str(path))
    con.execute("""
        CREATE TEMP TABLE placed AS
        SELECT quote_id, article_id, quote_text,
               coalesce(sum(length(quote_text) + 1) OVER (
                   PARTITION BY article_id ORDER BY quote_id
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::INTEGER AS start
        FROM quotes
    """)
    con.execute("""
        UPDATE quotes SET quote_start = p.start, quote_end = p.start + length(p.quote_text)
        FROM placed p WHERE quotes.quote_id = p.quote_id
    """)
    con.execute("""
        UPDATE articles SET body = b.body FROM (
            SELECT article_id, string_agg(quote_text, ' ' ORDER BY quote_id) AS body
            FROM placed GROUP BY article_id) b
        WHERE articles.article_id = b.article_id
    """)
    con.execute("""
        INSERT INTO utterances BY NAME
        SELECT q.utterance_id, any_value(q.speaker_entity_id) AS speaker_entity_id,
               any_value(q.speaker_name) AS speaker_name, any_value(q.quote_text) AS canonical_text,
               min(q.said_on) AS first_said_on, min(a.published_at) AS first_published_at,
               count(*)::INTEGER AS n_quotes, count(DISTINCT q.article_id)::INTEGER AS n_articles,
               count(DISTINCT a.outlet)::INTEGER AS n_outlets
        FROM quotes q JOIN articles a USING (article_id) GROUP BY q.utterance_id
    """)
    con.execute("""
        INSERT INTO entities BY NAME
        SELECT speaker_entity_id AS entity_id, any_value(speaker_name) AS name, 'PERSON' AS label,
               []::VARCHAR[] AS aliases, list_distinct(list(speaker_role)) AS roles,
               count(DISTINCT article_id)::INTEGER AS n_articles, count(*)::INTEGER AS n_mentions
        FROM quotes GROUP BY speaker_entity_id
    """)
    n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]  # type: ignore[index]
    con.execute("""
        INSERT INTO rejects BY NAME
        SELECT '/data/crawl/part-00000.jsonl.gz' AS source_uri, 'line:' || i AS source_locator,
               'read' AS stage, 'not valid JSON' AS reason, 'bench' AS run_id
        FROM range(250) t(i)
    """)
    con.execute(
        """
        INSERT INTO runs BY NAME
        SELECT 'bench' AS run_id, now() AS started_at, now() AS finished_at,
               ['/data/crawl/'] AS sources, ? + 250 AS records_read, ? AS articles,
               0 AS duplicates, 250 AS rejects, (SELECT count(*) FROM quotes) AS quotes,
               0 AS mentions
        """,
        [n_articles, n_articles],
    )
    con.execute("CHECKPOINT")
    con.close()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quotes", type=int, default=1_000_000)
    p.add_argument("--speakers", type=int, default=ReportOptions().speakers)
    p.add_argument(
        "--keep", type=Path, help="Build the warehouse in this folder and leave it there"
    )
    args = p.parse_args(argv)

    t0 = time.perf_counter()
    art, quo = synthetic_tables(args.quotes)
    quo = with_utterances(quo)
    with tempfile.TemporaryDirectory(prefix="whosaid-report-") as tmp:
        wh = args.keep or Path(tmp) / "warehouse"
        wh.mkdir(parents=True)
        build_native(wh / "whosaid.duckdb", art, quo, "sorted +rollup")
        complete(wh / "whosaid.duckdb")
        print(
            f"built {art.num_rows:,} articles, {quo.num_rows:,} quotes in "
            f"{time.perf_counter() - t0:.1f} s",
            file=sys.stderr,
        )
        options = ReportOptions(speakers=args.speakers)
        con = aggregates.open_warehouse(wh)
        t = aggregates.totals(con)
        unit = aggregates.period_unit(t.first_published, t.last_published)
        timed: list[tuple[str, float]] = []

        def clock(label: str, fn, *a):  # type: ignore[no-untyped-def]
            s = time.perf_counter()
            out = fn(*a)
            timed.append((label, time.perf_counter() - s))
            return out

        clock("totals", aggregates.totals, con)
        clock("timeline", aggregates.timeline, con, unit)
        clock("runs", aggregates.runs, con, options)
        checks = clock("data-quality checks", aggregates.checks, con)
        listed = clock("top speakers", aggregates.top_speakers, con, options.speakers_listed, False)
        charted = listed[: options.chart_speakers]
        clock("speakers by outlet", aggregates.speaker_outlets, con, charted, options.chart_outlets)
        clock("speakers over time", aggregates.speaker_periods, con, charted, unit)
        pages = clock(
            "speaker pages",
            speakers.speaker_pages,
            con,
            listed[: options.speakers],
            unit,
            options,
        )
        clock("widely carried", aggregates.widely_carried, con, {}, options)
        clock("outlets", aggregates.outlets, con, False, options)
        con.close()
        failed = [c.name for c in checks if c.failing_rows]
        assert not failed, failed

        written = write_report(wh, Path(tmp) / "report", options)
        listed_utterances = sum(len(pg.utterances) for pg in pages)

    print(
        f"\n{quo.num_rows:,} quotes, {art.num_rows:,} articles, {t.utterances:,} utterances; "
        f"{args.speakers} speaker pages ({listed_utterances:,} utterances listed); one run on "
        "this machine\n"
    )
    print("| step | seconds |\n|---|---:|")
    for label, s in timed:
        print(f"| aggregate: {label} | {s:.2f} |")
    for label, s in written.seconds.items():
        print(f"| write_report: {label} | {s:.2f} |")
    print(f"| **write_report, end to end** | **{sum(written.seconds.values()):.2f}** |")
    print(f"\nreport: {written.bytes / 1e6:.1f} MB in one file")


if __name__ == "__main__":
    main()
