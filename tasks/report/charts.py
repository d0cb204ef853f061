"""The report's charts as Bokeh figures, serialised with ``bokeh.embed.json_item`` so the page
can draw each one when its section is first shown (BokehJS is inlined once in the page).

One look: axes labelled, dates on date axes, no toolbar or logo, no outline, grid lines only
along the value axis, hover for exact figures. Colours: Okabe and Ito's colour-blind-safe
palette for categories up to 8 (quote kinds, genders), Tableau's 10 beyond (outlets, quotes).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from bokeh.embed import json_item
from bokeh.layouts import gridplot
from bokeh.models import (
    BasicTicker,
    ColumnDataSource,
    DatetimeTickFormatter,
    FactorRange,
    HoverTool,
    LinearColorMapper,
    NumeralTickFormatter,
)
from bokeh.models.annotations import ColorBar
from bokeh.palettes import Blues9, Category10, Colorblind
from bokeh.plotting import figure

from tasks.report.records import (
    Carried,
    OutletRow,
    Report,
    Speaker,
    SpeakerCount,
    SpeakerPage,
    SpeakerPeriodCount,
    Timeline,
    Unit,
)

# Chart heights in CSS pixels; widths follow the page (stretch_width).
SMALL_HEIGHT = 200
BAR_ROW = 26  # one bar of a horizontal bar chart, with its label
BAR_FRAME = 90  # axis, its label and the legend of a horizontal bar chart
# A bar covers most of its period: the gap shows where one period ends.
BAR_SHARE = 0.8
UNIT_DAYS = {"week": 7, "month": 30}
KIND_COLOURS = {
    "direct": Colorblind[8][0],
    "partial": Colorblind[8][1],
    "indirect": Colorblind[8][3],
}
OTHER_COLOUR = "#bbbbbb"
SAID_LABEL = "{unit} said (or published, where the text gives no date)"


def _item(model: Any) -> dict[str, Any]:
    """The model as ``Bokeh.embed.embed_item`` takes it (plain JSON)."""
    return cast(dict[str, Any], json_item(model))


def _dates() -> DatetimeTickFormatter:
    """Ticks as dates: '3 Mar', 'Mar 2025', '2025' (a model belongs to one chart, so a new one
    each time)."""
    return DatetimeTickFormatter(days="%-d %b", months="%b %Y", years="%Y")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _middle(start: date, unit: Unit) -> datetime:
    """Where a period's bar or cell is centred: the middle of the period, so it covers the
    dates it counts on the date axis."""
    return _midnight(start) + timedelta(days=UNIT_DAYS[unit] / 2)


def _counts(axis: Any) -> None:
    """Whole numbers on a count axis: no '0.5 quotes', no minor ticks."""
    axis.ticker = BasicTicker(min_interval=1, num_minor_ticks=0)
    axis.formatter = NumeralTickFormatter(format="0,0")


def _bar_width_ms(unit: Unit) -> float:
    return UNIT_DAYS[unit] * 86_400_000 * BAR_SHARE


def _plain(p: Any, value_axis: str) -> Any:
    """No toolbar, logo, outline or grid across the categories."""
    p.toolbar_location = None
    p.toolbar.logo = None
    p.outline_line_color = None
    p.background_fill_color = None
    p.border_fill_color = None
    if value_axis == "y":
        p.xgrid.grid_line_color = None
    else:
        p.ygrid.grid_line_color = None
    p.title.text_font_size = "13px"
    p.title.text_font_style = "normal"
    return p


def _bars_over_time(
    starts: list[date],
    values: list[int],
    unit: Unit,
    title: str,
    y_label: str,
    x_label: str,
    colour: str,
) -> Any:
    x = [_middle(d, unit) for d in starts]
    src = ColumnDataSource({"x": x, "n": values, "period": [d.isoformat() for d in starts]})
    p: Any = figure(
        title=title,
        x_axis_type="datetime",
        height=SMALL_HEIGHT,
        sizing_mode="stretch_width",
        x_axis_label=x_label,
        y_axis_label=y_label,
        tools=[HoverTool(tooltips=[(unit, "@period"), (y_label, "@n{0,0}")])],
    )
    p.vbar(x="x", top="n", width=_bar_width_ms(unit), source=src, color=colour)
    p.xaxis.formatter = _dates()
    _counts(p.yaxis)
    p.y_range.start = 0
    return _plain(p, "y")


def overview_timeline(t: Timeline) -> dict[str, Any] | None:
    """Articles, outlets, quotes and people quoted per period, four small charts on one
    time axis."""
    if not t.periods:
        return None
    starts = [p.start for p in t.periods]
    series = (
        ("Articles published", "articles", [p.articles for p in t.periods]),
        ("Outlets publishing", "outlets", [p.outlets for p in t.periods]),
        ("Quotes in those articles", "quotes", [p.quotes for p in t.periods]),
        ("People quoted", "people", [p.people for p in t.periods]),
    )
    figs: list[Any] = []
    for i, (title, label, values) in enumerate(series):
        x_label = f"{t.unit} of publication"
        f = _bars_over_time(starts, values, t.unit, title, label, x_label, Category10[10][i])
        if figs:
            f.x_range = figs[0].x_range
        figs.append(f)
    grid = gridplot(
        [figs[:2], figs[2:]], sizing_mode="stretch_width", toolbar_location=None, merge_tools=False
    )
    return _item(grid)


def _hbar_stack(
    rows: list[str],
    stacks: list[str],
    values: dict[str, list[int]] | dict[str, list[float]],
    colours: list[str],
    x_label: str,
    share: bool,
    hover_rows: list[str] | None = None,
) -> Any:
    data: dict[str, Any] = {"row": rows, "label": hover_rows or rows, **values}
    src = ColumnDataSource(data)
    p: Any = figure(
        y_range=FactorRange(factors=list(reversed(rows))),
        height=BAR_FRAME + BAR_ROW * len(rows),
        sizing_mode="stretch_width",
        x_axis_label=x_label,
        tools=[],
    )
    renderers = p.hbar_stack(
        stacks, y="row", height=0.75, source=src, color=colours, legend_label=stacks
    )
    fmt = "{0%}" if share else "{0,0}"
    for r, stack in zip(renderers, stacks, strict=True):
        p.add_tools(
            HoverTool(renderers=[r], tooltips=[("", "@label"), (stack, f"@{{{stack}}}{fmt}")])
        )
    p.x_range.start = 0
    if share:
        p.x_range.end = 1
        p.xaxis.formatter = NumeralTickFormatter(format="0%")
    else:
        _counts(p.xaxis)
    p.legend.orientation = "horizontal"
    p.legend.location = "top_left"
    p.legend.click_policy = "none"
    p.add_layout(p.legend[0], "above")
    p.legend.border_line_color = None
    return _plain(p, "x")


def speakers_by_outlet(
    speakers: tuple[Speaker, ...], counts: tuple[SpeakerCount, ...]
) -> dict[str, Any] | None:
    """Quotes per speaker, stacked by outlet (the most frequent outlets, then the rest)."""
    keys = [s.key for s in speakers if any(c.speaker_key == s.key for c in counts)]
    if not keys:
        return None
    names = {s.key: s.name for s in speakers}
    totals: dict[str, int] = defaultdict(int)
    for c in counts:
        totals[c.label] += c.n
    outlets = sorted((o for o in totals if o != "other outlets"), key=lambda o: (-totals[o], o))
    if "other outlets" in totals:
        outlets.append("other outlets")
    by = {(c.speaker_key, c.label): c.n for c in counts}
    values = {o: [by.get((k, o), 0) for k in keys] for o in outlets}
    colours = [
        OTHER_COLOUR if o == "other outlets" else Category10[10][i % 10]
        for i, o in enumerate(outlets)
    ]
    p = _hbar_stack(
        _unique_labels([names[k] for k in keys]), outlets, values, colours, "quotes", share=False
    )
    return _item(p)


def _unique_labels(names: list[str]) -> list[str]:
    """Category axes need distinct labels: a second person of one name gets ' (2)'."""
    seen: dict[str, int] = defaultdict(int)
    out = []
    for n in names:
        seen[n] += 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def speakers_over_time(
    speakers: tuple[Speaker, ...], counts: tuple[SpeakerPeriodCount, ...], unit: Unit
) -> dict[str, Any] | None:
    """A heat map: one row per speaker, one cell per period they were quoted in, darker for
    more quotes."""
    keys = [s.key for s in speakers if any(c.speaker_key == s.key for c in counts)]
    if not keys:
        return None
    labels = dict(
        zip(keys, _unique_labels([s.name for s in speakers if s.key in keys]), strict=True)
    )
    rows = [c for c in counts if c.speaker_key in labels]
    src = ColumnDataSource(
        {
            "x": [_middle(c.start, unit) for c in rows],
            "speaker": [labels[c.speaker_key] for c in rows],
            "n": [c.n for c in rows],
            "period": [c.start.isoformat() for c in rows],
        }
    )
    top = max(c.n for c in rows)
    mapper = LinearColorMapper(palette=list(reversed(Blues9[:-2])), low=0, high=top)
    p: Any = figure(
        x_axis_type="datetime",
        y_range=FactorRange(factors=list(reversed(list(labels.values())))),
        height=BAR_FRAME + BAR_ROW * len(keys),
        sizing_mode="stretch_width",
        x_axis_label=SAID_LABEL.format(unit=unit),
        tools=[HoverTool(tooltips=[("", "@speaker"), (unit, "@period"), ("quotes", "@n")])],
    )
    p.rect(
        x="x",
        y="speaker",
        width=UNIT_DAYS[unit] * 86_400_000 * 0.95,
        height=0.9,
        source=src,
        fill_color={"field": "n", "transform": mapper},
        line_color=None,
    )
    p.xaxis.formatter = _dates()
    bar = ColorBar(
        color_mapper=mapper,
        ticker=BasicTicker(desired_num_ticks=4, min_interval=1),
        title="quotes",
        width=10,
        border_line_color=None,
        background_fill_color=None,
    )
    p.add_layout(bar, "right")
    p = _plain(p, "x")
    p.xgrid.grid_line_color = None
    return _item(p)


def speaker_periods(page: SpeakerPage, unit: Unit) -> dict[str, Any] | None:
    """One speaker's quotes per period."""
    if not page.periods:
        return None
    starts = [date.fromisoformat(c.label) for c in page.periods]
    f = _bars_over_time(
        starts,
        [c.n for c in page.periods],
        unit,
        f"Quotes of {page.speaker.name}",
        "quotes",
        SAID_LABEL.format(unit=unit),
        Category10[10][0],
    )
    return _item(f)


def carried_spread(carried: tuple[Carried, ...]) -> dict[str, Any] | None:
    """How fast the most widely carried quotes spread: outlets that had run each one, by days
    after the first report (one step line per quote)."""
    drawn = [c for c in carried if c.spread]
    if not drawn:
        return None
    p: Any = figure(
        height=320,
        sizing_mode="stretch_width",
        x_axis_label="days after the first report",
        y_axis_label="outlets that had run it",
        tools=[
            HoverTool(tooltips=[("", "@who: @quote"), ("day", "@day"), ("outlets", "@outlets")])
        ],
    )
    for i, c in enumerate(drawn):
        days = [pt.day for pt in c.spread]
        outlets = [pt.outlets for pt in c.spread]
        if days[-1] == 0:  # all on the first day: a step needs somewhere to go
            days.append(1)
            outlets.append(outlets[-1])
        src = ColumnDataSource(
            {
                "day": days,
                "outlets": outlets,
                "who": [c.speaker_name or "unnamed"] * len(days),
                "quote": [_short(c.text)] * len(days),
            }
        )
        colour = Category10[10][i % 10]
        p.step(x="day", y="outlets", mode="after", source=src, line_width=2, color=colour)
        p.scatter(x="day", y="outlets", source=src, size=5, color=colour)
    p.y_range.start = 0
    p.x_range.start = 0
    _counts(p.xaxis)
    _counts(p.yaxis)
    return _item(_plain(p, "y"))


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def outlet_kinds(rows: tuple[OutletRow, ...]) -> dict[str, Any] | None:
    """Each outlet's quotes as shares of direct, partial and indirect."""
    quoted = [r for r in rows if r.n_quotes]
    if not quoted:
        return None
    kinds = [k.label for k in quoted[0].kinds]
    values = {
        k: [next(c.n for c in r.kinds if c.label == k) / r.n_quotes for r in quoted] for k in kinds
    }
    p = _hbar_stack(
        [r.outlet for r in quoted],
        kinds,
        values,
        [KIND_COLOURS[k] for k in kinds],
        "share of the outlet's quotes",
        share=True,
    )
    return _item(p)


def outlet_genders(rows: tuple[OutletRow, ...], genders: list[str]) -> dict[str, Any] | None:
    """Each outlet's quotes of named people as shares by the person's gender."""
    quoted = [r for r in rows if sum(g.n for g in r.genders)]
    if not quoted or not genders:
        return None
    values = {
        g: [
            sum(c.n for c in r.genders if c.label == g) / sum(c.n for c in r.genders)
            for r in quoted
        ]
        for g in genders
    }
    colours = [
        OTHER_COLOUR if g == "unknown" else Colorblind[8][i % 8] for i, g in enumerate(genders)
    ]
    p = _hbar_stack(
        [r.outlet for r in quoted],
        genders,
        values,
        colours,
        "share of the outlet's quotes of named people",
        share=True,
    )
    return _item(p)


def all_charts(report: Report) -> dict[str, dict[str, Any]]:
    """Every chart of the report by the id of the element it is drawn in."""
    unit = report.timeline.unit
    items: dict[str, dict[str, Any] | None] = {
        "chart-timeline": overview_timeline(report.timeline),
        "chart-speakers-outlets": speakers_by_outlet(report.speakers, report.speaker_outlets),
        "chart-speakers-time": speakers_over_time(report.speakers, report.speaker_periods, unit),
        "chart-carried": carried_spread(report.carried),
        "chart-outlet-kinds": outlet_kinds(report.outlets),
    }
    if report.has_gender:
        items["chart-outlet-genders"] = outlet_genders(
            report.outlets, [g.label for g in report.genders]
        )
    for page in report.pages:
        items[f"chart-speaker-{page.speaker.key}"] = speaker_periods(page, unit)
    return {k: v for k, v in items.items() if v is not None}
