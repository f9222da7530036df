"""Thresholds of an unattended run: the value each one names in the report, and the breaches.

A threshold names a value of the report's JSON document: ``score``, ``money.KIND.CURRENCY``,
``pitfall.ID.score`` or ``.severity``, or ``KIND.METRIC[.KEY]`` of the metrics. A value that
cannot be computed is a breach too, with the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from boaudit.document import MISSING, JsonObject, lookup

if TYPE_CHECKING:
    from boaudit.audit.config import RunConfig


def threshold_value(report: JsonObject, metric: str) -> tuple[float | None, str]:
    """The value a threshold looks at, and why it is None when it is."""
    if metric == "score":
        assessment = report.get("assessment")
        if not assessment:
            return None, "no interview answers in this run"
        return assessment["overall"]["score"], "no pitfall was assessed"
    if metric.startswith("money."):
        # one kind in one currency: no money of that kind found is 0, a value like any other
        _, kind, currency = metric.split(".")
        total = ((report.get("money") or {}).get(kind) or {}).get(currency) or {}
        return float(total.get("amount", 0.0)), ""
    head, _, rest = metric.partition(".")
    if head == "pitfall":
        pitfall, _, field = rest.rpartition(".")
        finding = next((f for f in report["findings"] if f["pitfall"] == pitfall), None)
        if finding is None:
            return None, f"no evidence about pitfall '{pitfall}' in this run"
        key = "questionnaire_score" if field == "score" else "severity"
        return finding.get(key), f"pitfall '{pitfall}' has no {field} in this run"
    document = (report.get("metrics") or {}).get(head)
    if document is None:
        return None, f"no {head} data in this run"
    reasons = document.get("null_reasons") or {}
    metrics = document.get("metrics") or {}
    first = rest.split(".")[0]
    value = lookup(metrics, rest)
    if value is MISSING:
        if not _under_null(metrics, rest) and first not in reasons:
            # A misspelt name would otherwise read as "null" on every run.
            return None, (
                f"no metric '{rest}' in the {head} results; see 'boaudit metrics {head} "
                "--format json' for the names"
            )
        value = None
    if isinstance(value, dict):
        keys = ", ".join(f"{rest}.{key}" for key in value)
        return None, f"'{rest}' holds several values; name one: {keys}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, str(reasons.get(first, "the value is null"))
    return float(value), ""


def check_thresholds(config: RunConfig, report: JsonObject) -> list[str]:
    """One line per breached threshold (a value that cannot be checked is a breach too)."""
    breaches = []
    for threshold in config.thresholds:
        value, reason = threshold_value(report, threshold.metric)
        if value is None:
            breaches.append(f"{threshold.metric}: cannot be checked ({reason})")
            continue
        if threshold.min is not None and value < threshold.min:
            breaches.append(f"{threshold.metric} = {value:g}, below the minimum {threshold.min:g}")
        if threshold.max is not None and value > threshold.max:
            breaches.append(f"{threshold.metric} = {value:g}, above the maximum {threshold.max:g}")
    return breaches


def _under_null(metrics: JsonObject, path: str) -> bool:
    """Whether a part of ``path`` before its end is null (so the rest cannot exist)."""
    parts = path.split(".")
    return any(lookup(metrics, ".".join(parts[:i])) is None for i in range(1, len(parts)))
