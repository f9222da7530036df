"""Change since an earlier run, as rows the writers can print (from the run history)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

KEY_METRICS = (
    "count",
    "error_rate",
    "rework_rate",
    "sla_compliance",
    "on_time_payment_rate",
    "dispute_rate",
    "cost_per_transaction",
    "cycle_time_days.median",
    "cycle_time_days.p90",
    "approval_time_days.median",
    "backlog.open",
    "workload_gini",
)
LABELS = {"since_last": "the last run", "since_baseline": "the baseline"}


def _num(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float) and abs(value) < 10:
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


def _delta(value: Any) -> str:
    if value is None:
        return "n/a"
    if value == 0:
        return "0"
    return f"{value:+.3f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:+,.1f}"


def change_tables(changes: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One block per comparison: heading, the overall line, pitfall rows and metric rows."""
    blocks = []
    for key, label in LABELS.items():
        change = changes.get(key)
        if not change:
            continue
        pitfalls = [
            (
                pitfall,
                _num(item["score_before"]),
                _num(item["score"]),
                _delta(item["score_change"]),
                _delta(item["severity_change"]),
            )
            for pitfall, item in change.get("pitfalls", {}).items()
            if item.get("score_change") or item.get("severity_change")
        ]
        metrics = [
            (f"{kind}.{name}", _num(item["before"]), _num(item["value"]), _delta(item["change"]))
            for kind, items in change.get("metrics", {}).items()
            for name, item in items.items()
            if name in KEY_METRICS and item.get("change") is not None
        ]
        blocks.append(
            {
                "heading": f"Change since {label} (as of {change.get('as_of_before') or 'n/a'}, "
                f"run {change.get('run', '?')})",
                "overall": (
                    _num(change.get("overall_score_before")),
                    _num(change.get("overall_score")),
                    _delta(change.get("overall_score_change")),
                ),
                "pitfalls": pitfalls,
                "metrics": metrics,
            }
        )
    return blocks
