"""Build the Report: the assessment, the metrics results and their prioritised findings.

The ranking itself is :mod:`boaudit.findings.prioritise`; the money at stake
:mod:`boaudit.findings.impact`. This module puts them together with what every writer prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from boaudit import __version__
from boaudit.findings.baseline import kpi_baseline
from boaudit.findings.claims import claim_checks
from boaudit.findings.impact import ImpactAssumptions, estimate_money, report_currency
from boaudit.findings.model import Effort
from boaudit.findings.prioritise import RULES, prioritise
from boaudit.findings.scorecard import (
    CREDITS_PITFALL,
    Contract,
    build_scorecard,
    with_contract_targets,
)
from boaudit.metrics.benchmarks import HEADLINE_RULE, VERDICT_RULE
from boaudit.metrics.facts import DataFacts
from boaudit.metrics.model import MetricsResult
from boaudit.questionnaire.scoring import Assessment
from boaudit.report.model import Report


@dataclass(frozen=True)
class ReportOptions:
    """What the user can set about a report."""

    title: str = "Back-office audit"
    as_of: str | None = None
    effort: Mapping[str, Effort] = field(default_factory=dict)
    """Effort overrides by pitfall id (``--effort data=low``)."""
    impact: ImpactAssumptions = field(default_factory=ImpactAssumptions)
    contracts: tuple[Contract, ...] = ()
    """Outsourcing contracts (``[contracts.NAME]``, ``--contracts FILE``)."""


BENCHMARK_RULES = {"benchmark_headline": HEADLINE_RULE, "benchmark_verdict": VERDICT_RULE}
"""How the benchmark rows are chosen and judged: in a report whose data has benchmarks."""


def build_report(
    assessment: Assessment | None,
    results: Mapping[str, MetricsResult],
    options: ReportOptions | None = None,
    data_quality: Sequence[Mapping[str, Any]] = (),
    cycle_times: Mapping[str, Sequence[float]] | None = None,
    facts: Mapping[str, DataFacts] | None = None,
) -> Report:
    """Combine an assessment and metrics results by kind (evidence attached) into a Report."""
    options = options or ReportOptions()
    money = estimate_money(results, options.impact, facts)
    currency = report_currency(facts or {}, options.impact)
    scorecard = build_scorecard(results, facts or {}, options.contracts, options.impact, currency)
    by_pitfall = dict(money.by_pitfall)
    if scorecard is not None and scorecard.credits:
        by_pitfall[CREDITS_PITFALL] = (*by_pitfall.get(CREDITS_PITFALL, ()), *scorecard.credits)
    findings = with_contract_targets(
        prioritise(assessment, results, options.effort, by_pitfall), options.contracts
    )
    return Report(
        title=options.title,
        as_of=options.as_of or _as_of(results),
        assessment=assessment,
        metrics=dict(results),
        findings=findings,
        rules={
            **RULES,
            **(BENCHMARK_RULES if any(r.benchmarks for r in results.values()) else {}),
            **{f"impact_{k}": v for k, v in options.impact.describe().items()},
        },
        data_quality=tuple(dict(row) for row in data_quality),
        cycle_times={kind: tuple(days) for kind, days in (cycle_times or {}).items()},
        version=__version__,
        money_refused=money.refused,
        fx=dict(options.impact.fx),
        fx_currency=currency,
        baseline=kpi_baseline(results),
        scorecard=scorecard,
        claims=claim_checks(assessment, results),
    )


def _as_of(results: Mapping[str, MetricsResult]) -> str | None:
    dates = [result.as_of for result in results.values() if result.as_of]
    return max(dates) if dates else None
