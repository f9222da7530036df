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
from boaudit.findings.impact import Total, converted, totals
from boaudit.findings.model import MONEY_KINDS, Finding, Money

if TYPE_CHECKING:
    from boaudit.findings.baseline import BaselineKpi
    from boaudit.findings.claims import ClaimChecks
    from boaudit.findings.plan import PlanRow
    from boaudit.findings.scorecard import Scorecard
    from boaudit.metrics.model import MetricsResult
    from boaudit.questionnaire.scoring import Assessment

SCHEMA_VERSION = 2
"""2: money by kind (recover, block, yearly) and currency, with ranges (was ``total_impact``,
one sum per currency across kinds)."""


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
    money_refused: tuple[str, ...] = ()
    """Money estimates refused, each with its reason (a comparison not like for like)."""
    fx: Mapping[str, float] = field(default_factory=dict)
    """The user's conversion rates into :attr:`fx_currency` (empty: no conversion)."""
    fx_currency: str = "USD"
    baseline: tuple[BaselineKpi, ...] = ()
    """The headline KPIs the exports measure today (the starting point for targets)."""
    scorecard: Scorecard | None = None
    """In-house and each outsourcing partner side by side; None without a partner."""
    plan: tuple[PlanRow, ...] = ()
    """The fix plan (``--plan``) reconciled with this run; empty without one."""
    claims: ClaimChecks | None = None
    """The interviews checked against the data, question by question; None when no answered
    question can be verified by these exports."""

    @property
    def generated_by(self) -> str:
        """``boaudit VERSION``, as printed in every format."""
        return f"boaudit {self.version}".strip()

    @property
    def quick_wins(self) -> tuple[str, ...]:
        """Pitfall ids of the quick wins, in rank order."""
        return tuple(f.pitfall for f in self.findings if f.quick_win)

    @property
    def money(self) -> tuple[Money, ...]:
        """Every money figure of every finding, in rank order."""
        return tuple(m for f in self.findings for m in f.money)

    @property
    def money_totals(self) -> list[Total]:
        """Money per kind and currency: recover, block, yearly; never added across them."""
        return totals(self.money)

    @property
    def money_converted(self) -> tuple[list[Total], list[str]]:
        """Each kind in :attr:`fx_currency` at the user's rates, and the currencies left out
        for want of a rate; nothing without a rate table."""
        return converted(self.money_totals, self.fx, self.fx_currency)

    def money_dict(self) -> JsonObject:
        """The ``money`` object of the JSON document."""
        by_kind: JsonObject = {kind: {} for kind in MONEY_KINDS}
        for total in self.money_totals:
            by_kind[total.kind][total.currency] = total.to_dict()
        together, missing = self.money_converted
        return {
            **by_kind,
            "converted": (
                {
                    "currency": self.fx_currency,
                    "rates": dict(self.fx),
                    "not_converted": missing,
                    **{t.kind: t.to_dict() for t in together},
                }
                if self.fx
                else None
            ),
            "refused": list(self.money_refused),
            "rule": (
                "recover and block are one-off amounts found in the data, yearly amounts "
                "repeat every year; kinds and currencies are never added together"
            ),
        }

    def to_dict(self) -> JsonObject:
        """The JSON contract of ``boaudit report --format json`` (schema version 2); the
        ``plan`` and each finding's ``plan_status`` only with a plan (``--plan``)."""
        document: JsonObject = {
            "schema_version": SCHEMA_VERSION,
            "title": self.title,
            "as_of": self.as_of,
            "generated_by": self.generated_by,
            "assessment": None if self.assessment is None else self.assessment.to_dict(),
            "metrics": {kind: result.to_dict() for kind, result in self.metrics.items()},
            "findings": [f.to_dict() for f in self.findings],
            "quick_wins": list(self.quick_wins),
            "money": self.money_dict(),
            "to_confirm": [f.pitfall for f in self.findings if f.to_confirm],
            "baseline": [kpi.to_dict() for kpi in self.baseline],
            "scorecard": None if self.scorecard is None else self.scorecard.to_dict(),
            "claims": None if self.claims is None else self.claims.to_dict(),
            "rules": dict(self.rules),
            "data_quality": list(self.data_quality),
            "changes": dict(self.changes) or None,
        }
        if self.plan:
            document.update(self.plan_dict())
        return document

    def plan_dict(self) -> JsonObject:
        """The ``plan`` list, and each finding's ``plan_status`` (``resolved`` only when every
        one of its fixes with a KPI is resolved by the data)."""
        from boaudit.findings.plan import finding_status

        findings = [
            {**f.to_dict(), "plan_status": finding_status(self.plan, f.pitfall)}
            for f in self.findings
        ]
        return {"findings": findings, "plan": [row.to_dict() for row in self.plan]}
