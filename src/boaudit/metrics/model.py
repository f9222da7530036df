"""The values the metrics engine takes and returns: options, benchmark comparisons and results.

Every result is a frozen dataclass whose ``to_dict()`` gives the JSON contract of
``boaudit metrics --format json`` (strict JSON once passed through
:func:`boaudit.fileio.dumps_json`: ``null``, never NaN).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NewType, Protocol

from boaudit.document import JsonObject

if TYPE_CHECKING:
    # The benchmarks' pydantic models load only when a comparison is made; their module
    # imports nothing of this one, so the arrow runs one way.
    from boaudit.metrics.benchmarks import Benchmark, BenchmarkComparison
    from boaudit.metrics.calendar import BusinessCalendar

SCHEMA_VERSION = 1
"""Version of the JSON document; bumped only when a key changes meaning or disappears."""

Kind = Literal["tasks", "invoices", "events"]
"""The kinds of data the engine computes metrics for (events arrive collapsed to tasks)."""

Period = Literal["day", "week", "month", "quarter"]
"""Calendar buckets for ``throughput`` and the ``periods`` trend."""

PERIODS: tuple[Period, ...] = ("day", "week", "month", "quarter")

KpiId = NewType("KpiId", str)
"""A metric name, or a dotted path into an object metric (``cycle_time_days.mean``)."""

BACKLOG_BUCKETS: tuple[str, ...] = ("0-7", "8-30", "31-90", ">90")
"""Backlog age buckets, in whole days elapsed since the item started."""


@dataclass(frozen=True)
class SlaTarget:
    """How ``sla_compliance`` is judged when the user gives a target.

    Exactly one of :attr:`days` (one target for every item) and :attr:`by_priority` (a target
    per priority value) is set.
    """

    days: float | None = None
    """One target, in calendar days, for every completed item's cycle time."""
    by_priority: Mapping[str, float] | None = None
    """Targets in days per priority (keys compared case-insensitively, ``*`` for the rest)."""
    label: str = ""
    """How the user wrote it, e.g. ``48h`` or the map file's name; shown in ``basis``."""


@dataclass(frozen=True)
class MetricsOptions:
    """Everything the user can say about how metrics are computed."""

    by: tuple[str, ...] = ()
    """Canonical columns to break every metric down by (``--by``)."""
    period: Period | None = None
    """Trend bucket (``--period``); None means no ``periods`` trend (throughput uses weeks)."""
    sla: SlaTarget | None = None
    """A target given by the user; None means the export's ``sla_met`` column, if any."""
    hourly_rate: float | None = None
    """Cost of one hour of handling, for ``cost_per_transaction`` when there is no ``cost``."""
    as_of: str | None = None
    """Reference time for ``backlog`` (ISO date or date-time, UTC when naive); None means the
    latest timestamp in the data."""
    benchmarks: tuple[Benchmark, ...] | None = None
    """Reference values to compare with; None means the bundled file."""
    evidence_groups: tuple[str, ...] = ("provider",)
    """Columns broken down for the evidence rules even when not asked for with ``by``."""
    duplicate_window_days: float = 7.0
    """Near duplicates: same vendor and amount within this many days."""
    consistency_min_items: int = 10
    """Assignees need this many completed items to enter ``consistency``."""
    engine: str = "duckdb"
    """Where the metrics of file inputs are computed (``--engine``): ``duckdb`` in-process, or
    ``pyspark`` in local mode."""
    tests: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """The audit tests' parameters the user set: test id -> parameter -> value (``[tests.ID]``,
    ``--test ID.param=value``); the rest keep their defaults."""
    audit_tests: bool = True
    """Run the accounts-payable test pack on invoices (``--no-tests`` turns it off)."""
    variants: int = 10
    """Event logs: how many of the most frequent variants the ``process`` block lists
    (``--variants``)."""
    expected: tuple[str, ...] = ()
    """Event logs: the expected sequence of activities for the conformance (``--expected``);
    empty: none."""
    calendar: BusinessCalendar | None = None
    """Working days, hours and holidays (``--calendar FILE``): the durations are also given in
    business hours; None: calendar days only."""


class RuleEvidence(Protocol):
    """What the metrics document needs of one piece of evidence. The evidence rules live a
    layer up (:mod:`boaudit.findings`) and attach their items to a result; the engine never
    evaluates them."""

    @property
    def pitfall(self) -> str: ...
    @property
    def severity(self) -> float | None: ...
    @property
    def message(self) -> str: ...
    def rule_dict(self) -> JsonObject:
        """The object in the ``evidence`` list of the JSON document."""
        ...


MetricValues = Mapping[str, Any]
"""One block of metrics: name -> number, object of numbers, or None."""


@dataclass(frozen=True)
class MetricsResult:
    """Everything ``boaudit metrics`` computes for one set of exports.

    :attr:`metrics` holds JSON-ready values (ints, floats, strings, dicts, lists, None). A
    metric whose inputs are absent is None and :attr:`null_reasons` says why.
    """

    kind: Kind
    """``tasks``, ``invoices`` or ``events`` (metrics of events are over cases)."""
    as_of: str | None
    """Reference time of the backlog, ISO 8601 UTC; None when the data has no timestamp."""
    sources: tuple[str, ...]
    """The input files as given."""
    rows: Mapping[str, int]
    """``read``, ``accepted``, ``quarantined``, ``skipped`` (the loader's row account)."""
    columns: Mapping[str, str]
    """canonical column -> source column."""
    metrics: MetricValues
    """The overall metrics (DESIGN.md section 4)."""
    null_reasons: Mapping[str, str] = field(default_factory=dict)
    """metric -> why it is null, for every null overall metric."""
    basis: Mapping[str, str] = field(default_factory=dict)
    """How metrics with a choice of inputs were computed (``as_of``, ``sla_compliance``,
    ``cost_per_transaction``, ...)."""
    groups: Mapping[str, Mapping[str, MetricValues]] = field(default_factory=dict)
    """column -> group value -> metrics, for the ``--by`` columns."""
    group_null_reasons: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    """column -> group value -> metric -> why it is null (only null group metrics)."""
    periods: tuple[Mapping[str, Any], ...] = ()
    """The trend: one object per calendar period, oldest first (``--period``)."""
    benchmarks: tuple[BenchmarkComparison, ...] = ()
    """Every overall metric with a comparable published benchmark, and where it stands."""
    evidence: tuple[RuleEvidence, ...] = ()
    """Evidence for the pitfalls, strongest first, once :func:`boaudit.findings.with_evidence`
    has evaluated the rules over this result (empty before)."""
    data_quality: Mapping[str, Any] = field(default_factory=dict)
    """Missing and unparsable values, negative durations: inputs of the ``data`` evidence."""
    notes: tuple[str, ...] = ()
    """Plain sentences about the run (e.g. the loader's notes, options that had no effect)."""
    context_groups: Mapping[str, Mapping[str, MetricValues]] = field(default_factory=dict)
    """Breakdowns computed for the evidence rules only (not in the JSON document)."""
    tests: Mapping[str, Any] = field(default_factory=dict)
    """Invoices: the audit tests' results, test id -> result (see
    :mod:`boaudit.metrics.audit_tests`)."""
    test_population: Mapping[str, Any] | None = None
    """Invoices: which invoices the duplicate and payment tests looked at, and which they left
    out (cancelled, credit notes, reversed)."""
    exceptions: Sequence[Any] = ()
    """Invoices: every flagged invoice of every test, ranked by score (the ``--exceptions``
    file; only the first 20 of each test are in the JSON document)."""
    process: Mapping[str, Any] | None = None
    """Event logs: variants, transitions, bottlenecks, rework and handovers
    (:mod:`boaudit.metrics.process`); None when the events were not kept."""
    business_time: Mapping[str, Any] | None = None
    """The durations in business hours under ``--calendar`` (None without one)."""
    schema_version: int = SCHEMA_VERSION
    """Version of :meth:`to_dict`'s shape."""

    def all_groups(self) -> Mapping[str, Mapping[str, MetricValues]]:
        """Requested and evidence-only breakdowns together (requested ones win)."""
        return {**self.context_groups, **self.groups}

    def to_dict(self) -> JsonObject:
        """The JSON document of ``boaudit metrics --format json``."""
        return {
            "schema_version": self.schema_version,
            "kind": self.kind,
            "as_of": self.as_of,
            "sources": list(self.sources),
            "rows": dict(self.rows),
            "columns": dict(self.columns),
            "metrics": _plain(self.metrics),
            "null_reasons": dict(self.null_reasons),
            "basis": dict(self.basis),
            "groups": _plain(self.groups),
            "group_null_reasons": _plain(self.group_null_reasons),
            "periods": [_plain(period) for period in self.periods],
            "benchmarks": [comparison.to_dict() for comparison in self.benchmarks],
            "evidence": [item.rule_dict() for item in self.evidence],
            "data_quality": _plain(self.data_quality),
            "notes": list(self.notes),
            **(
                {"tests": _plain(self.tests), "test_population": _plain(self.test_population)}
                if self.kind == "invoices" and self.test_population is not None
                else {}
            ),
            **({"process": _plain(self.process)} if self.kind == "events" else {}),
            **(
                {"business_time": _plain(self.business_time)}
                if self.business_time is not None
                else {}
            ),
        }


def _plain(value: Any) -> Any:
    """A deep copy of nested mappings and sequences as plain dicts and lists."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
