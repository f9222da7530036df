"""The process of an event log as every report writer prints it: the top variants, the
transitions where cases wait longest, rework, loops, handovers and conformance.

The figures are those of the metrics document's ``process`` block
(:mod:`boaudit.metrics.process`); this module only words and rounds them, once, so the Markdown,
HTML and Word reports say the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ARROW = " \N{RIGHTWARDS ARROW} "
"""Between the activities of a variant or a transition."""

VARIANTS_SHOWN = 10
"""Variants listed in a report (the JSON document has every one it computed)."""

BOTTLENECKS_SHOWN = 10
"""Transitions listed by total waiting time."""


@dataclass(frozen=True)
class ProcessView:
    """One event log's process, as printed cells and sentences."""

    summary: str
    """``4,580 cases, 21,221 events, 211 distinct variants; durations in calendar days.``"""
    variant_header: tuple[str, ...]
    variants: tuple[tuple[str, ...], ...]
    bottleneck_header: tuple[str, ...]
    bottlenecks: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...]
    """Rework, loops, handovers and conformance, one sentence each."""


def _cases(n: int) -> str:
    return f"{n:,} case" + ("" if n == 1 else "s")


def _days(value: Any) -> str:
    return "n/a" if value is None else f"{value:,.1f}"


def _share(value: Any) -> str:
    return "n/a" if not isinstance(value, int | float) else f"{value * 100:.1f}%"


def process_view(process: Mapping[str, Any] | None) -> ProcessView | None:
    """The printed process of a ``process`` block; None without one or without cases."""
    if not process or not process.get("cases"):
        return None
    variants = process.get("variants") or {}
    summary = (
        f"{process['cases']:,} cases, {process.get('events', 0):,} events, "
        f"{variants.get('distinct', 0):,} distinct variants (sequences of activities); "
        f"durations in {process.get('clock', 'calendar')} days."
    )
    variant_rows = tuple(
        (
            str(rank),
            ARROW.join(v["activities"]),
            f"{v['cases']:,}",
            _share(v["share"]),
            _share(v["cumulative_share"]),
            _days(v["median_days"]),
        )
        for rank, v in enumerate((variants.get("top") or [])[:VARIANTS_SHOWN], start=1)
    )
    bottleneck_rows = tuple(
        (
            f"{b['from']}{ARROW}{b['to']}",
            f"{b['count']:,}",
            _days(b["median_days"]),
            _days(b["total_days"]),
            _share(b["share"]),
        )
        for b in (process.get("bottlenecks") or [])[:BOTTLENECKS_SHOWN]
    )
    return ProcessView(
        summary=summary,
        variant_header=(
            "#",
            "Variant",
            "Cases",
            "Share",
            "Cumulative",
            "Median days, first to last",
        ),
        variants=variant_rows,
        bottleneck_header=(
            "Transition",
            "Count",
            "Median wait, days",
            "Total wait, days",
            "Share of all waiting",
        ),
        bottlenecks=bottleneck_rows,
        notes=tuple(_notes(process)),
    )


def _notes(process: Mapping[str, Any]) -> list[str]:
    notes = []
    slowest = process.get("slowest_transition")
    if slowest:
        notes.append(
            f"Cases wait longest between {slowest['from']} and {slowest['to']}: "
            f"{_share(slowest['share'])} of all waiting time, a median of "
            f"{_days(slowest['median_days'])} days over {slowest['transitions']:,} transitions."
        )
    rework = process.get("rework_by_activity") or {}
    if rework:
        top = sorted(rework.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        notes.append(
            "Rework (cases repeating an activity): "
            + ", ".join(f"{activity} {cases:,}" for activity, cases in top)
            + "."
        )
    loops = process.get("loops") or {}
    if loops.get("count"):
        notes.append(f"Loops (A, B, A): {loops['count']:,} in {_cases(loops['cases'])}.")
    handovers = process.get("handovers")
    if handovers:
        per_case = handovers.get("reassignments_per_case") or {}
        notes.append(
            f"Handovers between resources: {handovers['resources']:,}; ping-pong (A, B, A) in "
            f"{_cases(handovers['ping_pong_cases'])} ({_share(handovers['ping_pong_share'])}); "
            f"reassignments per case: median {per_case.get('median', 'n/a')}, most "
            f"{per_case.get('max', 'n/a')}."
        )
    conformance = process.get("conformance")
    if conformance:
        deviations = "; ".join(
            f"{d['deviation']} {d['activity']} ({_cases(d['cases'])})"
            if d.get("activity")
            else f"{d['deviation']} ({_cases(d['cases'])})"
            for d in conformance["deviations"][:5]
        )
        notes.append(
            f"Following {ARROW.join(conformance['expected'])} exactly: "
            f"{conformance['conforming']:,} of {_cases(conformance['cases'])} "
            f"({_share(conformance['share'])})"
            + (f"; most common deviations: {deviations}." if deviations else ".")
        )
    return notes
