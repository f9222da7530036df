"""The one Report model every writer renders: findings ranked, with evidence and money at stake.

A Report is built once (:func:`boaudit.report.build.build_report`) from an assessment and/or
metrics results and the prioritised findings; each writer module turns the same Report into
text or bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from boaudit.document import JsonObject
from boaudit.findings.model import Finding

if TYPE_CHECKING:
    from boaudit.metrics.model import MetricsResult
    from boaudit.questionnaire.scoring import Assessment

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Report:
    """The whole report."""

    title: str
    as_of: str | None
    """Reference date of the data (ISO), as given or as found in the data."""
    assessment: Assessment | None
    """The scored interviews, or None when no answers were given."""
    metrics: Mapping[str, MetricsResult]
    """Kind -> its metrics result, with the rules' evidence attached."""
    findings: tuple[Finding, ...]
    rules: dict[str, str]
    """How severity, contradictions, priority and quick wins are decided, in words."""
    data_quality: tuple[JsonObject, ...] = ()
    """Quarantined input rows: source, sheet, row, reasons, raw values."""
    cycle_times: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    """Kind -> calendar days of each completed item, for the distribution chart."""
    version: str = ""
    changes: JsonObject = field(default_factory=dict)
    """From the run history: ``since_last`` and ``since_baseline`` comparisons."""
    trend: tuple[JsonObject, ...] = ()
    """From the run history: one row per earlier run plus this one (scores, KPIs)."""

    @property
    def generated_by(self) -> str:
        """``boaudit VERSION``, as printed in every format."""
        return f"boaudit {self.version}".strip()

    @property
    def quick_wins(self) -> tuple[str, ...]:
        """Pitfall ids of the quick wins, in rank order."""
        return tuple(f.pitfall for f in self.findings if f.quick_win)

    @property
    def total_impact(self) -> dict[str, float]:
        """Money at stake summed per currency."""
        totals: dict[str, float] = {}
        for finding in self.findings:
            if finding.impact is not None:
                currency = finding.impact.currency
                totals[currency] = totals.get(currency, 0.0) + finding.impact.amount
        return totals

    def to_dict(self) -> JsonObject:
        """The JSON contract of ``boaudit report --format json`` (schema version 1)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "title": self.title,
            "as_of": self.as_of,
            "generated_by": self.generated_by,
            "assessment": None if self.assessment is None else self.assessment.to_dict(),
            "metrics": {kind: result.to_dict() for kind, result in self.metrics.items()},
            "findings": [f.to_dict() for f in self.findings],
            "quick_wins": list(self.quick_wins),
            "total_impact": {k: round(v, 2) for k, v in sorted(self.total_impact.items())},
            "rules": dict(self.rules),
            "data_quality": list(self.data_quality),
            "changes": dict(self.changes) or None,
        }
