"""Every figure the report shows, as DuckDB SQL over a read-only connection to the warehouse.

Each function takes the connection and returns frozen records; nothing here draws or formats
(the speaker pages' queries are in ``tasks.report.speakers``; ``build.gather`` runs them all).
The SQL reads the base tables (not the views), so a warehouse that was created but never loaded
still answers, and every aggregate is one query the database runs in parallel: the report's cost
grows with the number of speakers and outlets it shows, not with the Python loop over quotes.

Dates: an article's period is its publication date; a quote's is when it was said, or failing
that its article's publication date (as the ``most_quoted`` view counts). Times are UTC.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from datetime import date
from typing import Any

import duckdb

from tasks.report.records import (
    Carried,
    CheckResult,
    Count,
    OutletRow,
    Period,
    RejectCount,
    ReportOptions,
    RunAccount,
    Speaker,
    SpeakerCount,
    SpeakerPeriodCount,
    SpreadPoint,
    Timeline,
    Totals,
    Unit,
)
from tasks.store import warehouse

# Weekly periods until the articles span two years, monthly beyond: 104 bars in a chart about
# 1,000 pixels wide are ~9 pixels each, the narrowest that still read as bars.
MAX_WEEKS = 104
# A quote's date: when it was said, else when its article was published (as most_quoted).
QUOTE_DAY = "coalesce(q.said_on, CAST(a.published_at AS DATE))"
KINDS = ("direct", "partial", "indirect")
NO_OUTLET = "(no outlet)"
# The tables the report reads; a DuckDB file without them is not a whosaid warehouse.
TABLES = ("articles", "quotes", "utterances", "entities", "runs", "rejects")


# -- the connection -----------------------------------------------------------------------------


class ReportError(Exception):
    """The warehouse cannot be reported on (missing, busy, not a whosaid warehouse)."""


def open_warehouse(path: Any) -> duckdb.DuckDBPyConnection:
    """A read-only connection to ``<path>/whosaid.duckdb``, in UTC; ReportError, in one line,
    when it is missing, held by a writer, or not a whosaid warehouse."""
    from pathlib import Path

    db = Path(path) / "whosaid.duckdb"
    if not db.exists():
        raise ReportError(f"no warehouse at {path} (run `whosaid ingest` first)")
    try:
        con = warehouse.connect(db, read_only=True)
    except warehouse.WarehouseLocked:
        raise ReportError(
            f"{db} is being written by a run; try again when it has finished"
        ) from None
    except duckdb.Error as exc:
        raise ReportError(f"cannot open {db}: {str(exc).splitlines()[0]}") from None
    con.execute("SET TimeZone = 'UTC'")
    have = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    missing = [t for t in TABLES if t not in have]
    if missing:
        con.close()
        raise ReportError(f"{db} is not a whosaid warehouse: no table {', '.join(missing)}")
    return con


def has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
        [table, column],
    ).fetchone()
    return bool(row and row[0])


def knows_gender(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse gives any person a gender (an older one has no column; a current
    one where no text said has only NULLs): the report's gender views are drawn only then."""
    if not has_column(con, "entities", "gender"):
        return False
    row = con.execute(
        "SELECT count(*) FROM entities WHERE gender IS NOT NULL AND gender <> 'unknown'"
    ).fetchone()
    return bool(row and row[0])


# -- overview -----------------------------------------------------------------------------------


def totals(con: duckdb.DuckDBPyConnection) -> Totals:
    row = con.execute(
        """
        SELECT (SELECT count(*) FROM articles),
               (SELECT count(DISTINCT outlet) FROM articles),
               (SELECT count(*) FROM quotes),
               (SELECT count(DISTINCT (speaker_entity_id, speaker_name)) FROM quotes
                 WHERE speaker_kind = 'person' AND speaker_name IS NOT NULL),
               (SELECT count(*) FROM utterances),
               (SELECT min(CAST(published_at AS DATE)) FROM articles),
               (SELECT max(CAST(published_at AS DATE)) FROM articles),
               (SELECT count(*) FROM articles WHERE published_at IS NULL)
        """
    ).fetchone()
    assert row is not None
    return Totals(*row)


def period_unit(first: date | None, last: date | None) -> Unit:
    if first is None or last is None:
        return "week"
    return "week" if (last - first).days <= MAX_WEEKS * 7 else "month"


def timeline(con: duckdb.DuckDBPyConnection, unit: Unit) -> Timeline:
    """Articles, outlets, quotes and people quoted per period of publication, every period from
    the first to the last present (zeros included, so a quiet week shows as one)."""
    rows = con.execute(
        f"""
        WITH dated AS (
            SELECT a.article_id, a.outlet,
                   CAST(date_trunc('{unit}', CAST(a.published_at AS DATE)) AS DATE) AS start
            FROM articles a WHERE a.published_at IS NOT NULL
        ),
        span AS (
            SELECT CAST(p AS DATE) AS start
            FROM (SELECT min(start) AS lo, max(start) AS hi FROM dated),
                 range(lo, hi + INTERVAL 1 {unit}, INTERVAL 1 {unit}) t(p)
            WHERE lo IS NOT NULL
        ),
        by_article AS (
            SELECT start, count(*) AS articles, count(DISTINCT outlet) AS outlets
            FROM dated GROUP BY start
        ),
        by_quote AS (
            SELECT d.start, count(*) AS quotes,
                   count(DISTINCT CASE WHEN q.speaker_kind = 'person'
                                       THEN (q.speaker_entity_id, q.speaker_name) END) AS people
            FROM quotes q JOIN dated d USING (article_id)
            GROUP BY d.start
        )
        SELECT s.start, coalesce(ba.articles, 0), coalesce(ba.outlets, 0),
               coalesce(bq.quotes, 0), coalesce(bq.people, 0)
        FROM span s
        LEFT JOIN by_article ba USING (start)
        LEFT JOIN by_quote bq USING (start)
        ORDER BY s.start
        """
    ).fetchall()
    return Timeline(unit, tuple(Period(*r) for r in rows))


def runs(con: duckdb.DuckDBPyConnection, options: ReportOptions) -> tuple[RunAccount, ...]:
    """The last runs' accounting, newest first, with their rejects by reason."""
    rows = con.execute(
        """
        SELECT run_id, started_at, finished_at, coalesce(sources, []), records_read, articles,
               duplicates, rejects, quotes
        FROM runs ORDER BY started_at DESC LIMIT ?
        """,
        [options.runs],
    ).fetchall()
    ids = [r[0] for r in rows]
    reasons: dict[str, list[RejectCount]] = defaultdict(list)
    for run_id, stage, reason, n in con.execute(
        """
        SELECT run_id, stage, reason, n FROM (
            SELECT run_id, stage, reason, count(*) AS n FROM rejects
            WHERE run_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY ALL)
        QUALIFY row_number() OVER (PARTITION BY run_id ORDER BY n DESC, stage, reason) <= ?
        ORDER BY run_id, n DESC, stage, reason
        """,
        [ids, options.reasons_per_run],
    ).fetchall():
        reasons[run_id].append(RejectCount(stage, reason, n))
    return tuple(
        RunAccount(
            run_id=r[0],
            started_at=r[1],
            finished_at=r[2],
            sources=tuple(r[3]),
            records_read=r[4],
            articles=r[5],
            duplicates=r[6],
            rejects=r[7],
            quotes=r[8],
            rejects_by_reason=tuple(reasons[r[0]]),
        )
        for r in rows
    )


def checks(con: duckdb.DuckDBPyConnection) -> tuple[CheckResult, ...]:
    """The warehouse's data-quality checks (the ones every load runs), as they stand now."""
    return tuple(CheckResult(n, c) for n, c in warehouse.run_checks(con))


# -- speakers -----------------------------------------------------------------------------------


def speaker_key(entity_id: str | None, name: str) -> str:
    """A page name that reads as the person and stays the same across reports: the name in
    ASCII words, plus 6 hex digits of the entity (two people of one name get two pages)."""
    words = re.sub(r"[^a-z0-9]+", "-", name.lower().encode("ascii", "ignore").decode()).strip("-")
    digest = hashlib.sha1(f"{entity_id or ''}|{name}".encode()).hexdigest()[:6]
    return f"{words or 'speaker'}-{digest}"


def _gender_join(has_gender: bool) -> tuple[str, str]:
    """(column, join) reading entities.gender when the warehouse has it."""
    if not has_gender:
        return "CAST(NULL AS VARCHAR)", ""
    return "any_value(e.gender)", "LEFT JOIN entities e ON e.entity_id = q.speaker_entity_id"


def top_speakers(
    con: duckdb.DuckDBPyConnection, limit: int, has_gender: bool
) -> tuple[Speaker, ...]:
    """The most-quoted people: quotes, utterances, articles, outlets, first and last said.
    The ranking counts quotes only; the distinct counts are made for the ranked few."""
    gender, join = _gender_join(has_gender)
    rows = con.execute(
        f"""
        WITH ranked AS (
            SELECT coalesce(speaker_entity_id, '') AS p_entity, speaker_name AS p_name,
                   count(*) AS n_quotes
            FROM quotes WHERE speaker_kind = 'person' AND speaker_name IS NOT NULL
            GROUP BY 1, 2 ORDER BY n_quotes DESC, p_name, p_entity = '', p_entity LIMIT ?
        )
        SELECT q.speaker_entity_id, q.speaker_name, any_value(r.n_quotes) AS n_quotes,
               count(DISTINCT q.utterance_id), count(DISTINCT q.article_id),
               count(DISTINCT a.outlet), min({QUOTE_DAY}), max({QUOTE_DAY}), {gender}
        FROM quotes q
        JOIN ranked r ON q.speaker_name = r.p_name
                     AND coalesce(q.speaker_entity_id, '') = r.p_entity
        JOIN articles a USING (article_id) {join}
        WHERE q.speaker_kind = 'person'
        GROUP BY q.speaker_entity_id, q.speaker_name
        ORDER BY n_quotes DESC, q.speaker_name, q.speaker_entity_id NULLS LAST
        """,
        [limit],
    ).fetchall()
    return tuple(Speaker(speaker_key(r[0], r[1]), r[0], r[1], *r[2:]) for r in rows)


def picked_speakers(speakers: tuple[Speaker, ...]) -> tuple[str, list[Any], dict[str, str]]:
    """These speakers as a small table for the queries to join, rather than a condition on every
    quote: the CTE ``picked(k, p_entity, p_name)``, its parameters, and each ``k``'s page key.
    Join it with ``join_picked(alias)``; the join on speaker_name lets DuckDB skip the row groups
    of other speakers (quotes are stored sorted by speaker_name)."""
    cte = (
        "picked AS (SELECT p_entity || '|' || p_name AS k, p_entity, p_name FROM "
        "(SELECT unnest(?::VARCHAR[]) AS p_entity, unnest(?::VARCHAR[]) AS p_name))"
    )
    params = [[s.entity_id or "" for s in speakers], [s.name for s in speakers]]
    return cte, params, {f"{s.entity_id or ''}|{s.name}": s.key for s in speakers}


def join_picked(alias: str) -> str:
    return (
        f"JOIN picked ON {alias}.speaker_name = picked.p_name "
        f"AND coalesce({alias}.speaker_entity_id, '') = picked.p_entity"
    )


def speaker_outlets(
    con: duckdb.DuckDBPyConnection, speakers: tuple[Speaker, ...], top_outlets: int
) -> tuple[SpeakerCount, ...]:
    """Quotes of each speaker by outlet: the ``top_outlets`` outlets with most quotes of these
    speakers by name, the rest as 'other outlets'."""
    if not speakers:
        return ()
    cte, params, by_key = picked_speakers(speakers)
    rows = con.execute(
        f"""
        WITH {cte},
        theirs AS (
            SELECT picked.k, coalesce(a.outlet, '{NO_OUTLET}') AS outlet
            FROM quotes q {join_picked("q")} JOIN articles a USING (article_id)
            WHERE q.speaker_kind = 'person'
        ),
        top AS (
            SELECT outlet FROM theirs GROUP BY outlet ORDER BY count(*) DESC, outlet LIMIT ?
        )
        SELECT k, CASE WHEN outlet IN (SELECT outlet FROM top) THEN outlet
                       ELSE 'other outlets' END AS label, count(*) AS n
        FROM theirs GROUP BY ALL ORDER BY k, n DESC, label
        """,
        [*params, top_outlets],
    ).fetchall()
    return tuple(SpeakerCount(by_key[k], label, n) for k, label, n in rows)


def speaker_periods(
    con: duckdb.DuckDBPyConnection, speakers: tuple[Speaker, ...], unit: Unit
) -> tuple[SpeakerPeriodCount, ...]:
    """Quotes of each speaker per period of when they were said, within the span the articles
    were published in: a speech an article recalls from years before would stretch the time axis
    until the weeks of the coverage itself are slivers."""
    if not speakers:
        return ()
    cte, params, by_key = picked_speakers(speakers)
    rows = con.execute(
        f"""
        WITH {cte},
        span AS (
            SELECT coalesce(min(CAST(published_at AS DATE)), DATE '0001-01-01') AS lo,
                   coalesce(max(CAST(published_at AS DATE)), DATE '9999-12-31') AS hi
            FROM articles
        )
        SELECT picked.k, CAST(date_trunc('{unit}', {QUOTE_DAY}) AS DATE) AS start,
               count(*) AS n
        FROM quotes q {join_picked("q")} JOIN articles a USING (article_id), span
        WHERE q.speaker_kind = 'person' AND {QUOTE_DAY} BETWEEN span.lo AND span.hi
        GROUP BY ALL ORDER BY picked.k, start
        """,
        params,
    ).fetchall()
    return tuple(SpeakerPeriodCount(by_key[k], start, n) for k, start, n in rows)


def gender_counts(con: duckdb.DuckDBPyConnection) -> tuple[Count, ...]:
    """Quotes of named people by the gender of the entity quoted ('unknown' without one)."""
    rows = con.execute(
        """
        SELECT coalesce(e.gender, 'unknown') AS gender, count(*) AS n
        FROM quotes q LEFT JOIN entities e ON e.entity_id = q.speaker_entity_id
        WHERE q.speaker_kind = 'person' AND q.speaker_name IS NOT NULL
        GROUP BY ALL ORDER BY n DESC, gender
        """
    ).fetchall()
    return tuple(Count(g, n) for g, n in rows)


# -- widely carried -----------------------------------------------------------------------------


def widely_carried(
    con: duckdb.DuckDBPyConnection, page_keys: dict[str, str], options: ReportOptions
) -> tuple[Carried, ...]:
    """Utterances carried by more than one outlet, most outlets first: who had it first, when
    the last outlet ran it, and (for the first ``carried_in_chart``) how many outlets had run it
    each day after the first report. ``page_keys`` maps 'entity_id|name' to a speaker page."""
    rows = con.execute(
        """
        WITH top AS (
            SELECT utterance_id, speaker_entity_id, speaker_name, canonical_text, n_outlets,
                   n_articles
            FROM utterances WHERE n_outlets > 1
            ORDER BY n_outlets DESC, n_articles DESC, first_published_at, utterance_id LIMIT ?
        )
        SELECT t.*, arg_min(a.outlet, a.published_at), min(a.published_at), max(a.published_at)
        FROM top t JOIN quotes q USING (utterance_id) JOIN articles a USING (article_id)
        GROUP BY ALL
        ORDER BY t.n_outlets DESC, t.n_articles DESC, min(a.published_at), t.utterance_id
        """,
        [options.carried],
    ).fetchall()
    charted = [r[0] for r in rows[: options.carried_in_chart]]
    spread: dict[str, list[SpreadPoint]] = defaultdict(list)
    for uid, day, outlets in con.execute(
        """
        WITH first_by_outlet AS (
            SELECT q.utterance_id, a.outlet, min(a.published_at) AS seen_at
            FROM quotes q JOIN articles a USING (article_id)
            WHERE q.utterance_id IN (SELECT unnest(?::VARCHAR[]))
              AND a.outlet IS NOT NULL AND a.published_at IS NOT NULL
            GROUP BY ALL
        ),
        days AS (
            SELECT utterance_id,
                   date_diff('day', min(seen_at) OVER (PARTITION BY utterance_id), seen_at) AS day
            FROM first_by_outlet
        )
        SELECT utterance_id, day,
               sum(count(*)) OVER (PARTITION BY utterance_id ORDER BY day)::BIGINT AS outlets
        FROM days GROUP BY utterance_id, day ORDER BY utterance_id, day
        """,
        [charted],
    ).fetchall():
        spread[uid].append(SpreadPoint(day, outlets))
    out = []
    for uid, entity_id, name, text, n_outlets, n_articles, first, first_at, last_at in rows:
        page = page_keys.get(f"{entity_id or ''}|{name}") if name else None
        out.append(
            Carried(
                uid,
                name,
                page,
                text,
                n_outlets,
                n_articles,
                first,
                first_at,
                last_at,
                tuple(spread[uid]),
            )
        )
    return tuple(out)


# -- outlets ------------------------------------------------------------------------------------


def outlets(
    con: duckdb.DuckDBPyConnection, has_gender: bool, options: ReportOptions
) -> tuple[tuple[OutletRow, ...], int]:
    """Outlets by quotes (the first ``options.outlets``): articles, quotes by kind, the people
    each quotes most, and (with a gender column) its quotes of people by gender. Also the
    number of outlets in all."""
    outlet = f"coalesce(a.outlet, '{NO_OUTLET}')"
    kind_counts = ", ".join(f"count(*) FILTER (WHERE q.kind = '{k}') AS k_{k}" for k in KINDS)
    kind_columns = ", ".join(f"coalesce(kinds.k_{k}, 0)" for k in KINDS)
    rows = con.execute(
        f"""
        WITH arts AS (SELECT {outlet} AS outlet, count(*) AS n_articles FROM articles a GROUP BY 1),
        kinds AS (
            SELECT {outlet} AS outlet, count(*) AS n_quotes, {kind_counts}
            FROM quotes q JOIN articles a USING (article_id) GROUP BY 1
        )
        SELECT arts.outlet, arts.n_articles, coalesce(kinds.n_quotes, 0) AS n_quotes,
               {kind_columns}, count(*) OVER () AS n_outlets
        FROM arts LEFT JOIN kinds USING (outlet)
        ORDER BY n_quotes DESC, arts.n_articles DESC, arts.outlet
        LIMIT ?
        """,
        [options.outlets],
    ).fetchall()
    if not rows:
        return (), 0
    names = [r[0] for r in rows]
    top = _by_outlet(
        con,
        f"""
        SELECT {outlet} AS outlet, q.speaker_name, count(*) AS n
        FROM quotes q JOIN articles a USING (article_id)
        WHERE q.speaker_kind = 'person' AND q.speaker_name IS NOT NULL
          AND {outlet} IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY outlet, q.speaker_name
        QUALIFY row_number() OVER (PARTITION BY outlet ORDER BY n DESC, q.speaker_name) <= ?
        """,
        [names, options.speakers_per_outlet],
    )
    genders: dict[str, list[Count]] = defaultdict(list)
    if has_gender:
        genders = _by_outlet(
            con,
            f"""
            SELECT {outlet} AS outlet, coalesce(e.gender, 'unknown') AS gender, count(*) AS n
            FROM quotes q JOIN articles a USING (article_id)
            LEFT JOIN entities e ON e.entity_id = q.speaker_entity_id
            WHERE q.speaker_kind = 'person' AND q.speaker_name IS NOT NULL
              AND {outlet} IN (SELECT unnest(?::VARCHAR[]))
            GROUP BY ALL ORDER BY outlet, n DESC, gender
            """,
            [names],
        )
    out = tuple(
        OutletRow(
            name,
            n_articles,
            n_quotes,
            tuple(Count(k, n) for k, n in zip(KINDS, by_kind, strict=True)),
            tuple(top[name]),
            tuple(genders[name]),
        )
        for name, n_articles, n_quotes, *by_kind, _ in rows
    )
    return out, int(rows[0][-1])


def _by_outlet(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]
) -> dict[str, list[Count]]:
    out: dict[str, list[Count]] = defaultdict(list)
    for outlet, label, n in con.execute(sql, params).fetchall():
        out[outlet].append(Count(label, n))
    return out
