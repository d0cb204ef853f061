"""The report's records: what each aggregate returns (frozen, typed), and how much it shows.

``tasks.report.aggregates`` fills them from the warehouse with SQL; ``charts`` and ``pages`` read
them. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

Unit = Literal["week", "month"]


@dataclass(frozen=True)
class ReportOptions:
    """How much the report shows. Each bound keeps the page readable and its file a few MB at a
    million quotes (docs/report.md)."""

    # Speakers with a page of their own (`whosaid report --speakers N`).
    speakers: int = 20
    # Speakers in the Speakers table: a long tail beyond the pages, each one row.
    speakers_listed: int = 100
    # Speakers in the speakers-by-outlet and over-time charts: 25 rows of bars fill a screen.
    chart_speakers: int = 25
    # Outlets named in the speakers-by-outlet chart; the rest are stacked as "other outlets"
    # (10: the colours of the chart's categorical palette, Tableau 10).
    chart_outlets: int = 10
    # Utterances listed on a speaker's page (the latest, in date order): at about 1 kB of page
    # each, 300 on each of 20 pages is ~6 MB.
    utterances_per_speaker: int = 300
    # Article links under one utterance; the outlets that carried it are all named.
    links_per_utterance: int = 10
    # Other people quoted in the same articles, and roles as written, per speaker page.
    co_quoted: int = 10
    roles: int = 15
    # Widely carried: utterances listed, and how many of them the spread chart draws
    # (one line each, in the 10 colours of Tableau 10).
    carried: int = 50
    carried_in_chart: int = 10
    # Outlets listed on the Outlets page, by quotes; top speakers shown per outlet.
    outlets: int = 60
    speakers_per_outlet: int = 5
    # Ingest runs in the accounting table: a day of hourly runs; the Prefect UI keeps the rest.
    runs: int = 24
    # Reject reasons per run, most frequent first.
    reasons_per_run: int = 10

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 0:
                raise ValueError(f"{name} must be 0 or more, not {value}")


# -- records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    articles: int
    outlets: int
    quotes: int
    # Distinct named people quoted (speaker_kind 'person' with a canonical name).
    people: int
    utterances: int
    first_published: date | None
    last_published: date | None
    undated_articles: int


@dataclass(frozen=True)
class Period:
    start: date
    articles: int
    outlets: int
    quotes: int
    people: int


@dataclass(frozen=True)
class Timeline:
    unit: Unit
    periods: tuple[Period, ...]


@dataclass(frozen=True)
class RejectCount:
    stage: str
    reason: str
    n: int


@dataclass(frozen=True)
class RunAccount:
    run_id: str
    started_at: datetime
    finished_at: datetime | None
    sources: tuple[str, ...]
    records_read: int
    articles: int
    duplicates: int
    rejects: int
    quotes: int
    rejects_by_reason: tuple[RejectCount, ...]


@dataclass(frozen=True)
class CheckResult:
    name: str
    failing_rows: int


@dataclass(frozen=True)
class Speaker:
    # A stable page name: the name folded to ASCII words plus a hash of the entity.
    key: str
    entity_id: str | None
    name: str
    n_quotes: int
    n_utterances: int
    n_articles: int
    n_outlets: int
    first_said: date | None
    last_said: date | None
    gender: str | None  # None: the warehouse has no gender column, or no evidence for this one


@dataclass(frozen=True)
class Count:
    """A label and how often: an outlet, a speaker, a role, a gender, a quote kind."""

    label: str
    n: int


@dataclass(frozen=True)
class SpeakerCount:
    speaker_key: str
    label: str  # outlet or period label
    n: int


@dataclass(frozen=True)
class SpeakerPeriodCount:
    speaker_key: str
    start: date
    n: int


@dataclass(frozen=True)
class ArticleLink:
    outlet: str | None
    title: str | None
    url: str | None
    published_at: datetime | None


@dataclass(frozen=True)
class Utterance:
    utterance_id: str
    said_on: date | None
    text: str
    n_articles: int
    n_outlets: int
    outlets: tuple[str, ...]
    first_outlet: str | None
    first_published_at: datetime | None
    articles: tuple[ArticleLink, ...]  # the first ``links_per_utterance``, by publication


@dataclass(frozen=True)
class SpeakerPage:
    speaker: Speaker
    utterances: tuple[Utterance, ...]  # date order; the latest ``utterances_per_speaker``
    co_quoted: tuple[Count, ...]  # people quoted in the same articles, by shared articles
    roles: tuple[Count, ...]  # speaker_role as written, by quotes
    periods: tuple[Count, ...]  # quotes per period (label: ISO start date)
    kinds: tuple[Count, ...]


@dataclass(frozen=True)
class SpreadPoint:
    day: int  # days after the first report
    outlets: int  # outlets that had carried it by then


@dataclass(frozen=True)
class Carried:
    utterance_id: str
    speaker_name: str | None
    speaker_key: str | None  # the speaker's page, when the report has one
    text: str
    n_outlets: int
    n_articles: int
    first_outlet: str | None
    first_published_at: datetime | None
    last_published_at: datetime | None
    spread: tuple[SpreadPoint, ...]


@dataclass(frozen=True)
class OutletRow:
    outlet: str  # "(no outlet)" for articles without one
    n_articles: int
    n_quotes: int
    kinds: tuple[Count, ...]  # direct, partial, indirect, in that order
    top_speakers: tuple[Count, ...]
    genders: tuple[Count, ...]  # quotes of people by gender; empty without a gender column


@dataclass(frozen=True)
class Report:
    generated_at: datetime
    totals: Totals
    timeline: Timeline
    runs: tuple[RunAccount, ...]
    checks: tuple[CheckResult, ...]
    has_gender: bool
    genders: tuple[Count, ...]  # quotes of people by gender
    speakers: tuple[Speaker, ...]  # the Speakers table, most quoted first
    speaker_outlets: tuple[SpeakerCount, ...]  # chart speakers x (top outlets + other)
    speaker_periods: tuple[SpeakerPeriodCount, ...]  # chart speakers x periods
    pages: tuple[SpeakerPage, ...]
    carried: tuple[Carried, ...]
    outlets: tuple[OutletRow, ...]
    n_outlets_total: int

    @property
    def empty(self) -> bool:
        return self.totals.articles == 0
