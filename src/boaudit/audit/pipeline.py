"""The front door: the whole audit in one call, answers and exports in, a Report out.

``boaudit report`` builds :class:`AuditInputs` from its options and ``boaudit run`` from a
configuration file; both then call :func:`run_audit`, so the two can never drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO, Literal

from boaudit.errors import UsageError
from boaudit.findings.rules import with_evidence
from boaudit.ingest import IngestOptions, LoadResult, load
from boaudit.metrics.backends import Backend, engine_backend, warm_up
from boaudit.metrics.engine import metrics_from_load
from boaudit.metrics.facts import cycle_times, data_facts
from boaudit.metrics.model import MetricsOptions, MetricsResult
from boaudit.questionnaire.assess import assess_files
from boaudit.questionnaire.scoring import Assessment
from boaudit.report.build import ReportOptions, build_report
from boaudit.report.model import Report

DataKind = Literal["tasks", "invoices", "events"]
KIND_ORDER: tuple[DataKind, ...] = ("invoices", "tasks", "events")


@dataclass(frozen=True)
class DataSource:
    """The exports of one kind and how to read them."""

    kind: DataKind
    files: tuple[str, ...]
    ingest: IngestOptions = field(default_factory=IngestOptions)


@dataclass(frozen=True)
class AuditInputs:
    """Everything a report is built from."""

    answers: tuple[Path, ...] = ()
    questionnaire: str | tuple[str, ...] | None = None
    """One questionnaire id or path, several (merged on the taxonomy), or None to infer."""
    by_role: bool = False
    anonymise: bool = False
    """Respondents replaced by their roles in every output."""
    sources: tuple[DataSource, ...] = ()
    metrics: MetricsOptions = field(default_factory=MetricsOptions)
    report: ReportOptions = field(default_factory=ReportOptions)


@dataclass(frozen=True)
class AuditResult:
    """The report and what it was built from."""

    report: Report
    assessment: Assessment | None
    loads: dict[str, LoadResult]


def run_audit(
    inputs: AuditInputs,
    on_progress: Callable[[str], None] | None = None,
    stdin: BinaryIO | None = None,
) -> AuditResult:
    """Assess the answers, load and measure the exports, and build the Report."""
    if not inputs.answers and not inputs.sources:
        raise UsageError(
            "nothing to report on: give interview answers (--answers) and/or exports "
            "(--tasks, --invoices, --events)"
        )
    assessment = None
    if inputs.answers:
        if on_progress:
            on_progress("scoring the interview answers")
        assessment = assess_files(
            inputs.answers,
            inputs.questionnaire,
            by_role=inputs.by_role,
            anonymise=inputs.anonymise,
        )
    metrics_options = inputs.metrics
    if inputs.report.as_of and not metrics_options.as_of:
        metrics_options = replace(metrics_options, as_of=inputs.report.as_of)
    loads, results = measure_sources(inputs.sources, metrics_options, on_progress, stdin)
    quarantined = [
        {
            "kind": kind,
            "source": row.source,
            "sheet": row.sheet,
            "row": row.row,
            "reasons": list(row.reasons),
            "raw": dict(row.raw),
        }
        for kind, result in loads.items()
        for row in result.account.quarantined
    ]
    report = build_report(
        assessment,
        results,
        inputs.report,
        data_quality=quarantined,
        cycle_times={kind: cycle_times(result) for kind, result in loads.items()},
        facts={kind: data_facts(result) for kind, result in loads.items()},
    )
    return AuditResult(report, assessment, loads)


def measure_sources(
    sources: Sequence[DataSource],
    options: MetricsOptions,
    on_progress: Callable[[str], None] | None = None,
    stdin: BinaryIO | None = None,
) -> tuple[dict[str, LoadResult], dict[str, MetricsResult]]:
    """Load and measure each kind of export (invoices, then tasks, then events), with the
    evidence its metrics give: the loads (row accounts, quarantine) and the results."""
    seen: set[str] = set()
    for source in sources:
        if source.kind in seen:
            raise UsageError(
                f"{source.kind} given twice; list every {source.kind} file in one source"
            )
        seen.add(source.kind)
    loads: dict[str, LoadResult] = {}
    results: dict[str, MetricsResult] = {}
    if not sources:
        return loads, results
    warm_up([file for source in sources for file in source.files])
    backend: Backend | None = None
    try:
        for source in sorted(sources, key=lambda s: KIND_ORDER.index(s.kind)):
            if on_progress:
                on_progress(f"reading the {source.kind}")
            result = load(list(source.files), source.kind, source.ingest, on_progress, stdin)
            loads[source.kind] = result
            if on_progress:
                on_progress(f"measuring the {source.kind}")
            backend = backend or engine_backend(options.engine)
            measured = metrics_from_load(result, options, backend=backend)
            results[source.kind] = with_evidence(measured)
    finally:
        if backend is not None:
            backend.close()
    return loads, results


def sources_from_files(
    files: dict[DataKind, Sequence[str]], ingest: IngestOptions
) -> tuple[DataSource, ...]:
    """One DataSource per kind that has files, all read with the same options."""
    return tuple(DataSource(kind, tuple(paths), ingest) for kind, paths in files.items() if paths)


__all__ = [
    "AuditInputs",
    "AuditResult",
    "DataSource",
    "measure_sources",
    "run_audit",
    "sources_from_files",
]
