"""Priorities a finance director can defend (issue: money and priorities): effort per fix,
confidence, money, primary and supporting evidence, the KPI baseline and fixes filled with the
client's own numbers.

Interview scores come from the mini questionnaire (tests/data/questionnaires/mini.toml): the
metrics pitfall has weights 2, 2 and 1, so answers (a, b, c) score
(2(a-1) + 2(b-1) + (c-1)) / 20 x 100; answers 2, 2, 2 score 25.0 (severity 0.75).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hand_results import results

from boaudit.findings import evaluate, load_rules
from boaudit.findings.model import Finding, Money
from boaudit.findings.prioritise import (
    CONFIDENCE_RELIABLE,
    CONFIDENCE_TO_CONFIRM,
    interview_agreement,
    prioritise,
)
from boaudit.findings.rules import NO_SIGN_TARGET
from boaudit.metrics.benchmarks import bundled_benchmarks, compare_one
from boaudit.metrics.model import MetricsResult
from boaudit.questionnaire import load_questionnaire
from boaudit.questionnaire.answers import AnswerRecord
from boaudit.questionnaire.scoring import Assessment, score
from boaudit.report.build import build_report
from boaudit.report.markdown import render_markdown

MINI = load_questionnaire(Path(__file__).parents[1] / "data" / "questionnaires" / "mini.toml")


def assess(answers: Mapping[str, Sequence[int]]) -> Assessment:
    """Each respondent's answers to the three metrics questions and the three processes ones
    (the same values for both pitfalls)."""
    records = [
        AnswerRecord(who, f"mini.{number}.{q}", value, False, "", "hand", 2)
        for who, values in answers.items()
        for number in (1, 2)
        for q, value in enumerate(values, start=1)
    ]
    return score(MINI, records)


def made(kind: str = "tasks", **fields: Any) -> MetricsResult:
    """A result of hand-written fields (metrics, tests, benchmarks...) with no evidence."""
    return MetricsResult(
        kind=kind,  # type: ignore[arg-type]
        as_of="2026-06-30",
        sources=(),
        rows={},
        columns={},
        **fields,
    )


def ranked(
    assessment: Assessment | None,
    documents: Mapping[str, Any] | None = None,
    money: Mapping[str, tuple[Money, ...]] | None = None,
) -> dict[str, Finding]:
    found = prioritise(assessment, results(documents or {}), money=money)
    return {f.pitfall: f for f in found}


# --- confidence: interviews alone -----------------------------------------------------------


def test_a_single_respondent_cannot_carry_a_finding_alone() -> None:
    finding = ranked(assess({"r1": [2, 2, 2]}))["metrics"]
    assert finding.severity == 0.75
    assert (finding.confidence, finding.to_confirm) == (CONFIDENCE_TO_CONFIRM, True)
    assert "one respondent" in finding.confidence_basis
    # 100 x 0.75 x 0.6 x 1 (no money) / 1 (the first metrics fix is low effort) = 45.0
    assert finding.priority == 45.0
    assert finding.quick_win is False  # severe and low effort, but to confirm


def test_respondents_who_agree_give_reliable_interviews() -> None:
    answers = [5, 3, 1]
    assessment = assess({"r1": answers, "r2": answers, "r3": answers})
    assert assessment.printed_alpha == 1.0
    agreement = interview_agreement(assessment)
    assert agreement is not None and agreement.to_confirm is False
    finding = ranked(assessment)["metrics"]
    # score (2x4 + 2x2 + 0) / 20 x 100 = 60.0 -> severity 0.4; 100 x 0.4 x 0.9 / 1 = 36.0
    assert (finding.confidence, finding.to_confirm, finding.priority) == (
        CONFIDENCE_RELIABLE,
        False,
        36.0,
    )


def test_respondents_who_disagree_mark_interview_findings_to_confirm() -> None:
    assessment = assess({"r1": [5, 5, 5], "r2": [1, 1, 1], "r3": [3, 3, 3]})
    assert assessment.printed_alpha is not None and assessment.printed_alpha < 0.667
    findings = ranked(assessment)
    assert all(f.to_confirm for f in findings.values())
    assert f"alpha {assessment.printed_alpha:.3f}" in findings["metrics"].confidence_basis


def test_data_evidence_lifts_the_confidence_to_one_and_clears_to_confirm() -> None:
    documents = {
        "tasks": {
            "metrics": {"count": 10},
            "evidence": [{"pitfall": "metrics", "severity": 0.5, "message": "m.", "rule": "r"}],
        }
    }
    finding = ranked(assess({"r1": [2, 2, 2]}), documents)["metrics"]
    assert (finding.confidence, finding.to_confirm) == (1.0, False)
    # severity (0.75 + 0.5) / 2 = 0.625; 100 x 0.625 x 1 x 1 / 1 = 62.5
    assert finding.priority == 62.5


# --- primary and supporting evidence --------------------------------------------------------


def test_one_signal_counts_in_full_for_its_primary_pitfall_and_half_elsewhere() -> None:
    # error-rate names processes first, then training: 25% errors is its full severity 1.0
    result = made(metrics={"count": 100, "error_rate": 0.25})
    items = evaluate(result, tuple(r for r in load_rules() if r.id == "error-rate"))
    assert [(e.pitfall, e.primary, e.severity, e.weighted_severity) for e in items] == [
        ("processes", True, 1.0, 1.0),
        ("training", False, 1.0, 0.5),
    ]
    findings = {
        f.pitfall: f for f in prioritise(None, {"tasks": replace(result, evidence=tuple(items))})
    }
    assert findings["processes"].data_severity == 1.0
    assert findings["training"].data_severity == 0.5
    # the fix belongs to the primary pitfall: training falls back on its general steps
    assert findings["processes"].fixes[0].source == "rule error-rate"
    assert findings["training"].fixes[0].source == "taxonomy"


def test_the_partner_sla_counts_for_governance_and_supports_selection() -> None:
    (sla,) = [r for r in load_rules() if r.id == "provider-sla-breaches"]
    assert sla.pitfalls == ("partner-governance", "partner-selection")


# --- effort of the first fix, money -----------------------------------------------------------


def test_the_effort_is_that_of_the_first_fix_not_of_the_pitfall() -> None:
    # data management as a whole is a project, but recovering duplicates is low effort
    result = made(
        kind="invoices",
        metrics={
            "count": 100,
            "duplicate_suspects": {
                "exact": {"groups": 2, "invoices": 4, "share": 0.04, "extra_amount": 900.0},
                "examples": [],
            },
        },
    )
    items = evaluate(result, tuple(r for r in load_rules() if r.id == "exact-duplicates"))
    recover = Money(
        "recover",
        "EUR",
        600.0,
        600.0,
        600.0,
        "data-exact",
        "duplicate invoices paid twice",
        "2 paid twice",
        calls=(
            {"vendor": "Small Co", "recover": 100.0, "currency": "EUR", "invoices": 1},
            {"vendor": "Big Co", "recover": 500.0, "currency": "EUR", "invoices": 1},
        ),
    )
    found = prioritise(
        None, {"invoices": replace(result, evidence=tuple(items))}, money={"data": (recover,)}
    )
    (data,) = found
    assert (data.effort, data.effort_factor, data.money_factor) == ("low", 1.0, 1.25)
    # severity 1.0 (4% against a full 1%); 100 x 1.0 x 1 x 1.25 / 1 = 125.0
    assert data.priority == 125.0
    fix = data.fixes[0]
    assert fix.source == "rule exact-duplicates"
    assert fix.baseline_text == "4 invoices (4.0%) are exact duplicates of another, in 2 group(s)"
    assert (fix.target, fix.target_text, fix.better) == (0.0, "at most 0.0%", "lower")
    # the first calls, the most to recover first
    assert fix.outliers[:2] == (
        "first call: Big Co, 500.00 EUR to recover",
        "first call: Small Co, 100.00 EUR to recover",
    )


@pytest.mark.parametrize(
    ("kinds", "factor"),
    [(("recover",), 1.25), (("block",), 1.25), (("yearly",), 1.1), ((), 1.0)],
)
def test_the_money_factor_puts_one_off_money_first(kinds: tuple[str, ...], factor: float) -> None:
    figures = tuple(
        Money(kind, "USD", 10.0, 5.0, 15.0, "estimated", "x", "y")  # type: ignore[arg-type]
        for kind in kinds
    )
    finding = ranked(assess({"r1": [2, 2, 2]}), money={"metrics": figures})["metrics"]
    assert finding.money_factor == factor
    assert finding.priority == round(100 * 0.75 * 0.6 * factor, 1)


# --- fixes filled with the client's numbers ---------------------------------------------------


def test_the_spread_fix_names_the_slowest_and_the_fastest_with_a_stated_target() -> None:
    result = made(
        metrics={
            "count": 40,
            "consistency": {
                "assignees": 3,
                "fastest": "ann",
                "slowest": "cy",
                "min_median_days": 2.0,
                "max_median_days": 6.0,
                "spread": 3.0,
                "cv": 0.4,
            },
        }
    )
    (item,) = evaluate(
        result, tuple(r for r in load_rules() if r.id == "assignee-cycle-time-spread")
    )
    fix = item.fix
    assert fix is not None
    assert fix.text.startswith("Write down how ann handles the work, have cy and the rest")
    assert fix.baseline == 3.0
    assert fix.baseline_text == (
        "the slowest assignee's median cycle time is 3.0x that of the fastest "
        "(6.0 against 2.0 days)"
    )
    assert (fix.target, fix.target_text, fix.target_source) == (1.5, "at most 1.5x", NO_SIGN_TARGET)
    assert fix.outliers == ("slowest assignee: cy (6.0 days)", "fastest assignee: ann (2.0 days)")
    assert fix.kpi == "tasks.consistency.spread"
    assert (fix.met(1.4), fix.met(1.5), fix.met(1.6)) == (True, True, False)


def test_a_benchmark_fix_targets_the_published_median_and_names_its_source() -> None:
    entry = next(b for b in bundled_benchmarks() if b.id == "apqc-ap-cost-per-invoice")
    result = made(
        kind="invoices",
        metrics={"count": 100, "cost_per_transaction": 9.0},
        benchmarks=(compare_one(entry, 9.0),),
    )
    rule = tuple(r for r in load_rules() if r.id == "cost-per-invoice-benchmark")
    (item,) = evaluate(result, rule)
    assert item.fix is not None
    assert (item.fix.target, item.fix.target_text) == (5.83, "at most 5.83")
    assert "APQC median" in item.fix.target_source and "labour" in item.fix.target_source


def test_a_group_rule_names_the_group_as_the_outlier() -> None:
    result = made(
        metrics={"count": 100, "sla_compliance": 0.9},
        groups={
            "provider": {
                "In-house": {"count": 50, "sla_compliance": 0.99},
                "Partner A": {"count": 50, "sla_compliance": 0.80},
            }
        },
    )
    rule = tuple(r for r in load_rules() if r.id == "provider-sla-breaches")
    primary = [e for e in evaluate(result, rule) if e.primary]
    assert [(e.pitfall, e.group) for e in primary] == [
        ("partner-governance", ("provider", "Partner A"))
    ]
    fix = primary[0].fix
    assert fix is not None and fix.outliers == ("provider Partner A",)
    assert (
        fix.baseline_text == 'the SLA is met on 80.0% of completed items for provider "Partner A"'
    )
    assert (fix.target, fix.better, fix.group) == (0.95, "higher", ("provider", "Partner A"))


# --- the metrics finding and the KPI baseline -------------------------------------------------


def test_the_metrics_finding_names_the_kpis_the_exports_already_measure() -> None:
    documents = {
        "tasks": {
            "as_of": "2026-06-30",
            "metrics": {
                "count": 10,
                "error_rate": 0.1,
                "cycle_time_days": {
                    "median": 2.25
                },  # printed 2.3: half away from zero, as everywhere
                "cost_per_transaction": None,
            },
        }
    }
    finding = ranked(assess({"r1": [2, 2, 2]}), documents)["metrics"]
    baseline = [e for e in finding.evidence if e.rule == "kpi-baseline"]
    assert [e.message for e in baseline] == [
        "The exports already measure 2 KPIs (tasks: median cycle time 2.3 days, error rate "
        "10.0%): the data exists, so the gap is in tracking and using them; these values are "
        "recorded as the baseline."
    ]
    assert finding.fixes[0].text.startswith("Adopt the 2 KPIs boaudit measured")
    assert finding.fixes[0].effort == "low"
    # the baseline is not evidence of the mistake: the finding still rests on interviews
    assert (finding.data_severity, finding.to_confirm) == (None, True)
    report = build_report(assess({"r1": [2, 2, 2]}), results(documents))
    assert [k.to_dict()["kpi"] for k in report.baseline] == [
        "tasks.cycle_time_days.median",
        "tasks.error_rate",
    ]
    text = render_markdown(report)
    assert "| tasks | error rate (`error_rate`) | 10.0% | 2026-06-30 |" in text
    assert (
        "> **To confirm.** The interviews need follow-up: one respondent, so agreement cannot be "
        "measured. 2 finding(s) that rest on interviews alone are marked 'to confirm'"
    ) in text
