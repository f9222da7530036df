"""Change since an earlier run, as rows the writers can print (from the run history)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from boaudit.report.text import change_delta, change_number

KEY_METRICS = (
    "count",
    "error_rate",
    "rework_rate",
    "sla_compliance",
    "on_time_payment_rate",
    "on_time_completion_rate",
    "dispute_rate",
    "cost_per_transaction",
    "cycle_time_days.median",
    "cycle_time_days.p90",
    "approval_time_days.median",
    "backlog.open",
    "workload_gini",
)
LABELS = {"since_last": "the last run", "since_baseline": "the baseline"}


@dataclass(frozen=True)
class ChangeTable:
    """One comparison with an earlier run, formatted: what the writers print under its heading."""

    heading: str
    overall: tuple[str, str, str]
    """The overall interview score: before, now, change."""
    pitfalls: list[tuple[str, str, str, str, str]]
    """Pitfall, score before, score now, score change, severity change (changed ones only)."""
    metrics: list[tuple[str, str, str, str]]
    """KIND.METRIC, before, now, change (the key metrics that changed)."""


def change_tables(changes: Mapping[str, Any]) -> list[ChangeTable]:
    """One block per comparison: heading, the overall line, pitfall rows and metric rows."""
    blocks = []
    for key, label in LABELS.items():
        change = changes.get(key)
        if not change:
            continue
        pitfalls = [
            (
                pitfall,
                change_number(item["score_before"]),
                change_number(item["score"]),
                change_delta(item["score_change"]),
                change_delta(item["severity_change"]),
            )
            for pitfall, item in change.get("pitfalls", {}).items()
            if item.get("score_change") or item.get("severity_change")
        ]
        metrics = [
            (
                f"{kind}.{name}",
                change_number(item["before"]),
                change_number(item["value"]),
                change_delta(item["change"]),
            )
            for kind, items in change.get("metrics", {}).items()
            for name, item in items.items()
            if name in KEY_METRICS and item.get("change") is not None
        ]
        blocks.append(
            ChangeTable(
                heading=f"Change since {label} (as of {change.get('as_of_before') or 'n/a'}, "
                f"run {change.get('run', '?')})",
                overall=(
                    change_number(change.get("overall_score_before")),
                    change_number(change.get("overall_score")),
                    change_delta(change.get("overall_score_change")),
                ),
                pitfalls=pitfalls,
                metrics=metrics,
            )
        )
    return blocks
