"""Pure conversions from pipeline records to Arrow tables shaped exactly as ``schemas.tables``."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from schemas.tables import (
    ARTICLES,
    DUPLICATES,
    ENTITY_OCCURRENCES,
    MENTIONS,
    QUOTES,
    REJECTS,
    RUNS,
    Table,
)
from tasks.model import Analysis, Article, Reject, RunRow

_WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def entity_id(name: str, label: str) -> str:
    """Stable across articles and runs: the same canonical name and label are the same entity."""
    key = f"{label}|{' '.join(name.split()).casefold()}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def quote_id(article_id: str, start: int, end: int) -> str:
    return hashlib.sha256(f"{article_id}:{start}:{end}".encode()).hexdigest()[:20]


class RowShapeError(ValueError):
    """A row whose keys are not exactly the declared columns of its table."""


def to_arrow(table: Table, rows: Iterable[dict[str, Any]]) -> pa.Table:
    """Rows (dicts) as an Arrow table with the declared schema.

    Every row names every column, a NULL included: a misspelt or missing key raises
    ``RowShapeError`` naming the table and the keys, rather than becoming a silent NULL column.
    """
    rows = list(rows)
    declared = set(table.schema.names)
    for row in rows:
        if row.keys() != declared:
            missing = sorted(declared - row.keys())
            unknown = sorted(row.keys() - declared)
            raise RowShapeError(
                f"row for table {table.name!r} does not match its declaration: "
                f"missing {missing}, unknown {unknown}"
            )
    columns = {f.name: [r[f.name] for r in rows] for f in table.schema}
    return pa.Table.from_pydict(columns, schema=table.schema)


def _utc(dt: Any) -> Any:
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def articles_table(articles: Sequence[Article], run_id: str) -> pa.Table:
    return to_arrow(
        ARTICLES,
        (
            {
                "article_id": a.article_id,
                "source_uri": a.source_uri,
                "source_locator": a.source_locator,
                "url": a.url,
                "outlet": a.outlet,
                "title": a.title,
                "standfirst": a.standfirst,
                "authors": list(a.authors),
                "published_at": _utc(a.published_at),
                "published_at_source": a.published_at_source,
                "language": a.language,
                "body": a.body,
                "word_count": word_count(a.body),
                "body_cut_chars": a.body_cut_chars,
                "content_hash": a.content_hash,
                "run_id": run_id,
            }
            for a in articles
        ),
    )


def analysis_tables(analyses: Sequence[Analysis]) -> dict[str, pa.Table]:
    """mentions, entity_occurrences and quotes for a batch of analysed articles."""
    mentions: list[dict[str, Any]] = []
    occurrences: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    for an in analyses:
        ids = [entity_id(c.name, c.label) for c in an.entities]
        counts: dict[int, int] = {}
        seen: set[tuple[int, int]] = set()
        for m in an.mentions:
            if (m.start, m.end) in seen:
                continue
            seen.add((m.start, m.end))
            counts[m.cluster] = counts.get(m.cluster, 0) + 1
            mentions.append(
                {
                    "article_id": an.article_id,
                    "entity_id": ids[m.cluster],
                    "text": m.text,
                    "start": m.start,
                    "end": m.end,
                    "label": m.label,
                }
            )
        merged: dict[str, dict[str, Any]] = {}
        for i, c in enumerate(an.entities):
            row = merged.setdefault(
                ids[i],
                {
                    "entity_id": ids[i],
                    "article_id": an.article_id,
                    "name": c.name,
                    "label": c.label,
                    "aliases": [],
                    "roles": [],
                    "n_mentions": 0,
                    "gender": c.gender,
                    "gender_evidence": c.gender_evidence,
                },
            )
            row["aliases"] = sorted(set(row["aliases"]) | (set(c.aliases) - {c.name}))
            row["roles"] = sorted(set(row["roles"]) | set(c.roles))
            row["n_mentions"] += counts.get(i, 0)
        occurrences.extend(merged.values())
        seen_quotes: set[str] = set()
        for q, when in zip(an.quotes, an.said_on, strict=True):
            qid = quote_id(an.article_id, q.quote_start, q.quote_end)
            if qid in seen_quotes:
                continue
            seen_quotes.add(qid)
            quotes.append(
                {
                    "quote_id": qid,
                    "article_id": an.article_id,
                    "kind": q.kind,
                    "quote_text": q.quote_text,
                    "quote_start": q.quote_start,
                    "quote_end": q.quote_end,
                    "quote_segments": [{"start": a, "end": b} for a, b in q.segments],
                    "speaker_text": q.speaker_text,
                    "speaker_start": q.speaker_start,
                    "speaker_end": q.speaker_end,
                    "speaker_kind": q.speaker_kind,
                    "speaker_entity_id": (
                        ids[q.speaker_cluster] if q.speaker_cluster is not None else None
                    ),
                    "speaker_name": q.speaker_name,
                    "speaker_affiliation_entity_id": (
                        ids[q.speaker_affiliation_cluster]
                        if q.speaker_affiliation_cluster is not None
                        else None
                    ),
                    "speaker_role": q.speaker_role,
                    "cue": q.cue,
                    "cue_start": q.cue_start,
                    "cue_end": q.cue_end,
                    "said_on": when.said_on,
                    "said_on_text": when.said_on_text,
                    "said_on_precision": when.precision,
                    "said_on_source": when.source,
                    "confidence": float(q.confidence),
                    "found_by": q.found_by,
                    "rule": q.rule,
                    "utterance_id": None,
                }
            )
    return {
        "mentions": to_arrow(MENTIONS, mentions),
        "entity_occurrences": to_arrow(ENTITY_OCCURRENCES, occurrences),
        "quotes": to_arrow(QUOTES, quotes),
    }


def rejects_table(rejects: Sequence[Reject], run_id: str) -> pa.Table:
    return to_arrow(
        REJECTS,
        (
            {
                "source_uri": r.source_uri,
                "source_locator": r.source_locator,
                "stage": r.stage,
                "reason": r.reason,
                "run_id": run_id,
            }
            for r in rejects
        ),
    )


def duplicates_table(rows: Sequence[dict[str, Any]], run_id: str) -> pa.Table:
    return to_arrow(DUPLICATES, ({**r, "run_id": run_id} for r in rows))


def runs_table(run: RunRow) -> pa.Table:
    """The run's own ``runs`` row."""
    row: dict[str, Any] = {f.name: getattr(run, f.name) for f in fields(run)}
    row["sources"] = list(run.sources) if run.sources is not None else None
    row["stage_seconds"] = list(run.stage_seconds.items())
    return to_arrow(RUNS, [row])


def run_row(manifest: dict[str, Any]) -> RunRow:
    """The ``runs`` row of a run's manifest; times may be ISO strings, as JSON keeps them."""
    required = [f.name for f in RUNS.schema if not f.nullable]
    lacking = [k for k in required if manifest.get(k) is None]
    if lacking:
        raise ValueError(f"run manifest lacks the runs column(s) {lacking}")

    def moment(value: Any) -> Any:
        return datetime.fromisoformat(value) if isinstance(value, str) else value

    sources = manifest.get("sources")
    return RunRow(
        run_id=manifest["run_id"],
        flow_run_id=manifest.get("flow_run_id"),
        started_at=moment(manifest["started_at"]),
        finished_at=moment(manifest.get("finished_at")),
        sources=tuple(sources) if sources is not None else None,
        records_read=manifest["records_read"],
        articles=manifest["articles"],
        duplicates=manifest["duplicates"],
        rejects=manifest["rejects"],
        quotes=manifest["quotes"],
        mentions=manifest["mentions"],
        stage_seconds=dict(manifest.get("stage_seconds") or {}),
    )
