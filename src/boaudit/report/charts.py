"""Charts for the reports: matplotlib figures rendered to inline SVG (HTML) or PNG (DOCX),
byte-stable.

Each ``*_figure`` function draws one chart (or returns None when there is nothing to draw);
the functions of the same name without ``_figure`` return it as an SVG string, and :func:`png`
serialises a figure as PNG bytes at a fixed resolution. The SVG carries no date and uses a
fixed id salt, the PNG no date and no software version, so the same report gives the same
bytes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render to files only

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from boaudit.findings.model import Finding
from boaudit.findings.scorecard import ITEM, KindScorecard
from boaudit.metrics.benchmarks import (
    BenchmarkComparison,
    KpiBenchmarks,
    headline_benchmarks,
    shown_value,
    verdict,
    verdict_sentence,
)
from boaudit.metrics.model import MetricsResult
from boaudit.questionnaire.scoring import Assessment, round_score

BAND_COLOURS = {"critical": "#c0392b", "needs work": "#e6a700", "healthy": "#2e8b57"}
INK = "#1f3a5f"
MUTED = "#9aa7b4"

plt.rcParams.update(
    {
        "svg.hashsalt": "boaudit",
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        # Labels are names and text from answers, exports and benchmark files: "$" is a
        # dollar sign there, never the start of matplotlib's math notation.
        "text.parse_math": False,
    }
)


def _svg(figure: Figure | None) -> str | None:
    if figure is None:
        return None
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    # Drop the XML prolog and doctype: the SVG is inlined into HTML.
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


PNG_DPI = 200
"""Resolution of the PNG charts: sharp when printed at a page's width (7 inches drawn)."""


def png(figure: Figure, dpi: int = PNG_DPI) -> bytes:
    """``figure`` as PNG bytes (then closed): white background, no date or software version
    in the file, so the same figure gives the same bytes."""
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="png",
        dpi=dpi,
        bbox_inches="tight",
        facecolor="white",
        metadata={"Software": None},
    )
    plt.close(figure)
    return buffer.getvalue()


def pitfall_scores_figure(assessment: Assessment | None) -> Figure | None:
    """Horizontal bars of the questionnaire score per pitfall, coloured by band."""
    if not assessment:
        return None
    rows = [
        (p.title, score, p.band)
        for p in assessment.pitfalls
        if (score := round_score(p.score)) is not None
    ]
    if not rows:
        return None
    rows = list(reversed(rows))
    figure, axes = plt.subplots(figsize=(7.0, 0.32 * len(rows) + 0.9))
    axes.barh(
        [title for title, _, _ in rows],
        [score for _, score, _ in rows],
        color=[BAND_COLOURS.get(band or "", MUTED) for _, _, band in rows],
    )
    for position, (_, score, _) in enumerate(rows):
        axes.text(score + 1, position, f"{score:.1f}", va="center")
    axes.axvline(40, color=MUTED, linestyle=":", linewidth=1)
    axes.axvline(70, color=MUTED, linestyle=":", linewidth=1)
    axes.set_xlim(0, 105)
    axes.set_xlabel("questionnaire score (0 = mistake fully present, 100 = best practice)")
    return figure


VERDICT_COLOURS = {
    "better": BAND_COLOURS["healthy"],
    "in range": BAND_COLOURS["needs work"],
    "worse": BAND_COLOURS["critical"],
}
"""Our value's colour by its verdict against the headline benchmark."""


def _source_name(comparison: BenchmarkComparison) -> str:
    year = "" if comparison.year is None else f" {comparison.year}"
    return f"{comparison.who}{year}"


def _reference_labels(comparison: BenchmarkComparison) -> list[tuple[float, str]]:
    """A source's reference points as (value, label), one label per distinct value."""
    by_value: dict[float, list[str]] = {}
    for point, ref in comparison.references.items():
        by_value.setdefault(float(ref), []).append(comparison.label(point))
    return [
        (value, f"{' = '.join(dict.fromkeys(names))} {shown_value(value, comparison.unit)}")
        for value, names in sorted(by_value.items())
    ]


def _benchmark_panel(axes: Any, kind: str, group: KpiBenchmarks) -> None:
    """One KPI: a row per source on one shared scale, our value a line across them."""
    from boaudit.metrics.display import label

    headline = group.headline
    unit = headline.unit
    value = float(headline.value)
    rows = group.every
    points = [value, *(float(r) for c in rows for r in c.references.values())]
    low, high = min(points), max(points)
    pad = (high - low) * 0.08 or abs(high) * 0.1 or 1.0
    axes.set_xlim(low - pad, high + pad)
    span = high - low + 2 * pad
    axes.set_ylim(-len(rows) + 0.35, 1.25)
    verdict_word = verdict(headline)
    colour = VERDICT_COLOURS[verdict_word]
    names = []
    for index, comparison in enumerate(rows):
        y = -index
        main = index == 0
        ink = INK if main else MUTED
        refs = _reference_labels(comparison)
        if len(refs) > 1:
            axes.hlines(
                y, refs[0][0], refs[-1][0], color=MUTED, linewidth=5 if main else 2, alpha=0.6
            )
        last: float | None = None
        below = True
        for ref, text in refs:
            # a label close to the one before it goes to the other side of the line
            below = not below if last is not None and ref - last < span * 0.16 else True
            last = ref
            axes.plot([ref], [y], marker="|", markersize=14 if main else 9, color=ink)
            axes.annotate(
                text,
                (ref, y),
                xytext=(0, -8 if below else 7),
                textcoords="offset points",
                ha="center",
                va="top" if below else "bottom",
                fontsize=7 if main else 6.5,
                color=ink,
            )
        name = _source_name(comparison)
        if comparison.differs:
            name += "\n(definition differs)"
        names.append(name)
    axes.axvline(value, color=colour, linewidth=1.2, linestyle="--", zorder=1)
    axes.plot([value], [0], marker="o", markersize=9, color=colour, zorder=3)
    left_half = (value - (low - pad)) < span / 2
    axes.annotate(
        f"ours {shown_value(value, unit)}: {verdict_sentence(headline)}",
        (value, 0),
        xytext=(4 if left_half else -4, 13),
        textcoords="offset points",
        ha="left" if left_half else "right",
        va="bottom",
        color=colour,
        fontsize=8,
        fontweight="bold",
    )
    axes.set_yticks([-i for i in range(len(rows))], names)
    for tick, comparison in zip(axes.get_yticklabels(), rows, strict=True):
        tick.set_fontsize(7)
        tick.set_color(INK if comparison is headline else MUTED)
        if comparison is headline:
            tick.set_fontweight("bold")
    axes.tick_params(axis="y", length=0)
    axes.tick_params(axis="x", labelsize=7, colors=MUTED)
    if unit == "share":
        width = high - low
        decimals = 0 if width >= 0.05 else 1 if width >= 0.005 else 2
        axes.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=decimals))
    axes.spines["left"].set_visible(False)
    axes.spines["bottom"].set_color(MUTED)
    better = (
        "lower is better \N{LEFTWARDS ARROW}"
        if headline.direction == "lower"
        else ("higher is better \N{RIGHTWARDS ARROW}")
    )
    shown_unit = "%" if unit == "share" else unit
    axes.set_title(
        f"{label(headline.metric) if headline.metric else headline.kpi} ({kind}), "
        f"{shown_unit}: {better}",
        loc="left",
        fontsize=8.5,
        color=INK,
    )


def kpis_against_benchmarks_figure(metrics: Mapping[str, MetricsResult]) -> Figure | None:
    """Each benchmarked KPI in its own panel: its headline source and the others on one scale
    with our value, coloured by the verdict against the headline source, written beside it."""
    panels: list[tuple[str, KpiBenchmarks]] = []
    for kind, result in metrics.items():
        usable = [
            c
            for c in result.benchmarks
            if c.references and isinstance(c.value, int | float) and not isinstance(c.value, bool)
        ]
        panels += [(kind, group) for group in headline_benchmarks(usable)]
    if not panels:
        return None
    heights = [len(group.every) + 1.4 for _, group in panels]
    figure, axes_list = plt.subplots(
        len(panels),
        1,
        figsize=(7.0, 0.42 * sum(heights) + 0.3),
        squeeze=False,
        gridspec_kw={"height_ratios": heights},
    )
    for axes, (kind, group) in zip(axes_list[:, 0], panels, strict=True):
        _benchmark_panel(axes, kind, group)
    figure.tight_layout(h_pad=1.6)
    return figure


def cycle_time_distribution_figure(samples: Mapping[str, Sequence[float]]) -> Figure | None:
    """Histogram of completed items' cycle times (days), per kind."""
    series = {kind: [float(v) for v in values] for kind, values in samples.items() if values}
    if not series:
        return None
    figure, axes = plt.subplots(figsize=(7.0, 2.8))
    upper = max(sorted(v)[int(0.99 * (len(v) - 1))] for v in series.values()) or 1.0
    for kind, values in series.items():
        axes.hist([min(v, upper) for v in values], bins=40, range=(0, upper), alpha=0.7, label=kind)
    axes.set_xlabel("cycle time, days (values above the 99th percentile shown at the edge)")
    axes.set_ylabel("items")
    axes.legend(frameon=False)
    return figure


def partial_days(period: Mapping[str, Any], as_of: str | None) -> tuple[int, int] | None:
    """(days with data, days in the period) when ``as_of`` falls inside the period, else None:
    a period the data only partly covers is not a fall in volume."""
    from datetime import datetime

    try:
        start = datetime.fromisoformat(str(period["start"]).replace("Z", "+00:00"))
        end = datetime.fromisoformat(str(period["end"]).replace("Z", "+00:00"))
        last = datetime.fromisoformat(str(as_of).replace("Z", "+00:00"))
    except (KeyError, TypeError, ValueError):
        return None
    if last.tzinfo is None:
        last = last.replace(tzinfo=start.tzinfo)
    if not start <= last < end:
        return None
    total = (end - start).total_seconds() / 86_400
    covered = (last - start).total_seconds() / 86_400
    days, whole = max(1, math.ceil(covered)), round(total)
    return None if days >= whole else (days, whole)


def trend_figure(metrics: Mapping[str, MetricsResult]) -> Figure | None:
    """Items completed and median cycle time by period, per kind; a last period the data only
    partly covers is drawn hollow, joined by a dashed line, and labelled with its days."""
    series: dict[str, list[tuple[str, float | None, float | None]]] = {}
    covered: dict[str, list[tuple[int, int]]] = {}
    for kind, result in metrics.items():
        points = []
        for period in result.periods:
            label = str(period.get("period", ""))
            completed = period.get("completed", period.get("count"))
            cycle = period.get("cycle_time_days")
            median = cycle.get("median") if isinstance(cycle, Mapping) else None
            points.append(
                (
                    label,
                    float(completed) if isinstance(completed, int | float) else None,
                    float(median) if isinstance(median, int | float) else None,
                )
            )
        if len(points) >= 2:
            series[kind] = points
            days = partial_days(result.periods[-1], result.as_of)
            if days is not None:
                covered.setdefault(points[-1][0], []).append(days)
    if not series:
        return None
    partial: dict[str, str] = {}
    for label, spans in covered.items():
        low, high = min(d for d, _ in spans), max(d for d, _ in spans)
        written = f"{low}" if low == high else f"{low} to {high}"
        partial[label] = f"{label}\n({written} of {spans[0][1]} days)"
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(7.0, 4.2), sharex=False)
    for kind, points in series.items():
        labels = [partial.get(p[0], p[0]) for p in points]
        cut = len(points) - 1 if points[-1][0] in partial else len(points)
        for axes, index in ((top, 1), (bottom, 2)):
            values = [p[index] for p in points]
            (line,) = axes.plot(labels[:cut], values[:cut], marker="o", label=kind)
            if cut < len(points):
                colour = line.get_color()
                axes.plot(labels[cut - 1 :], values[cut - 1 :], linestyle="--", color=colour)
                axes.plot(
                    labels[cut:], values[cut:], marker="o", markerfacecolor="white", color=colour
                )
    top.set_ylabel("completed")
    bottom.set_ylabel("median cycle time, days")
    for axes in (top, bottom):
        axes.tick_params(axis="x", labelrotation=45, labelsize=7)
        axes.legend(frameon=False)
    if partial:
        top.set_title("hollow point: a period the data only partly covers", fontsize=8, loc="right")
    figure.tight_layout()
    return figure


LABEL_GAP = 0.048
"""Least vertical distance between two labels in the priority chart, in severity units."""


def _spread(values: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label heights near ``values`` (sorted high to low) and at least ``gap`` apart."""
    placed: list[float] = []
    for value in values:
        y = min(value, high) if not placed else min(value, placed[-1] - gap)
        placed.append(y)
    overflow = low - placed[-1] if placed and placed[-1] < low else 0.0
    return [y + overflow for y in placed]


def priority_matrix_figure(findings: Sequence[Finding]) -> Figure | None:
    """Findings by combined severity (up) and effort (across): quick wins sit top left.

    Each effort column lists its pitfalls to the right of the points, spread so no two
    labels overlap, with a thin line from label to point.
    """
    if not findings:
        return None
    efforts = {"low": 0, "medium": 1, "high": 2}
    figure, axes = plt.subplots(figsize=(7.0, 4.4))
    for column in range(3):
        group = sorted(
            (f for f in findings if efforts[f.effort] == column),
            key=lambda f: (-f.severity, f.pitfall),
        )
        heights = _spread([f.severity for f in group], LABEL_GAP, 0.02, 1.02)
        for finding, label_y in zip(group, heights, strict=True):
            colour = (
                BAND_COLOURS["critical"]
                if finding.severity >= 0.6
                else (
                    BAND_COLOURS["needs work"]
                    if finding.severity >= 0.3
                    else BAND_COLOURS["healthy"]
                )
            )
            axes.scatter([column], [finding.severity], s=50, color=colour, zorder=3)
            axes.plot(
                [column, column + 0.13], [finding.severity, label_y], color=MUTED, linewidth=0.6
            )
            axes.text(column + 0.15, label_y, finding.pitfall, fontsize=7, va="center")
    axes.axhline(0.5, color=MUTED, linestyle=":", linewidth=1)
    axes.set_xticks([0, 1, 2], ["low effort", "medium effort", "high effort"])
    axes.set_xlim(-0.3, 2.9)
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("combined severity")
    return figure


HISTORY_SERIES = (
    "overall_score",
    "invoices.error_rate",
    "invoices.on_time_payment_rate",
    "invoices.cycle_time_days.median",
    "tasks.sla_compliance",
    "tasks.cycle_time_days.median",
    "events.cycle_time_days.median",
)


def history_figure(trend: Sequence[Mapping[str, Any]]) -> Figure | None:
    """The interview score and key KPIs run by run: one small panel each."""
    if len(trend) < 2:
        return None
    series = [
        name
        for name in HISTORY_SERIES
        if sum(isinstance(row.get(name), int | float) for row in trend) >= 2
    ]
    if not series:
        return None
    labels = [str(row.get("as_of") or row.get("run"))[:10] for row in trend]
    figure, axes_list = plt.subplots(
        len(series), 1, figsize=(7.0, 1.5 * len(series) + 0.5), squeeze=False, sharex=True
    )
    for axes, name in zip(axes_list[:, 0], series, strict=True):
        values = [
            row.get(name) if isinstance(row.get(name), int | float) else None for row in trend
        ]
        axes.plot(labels, [float("nan") if v is None else v for v in values], marker="o", color=INK)
        axes.set_title(name.replace("_", " "), loc="left", fontsize=8)
        axes.tick_params(axis="x", labelrotation=30, labelsize=7)
    figure.tight_layout()
    return figure


PROVIDER_COLOURS = ("#6b8fb3", "#b07d00", "#7a5195", "#2e8b57", "#c0392b")
"""Partners' bars, in the scorecard's order (in-house is drawn in :data:`INK`)."""


def _wrapped(name: str, width: int = 14) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(name, width)) or name


def provider_comparison_figure(card: KindScorecard) -> Figure | None:
    """The partner scorecard as small multiples: one panel per KPI (its unit and which way is
    better in its title), one bar per provider, in-house first. The in-house cost is the full
    cost its labour implies (with the labour share's range), set against a partner's fee."""
    item = ITEM.get(card.kind, "item")
    panels: list[tuple[str, str, list[float | None], list[tuple[float, float] | None]]] = []

    def add(title: str, unit: str, values: list[float | None]) -> None:
        if any(v is not None for v in values):
            panels.append((title, unit, values, [None] * len(values)))

    rows = card.rows
    add("Median cycle time, days\n(lower is better)", "days", [r.cycle_days for r in rows])
    add("Error rate, %\n(lower is better)", "share", [r.error_rate for r in rows])
    add("Rework, %\n(lower is better)", "share", [r.rework_rate for r in rows])
    add("SLA met, %\n(higher is better)", "share", [r.sla_compliance for r in rows])
    add("Paid on time, %\n(higher is better)", "share", [r.on_time_rate for r in rows])
    costs = [r.full_cost if r.in_house and r.full_cost is not None else r.cost for r in rows]
    if any(c is not None for c in costs):
        ranges: list[tuple[float, float] | None] = [
            (r.cost_low, r.cost_high)
            if r.in_house
            and r.full_cost is not None
            and r.cost_low is not None
            and r.cost_high is not None
            else None
            for r in rows
        ]
        full = any(r.in_house and r.full_cost is not None for r in rows)
        panels.append(
            (
                f"Cost per {item}, {card.currency}\n"
                + ("(in-house: full cost; lower is better)" if full else "(lower is better)"),
                "amount",
                costs,
                ranges,
            )
        )
    if not panels or len(rows) < 2:
        return None
    columns = 2 if len(panels) == 4 else min(3, len(panels))
    lines = math.ceil(len(panels) / columns)
    figure, axes_grid = plt.subplots(lines, columns, figsize=(7.0, 2.35 * lines), squeeze=False)
    names = [_wrapped(r.provider) for r in rows]
    partner = 0
    colours = []
    for r in rows:
        if r.in_house:
            colours.append(INK)
        else:
            colours.append(PROVIDER_COLOURS[partner % len(PROVIDER_COLOURS)])
            partner += 1
    flat = list(axes_grid.flat)
    for axes, (title, unit, values, spans) in zip(flat, panels, strict=False):
        heights = [0.0 if v is None else float(v) for v in values]
        tops = [
            h if span is None else max(h, span[1]) for h, span in zip(heights, spans, strict=True)
        ]
        top = max(tops) or 1.0
        positions = list(range(len(rows)))
        axes.bar(positions, heights, color=colours, width=0.6)
        for x, value, span in zip(positions, values, spans, strict=True):
            if span is not None:
                axes.vlines(x, span[0], span[1], color=MUTED, linewidth=1.2)
                axes.hlines(span, x - 0.08, x + 0.08, color=MUTED, linewidth=1.2)
            if value is None:
                text, y = ("no fee given" if unit == "amount" else "n/a"), 0.0
            elif unit == "share":
                text, y = f"{value:.1%}", float(value)
            elif unit == "days":
                text, y = f"{value:.1f}", float(value)
            else:
                text, y = f"{value:,.2f}", float(value)
            y = y if span is None else max(y, span[1])
            axes.annotate(
                text,
                (x, y),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7.5,
                color=INK if value is not None else MUTED,
            )
        axes.set_ylim(0, top * 1.22)
        axes.set_xticks(positions, names, fontsize=7)
        axes.tick_params(axis="y", labelsize=7, colors=MUTED)
        if unit == "share":
            axes.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        axes.set_title(title, loc="left", fontsize=8, color=INK)
    for axes in flat[len(panels) :]:
        axes.set_visible(False)
    figure.tight_layout(h_pad=1.4, w_pad=1.2)
    return figure


MAP_EDGES = 20
"""The most frequent transitions a process map draws (the tables list the rest)."""

LABELLED = 0.1
"""A transition's count is written on the map when it is at least this share of the most
frequent one's (fewer labels, none on top of another)."""


def _activity_order(process: Mapping[str, Any], activities: set[str]) -> list[str]:
    """Activities left to right by their mean position in the cases of the top variants
    (weighted by cases); those in no top variant after them, by name."""
    total: dict[str, float] = {}
    weight: dict[str, float] = {}
    for variant in (process.get("variants") or {}).get("top") or []:
        for index, activity in enumerate(variant["activities"]):
            total[activity] = total.get(activity, 0.0) + index * variant["cases"]
            weight[activity] = weight.get(activity, 0.0) + variant["cases"]
    placed = sorted(
        (a for a in activities if weight.get(a)), key=lambda a: (total[a] / weight[a], a)
    )
    return placed + sorted(a for a in activities if not weight.get(a))


def process_map_figure(process: Mapping[str, Any] | None) -> Figure | None:
    """The process as an arc map: each activity a box, left to right in the order cases go
    through them; each of the :data:`MAP_EDGES` most frequent transitions an arc (forward
    above, back below, a repeat as a loop over its box), as wide as its count and coloured
    by its median waiting time."""
    from matplotlib import colormaps
    from matplotlib.colors import Normalize
    from matplotlib.patches import Arc, FancyArrowPatch, FancyBboxPatch

    transitions = sorted(
        (process or {}).get("transitions") or [],
        key=lambda t: (-t["count"], t["from"], t["to"]),
    )[:MAP_EDGES]
    if not transitions:
        return None
    assert process is not None
    order = _activity_order(
        process, {t["from"] for t in transitions} | {t["to"] for t in transitions}
    )
    where = {activity: index for index, activity in enumerate(order)}
    most = max(t["count"] for t in transitions)
    waits = [t["waiting_days"]["median"] or 0.0 for t in transitions]
    colours = colormaps["YlOrRd"]
    scale = Normalize(vmin=0.0, vmax=max(max(waits), 1e-9))
    figure, axes = plt.subplots(figsize=(min(max(6.5, 1.25 * len(order)), 14.0), 4.2))
    reach = max(1, len(order) - 1)
    top = bottom = 0.3
    for t, wait in zip(transitions, waits, strict=True):
        start, end = where[t["from"]], where[t["to"]]
        width = 0.6 + 5.4 * t["count"] / most
        colour = colours(0.25 + 0.75 * scale(wait))
        if start == end:
            axes.add_patch(
                Arc((start, 0.42), 0.5, 0.5, theta1=-20, theta2=200, color=colour, lw=width)
            )
            top = max(top, 0.75)
            if t["count"] >= most * LABELLED:
                axes.annotate(f"{t['count']:,}", (start, 0.72), ha="center", fontsize=6, color=INK)
            continue
        forward = end > start
        bend = 0.55 * abs(end - start) / reach + 0.25
        arrow = FancyArrowPatch(
            (start, 0.3 if forward else -0.3),
            (end, 0.3 if forward else -0.3),
            # arc3 bends to the left of travel: above going right, below going back
            connectionstyle=f"arc3,rad={-bend}",
            arrowstyle="-|>",
            mutation_scale=8 + width,
            color=colour,
            lw=width,
            alpha=0.9,
            shrinkA=2,
            shrinkB=2,
        )
        axes.add_patch(arrow)
        height = bend * abs(end - start) / 2
        if forward:
            top = max(top, 0.3 + height)
        else:
            bottom = max(bottom, 0.3 + height)
        if t["count"] >= most * LABELLED:
            axes.annotate(
                f"{t['count']:,}",
                ((start + end) / 2, (0.3 + height) if forward else -(0.3 + height)),
                ha="center",
                va="center",
                fontsize=6,
                color=INK,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )
    for activity, index in where.items():
        axes.add_patch(
            FancyBboxPatch(
                (index - 0.42, -0.3),
                0.84,
                0.6,
                boxstyle="round,pad=0.02",
                fc="#eef2f7",
                ec=INK,
                lw=0.8,
                zorder=3,
            )
        )
        axes.text(index, 0, _wrapped(activity, 14), ha="center", va="center", fontsize=7, zorder=4)
    axes.set_xlim(-0.7, len(order) - 0.3)
    axes.set_ylim(-bottom - 0.25, top + 0.25)
    axes.set_axis_off()
    bar = figure.colorbar(
        plt.cm.ScalarMappable(norm=scale, cmap=colours), ax=axes, fraction=0.025, pad=0.01
    )
    bar.set_label("median wait, days", fontsize=7)
    bar.ax.tick_params(labelsize=7)
    axes.set_title(
        f"the {len(transitions)} most frequent transitions: forward above, back below; "
        "width = count",
        fontsize=8,
        loc="left",
    )
    return figure


def pitfall_scores(assessment: Assessment | None) -> str | None:
    """:func:`pitfall_scores_figure` as SVG."""
    return _svg(pitfall_scores_figure(assessment))


def kpis_against_benchmarks(metrics: Mapping[str, MetricsResult]) -> str | None:
    """:func:`kpis_against_benchmarks_figure` as SVG."""
    return _svg(kpis_against_benchmarks_figure(metrics))


def cycle_time_distribution(samples: Mapping[str, Sequence[float]]) -> str | None:
    """:func:`cycle_time_distribution_figure` as SVG."""
    return _svg(cycle_time_distribution_figure(samples))


def trend(metrics: Mapping[str, MetricsResult]) -> str | None:
    """:func:`trend_figure` as SVG."""
    return _svg(trend_figure(metrics))


def priority_matrix(findings: Sequence[Finding]) -> str | None:
    """:func:`priority_matrix_figure` as SVG."""
    return _svg(priority_matrix_figure(findings))


def history(trend: Sequence[Mapping[str, Any]]) -> str | None:
    """:func:`history_figure` as SVG."""
    return _svg(history_figure(trend))


def provider_comparison(card: KindScorecard) -> str | None:
    """:func:`provider_comparison_figure` as SVG."""
    return _svg(provider_comparison_figure(card))


def process_map(process: Mapping[str, Any] | None) -> str | None:
    """:func:`process_map_figure` as SVG."""
    return _svg(process_map_figure(process))
