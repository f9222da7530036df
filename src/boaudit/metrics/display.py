"""How each metric reads in a report: its name in words, its unit, and one format per unit.

Every writer and the KPI baseline take a metric's label and its printed value from here, so
a figure reads the same everywhere ("Cycle time, median" "8.3 days", "Error rate" "11.7%",
"Cost per item" "8.28 USD"); the JSON keeps the metric's own name and the exact value.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

Unit = Literal["count", "share", "days", "amount", "ratio", "index", "text"]

_TIME_PARTS: dict[str, tuple[str, Unit]] = {
    "mean": ("mean", "days"),
    "median": ("median", "days"),
    "p90": ("90th percentile", "days"),
    "max": ("longest", "days"),
    "n": ("items timed", "count"),
}

LABELS: dict[str, tuple[str, Unit]] = {
    "count": ("Items", "count"),
    "completed": ("Completed", "count"),
    "error_rate": ("Error rate", "share"),
    "rework_rate": ("Rework rate", "share"),
    "sla_compliance": ("SLA met", "share"),
    "on_time_payment_rate": ("Paid on time", "share"),
    "on_time_completion_rate": ("Completed by the due date", "share"),
    "dispute_rate": ("Disputed", "share"),
    "cost_per_transaction": ("Cost per item", "amount"),
    "throughput.per": ("Throughput, counted per", "text"),
    "throughput.mean": ("Completed per period, mean", "count"),
    "throughput.median": ("Completed per period, median", "count"),
    "throughput.max": ("Completed per period, most", "count"),
    "throughput.periods": ("Periods counted", "count"),
    "backlog.open": ("Open items", "count"),
    "backlog.over_30_share": ("Open items older than 30 days", "share"),
    "consistency.assignees": ("Assignees compared", "count"),
    "consistency.fastest": ("Fastest assignee", "text"),
    "consistency.slowest": ("Slowest assignee", "text"),
    "consistency.min_median_days": ("Fastest assignee's median", "days"),
    "consistency.max_median_days": ("Slowest assignee's median", "days"),
    "consistency.spread": ("Slowest median over fastest", "ratio"),
    "consistency.cv": ("Variation between assignees, coefficient", "index"),
    "workload_gini": ("Workload imbalance, Gini index", "index"),
    "duplicate_suspects.exact.share": ("Exact duplicate invoices", "share"),
    "duplicate_suspects.near.share": ("Near-duplicate invoices", "share"),
}
for _name, _words in (
    ("cycle_time_days", "Cycle time"),
    ("approval_time_days", "Receipt to approval"),
    ("days_late", "Days paid late"),
):
    for _part, (_what, _unit) in _TIME_PARTS.items():
        LABELS[f"{_name}.{_part}"] = (f"{_words}, {_what}", _unit)
LABELS["days_late.n"] = ("Days paid late, invoices paid with a due date", "count")


def humanised(path: str) -> str:
    """A readable name for a path the table does not know: ``a_b.c`` -> ``A b, c``."""
    words = [part.replace("_", " ") for part in path.split(".")]
    return ", ".join(words).capitalize()


def label(path: str) -> str:
    """The metric's name in words."""
    known = LABELS.get(path)
    return known[0] if known else humanised(path)


def unit(path: str) -> Unit | None:
    """The metric's unit, or None for one the table does not know."""
    known = LABELS.get(path)
    return known[1] if known else None


def fixed(value: float, places: int) -> str:
    """``value`` to ``places`` decimals, half away from zero (as interview scores are
    rounded), thousands separated: 4.25 is 4.3, not Python's 4.2."""
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{exact:,.{places}f}"


def written(value: float, how: Unit | None, currency: str | None = None) -> str:
    """``value`` printed in its unit: ``11.7%``, ``8.3 days``, ``8.28 USD``, ``2.8x``."""
    if how == "share":
        return f"{fixed(value * 100, 1)}%"
    if how == "days":
        return f"{fixed(value, 1)} days"
    if how == "amount":
        return fixed(value, 2) + (f" {currency}" if currency else "")
    if how == "count":
        return fixed(value, 0) if float(value).is_integer() else fixed(value, 1)
    if how == "ratio":
        return f"{fixed(value, 1)}x"
    if how == "index":
        return fixed(value, 3)
    if abs(value) >= 1000:
        return fixed(value, 0)
    return fixed(value, 3).rstrip("0").rstrip(".")


def shown(path: str, value: Any, currency: str | None = None) -> str:
    """The value as a report prints it: numbers in their unit, text as it is, n/a for null."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return written(float(value), unit(path), currency)
    return str(value)
