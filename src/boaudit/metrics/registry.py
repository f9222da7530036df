"""The KPI registry: one entry per metric of DESIGN.md section 4, written once.

Each entry says which kinds have it, the canonical columns it reads, how it aggregates (named
ibis reductions over the work table of :mod:`boaudit.metrics.work`, or a staged query for the
metrics that aggregate twice), the reason of an empty value, and whether it takes part in the
``--by`` breakdowns, the ``--period`` trend (and by which date) and the run history. The engine
(:mod:`boaudit.metrics.engine`) runs every entry over any breakdown in one grouped query per
breakdown, on any ibis backend.

Adding a KPI is adding one entry here (CONTRIBUTING.md shows one).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import ibis.expr.types as ir

from boaudit.document import JsonObject
from boaudit.metrics.model import BACKLOG_BUCKETS, Kind

ROUND = 6
"""Decimal places kept in the output."""

Row = Mapping[str, Any]
"""One group's aggregated values: reduction name -> value."""

Aggregation = Literal["count", "sum", "rate", "distribution", "backlog", "staged", "duplicates"]


def rounded(value: float | None) -> float | None:
    """Round for output; None for a missing, NaN or infinite value."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), ROUND)


def _number(row: Row, key: str) -> float:
    value = row.get(key)
    return 0.0 if value is None else float(value)


@dataclass(frozen=True)
class Kpi:
    """One metric: what it reads, how it aggregates, and where it takes part."""

    name: str
    """The metric's name in the JSON document."""
    kinds: frozenset[Kind]
    """The kinds of data that have it."""
    reads: tuple[str, ...]
    """The canonical columns it reads (any of them is enough where there is a choice)."""
    aggregation: Aggregation
    """How it aggregates: a count, a sum, a rate (share of items where the input is known), a
    distribution (mean, median, p90), the backlog, the duplicate tests, or a staged query."""
    reductions: Callable[[ir.Table], dict[str, ir.Scalar]]
    """Named reductions over the work table (empty for staged metrics, whose engine step makes
    their rows)."""
    value: Callable[[Row], Any]
    """The JSON value from one group's row of reductions (a string is a reason of a null)."""
    empty_reason: str
    """Why the value is null when the inputs are there but no item qualifies."""
    by: bool = True
    """Takes part in ``--by`` breakdowns."""
    period: Literal["arrival", "completion"] | None = None
    """Takes part in the ``--period`` trend, bucketed by start or by completion date."""
    history: bool = True
    """Recorded in the run history (``boaudit run``)."""
    light: bool = False
    """Computed in the light breakdowns the evidence rules read (counts and rates only)."""
    work: tuple[str, ...] = ()
    """The work columns it needs: without them the value is null with the input's reason."""


def _prefix(name: str, reductions: dict[str, ir.Scalar]) -> dict[str, ir.Scalar]:
    return {f"{name}__{key}": value for key, value in reductions.items()}


def _rate(name: str, column: str) -> Callable[[ir.Table], dict[str, ir.Scalar]]:
    def reductions(table: ir.Table) -> dict[str, ir.Scalar]:
        return _prefix(name, {"sum": table[column].sum(), "known": table[column].count()})

    return reductions


def _rate_value(name: str) -> Callable[[Row], Any]:
    def value(row: Row) -> Any:
        known = _number(row, f"{name}__known")
        return rounded(_number(row, f"{name}__sum") / known) if known else None

    return value


def _distribution(
    name: str, column: str, *, maximum: bool = False
) -> Callable[[ir.Table], dict[str, ir.Scalar]]:
    def reductions(table: ir.Table) -> dict[str, ir.Scalar]:
        values = table[column]
        parts: dict[str, ir.Scalar] = {
            "n": values.count(),
            "sum": values.sum(),
            "median": values.quantile(0.5),
            "p90": values.quantile(0.9),
        }
        if maximum:
            parts["max"] = values.max()
        return _prefix(name, parts)

    return reductions


def distribution_value(row: Row, name: str) -> JsonObject | None:
    """``{mean, median, p90, n}`` of a distribution's reductions; None without values."""
    n = int(_number(row, f"{name}__n"))
    if not n:
        return None
    return {
        "mean": rounded(_number(row, f"{name}__sum") / n),
        "median": rounded(row[f"{name}__median"]),
        "p90": rounded(row[f"{name}__p90"]),
        "n": n,
    }


def _days_late(row: Row) -> JsonObject | None:
    late = distribution_value(row, "days_late")
    if late is not None:
        late["max"] = rounded(row["days_late__max"])
    return late


_BUCKET_EDGES = ((0, 7), (8, 30), (31, 90), (91, math.inf))


def _backlog_reductions(table: ir.Table) -> dict[str, ir.Scalar]:
    age = table["w_age"]
    whole = age.floor()
    parts: dict[str, ir.Scalar] = {
        "open": table["w_open"].sum(),
        "over_30": (whole > 30).cast("int64").sum(),
        **_distribution("age", "w_age", maximum=True)(table),
    }
    for index, (low, high) in enumerate(_BUCKET_EDGES):
        inside = whole >= low if math.isinf(high) else (whole >= low) & (whole <= high)
        parts[f"bucket{index}"] = inside.cast("int64").sum()
    return _prefix("backlog", parts)


def _backlog_value(row: Row) -> JsonObject:
    open_items = int(_number(row, "backlog__open"))
    age = distribution_value(row, "backlog__age")
    if age is not None:
        del age["n"]
        age["max"] = rounded(row["backlog__age__max"])
    return {
        "open": open_items,
        "buckets": {
            label: int(_number(row, f"backlog__bucket{index}"))
            for index, label in enumerate(BACKLOG_BUCKETS)
        },
        "age_days": age,
        "over_30_share": (
            rounded(_number(row, "backlog__over_30") / open_items) if open_items else None
        ),
    }


def _duplicate_reductions(table: ir.Table) -> dict[str, ir.Scalar]:
    return _prefix(
        "duplicate_suspects",
        {
            "exact": table["w_dup_exact"].sum(),
            "near": table["w_dup_near"].sum(),
            "extra": table["w_dup_extra"].sum(),
            "groups": table["w_dup_group"].nunique(),
        },
    )


def _duplicate_value(row: Row) -> JsonObject:
    count = int(_number(row, "count__n"))
    exact = int(_number(row, "duplicate_suspects__exact"))
    near = int(_number(row, "duplicate_suspects__near"))
    return {
        "exact": {
            "groups": int(_number(row, "duplicate_suspects__groups")),
            "invoices": exact,
            "share": rounded(exact / count),
            "extra_amount": rounded(_number(row, "duplicate_suspects__extra")),
        },
        "near": {"invoices": near, "share": rounded(near / count)},
    }


def _staged(name: str) -> Callable[[Row], Any]:
    def value(row: Row) -> Any:
        return row.get(name)

    return value


def _none(table: ir.Table) -> dict[str, ir.Scalar]:
    return {}


ALL: frozenset[Kind] = frozenset({"tasks", "invoices", "events"})
INVOICES: frozenset[Kind] = frozenset({"invoices"})
WORK_ITEMS: frozenset[Kind] = frozenset({"tasks", "events"})

KPIS: tuple[Kpi, ...] = (
    Kpi(
        "count",
        ALL,
        (),
        "count",
        lambda table: {"count__n": table.count()},
        lambda row: int(_number(row, "count__n")),
        "no items",
        period="arrival",
        light=True,
    ),
    Kpi(
        "completed",
        ALL,
        ("completed_at", "paid_at"),
        "sum",
        lambda table: {"completed__sum": table["w_completed"].sum()},
        lambda row: int(_number(row, "completed__sum")),
        "no items",
        period="completion",
        light=True,
        work=("w_completed",),
    ),
    Kpi(
        "cycle_time_days",
        ALL,
        ("created_at", "completed_at", "received_at", "invoice_date", "paid_at"),
        "distribution",
        _distribution("cycle_time_days", "w_cycle"),
        lambda row: distribution_value(row, "cycle_time_days"),
        "no completed item with both timestamps",
        period="completion",
        work=("w_cycle",),
    ),
    Kpi(
        "approval_time_days",
        INVOICES,
        ("approved_at", "received_at", "invoice_date"),
        "distribution",
        _distribution("approval_time_days", "w_approval"),
        lambda row: distribution_value(row, "approval_time_days"),
        "no approved item with a start date",
        period="arrival",
        work=("w_approval",),
    ),
    Kpi(
        "error_rate",
        ALL,
        ("error",),
        "rate",
        _rate("error_rate", "w_error"),
        _rate_value("error_rate"),
        "error not known for any item",
        period="arrival",
        light=True,
        work=("w_error",),
    ),
    Kpi(
        "rework_rate",
        ALL,
        ("rework_count",),
        "rate",
        _rate("rework_rate", "w_rework"),
        _rate_value("rework_rate"),
        "rework_count not known for any item",
        period="arrival",
        light=True,
        work=("w_rework",),
    ),
    Kpi(
        "sla_compliance",
        ALL,
        ("sla_met", "priority", "completed_at", "paid_at"),
        "rate",
        _rate("sla_compliance", "w_sla"),
        _rate_value("sla_compliance"),
        "no completed item with an SLA judgement",
        period="completion",
        light=True,
        work=("w_sla",),
    ),
    Kpi(
        "on_time_payment_rate",
        INVOICES,
        ("paid_at", "due_date"),
        "rate",
        _rate("on_time_payment_rate", "w_ontime"),
        _rate_value("on_time_payment_rate"),
        "no paid invoice with a due date",
        period="completion",
        light=True,
        work=("w_ontime",),
    ),
    Kpi(
        "on_time_completion_rate",
        WORK_ITEMS,
        ("completed_at", "due_at"),
        "rate",
        _rate("on_time_completion_rate", "w_due"),
        _rate_value("on_time_completion_rate"),
        "no completed item with a due_at",
        period="completion",
        light=True,
        work=("w_due",),
    ),
    Kpi(
        "days_late",
        INVOICES,
        ("paid_at", "due_date"),
        "distribution",
        _distribution("days_late", "w_late", maximum=True),
        _days_late,
        "no paid invoice with a due date",
        period="completion",
        work=("w_late",),
    ),
    Kpi(
        "dispute_rate",
        INVOICES,
        ("disputed",),
        "rate",
        _rate("dispute_rate", "w_disputed"),
        _rate_value("dispute_rate"),
        "disputed not known for any item",
        period="arrival",
        light=True,
        work=("w_disputed",),
    ),
    Kpi(
        "cost_per_transaction",
        ALL,
        ("cost", "handling_minutes"),
        "rate",
        _rate("cost_per_transaction", "w_cost"),
        _rate_value("cost_per_transaction"),
        "no item with a cost",
        period="arrival",
        light=True,
        work=("w_cost",),
    ),
    Kpi(
        "throughput",
        ALL,
        ("completed_at", "paid_at"),
        "staged",
        _none,
        _staged("throughput"),
        "no completed items",
        work=("w_completed",),
    ),
    Kpi(
        "backlog",
        ALL,
        ("created_at", "received_at", "invoice_date", "completed_at", "paid_at", "status"),
        "backlog",
        _backlog_reductions,
        _backlog_value,
        "no items",
        work=("w_open",),
    ),
    Kpi(
        "consistency",
        ALL,
        ("assignee", "processed_by", "completed_at", "paid_at"),
        "staged",
        _none,
        _staged("consistency"),
        "no data",
        work=("w_cycle", "w_assignee"),
    ),
    Kpi(
        "workload_gini",
        ALL,
        ("assignee", "processed_by", "completed_at", "paid_at"),
        "staged",
        _none,
        _staged("workload_gini"),
        "fewer than 2 assignees, or nothing completed",
        work=("w_completed", "w_assignee"),
    ),
    Kpi(
        "duplicate_suspects",
        INVOICES,
        ("vendor", "amount", "invoice_id", "currency", "invoice_date", "received_at"),
        "duplicates",
        _duplicate_reductions,
        _duplicate_value,
        "no items",
        work=("w_dup_exact",),
    ),
)
"""Every KPI, in the order of the JSON document."""

BY_NAME: dict[str, Kpi] = {kpi.name: kpi for kpi in KPIS}


def kpis_for(kind: Kind) -> tuple[Kpi, ...]:
    """The KPIs of a kind, in document order."""
    return tuple(kpi for kpi in KPIS if kind in kpi.kinds)


def names_for(kind: Kind) -> tuple[str, ...]:
    """The metric names of a kind, in document order."""
    return tuple(kpi.name for kpi in kpis_for(kind))


def period_kpis(kind: Kind) -> tuple[Kpi, ...]:
    """The KPIs repeated in every period of the trend."""
    return tuple(kpi for kpi in kpis_for(kind) if kpi.period is not None)


def light_kpis(kind: Kind) -> tuple[Kpi, ...]:
    """The KPIs of the evidence rules' breakdowns."""
    return tuple(kpi for kpi in kpis_for(kind) if kpi.light)


def history_names(kind: Kind) -> tuple[str, ...]:
    """The metric names the run history records."""
    return tuple(kpi.name for kpi in kpis_for(kind) if kpi.history)
