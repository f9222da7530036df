"""Findings: evidence from the data and the interviews, ranked into what to fix first.

    from boaudit.findings import with_evidence, prioritise
    result = with_evidence(metrics_result)        # the rules' evidence attached, strongest first
    findings = prioritise(assessment, results, effort=..., money=...)

The rules are data (``boaudit/data/evidence_rules.toml``, see :mod:`boaudit.findings.rules`);
the ranking is :mod:`boaudit.findings.prioritise`; the money at stake
:mod:`boaudit.findings.impact`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from boaudit.lazy import lazy_attributes

if TYPE_CHECKING:
    from boaudit.findings.impact import ImpactAssumptions, estimate_money
    from boaudit.findings.model import Effort, EvidenceItem, Finding, Money
    from boaudit.findings.prioritise import RULES, prioritise, respondent_scores
    from boaudit.findings.rules import Rule, evaluate, load_rules, with_evidence

_HOMES = {
    "ImpactAssumptions": "boaudit.findings.impact",
    "estimate_money": "boaudit.findings.impact",
    "Effort": "boaudit.findings.model",
    "EvidenceItem": "boaudit.findings.model",
    "Finding": "boaudit.findings.model",
    "Money": "boaudit.findings.model",
    "RULES": "boaudit.findings.prioritise",
    "prioritise": "boaudit.findings.prioritise",
    "respondent_scores": "boaudit.findings.prioritise",
    "Rule": "boaudit.findings.rules",
    "evaluate": "boaudit.findings.rules",
    "load_rules": "boaudit.findings.rules",
    "with_evidence": "boaudit.findings.rules",
}

__all__ = [
    "RULES",
    "Effort",
    "EvidenceItem",
    "Finding",
    "ImpactAssumptions",
    "Money",
    "Rule",
    "estimate_money",
    "evaluate",
    "load_rules",
    "prioritise",
    "respondent_scores",
    "with_evidence",
]

__getattr__ = lazy_attributes(__name__, globals(), _HOMES)
