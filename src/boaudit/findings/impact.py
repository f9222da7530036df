"""Money at stake, where it can be estimated honestly, with every assumption printed.

Estimates, each attached to one pitfall:

- ``technology``: annual volume x (our cost per transaction - the benchmark median), when our
  cost is above the median;
- ``processes`` (quality): errors a year x the cost of fixing one (by default one more handling
  of the item, i.e. the cost per transaction);
- ``data``: the value of invoices that look like exact duplicates (money at risk of being paid
  twice);
- ``resources``: the value of invoices paid late in a year x a late-payment cost rate, only
  when the user gives that rate (no honest default exists).

Annual volume = items in the data x 365 / days the data spans, unless given. Nothing is
estimated when an input is missing: no figure is better than an invented one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from boaudit.findings.model import Impact
from boaudit.metrics.facts import DataFacts
from boaudit.metrics.model import MetricsResult

DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class ImpactAssumptions:
    """The user-settable assumptions behind the money figures."""

    currency: str | None = None
    """Currency of the figures; default: the data's own currency when it has one, else 'USD'."""
    annual_volume: Mapping[str, float] | None = None
    """Items per year by kind (``--annual-volume invoices=52000``); default: annualised data."""
    error_cost: float | None = None
    """Cost of fixing one error; default: the cost per transaction."""
    late_payment_rate: float | None = None
    """Cost of paying late, as a share of the late amount (e.g. 0.02); default: not estimated."""

    def describe(self) -> dict[str, str]:
        """Each assumption in words, with the option that changes it."""
        volume = (
            ", ".join(f"{k} {v:,.0f}" for k, v in sorted(self.annual_volume.items()))
            if self.annual_volume
            else "items in the data x 365 / days the data spans"
        )
        return {
            "annual_volume": f"annual volume: {volume} (--annual-volume KIND=N)",
            "error_cost": (
                f"cost to fix one error: {self.error_cost:,.2f}"
                if self.error_cost is not None
                else "cost to fix one error: one more handling, i.e. the cost per transaction"
            )
            + " (--error-cost AMOUNT)",
            "late_payment_rate": (
                f"cost of late payment: {self.late_payment_rate:.1%} of the amount paid late"
                if self.late_payment_rate is not None
                else "cost of late payment: not estimated unless given"
            )
            + " (--late-payment-rate RATE)",
            "currency": f"currency: {self.currency or 'from the data, else USD'} (--currency)",
        }


def _metric(result: MetricsResult, name: str, key: str | None = None) -> float | None:
    """A number of the overall metrics: the value itself, or ``value[key]`` for objects."""
    value = result.metrics.get(name)
    if isinstance(value, Mapping):
        value = value.get(key or "value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _annual(
    result: MetricsResult, kind: str, assumptions: ImpactAssumptions, facts: DataFacts
) -> tuple[float | None, str]:
    if assumptions.annual_volume and kind in assumptions.annual_volume:
        volume = float(assumptions.annual_volume[kind])
        return volume, f"{volume:,.0f} {kind} a year (given)"
    count = _metric(result, "count")
    span = facts.span_days
    if count is None or not span:
        return None, ""
    volume = count * DAYS_PER_YEAR / max(span, 1.0)
    return volume, f"{count:,.0f} {kind} over {span:,.0f} days = {volume:,.0f} a year"


def _currency(facts: Mapping[str, DataFacts], assumptions: ImpactAssumptions) -> str:
    if assumptions.currency:
        return assumptions.currency
    for fact in facts.values():
        if fact.currency:
            return fact.currency
    return "USD"


def _median_benchmark(result: MetricsResult, metric: str) -> tuple[float, str] | None:
    for comparison in result.benchmarks:
        if comparison.metric != metric:
            continue
        refs = comparison.references
        for label in ("p50", "average"):
            if isinstance(refs.get(label), int | float):
                return float(refs[label]), f"{comparison.source} {label}"
    return None


def estimate_impacts(
    results: Mapping[str, MetricsResult],
    assumptions: ImpactAssumptions,
    facts: Mapping[str, DataFacts] | None = None,
) -> dict[str, Impact]:
    """Money at stake by pitfall id, from metrics results by kind."""
    facts = facts or {}
    currency = _currency(facts, assumptions)
    found: dict[str, list[Impact]] = {}
    for kind, result in results.items():
        fact = facts.get(kind, DataFacts())
        volume, volume_text = _annual(result, kind, assumptions, fact)
        mixed = (
            (
                f"the {kind} are in {fact.currencies} currencies, added as they are "
                "(convert the export to one currency for an exact figure)",
            )
            if fact.currencies > 1
            else ()
        )
        cost = _metric(result, "cost_per_transaction")
        median = _median_benchmark(result, "cost_per_transaction")
        if volume is not None and cost is not None and median is not None and cost > median[0]:
            amount = volume * (cost - median[0])
            found.setdefault("technology", []).append(
                Impact(
                    amount,
                    currency,
                    f"{volume_text} x (cost per transaction {cost:,.2f} - {median[1]} "
                    f"{median[0]:,.2f})",
                    (volume_text, f"benchmark: {median[1]} {median[0]:,.2f}"),
                )
            )
        error_rate = _metric(result, "error_rate")
        fix = assumptions.error_cost if assumptions.error_cost is not None else cost
        if volume is not None and error_rate and fix:
            errors = volume * error_rate
            found.setdefault("processes", []).append(
                Impact(
                    errors * fix,
                    currency,
                    f"{errors:,.0f} errors a year ({error_rate:.1%} of {volume:,.0f}) x "
                    f"{fix:,.2f} to fix one",
                    (
                        volume_text,
                        "cost to fix one error: "
                        + (
                            "given"
                            if assumptions.error_cost is not None
                            else "cost per transaction"
                        ),
                    ),
                )
            )
        exact = (result.metrics.get("duplicate_suspects") or {}).get("exact") or {}
        duplicates = exact.get("extra_amount") if isinstance(exact, Mapping) else None
        if isinstance(duplicates, int | float) and duplicates > 0:
            found.setdefault("data", []).append(
                Impact(
                    duplicates,
                    currency,
                    f"{duplicates:,.2f} in invoices that repeat another's vendor, amount and "
                    "invoice number: at risk of being paid twice",
                    ("every exact duplicate beyond the first would be paid if not caught", *mixed),
                    per_year=False,
                )
            )
        late_amount = fact.late_amount
        if late_amount and assumptions.late_payment_rate is not None and volume is not None:
            count = _metric(result, "count") or 0.0
            scale = volume / count if count else 1.0
            amount = late_amount * scale * assumptions.late_payment_rate
            found.setdefault("resources", []).append(
                Impact(
                    amount,
                    currency,
                    f"{late_amount * scale:,.2f} paid late a year x "
                    f"{assumptions.late_payment_rate:.1%}",
                    (
                        *mixed,
                        volume_text,
                        f"late-payment cost rate {assumptions.late_payment_rate:.1%} (given)",
                    ),
                )
            )
    return {pitfall: _sum(items) for pitfall, items in found.items()}


def _sum(items: list[Impact]) -> Impact:
    if len(items) == 1:
        return items[0]
    return Impact(
        sum(i.amount for i in items),
        items[0].currency,
        "; ".join(i.basis for i in items),
        tuple(a for i in items for a in i.assumptions),
        per_year=all(i.per_year for i in items),
    )
