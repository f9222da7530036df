"""The KPI engine: metrics of DESIGN.md section 4 over clean frames, benchmarks, evidence.

Public API::

    compute_metrics(frame, kind, options=None, *, sources=(), rows=None, columns=None,
                    value_problems=None, notes=()) -> MetricsResult
    metrics_from_load(load_result, options=None) -> MetricsResult
    MetricsOptions(by=(), period=None, sla=None, hourly_rate=None, as_of=None,
                   benchmarks=None, evidence=True, ...)
    SlaTarget(days=None, by_priority=None, label="")
    parse_duration("48h") -> 2.0;  load_sla_map(path) -> SlaTarget
    load_benchmarks(extra=None) -> tuple[Benchmark, ...]
    metrics_json(result) -> str;  metrics_csv(result) -> str

``MetricsResult.to_dict()`` is the JSON document of ``boaudit metrics --format json``.
"""

from boaudit.metrics.benchmarks import Benchmark, compare, load_benchmarks
from boaudit.metrics.compute import parse_as_of, parse_duration
from boaudit.metrics.engine import compute_metrics, metrics_from_load
from boaudit.metrics.model import (
    PERIODS,
    SCHEMA_VERSION,
    BenchmarkComparison,
    Kind,
    MetricsOptions,
    MetricsResult,
    Period,
    SlaTarget,
)
from boaudit.metrics.render import metrics_csv, metrics_json
from boaudit.metrics.sla import load_sla_map

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
