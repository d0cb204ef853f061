"""One page per speaker: their latest utterances with the outlets and articles that carried
each, who is quoted beside them, their roles as written, and their quotes per period and by kind.
DuckDB SQL over the read-only connection, one query per aspect for all the speakers together
(joined as ``aggregates.picked_speakers``)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import duckdb

from tasks.report.aggregates import join_picked, picked_speakers, speaker_periods
from tasks.report.records import (
    ArticleLink,
    Count,
    ReportOptions,
    Speaker,
    SpeakerPage,
    Unit,
    Utterance,
)


def speaker_pages(
    con: duckdb.DuckDBPyConnection,
    speakers: tuple[Speaker, ...],
    unit: Unit,
    options: ReportOptions,
) -> tuple[SpeakerPage, ...]:
    """For each speaker: their latest utterances in date order (with the outlets and articles
    that carried each), who is quoted beside them, their roles as written, and their quotes per
    period and by kind. One query per aspect for all the speakers together."""
    if not speakers:
        return ()
    cte, params, by_key = picked_speakers(speakers)
    said = "coalesce(u.first_said_on, CAST(u.first_published_at AS DATE))"
    picked = con.execute(
        f"""
        WITH {cte}
        SELECT picked.k, u.utterance_id, {said} AS said_on, u.canonical_text,
               u.n_articles, u.n_outlets, u.first_published_at
        FROM utterances u {join_picked("u")}
        QUALIFY row_number() OVER (
            PARTITION BY picked.k
            ORDER BY said_on DESC NULLS LAST, u.first_published_at DESC NULLS LAST,
                     u.utterance_id) <= ?
        """,
        [*params, options.utterances_per_speaker],
    ).fetchall()
    ids = [r[1] for r in picked]
    carriers = _carriers(con, ids, options.links_per_utterance)
    utterances: dict[str, list[Utterance]] = defaultdict(list)
    for k, uid, said_on, text, n_articles, n_outlets, first_pub in picked:
        outlets, first_outlet, links = carriers.get(uid, ((), None, ()))
        utterances[by_key[k]].append(
            Utterance(
                uid, said_on, text, n_articles, n_outlets, outlets, first_outlet, first_pub, links
            )
        )
    for items in utterances.values():  # date order, undated last
        items.sort(key=_date_order)

    beside = _grouped(
        con,
        f"""
        WITH {cte},
        mine AS (
            SELECT DISTINCT picked.k, q.article_id FROM quotes q {join_picked("q")}
            WHERE q.speaker_kind = 'person'
        )
        SELECT m.k, o.speaker_name, count(DISTINCT o.article_id) AS n
        FROM mine m JOIN quotes o USING (article_id)
        WHERE o.speaker_kind = 'person' AND o.speaker_name IS NOT NULL
          AND coalesce(o.speaker_entity_id, '') || '|' || o.speaker_name <> m.k
        GROUP BY m.k, o.speaker_name
        QUALIFY row_number() OVER (PARTITION BY m.k ORDER BY n DESC, o.speaker_name) <= ?
        """,
        [*params, options.co_quoted],
        by_key,
    )
    roles = _grouped(
        con,
        f"""
        WITH {cte}
        SELECT picked.k, q.speaker_role, count(*) AS n FROM quotes q {join_picked("q")}
        WHERE q.speaker_kind = 'person' AND q.speaker_role IS NOT NULL
        GROUP BY picked.k, q.speaker_role
        QUALIFY row_number() OVER (PARTITION BY picked.k ORDER BY n DESC, q.speaker_role) <= ?
        """,
        [*params, options.roles],
        by_key,
    )
    kinds = _grouped(
        con,
        f"""
        WITH {cte}
        SELECT picked.k, q.kind, count(*) AS n FROM quotes q {join_picked("q")}
        WHERE q.speaker_kind = 'person'
        GROUP BY ALL ORDER BY picked.k, n DESC, q.kind
        """,
        params,
        by_key,
    )
    periods: dict[str, list[Count]] = defaultdict(list)
    for row in speaker_periods(con, speakers, unit):
        periods[row.speaker_key].append(Count(row.start.isoformat(), row.n))
    return tuple(
        SpeakerPage(
            s,
            tuple(utterances[s.key]),
            tuple(beside[s.key]),
            tuple(roles[s.key]),
            tuple(periods[s.key]),
            tuple(kinds[s.key]),
        )
        for s in speakers
    )


def _date_order(u: Utterance) -> tuple[bool, date, float, str]:
    published = u.first_published_at.timestamp() if u.first_published_at else float("inf")
    return (u.said_on is None, u.said_on or date.max, published, u.utterance_id)


def _grouped(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any], by_key: dict[str, str]
) -> dict[str, list[Count]]:
    out: dict[str, list[Count]] = defaultdict(list)
    for k, label, n in con.execute(sql, params).fetchall():
        out[by_key[k]].append(Count(label, n))
    return out


def _carriers(
    con: duckdb.DuckDBPyConnection, utterance_ids: list[str], links: int
) -> dict[str, tuple[tuple[str, ...], str | None, tuple[ArticleLink, ...]]]:
    """For each utterance: the outlets that carried it (by name), the first to publish it, and
    its first ``links`` articles by publication."""
    if not utterance_ids:
        return {}
    rows = con.execute(
        """
        WITH carried AS (  -- each article once, however often it quotes the utterance
            SELECT DISTINCT utterance_id, article_id FROM quotes
            WHERE utterance_id IN (SELECT unnest(?::VARCHAR[]))
        )
        SELECT c.utterance_id,
               list(DISTINCT a.outlet ORDER BY a.outlet) FILTER (WHERE a.outlet IS NOT NULL),
               arg_min(a.outlet, a.published_at),
               list({'outlet': a.outlet, 'title': a.title, 'url': a.url,
                     'published_at': a.published_at}
                    ORDER BY a.published_at NULLS LAST, a.article_id)[1:?]
        FROM carried c JOIN articles a USING (article_id)
        GROUP BY c.utterance_id
        """,
        [utterance_ids, links],
    ).fetchall()
    return {
        uid: (
            tuple(outlets or ()),
            first,
            tuple(ArticleLink(a["outlet"], a["title"], a["url"], a["published_at"]) for a in arts),
        )
        for uid, outlets, first, arts in rows
    }
