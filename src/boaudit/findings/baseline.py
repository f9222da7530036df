"""The KPI baseline: what the client's exports already measure, recorded as the starting point.

A finding on the ``metrics`` pitfall ("no performance metrics or KPIs") never claims there are
no KPIs when boaudit has just computed them from the exports: it names the ones the systems
already support, and this baseline is what later runs (and a plan's targets) are measured
against.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from boaudit.document import JsonObject, number
from boaudit.metrics.display import written
from boaudit.metrics.model import MetricsResult

Unit = Literal["days", "share", "amount", "count"]

KPIS: tuple[tuple[str, str, Unit], ...] = (
    ("cycle_time_days.median", "median cycle time", "days"),
    ("approval_time_days.median", "median time from receipt to approval", "days"),
    ("error_rate", "error rate", "share"),
    ("rework_rate", "rework rate", "share"),
    ("sla_compliance", "SLA compliance", "share"),
    ("on_time_payment_rate", "invoices paid on time", "share"),
    ("on_time_completion_rate", "items completed by their due date", "share"),
    ("cost_per_transaction", "cost per item", "amount"),
    ("backlog.open", "open items", "count"),
    ("backlog.over_30_share", "open items older than 30 days", "share"),
)
"""The headline KPIs (DESIGN.md section 4) a baseline records: metric path, label, unit."""


@dataclass(frozen=True)
class BaselineKpi:
    """One KPI as measured today."""

    kind: str
    metric: str
    label: str
    value: float
    unit: Unit
    as_of: str | None

    @property
    def kpi(self) -> str:
        """``KIND.METRIC``, as fixes and plans name it."""
        return f"{self.kind}.{self.metric}"

    @property
    def written(self) -> str:
        """The value with its unit, for sentences (rounded as every report prints it)."""
        return written(self.value, self.unit)

    def to_dict(self) -> JsonObject:
        """JSON form."""
        return {
            "kind": self.kind,
            "kpi": self.kpi,
            "label": self.label,
            "value": round(self.value, 6),
            "unit": self.unit,
            "written": self.written,
            "as_of": self.as_of,
        }


def kpi_baseline(results: Mapping[str, MetricsResult]) -> tuple[BaselineKpi, ...]:
    """Every headline KPI the results could compute (not null), kind by kind."""
    out: list[BaselineKpi] = []
    for kind, result in results.items():
        for metric, label, unit in KPIS:
            value = number(result.metrics, metric)
            if value is not None:
                out.append(BaselineKpi(kind, metric, label, value, unit, result.as_of))
    return tuple(out)


def baseline_sentence(baseline: tuple[BaselineKpi, ...]) -> str:
    """``The exports already measure 12 KPIs: tasks: error rate 7.5%, ...``."""
    kinds: dict[str, list[str]] = {}
    for kpi in baseline:
        kinds.setdefault(kpi.kind, []).append(f"{kpi.label} {kpi.written}")
    listed = "; ".join(f"{kind}: {', '.join(items)}" for kind, items in kinds.items())
    return (
        f"The exports already measure {len(baseline)} KPIs ({listed}): the data exists, so the "
        "gap is in tracking and using them; these values are recorded as the baseline."
    )
