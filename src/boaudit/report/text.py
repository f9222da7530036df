"""The number and text formatting every writer shares, so a figure reads the same in each.

:func:`number` is how a value prints in tables (``1,234``, ``0.117``, ``n/a``), :func:`money`
how an amount does (``12,345 USD``); :func:`change_number` and :func:`change_delta` how the run
history's before/after figures and their differences do; :func:`metric_rows` and
:func:`scalar_metrics` flatten a metrics result into rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from boaudit.metrics.model import MetricsResult
from boaudit.questionnaire.render import md_escape

__all__ = [
    "as_is",
    "change_delta",
    "change_number",
    "md_escape",
    "metric_rows",
    "money",
    "number",
    "scalar_metrics",
]


def money(amount: float, currency: str) -> str:
    """``12,345 USD``: whole units, thousands separated."""
    return f"{amount:,.0f} {currency}"


def number(value: Any, escape: Callable[[str], str] = md_escape) -> str:
    """How ``value`` prints in a table; text goes through ``escape`` (Markdown by default)."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    return escape(str(value))


def metric_rows(result: MetricsResult) -> list[tuple[str, Any, str | None]]:
    """(name, raw value, null reason) per metric, objects flattened one level."""
    rows: list[tuple[str, Any, str | None]] = []
    reasons = result.null_reasons
    for name, value in result.metrics.items():
        if isinstance(value, Mapping):
            rows.extend(
                (f"{name}.{key}", inner, None)
                for key, inner in value.items()
                if not isinstance(inner, Mapping | list)
            )
        elif not isinstance(value, list):
            reason = reasons.get(name) if value is None else None
            rows.append((name, value, None if reason is None else str(reason)))
    return rows


def scalar_metrics(
    result: MetricsResult, escape: Callable[[str], str] = md_escape
) -> list[tuple[str, str]]:
    """(name, formatted value) per metric; a null shows its reason. Text goes through
    ``escape``: Markdown's by default; a writer that escapes for itself (HTML) passes
    :func:`as_is`."""
    return [
        (name, f"n/a ({escape(reason)})" if reason else number(value, escape))
        for name, value, reason in metric_rows(result)
    ]


def as_is(text: str) -> str:
    """No escaping: for a writer whose template escapes every value itself."""
    return text


def change_number(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float) and abs(value) < 10:
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


def change_delta(value: Any) -> str:
    if value is None:
        return "n/a"
    if value == 0:
        return "0"
    return f"{value:+.3f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:+,.1f}"
