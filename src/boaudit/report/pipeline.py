"""The whole audit in one call: answers and exports in, a Report out.

``boaudit report`` builds :class:`AuditInputs` from its options and ``boaudit run`` from a
configuration file; both then call :func:`run_audit`, so the two can never drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO, Literal

import numpy as np

from boaudit.errors import UsageError
from boaudit.ingest import IngestOptions, LoadResult, load
from boaudit.metrics import MetricsOptions, metrics_from_load
from boaudit.metrics.compute import EVENT_TIMES, ROLES
from boaudit.questionnaire.assess import assess_files
from boaudit.questionnaire.scoring import Assessment
from boaudit.report.build import ReportOptions, build_report
from boaudit.report.impact import DataFacts
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
    questionnaire: str | None = None
    by_role: bool = False
    sources: tuple[DataSource, ...] = ()
    metrics: MetricsOptions = field(default_factory=MetricsOptions)
    report: ReportOptions = field(default_factory=ReportOptions)


@dataclass(frozen=True)
class AuditResult:
    """The report and what it was built from."""

    report: Report
    assessment: Assessment | None
    loads: dict[str, LoadResult]


def _cycle_times(result: LoadResult) -> list[float]:
    """Calendar days from start to completion of each completed item (for the chart)."""
    frame = result.frame
    roles = ROLES[result.kind]
    starts = [frame[column] for column in roles.start if column in frame]
    if not starts or roles.end not in frame:
        return []
    start = starts[0]
    for other in starts[1:]:
        start = start.fillna(other)
    days = (frame[roles.end] - start).dt.total_seconds() / 86_400.0
    values = days.to_numpy(dtype="float64", na_value=np.nan)
    return [float(v) for v in values[np.isfinite(values) & (values >= 0)]]


def data_facts(result: LoadResult) -> DataFacts:
    """Span of the data, amount paid late and main currency, for the money estimates."""
    frame = result.frame
    starts, ends = [], []
    for column in EVENT_TIMES:
        if column in frame and frame[column].notna().any():
            starts.append(frame[column].min())
            ends.append(frame[column].max())
    span = (max(ends) - min(starts)).total_seconds() / 86_400.0 if starts else None
    late_amount = None
    if {"paid_at", "due_date", "amount"} <= set(frame.columns):
        paid = frame["paid_at"].dt.normalize()
        due = frame["due_date"].dt.normalize()
        late = (paid > due).fillna(False).to_numpy(dtype=bool)
        if frame["paid_at"].notna().any() and frame["due_date"].notna().any():
            late_amount = float(frame["amount"].to_numpy(dtype="float64", na_value=0.0)[late].sum())
    currency, currencies = None, 1
    if "currency" in frame and frame["currency"].notna().any():
        counts = frame["currency"].dropna().astype(str).str.strip().str.upper().value_counts()
        currency, currencies = str(counts.index[0]), len(counts)
    return DataFacts(
        span_days=span, late_amount=late_amount, currency=currency, currencies=currencies
    )


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
    seen: set[str] = set()
    for source in inputs.sources:
        if source.kind in seen:
            raise UsageError(
                f"{source.kind} given twice; list every {source.kind} file in one source"
            )
        seen.add(source.kind)
    assessment = None
    if inputs.answers:
        if on_progress:
            on_progress("scoring the interview answers")
        assessment = assess_files(inputs.answers, inputs.questionnaire, by_role=inputs.by_role)
    metrics_options = inputs.metrics
    if inputs.report.as_of and not metrics_options.as_of:
        metrics_options = replace(metrics_options, as_of=inputs.report.as_of)
    loads: dict[str, LoadResult] = {}
    documents: dict[str, dict[str, object]] = {}
    for source in sorted(inputs.sources, key=lambda s: KIND_ORDER.index(s.kind)):
        if on_progress:
            on_progress(f"reading the {source.kind}")
        result = load(list(source.files), source.kind, source.ingest, on_progress, stdin)
        loads[source.kind] = result
        if on_progress:
            on_progress(f"measuring the {source.kind}")
        documents[source.kind] = metrics_from_load(result, metrics_options).to_dict()
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
        documents,
        inputs.report,
        data_quality=quarantined,
        charts={"cycle_times": {kind: _cycle_times(result) for kind, result in loads.items()}},
        facts={kind: data_facts(result) for kind, result in loads.items()},
    )
    return AuditResult(report, assessment, loads)


def sources_from_files(
    files: dict[DataKind, Sequence[str]], ingest: IngestOptions
) -> tuple[DataSource, ...]:
    """One DataSource per kind that has files, all read with the same options."""
    return tuple(DataSource(kind, tuple(paths), ingest) for kind, paths in files.items() if paths)


__all__ = [
    "AuditInputs",
    "AuditResult",
    "DataSource",
    "run_audit",
    "sources_from_files",
]
