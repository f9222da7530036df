"""Money at stake, where it can be estimated honestly, with every assumption printed.

Every figure is one of three kinds (:data:`boaudit.findings.model.MONEY_KINDS`), in one
currency, with a low, a high and a confidence; kinds and currencies are never added together
(a conversion happens only with the user's own rate table, ``[impact.fx]``, and says so).

- **recover** (one-off), ``data``: duplicate invoices already paid twice (the audit tests
  ``duplicate-exact``, data-exact; the near and fuzzy suspects, estimated at the test's
  likelihood, from nothing to their full amount);
- **block** (one-off), ``data``: duplicates and suspects not paid yet, to stop before the next
  payment run;
- **yearly**: ``processes``, the float lost on invoices paid early (the ``early-payment``
  test's float cost, annualised, at a cost of capital with a range); ``processes``, errors a
  year x the cost to fix one; ``technology``, the labour cost per item above the labour part
  of the benchmark's fully loaded cost (APQC's labour share, stated); ``resources``, the cost
  of late payment, only with the user's rate.

Annual volume = items in the data x 365 / days the data spans, unless given. Nothing is
estimated when an input is missing, and a comparison that cannot be made like for like is
refused with its reason (:attr:`MoneyEstimate.refused`): no figure is better than an invented
one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from boaudit.findings.model import (
    CONFIDENCE_ORDER,
    MONEY_KINDS,
    Confidence,
    Money,
    MoneyKind,
)
from boaudit.metrics.facts import DataFacts
from boaudit.metrics.model import MetricsResult

DAYS_PER_YEAR = 365.0
APQC_LABOUR_SHARE = 0.62
"""Labour's share of the accounts-payable process cost in APQC's data (997 organisations,
2015; REFERENCES.md)."""
BENCHMARK_CURRENCY = "USD"
"""The cost benchmarks are published in US dollars."""
EXACT_TEST = "duplicate-exact"
SUSPECT_TESTS = ("same-number-other-vendor", "duplicate-near", "duplicate-fuzzy-number")
"""Suspected duplicates, in the order they are priced: an invoice priced by one test (or by
the exact duplicates) is not priced again by the next."""


@dataclass(frozen=True)
class ImpactAssumptions:
    """The user-settable assumptions behind the money figures (``[impact]`` in boaudit.toml)."""

    currency: str | None = None
    """Currency of the labour-based figures (the hourly rate's); default: the data's own
    currency when it has one, else 'USD'."""
    annual_volume: Mapping[str, float] | None = None
    """Items per year by kind (``--annual-volume invoices=52000``); default: annualised data."""
    error_cost: float | None = None
    """Cost of fixing one error; default: one more handling (the cost per transaction), with
    a range of half to one and a half handlings."""
    late_payment_rate: float | None = None
    """Cost of paying late, as a share of the late amount (e.g. 0.02); default: not estimated."""
    capital_rate: float | None = None
    """Yearly cost of capital for the float of early payments; default: the early-payment
    test's ``rate`` (0.05 unless set)."""
    capital_rate_range: tuple[float, float] = (0.03, 0.08)
    labour_share: float = APQC_LABOUR_SHARE
    """Share of a fully loaded benchmark cost that is labour."""
    labour_share_range: tuple[float, float] = (0.50, 0.75)
    fx: Mapping[str, float] = field(default_factory=dict)
    """Rates into :attr:`currency` (``EUR = 1.08``: one euro is 1.08 of it); empty: no
    conversion."""

    def describe(self) -> dict[str, str]:
        """Each assumption in words, with the option or setting that changes it."""
        volume = (
            ", ".join(f"{k} {v:,.0f}" for k, v in sorted(self.annual_volume.items()))
            if self.annual_volume
            else "items in the data x 365 / days the data spans"
        )
        low, high = self.capital_rate_range
        share_low, share_high = self.labour_share_range
        return {
            "annual_volume": f"annual volume: {volume} (--annual-volume KIND=N)",
            "error_cost": (
                f"cost to fix one error: {self.error_cost:,.2f}"
                if self.error_cost is not None
                else "cost to fix one error: one more handling, i.e. the cost per transaction "
                "(range half to one and a half handlings)"
            )
            + " (--error-cost AMOUNT)",
            "late_payment_rate": (
                f"cost of late payment: {self.late_payment_rate:.1%} of the amount paid late"
                if self.late_payment_rate is not None
                else "cost of late payment: not estimated unless given"
            )
            + " (--late-payment-rate RATE)",
            "capital_rate": (
                "cost of capital for early payments: "
                + (
                    f"{self.capital_rate:.1%} a year"
                    if self.capital_rate is not None
                    else "the early-payment test's rate (5% a year unless set)"
                )
                + f" (range {low:.1%} to {high:.1%}; [impact] capital_rate, capital_rate_range)"
            ),
            "labour_share": (
                f"labour share of a fully loaded benchmark cost: {self.labour_share:.0%} "
                f"(range {share_low:.0%} to {share_high:.0%}; APQC: 62% of AP cost is labour, "
                "997 organisations, 2015; [impact] labour_share, labour_share_range)"
            ),
            "currency": f"currency: {self.currency or 'from the data, else USD'} (--currency)",
            "fx": (
                "conversion: "
                + ", ".join(f"1 {k} = {v:g} {self.currency or 'USD'}" for k, v in self.fx.items())
                + " ([impact.fx])"
                if self.fx
                else "conversion: none; each currency is shown on its own ([impact.fx] to convert)"
            ),
        }


@dataclass(frozen=True)
class MoneyEstimate:
    """The money figures by pitfall id, and the estimates refused with their reasons."""

    by_pitfall: Mapping[str, tuple[Money, ...]]
    refused: tuple[str, ...] = ()


@dataclass(frozen=True)
class Total:
    """One kind of money in one currency, summed over its figures."""

    kind: MoneyKind
    currency: str
    amount: float
    low: float
    high: float
    confidence: Confidence
    """The weakest confidence among its figures."""
    figures: int
    converted: bool = False
    """True for a total converted into one currency with the user's rates."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "amount": round(self.amount, 2),
            "low": round(self.low, 2),
            "high": round(self.high, 2),
            "confidence": self.confidence,
            "figures": self.figures,
        }


def totals(figures: Sequence[Money]) -> list[Total]:
    """Totals per kind and currency (recover, block, yearly; currencies in order)."""
    found: dict[tuple[MoneyKind, str], list[Money]] = {}
    for item in figures:
        found.setdefault((item.kind, item.currency), []).append(item)
    out = []
    for kind in MONEY_KINDS:
        for (k, currency), items in sorted(found.items(), key=lambda kv: kv[0][1]):
            if k != kind:
                continue
            out.append(
                Total(
                    kind,
                    currency,
                    sum(i.amount for i in items),
                    sum(i.low for i in items),
                    sum(i.high for i in items),
                    max((i.confidence for i in items), key=CONFIDENCE_ORDER.__getitem__),
                    len(items),
                )
            )
    return out


def converted(
    found: Sequence[Total], fx: Mapping[str, float], target: str
) -> tuple[list[Total], list[str]]:
    """Each kind in one currency, at the user's rates; the currencies without a rate."""
    if not fx:
        return [], []
    out: list[Total] = []
    missing: set[str] = set()
    for kind in MONEY_KINDS:
        parts = [t for t in found if t.kind == kind]
        usable = [t for t in parts if t.currency == target or t.currency in fx]
        missing.update(t.currency for t in parts if t not in usable)
        if not usable:
            continue

        def rate(total: Total) -> float:
            return 1.0 if total.currency == target else float(fx[total.currency])

        out.append(
            Total(
                kind,
                target,
                sum(t.amount * rate(t) for t in usable),
                sum(t.low * rate(t) for t in usable),
                sum(t.high * rate(t) for t in usable),
                max((t.confidence for t in usable), key=CONFIDENCE_ORDER.__getitem__),
                sum(t.figures for t in usable),
                converted=True,
            )
        )
    return out, sorted(missing)


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


def _year_factor(facts: DataFacts) -> tuple[float | None, str]:
    span = facts.span_days
    if not span:
        return None, ""
    factor = DAYS_PER_YEAR / max(span, 1.0)
    return factor, f"the data spans {span:,.0f} days: x 365 / {span:,.0f} for a year"


def report_currency(facts: Mapping[str, DataFacts], assumptions: ImpactAssumptions) -> str:
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


def estimate_money(
    results: Mapping[str, MetricsResult],
    assumptions: ImpactAssumptions,
    facts: Mapping[str, DataFacts] | None = None,
) -> MoneyEstimate:
    """Money at stake by pitfall id, from metrics results by kind."""
    facts = facts or {}
    labour_currency = report_currency(facts, assumptions)
    found: dict[str, list[Money]] = {}
    refused: list[str] = []

    def add(pitfall: str, item: Money) -> None:
        found.setdefault(pitfall, []).append(item)

    for kind, result in results.items():
        fact = facts.get(kind, DataFacts())
        volume, volume_text = _annual(result, kind, assumptions, fact)
        for item in _duplicates(kind, result):
            add("data", item)
        for item in _float(kind, result, assumptions, fact):
            add("processes", item)
        cost = _metric(result, "cost_per_transaction")
        error_rate = _metric(result, "error_rate")
        if volume is not None and error_rate and (assumptions.error_cost or cost):
            add(
                "processes",
                _errors(kind, volume, volume_text, error_rate, cost, assumptions, labour_currency),
            )
        median = _median_benchmark(result, "cost_per_transaction")
        if volume is not None and cost is not None and median is not None:
            excess, reason = _excess_cost(
                kind, volume, volume_text, cost, median, assumptions, labour_currency
            )
            if excess is not None:
                add("technology", excess)
            elif reason:
                refused.append(reason)
        for item in _late(kind, result, assumptions, fact):
            add("resources", item)
    return MoneyEstimate({k: tuple(v) for k, v in found.items()}, tuple(refused))


def _duplicates(kind: str, result: MetricsResult) -> list[Money]:
    """Recover and block, per currency: the exact duplicates, then each suspect test's
    invoices not already priced (each at the test's likelihood, from nothing to all)."""
    tests = result.tests or {}
    exact = tests.get(EXACT_TEST) or {}
    if not exact or exact.get("status") != "ran":
        return []
    out: list[Money] = []
    rule = (exact.get("money") or {}).get("rule", "")
    priced: set[tuple[Any, Any]] = set()
    for item in _exceptions(result, EXACT_TEST):
        priced.add((item.source, item.row))
    for action in ("recover", "block"):
        amounts = (exact.get("money") or {}).get(action) or {}
        count = (exact.get("money") or {}).get(f"{action}_invoices", 0)
        calls = (exact.get("money") or {}).get("calls") or []
        for currency, amount in sorted(amounts.items()):
            if not amount:
                continue
            out.append(
                Money(
                    action,
                    currency,
                    float(amount),
                    float(amount),
                    float(amount),
                    "data-exact",
                    "duplicate invoices paid twice"
                    if action == "recover"
                    else "duplicate invoices not paid yet",
                    f"{count:,} invoice(s) repeating another's vendor, amount and number, "
                    + ("already paid" if action == "recover" else "not paid yet")
                    + f" (audit test {EXACT_TEST})",
                    (rule,),
                    f"{kind}.tests.{EXACT_TEST}",
                    tuple(
                        c for c in calls if action == "recover" and c.get("currency") == currency
                    )[:5],
                )
            )
    if not result.exceptions:
        return out
    for test_id in SUSPECT_TESTS:
        test = tests.get(test_id) or {}
        if test.get("status") != "ran" or not test.get("flagged"):
            continue
        weight = float(test.get("weight") or 0.0)
        sums: dict[tuple[str, str], list[float]] = {}
        for item in _exceptions(result, test_id):
            key = (item.source, item.row)
            if key in priced:
                continue
            priced.add(key)
            if item.action not in ("recover", "block") or item.amount is None:
                continue
            currency = (item.currency or "(none)").strip().upper() or "(none)"
            sums.setdefault((item.action, currency), []).append(float(item.amount))
        for (action, currency), values in sorted(sums.items()):
            total = sum(values)
            out.append(
                Money(
                    action,  # type: ignore[arg-type]
                    currency,
                    total * weight,
                    0.0,
                    total,
                    "estimated",
                    "suspected duplicates, paid"
                    if action == "recover"
                    else "suspected duplicates, not paid yet",
                    f"{len(values):,} invoice(s) flagged by the audit test {test_id} and by no "
                    f"test before it: {total:,.2f} if every one is a duplicate, x {weight:g} "
                    "(the test's likelihood)",
                    (
                        f"each suspect is a real duplicate with likelihood {weight:g} (the "
                        "test's weight); low: none is, high: all are; check each in the "
                        "exceptions",
                    ),
                    f"{kind}.tests.{test_id}",
                )
            )
    return out


def _exceptions(result: MetricsResult, test_id: str) -> list[Any]:
    """One test's exceptions (every one, in rank order); none when the tests did not run."""
    of = getattr(result.exceptions, "of", None)
    return list(of(test_id)) if of is not None else []


def _float(
    kind: str, result: MetricsResult, assumptions: ImpactAssumptions, fact: DataFacts
) -> list[Money]:
    test = (result.tests or {}).get("early-payment") or {}
    costs = test.get("float_cost") or {}
    factor, factor_text = _year_factor(fact)
    if test.get("status") != "ran" or not costs or factor is None:
        return []
    rate = float((test.get("params") or {}).get("rate") or 0.05)
    chosen = assumptions.capital_rate if assumptions.capital_rate is not None else rate
    low_rate, high_rate = assumptions.capital_rate_range
    low_rate, high_rate = min(low_rate, chosen), max(high_rate, chosen)
    out = []
    for currency, cost in sorted(costs.items()):
        if not cost:
            continue
        # the test's float cost is at its own rate: rescale it to the chosen rate and range
        yearly = float(cost) * factor / rate
        out.append(
            Money(
                "yearly",
                currency,
                yearly * chosen,
                yearly * low_rate,
                yearly * high_rate,
                "estimated",
                "float lost by paying early",
                f"{test.get('flagged', 0):,} invoices paid more than "
                f"{(test.get('params') or {}).get('days', 0):g} days before their due date: "
                f"{float(cost) / rate * chosen:,.2f} of float at {chosen:.1%} in the data, "
                f"{factor_text}",
                (
                    f"cost of capital {chosen:.1%} a year, range {low_rate:.1%} to "
                    f"{high_rate:.1%} ([impact] capital_rate)",
                    "the invoices would be paid on their due date instead (no early-payment "
                    "discount is taken: none is in the export)",
                ),
                f"{kind}.tests.early-payment",
            )
        )
    return out


def _errors(
    kind: str,
    volume: float,
    volume_text: str,
    error_rate: float,
    cost: float | None,
    assumptions: ImpactAssumptions,
    currency: str,
) -> Money:
    errors = volume * error_rate
    if assumptions.error_cost is not None:
        fix = low = high = assumptions.error_cost
        how = "given"
    else:
        assert cost is not None
        fix, low, high = cost, cost * 0.5, cost * 1.5
        how = "one more handling (the cost per transaction), range half to one and a half"
    return Money(
        "yearly",
        currency,
        errors * fix,
        errors * low,
        errors * high,
        "assumed" if assumptions.error_cost is None else "estimated",
        f"rework of {kind} with errors",
        f"{errors:,.0f} errors a year ({error_rate:.1%} of {volume:,.0f}) x {fix:,.2f} to fix one",
        (volume_text, f"cost to fix one error: {how} (--error-cost)"),
        f"{kind}.error_rate",
    )


def _excess_cost(
    kind: str,
    volume: float,
    volume_text: str,
    cost: float,
    median: tuple[float, str],
    assumptions: ImpactAssumptions,
    currency: str,
) -> tuple[Money | None, str | None]:
    """The labour cost above the labour part of a fully loaded benchmark, or why not."""
    if currency != BENCHMARK_CURRENCY:
        return None, (
            f"{kind}: the cost per transaction ({currency}) is not compared with the benchmark "
            f"({BENCHMARK_CURRENCY}): give --currency USD with a dollar hourly rate, or read "
            "the benchmark table"
        )
    benchmark, label = median
    share = assumptions.labour_share
    share_low, share_high = assumptions.labour_share_range
    target = benchmark * share
    if round(cost - target, 9) <= 0:  # at or below, to the float's noise (6 x 0.62)
        return None, None
    assumption = (
        f"our cost counts labour only (handling minutes x hourly rate); the benchmark "
        f"({label} {benchmark:,.2f}) is fully loaded, so it is compared with its labour part, "
        f"{share:.0%} of it ({target:,.2f}); range {share_low:.0%} to {share_high:.0%} "
        "([impact] labour_share)"
    )
    return (
        Money(
            "yearly",
            currency,
            volume * (cost - target),
            volume * max(cost - benchmark * share_high, 0.0),
            volume * max(cost - benchmark * share_low, 0.0),
            "estimated",
            f"labour cost per {kind[:-1] if kind.endswith('s') else kind} above the benchmark",
            f"{volume_text} x (labour cost per item {cost:,.2f} - {target:,.2f}, the labour "
            f"part of {label} {benchmark:,.2f})",
            (
                volume_text,
                assumption,
                "the whole gap is put down to how the work is done and the tools it is done "
                "with; part of it may be volume, mix or wage level",
            ),
            f"{kind}.cost_per_transaction",
        ),
        None,
    )


def _late(
    kind: str, result: MetricsResult, assumptions: ImpactAssumptions, fact: DataFacts
) -> list[Money]:
    rate = assumptions.late_payment_rate
    factor, factor_text = _year_factor(fact)
    if not fact.late_amounts or rate is None or factor is None:
        return []
    given = (assumptions.annual_volume or {}).get(kind)
    count = _metric(result, "count") or 0.0
    if given is not None and count:
        factor, factor_text = float(given) / count, f"{given:,.0f} {kind} a year (given)"
    out = []
    for currency, late in sorted(fact.late_amounts.items()):
        if not late:
            continue
        out.append(
            Money(
                "yearly",
                currency,
                late * factor * rate,
                late * factor * rate,
                late * factor * rate,
                "estimated",
                "cost of paying late",
                f"{late * factor:,.2f} paid late a year x {rate:.1%}",
                (factor_text, f"late-payment cost rate {rate:.1%} (given)"),
                f"{kind}.on_time_payment_rate",
            )
        )
    return out
