"""Evidence rules: metrics in, evidence for the pitfalls out."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from boaudit.findings import EvidenceItem, evaluate, load_rules, with_evidence
from boaudit.findings.rules import ramp
from boaudit.metrics import compute_metrics
from boaudit.taxonomy import load_taxonomy


def test_bundled_rules_are_valid_and_cover_the_issue() -> None:
    rules = load_rules()
    ids = set(load_taxonomy().ids)
    covered = {pitfall for rule in rules for pitfall in rule.pitfalls}
    assert covered <= ids
    assert {
        "processes",
        "training",
        "technology",
        "data",
        "partner-selection",
        "partner-governance",
        "resources",
        "metrics",
    } <= covered


@pytest.mark.parametrize(
    ("value", "start", "full", "expected"),
    [(0.5, 0.0, 1.0, 0.5), (2.0, 0.0, 1.0, 1.0), (0.8, 0.95, 0.70, 0.6), (0.99, 0.95, 0.7, 0.0)],
)
def test_ramp(value: float, start: float, full: float, expected: float) -> None:
    assert ramp(value, start, full) == pytest.approx(expected)


def test_invoice_evidence(invoices: pd.DataFrame) -> None:
    result = with_evidence(compute_metrics(invoices, "invoices"))
    evidence = result.evidence
    assert evidence == tuple(evaluate(replace(result, evidence=())))
    assert [e.severity for e in evidence] == sorted((e.severity for e in evidence), reverse=True)
    exact = next(e for e in evidence if e.rule == "exact-duplicates")
    assert exact.pitfall == "data" and exact.severity == 1.0  # 40% share, full at 1%
    assert "2 invoices (40.0%)" in exact.message and "100.00" in exact.message
    assert [row["row"] for row in exact.rows] == [2, 3]
    missing = next(e for e in evidence if e.rule == "missing-values")
    # vendor empty on 20%: (0.20 - 0.02) / (0.30 - 0.02)
    assert missing.severity == pytest.approx(round(0.18 / 0.28, 3))
    assert missing.message == "vendor is empty on 20.0% of the items."


def _many_tasks(rows: int = 60) -> pd.DataFrame:
    """Two providers; the partner breaches its SLA on half of its items, one agent is slow."""
    created = pd.Series(pd.date_range("2025-01-01", periods=rows, freq="12h", tz="UTC"))
    slow = pd.Series([i % 3 == 0 for i in range(rows)])
    days = slow.map({True: 8.0, False: 1.0})
    partner = pd.Series([i % 2 == 0 for i in range(rows)])
    return pd.DataFrame(
        {
            "task_id": pd.Series([f"T{i}" for i in range(rows)], dtype="string"),
            "created_at": created,
            "completed_at": created + pd.to_timedelta(days, unit="D"),
            "assignee": pd.Series(
                ["slow" if s else ("p" if p else "q") for s, p in zip(slow, partner, strict=True)],
                dtype="string",
            ),
            "provider": pd.Series(
                ["Outsource Co" if p else "In-house" for p in partner], dtype="string"
            ),
            "sla_met": pd.Series(
                [not (p and i % 4 == 0) for i, p in enumerate(partner)], dtype="boolean"
            ),
            "error": pd.Series([False] * rows, dtype="boolean"),
        }
    )


def test_partner_sla_evidence_without_asking_for_groups() -> None:
    result = with_evidence(compute_metrics(_many_tasks(), "tasks"))
    assert "provider" not in result.groups  # not in the JSON unless asked for
    partner = [e for e in result.evidence if e.rule == "provider-sla-breaches"]
    assert {e.pitfall for e in partner} == {"partner-selection", "partner-governance"}
    (first, _) = partner
    assert first.group == ("provider", "Outsource Co")
    # 15 of 30 partner items breach: 50% met -> (0.5 - 0.95) / (0.70 - 0.95) -> 1.0
    assert first.severity == 1.0
    assert 'for provider "Outsource Co"' in first.message
    assert all(e.group != ("provider", "In-house") for e in result.evidence)


def test_slow_assignee_is_evidence_for_processes() -> None:
    result = with_evidence(compute_metrics(_many_tasks(), "tasks"))
    spread = next(e for e in result.evidence if e.rule == "assignee-cycle-time-spread")
    # medians: slow 8 days, p and q 1 day -> 8x, full severity at 4x
    assert spread.value == 8.0 and spread.severity == 1.0
    assert "slow" in spread.message


def test_no_kpis_is_evidence_for_metrics() -> None:
    frame = _many_tasks()[["task_id", "created_at"]]
    result = with_evidence(compute_metrics(frame, "tasks"))
    (item,) = [e for e in result.evidence if e.pitfall == "metrics"]
    assert item.severity == 1.0
    assert "cycle_time_days" in item.message


def test_the_engine_attaches_no_evidence_itself(invoices: pd.DataFrame) -> None:
    assert compute_metrics(invoices, "invoices").evidence == ()


def test_evidence_in_the_metrics_document() -> None:
    item = EvidenceItem(
        "data",
        "msg.",
        severity=0.5,
        metric="m",
        pitfall="data",
        rule="r",
        value=0.1,
        group=("provider", "X"),
        rows=({"row": 2},),
    )
    assert item.rule_dict() == {
        "pitfall": "data",
        "severity": 0.5,
        "primary": True,
        "metric": "m",
        "message": "msg.",
        "rule": "r",
        "value": 0.1,
        "group": {"column": "provider", "value": "X"},
        "rows": [{"row": 2}],
    }
