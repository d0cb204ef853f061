"""How fast the warehouse answers its two everyday questions at 1M quotes, and what storage layout
makes them fast.

    python bench/query_speed.py                      # 1M quotes, prints a markdown table
    python bench/query_speed.py --quotes 100000 --repeat 3

A synthetic warehouse is generated directly (no NLP): articles over one year and 40 outlets,
quotes with Zipf-distributed speakers (a few very quoted people, a long tail, as in news), through
the real DDL (``tasks.store.warehouse.ensure_schema``) and views (``create_views``). The same data
is then
laid out several ways and both questions are timed on each:

- who_said_what for one speaker (a top speaker, a mid-ranked and a rare one), all rows fetched;
- most_quoted for one month (top 20 speaker/outlet pairs).

Layouts: Parquet files read in place; native DuckDB tables in arrival order (what an unsorted
load gives); native tables sorted by ``schemas.tables`` ``sort_by`` (quotes by speaker, date;
articles by publication time); either plus an ART index on ``quotes.speaker_name``; sorted plus
``most_quoted`` materialised as a table at load (a roll-up by outlet, month and speaker).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemas.tables import ARTICLES, QUOTES  # noqa: E402
from tasks.store import warehouse  # noqa: E402

QUOTES_PER_ARTICLE = 4  # PolNeAR averages ~4-6 attributions per article
N_SPEAKERS = 50_000
N_OUTLETS = 40
MONTH = date(2025, 3, 1)


def synthetic_tables(n_quotes: int, seed: int = 7) -> tuple[pa.Table, pa.Table]:
    """(articles, quotes) following the warehouse contract, in random (arrival) order."""
    rng = np.random.default_rng(seed)
    n_articles = max(1, n_quotes // QUOTES_PER_ARTICLE)
    article_ids = np.char.add("a", np.arange(n_articles).astype(str))
    start = np.datetime64("2025-01-01T00:00:00", "us")
    published = start + rng.integers(0, 365 * 86400, n_articles).astype("timedelta64[s]")
    outlets = np.char.add("outlet-", rng.integers(0, N_OUTLETS, n_articles).astype(str))
    articles = {
        "article_id": article_ids,
        "source_uri": np.full(n_articles, "/data/crawl/part-00000.jsonl.gz"),
        "source_locator": np.char.add("line:", np.arange(n_articles).astype(str)),
        "url": np.char.add("https://news.example/", article_ids),
        "outlet": outlets,
        "title": np.char.add("Headline number ", np.arange(n_articles).astype(str)),
        "published_at": published,
        "published_at_source": np.full(n_articles, "metadata"),
        "language": np.full(n_articles, "en"),
        # Short bodies: the questions never read body, and a columnar store never touches it.
        "body": np.full(n_articles, "Body text. " * 20),
        "word_count": np.full(n_articles, 600, dtype=np.int32),
        "body_cut_chars": np.zeros(n_articles, dtype=np.int32),
        "content_hash": np.char.add("h", article_ids),
        "run_id": np.full(n_articles, "bench"),
    }
    art = _declared(ARTICLES.schema, articles, n_articles)

    # Zipf-like: p(rank r) ~ 1/(r + 10); the top speaker gets ~8% of the quotes, as a head of
    # government does in a national crawl.
    weights = 1.0 / (np.arange(N_SPEAKERS) + 10.0)
    ranks = rng.choice(N_SPEAKERS, n_quotes, p=weights / weights.sum())
    speaker = np.char.add("Speaker ", ranks.astype(str))
    q_article = rng.integers(0, n_articles, n_quotes)
    lag = rng.integers(0, 3, n_quotes).astype("timedelta64[D]")
    said_on = published[q_article].astype("datetime64[D]") - lag
    quotes = {
        "quote_id": np.char.add("q", np.arange(n_quotes).astype(str)),
        "article_id": article_ids[q_article],
        "kind": np.array(["direct", "indirect", "partial"])[rng.integers(0, 3, n_quotes)],
        "quote_text": np.full(n_quotes, "We will keep the buses running whatever it costs."),
        "quote_start": np.zeros(n_quotes, dtype=np.int32),
        "quote_end": np.full(n_quotes, 49, dtype=np.int32),
        "speaker_text": speaker,
        "speaker_kind": np.full(n_quotes, "person"),
        "speaker_entity_id": np.char.add("e", ranks.astype(str)),
        "speaker_name": speaker,
        "cue": np.full(n_quotes, "said"),
        "said_on": said_on,
        "said_on_precision": np.full(n_quotes, "day"),
        "said_on_source": np.full(n_quotes, "expression"),
        "confidence": np.full(n_quotes, 0.9, dtype=np.float32),
    }
    quo = _declared(QUOTES.schema, quotes, n_quotes)
    return art, quo


def _declared(schema: pa.Schema, columns: dict[str, Any], n: int) -> pa.Table:
    """The generated columns as a table of the declared schema; the others all null."""
    return pa.table(
        {
            f.name: pa.array(columns[f.name], type=f.type)
            if f.name in columns
            else pa.nulls(n, f.type)
            for f in schema
        },
        schema=schema,
    )


def build_native(path: Path, art: pa.Table, quo: pa.Table, layout: str) -> float:
    """A DuckDB file holding the tables in ``layout``; returns seconds spent loading."""
    t0 = time.perf_counter()
    con = duckdb.connect(str(path))
    warehouse.ensure_schema(con)
    con.register("art_in", art)
    con.register("quo_in", quo)
    for name, table in (("articles", ARTICLES), ("quotes", QUOTES)):
        # As tasks.store.warehouse.load inserts: sorted in SQL by the table's sort_by, or as it
        # came.
        order = (" ORDER BY " + ", ".join(table.sort_by)) if layout.startswith("sorted") else ""
        con.execute(f"INSERT INTO {name} SELECT * FROM {name[:3]}_in{order}")
    if "+index" in layout:
        con.execute("CREATE INDEX quotes_speaker ON quotes (speaker_name)")
    warehouse.create_views(con, fts=False)  # builds the most_quoted roll-up table, as a load does
    if "+rollup" not in layout:  # the other layouts answer most_quoted from the live view
        con.execute("CREATE OR REPLACE VIEW most_quoted AS SELECT * FROM most_quoted_live")
        con.execute("DROP TABLE most_quoted_rollup")
    con.execute("CHECKPOINT")
    con.close()
    return time.perf_counter() - t0


def build_parquet(folder: Path, art: pa.Table, quo: pa.Table) -> duckdb.DuckDBPyConnection:
    """Views straight over Parquet files (64k-row groups, arrival order), as a lakehouse would."""
    for name, table in (("articles", art), ("quotes", quo)):
        (folder / name).mkdir(parents=True, exist_ok=True)
        pq.write_table(
            table,
            folder / name / "part-0.parquet",
            compression="zstd",
            row_group_size=warehouse.ROW_GROUP_ROWS,
        )
    con = duckdb.connect()
    for name in ("articles", "quotes"):
        con.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{folder / name / '*.parquet'}')"
        )
    for name in ("entities", "mentions", "utterances"):  # the views name them; empty here
        con.execute(warehouse.ddl.create_table(warehouse.BY_NAME[name]))
    warehouse.create_views(con, fts=False)
    # Read in place means no table at all: most_quoted from the live view, as before the roll-up.
    con.execute("CREATE OR REPLACE VIEW most_quoted AS SELECT * FROM most_quoted_live")
    con.execute("DROP TABLE most_quoted_rollup")
    return con


WHO_SAID_WHAT = """SELECT speaker_name, quote_text, said_on, outlet, title, url
                   FROM who_said_what WHERE speaker_name = ? ORDER BY said_on"""
MOST_QUOTED = """SELECT outlet, speaker_name, n_quotes FROM most_quoted WHERE month = ?
                 ORDER BY n_quotes DESC, speaker_name LIMIT 20"""


def time_query(
    con: duckdb.DuckDBPyConnection, sql: str, params: list, repeat: int
) -> tuple[float, int]:
    """Median milliseconds over ``repeat`` runs (after one warm-up) and the row count."""
    rows = con.execute(sql, params).fetchall()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        rows = con.execute(sql, params).fetchall()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), len(rows)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quotes", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--threads", type=int, default=0, help="DuckDB threads (0 = its default)")
    args = p.parse_args(argv)

    t0 = time.perf_counter()
    art, quo = synthetic_tables(args.quotes)
    counts = (
        pa.TableGroupBy(quo.select(["speaker_name"]), "speaker_name")
        .aggregate([("speaker_name", "count")])
        .sort_by([("speaker_name_count", "descending")])
    )
    names = counts.column("speaker_name").to_pylist()
    probes = {
        "top": names[0],
        "rank 100": names[min(99, len(names) - 1)],
        "rare": names[len(names) * 9 // 10],
    }
    n_of = dict(zip(names, counts.column("speaker_name_count").to_pylist(), strict=True))
    print(
        f"generated {art.num_rows:,} articles, {quo.num_rows:,} quotes, {len(names):,} speakers "
        f"in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )

    results: list[tuple[str, float | None, dict[str, float]]] = []
    with tempfile.TemporaryDirectory(prefix="whosaid-qs-") as tmp:
        layouts = [
            "parquet",
            "native, arrival order",
            "native, sorted (sort_by)",
            "native, arrival order +index",
            "native, sorted +index",
            "native, sorted +rollup",
        ]
        for layout in layouts:
            if layout == "parquet":
                con, load_s = build_parquet(Path(tmp) / "pq", art, quo), None
            else:
                path = Path(tmp) / f"{len(results)}.duckdb"
                load_s = build_native(path, art, quo, layout.split(", ", 1)[1])
                con = duckdb.connect(str(path), read_only=True)
            if args.threads:
                con.execute(f"SET threads = {args.threads}")
            timings: dict[str, float] = {}
            for label, speaker in probes.items():
                ms, n = time_query(con, WHO_SAID_WHAT, [speaker], args.repeat)
                assert n == n_of[speaker], (n, n_of[speaker])
                timings[f"who_said_what {label} ({n:,} rows)"] = ms
            ms, _ = time_query(con, MOST_QUOTED, [MONTH], args.repeat)
            timings[f"most_quoted {MONTH:%Y-%m}"] = ms
            ms, _ = time_query(con, "SELECT count(*) FROM quotes", [], args.repeat)
            timings["reference: count(*) quotes"] = ms
            con.close()
            results.append((layout, load_s, timings))
            print(f"{layout}: done", file=sys.stderr)

    headers = list(results[0][2])
    print(
        f"\n{quo.num_rows:,} quotes, {art.num_rows:,} articles; median of {args.repeat} runs, "
        "milliseconds (load: seconds to insert both tables)\n"
    )
    print("| layout | load s | " + " | ".join(headers) + " |")
    print("|---|---:|" + "---:|" * len(headers))
    for layout, load_s, timings in results:
        load = f"{load_s:.1f}" if load_s is not None else "-"
        print(f"| {layout} | {load} | " + " | ".join(f"{timings[h]:.1f}" for h in headers) + " |")


if __name__ == "__main__":
    main()
