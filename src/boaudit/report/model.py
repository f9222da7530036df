"""The one Report model every writer renders: findings ranked, with evidence and money at stake.

A Report is built once (:func:`boaudit.report.build.build_report`) from an assessment and/or
metrics results; each writer module turns the same Report into text or bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = 1
EvidenceSource = Literal["interviews", "data"]
Effort = Literal["low", "medium", "high"]


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence behind a finding."""

    source: EvidenceSource
    """``interviews`` (the questionnaire) or ``data`` (a metrics rule)."""
    message: str
    """A plain sentence."""
    severity: float | None = None
    """0 (no sign of the mistake) to 1 (the mistake in full)."""
    metric: str | None = None
    """The metric (data) or the question id (interviews) it rests on."""
    kind: str | None = None
    """For data evidence: tasks, invoices or events."""
    refs: dict[str, Any] = field(default_factory=dict)
    """What to look at: respondents, groups (e.g. a clerk or a partner), rows."""

    @property
    def where(self) -> str:
        """Where to look, in words: the group, and the first rows it rests on."""
        parts: list[str] = []
        group = self.refs.get("group")
        if isinstance(group, dict) and group.get("column"):
            parts.append(f"{group['column']} = {group.get('value')}")
        rows = self.refs.get("rows")
        if isinstance(rows, list) and rows:
            shown = [
                f"{r.get('source', '?')} row {r.get('row', '?')}"
                + (f" ({r['invoice_id']})" if r.get("invoice_id") else "")
                for r in rows[:5]
                if isinstance(r, dict)
            ]
            more = f" and {len(rows) - len(shown)} more" if len(rows) > len(shown) else ""
            parts.append("rows: " + "; ".join(shown) + more)
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        data: dict[str, Any] = {
            "source": self.source,
            "severity": None if self.severity is None else round(self.severity, 3),
            "metric": self.metric,
            "message": self.message,
        }
        if self.kind:
            data["kind"] = self.kind
        if self.refs:
            data["refs"] = self.refs
        return data


@dataclass(frozen=True)
class Impact:
    """Money at stake for one finding, with every assumption behind the figure."""

    amount: float
    currency: str
    basis: str
    """How the figure was computed, in one sentence with the numbers."""
    assumptions: tuple[str, ...] = ()
    """Each assumption, with the option that changes it."""
    per_year: bool = True
    """True for a yearly figure; False for an amount found in the data as it is."""

    @property
    def span(self) -> str:
        """``a year`` or ``in the data``, for sentences."""
        return "a year" if self.per_year else "in the data"

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "amount": round(self.amount, 2),
            "currency": self.currency,
            "basis": self.basis,
            "per_year": self.per_year,
            "assumptions": list(self.assumptions),
        }


@dataclass(frozen=True)
class Finding:
    """What is known about one pitfall, and what to do about it."""

    pitfall: str
    title: str
    description: str
    rank: int
    priority: float
    severity: float
    """Combined severity, 0 to 1 (the rule is in :attr:`Report.rules`)."""
    interview_severity: float | None
    data_severity: float | None
    questionnaire_score: float | None
    questionnaire_band: str | None
    evidence: tuple[EvidenceItem, ...]
    contradiction: bool
    contradiction_note: str | None
    impact: Impact | None
    effort: Effort
    effort_overridden: bool
    fixes: tuple[str, ...]
    quick_win: bool

    def to_dict(self) -> dict[str, Any]:
        """The object in the report's ``findings`` list."""
        return {
            "pitfall": self.pitfall,
            "title": self.title,
            "rank": self.rank,
            "priority": self.priority,
            "severity": round(self.severity, 3),
            "interview_severity": _r3(self.interview_severity),
            "data_severity": _r3(self.data_severity),
            "questionnaire_score": self.questionnaire_score,
            "questionnaire_band": self.questionnaire_band,
            "evidence": [e.to_dict() for e in self.evidence],
            "contradiction": self.contradiction,
            "contradiction_note": self.contradiction_note,
            "impact": None if self.impact is None else self.impact.to_dict(),
            "effort": self.effort,
            "quick_win": self.quick_win,
            "fixes": list(self.fixes),
        }


def _r3(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


@dataclass(frozen=True)
class Report:
    """The whole report."""

    title: str
    as_of: str | None
    """Reference date of the data (ISO), as given or as found in the data."""
    assessment: dict[str, Any] | None
    """The ``assess`` JSON document, or None when no answers were given."""
    metrics: dict[str, dict[str, Any]]
    """Kind -> the ``metrics`` JSON document."""
    findings: tuple[Finding, ...]
    rules: dict[str, str]
    """How severity, contradictions, priority and quick wins are decided, in words."""
    data_quality: tuple[dict[str, Any], ...] = ()
    """Quarantined input rows: source, sheet, row, reasons, raw values."""
    charts: dict[str, Any] = field(default_factory=dict)
    """Plain data the writers chart (e.g. cycle-time samples), never user-facing text."""
    version: str = ""
    changes: dict[str, Any] = field(default_factory=dict)
    """From the run history: ``since_last`` and ``since_baseline`` comparisons."""
    trend: tuple[dict[str, Any], ...] = ()
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

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``boaudit report --format json`` (schema version 1)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "title": self.title,
            "as_of": self.as_of,
            "generated_by": self.generated_by,
            "assessment": self.assessment,
            "metrics": self.metrics,
            "findings": [f.to_dict() for f in self.findings],
            "quick_wins": list(self.quick_wins),
            "total_impact": {k: round(v, 2) for k, v in sorted(self.total_impact.items())},
            "rules": dict(self.rules),
            "data_quality": list(self.data_quality),
            "changes": dict(self.changes) or None,
        }
