"""Metrics results written by hand as the JSON documents ``boaudit metrics`` prints.

The report is built from typed results; tests that check its rules at their edges write the few
keys they need as a document and turn it into a result here, so the expected numbers stay
readable in the test.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from boaudit.findings.model import EvidenceItem
from boaudit.metrics.benchmarks import BenchmarkComparison
from boaudit.metrics.model import MetricsResult
from boaudit.questionnaire.scoring import Assessment, PitfallResult


def evidence_item(raw: Mapping[str, Any]) -> EvidenceItem:
    """A data EvidenceItem from an object of the metrics document's ``evidence`` list."""
    group = raw.get("group")
    return EvidenceItem(
        source="data",
        pitfall=str(raw["pitfall"]),
        severity=None if raw.get("severity") is None else float(raw["severity"]),
        metric=raw.get("metric"),
        message=str(raw.get("message", "")),
        rule=raw.get("rule"),
        value=raw.get("value"),
        group=(group["column"], group["value"]) if isinstance(group, Mapping) else None,
        rows=tuple(raw.get("rows") or ()),
        primary=bool(raw.get("primary", True)),
    )


def comparison(raw: Mapping[str, Any]) -> BenchmarkComparison:
    """A BenchmarkComparison from an object of the document's ``benchmarks`` list (the keys a
    test leaves out take neutral values)."""
    return BenchmarkComparison(
        benchmark=str(raw.get("benchmark", raw.get("kpi", "b"))),
        kpi=str(raw.get("kpi", raw.get("metric", ""))),
        metric=str(raw.get("metric", "")),
        value=raw.get("value", 0.0),
        unit=str(raw.get("unit", "")),
        direction=raw.get("direction", "lower"),
        references=dict(raw.get("references") or {}),
        standing=str(raw.get("standing", "between")),
        position=str(raw.get("position", "")),
        shortfall=float(raw.get("shortfall", 0.0)),
        source=str(raw.get("source", "")),
        source_url=str(raw.get("source_url", "")),
        confidence=str(raw.get("confidence", "high")),
        caveat=str(raw.get("caveat", "")),
    )


def result(document: Mapping[str, Any], kind: str = "tasks") -> MetricsResult:
    """A MetricsResult (evidence attached) from a hand-written metrics document."""
    return MetricsResult(
        kind=document.get("kind", kind),
        as_of=document.get("as_of"),
        sources=tuple(document.get("sources") or ()),
        rows=dict(document.get("rows") or {}),
        columns=dict(document.get("columns") or {}),
        metrics=dict(document.get("metrics") or {}),
        null_reasons=dict(document.get("null_reasons") or {}),
        basis=dict(document.get("basis") or {}),
        groups=dict(document.get("groups") or {}),
        periods=tuple(document.get("periods") or ()),
        benchmarks=tuple(comparison(b) for b in document.get("benchmarks") or ()),
        evidence=tuple(evidence_item(e) for e in document.get("evidence") or ()),
        data_quality=dict(document.get("data_quality") or {}),
        notes=tuple(document.get("notes") or ()),
        tests=dict(document.get("tests") or {}),
    )


def results(documents: Mapping[str, Mapping[str, Any]]) -> dict[str, MetricsResult]:
    """Results by kind from hand-written documents by kind."""
    return {kind: result(doc, kind) for kind, doc in documents.items()}


def assessment(*pitfalls: tuple[str, str, float | None]) -> Assessment:
    """An assessment of (pitfall id, title, score) triples, with no questions behind them."""
    return Assessment(
        questionnaire_id="hand",
        questionnaire_title="Hand-made",
        respondents=("r1",),
        roles={},
        pitfalls=tuple(
            PitfallResult(pid, title, score, 1, 1, None, ()) for pid, title, score in pitfalls
        ),
        agreement_alpha=None,
    )
