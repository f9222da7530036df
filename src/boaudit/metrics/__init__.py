"""The KPI engine: metrics of DESIGN.md section 4 over clean frames, and benchmarks.

The evidence rules read its results a layer up (:mod:`boaudit.findings`).

Public API::

    compute_metrics(frame, kind, options=None, *, sources=(), rows=None, columns=None,
                    value_problems=None, notes=()) -> MetricsResult
    metrics_from_load(load_result, options=None) -> MetricsResult
    MetricsOptions(by=(), period=None, sla=None, hourly_rate=None, as_of=None,
                   benchmarks=None, ...)
    SlaTarget(days=None, by_priority=None, label="")
    parse_duration("48h") -> 2.0;  load_sla_map(path) -> SlaTarget
    load_benchmarks(extra=None) -> tuple[Benchmark, ...]
    metrics_json(result) -> str;  metrics_csv(result) -> str

``MetricsResult.to_dict()`` is the JSON document of ``boaudit metrics --format json``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from boaudit.lazy import lazy_attributes

if TYPE_CHECKING:
    from boaudit.metrics.benchmarks import (
        Benchmark,
        BenchmarkComparison,
        compare,
        load_benchmarks,
    )
    from boaudit.metrics.compute import parse_as_of, parse_duration
    from boaudit.metrics.engine import compute_metrics, metrics_from_load
    from boaudit.metrics.model import (
        PERIODS,
        SCHEMA_VERSION,
        Kind,
        MetricsOptions,
        MetricsResult,
        Period,
        SlaTarget,
    )
    from boaudit.metrics.render import metrics_csv, metrics_json
    from boaudit.metrics.sla import load_sla_map

# Imported on first use (PEP 562): the options and the SLA map need only the light modules,
# so a command can check its options before the benchmarks' pydantic models are loaded.
_HOMES = {
    "Benchmark": "boaudit.metrics.benchmarks",
    "compare": "boaudit.metrics.benchmarks",
    "load_benchmarks": "boaudit.metrics.benchmarks",
    "parse_as_of": "boaudit.metrics.compute",
    "parse_duration": "boaudit.metrics.compute",
    "compute_metrics": "boaudit.metrics.engine",
    "metrics_from_load": "boaudit.metrics.engine",
    "PERIODS": "boaudit.metrics.model",
    "SCHEMA_VERSION": "boaudit.metrics.model",
    "BenchmarkComparison": "boaudit.metrics.benchmarks",
    "Kind": "boaudit.metrics.model",
    "MetricsOptions": "boaudit.metrics.model",
    "MetricsResult": "boaudit.metrics.model",
    "Period": "boaudit.metrics.model",
    "SlaTarget": "boaudit.metrics.model",
    "metrics_csv": "boaudit.metrics.render",
    "metrics_json": "boaudit.metrics.render",
    "load_sla_map": "boaudit.metrics.sla",
}

__all__ = [
    "PERIODS",
    "SCHEMA_VERSION",
    "Benchmark",
    "BenchmarkComparison",
    "Kind",
    "MetricsOptions",
    "MetricsResult",
    "Period",
    "SlaTarget",
    "compare",
    "compute_metrics",
    "load_benchmarks",
    "load_sla_map",
    "metrics_csv",
    "metrics_from_load",
    "metrics_json",
    "parse_as_of",
    "parse_duration",
]

__getattr__ = lazy_attributes(__name__, globals(), _HOMES)
