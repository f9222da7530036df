"""Findings: data rules that turn metrics into evidence for the pitfalls.

    from boaudit.findings import evaluate
    evidence = evaluate(metrics_result)   # list[Evidence], strongest first

The rules are data (``boaudit/data/evidence_rules.toml``, see :mod:`boaudit.findings.rules`).
"""

from boaudit.findings.evidence import Evidence
from boaudit.findings.rules import Rule, evaluate, load_rules

__all__ = ["Evidence", "Rule", "evaluate", "load_rules"]
