"""Each bundled evidence rule (``boaudit/data/evidence_rules.toml``): silent at its threshold,
firing just past it with the severity and the sentence it promises, capped at its weight."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError

from boaudit.findings import EvidenceItem, Rule, evaluate, load_rules, with_evidence
from boaudit.findings.rules import fmt, ramp
from boaudit.metrics import BenchmarkComparison, MetricsResult, compute_metrics
from boaudit.metrics.benchmarks import bundled_benchmarks, compare_one


def result(
    kind: str = "tasks",
    metrics: Mapping[str, Any] | None = None,
    *,
    quality: Mapping[str, Any] | None = None,
    groups: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
    benchmark: tuple[str, float] | None = None,
    tests: Mapping[str, Any] | None = None,
) -> MetricsResult:
    """A hand-made result holding only what a rule reads."""
    comparisons: tuple[BenchmarkComparison, ...] = ()
    if benchmark is not None:
        entry = next(b for b in bundled_benchmarks() if b.id == benchmark[0])
        comparisons = (compare_one(entry, benchmark[1]),)
    return MetricsResult(
        kind=kind,  # type: ignore[arg-type]
        as_of=None,
        sources=(),
        rows={},
        columns={},
        metrics=dict(metrics or {}),
        data_quality=dict(quality or {}),
        groups=dict(groups or {}),
        context_groups=dict(context or {}),
        benchmarks=comparisons,
        tests=dict(tests or {}),
    )


def rule(rule_id: str) -> Rule:
    return next(r for r in load_rules() if r.id == rule_id)


def fired(rule_id: str, made: MetricsResult) -> list[EvidenceItem]:
    return evaluate(made, (rule(rule_id),))


def _spread(value: float) -> MetricsResult:
    return result(
        metrics={
            "count": 40,
            "consistency": {
                "assignees": 3,
                "fastest": "ann",
                "slowest": "cy",
                "min_median_days": 2.0,
                "max_median_days": 2.0 * value,
                "spread": value,
                "cv": 0.4,
            },
        }
    )


def _duplicates(match: str, value: float) -> MetricsResult:
    examples = [
        {
            "match": "exact",
            "invoices": [{"invoice_id": "A1", "row": 2}, {"invoice_id": "A-1", "row": 9}],
        },
        {
            "match": "near",
            "invoices": [{"invoice_id": "B2", "row": 4}, {"invoice_id": "C3", "row": 5}],
        },
    ]
    block: dict[str, Any] = {
        "exact": {"groups": 1, "invoices": 2, "share": 0.0, "extra_amount": 1234.5},
        "near": {"invoices": 5, "share": 0.0},
        "examples": examples,
    }
    block[match]["share"] = value
    return result("invoices", {"count": 200, "duplicate_suspects": block})


def _test(test_id: str) -> Callable[[float], MetricsResult]:
    """A result whose audit test ``test_id`` flagged a share ``value`` of 5,000 invoices."""

    def make(value: float) -> MetricsResult:
        entry = {"status": "ran", "tested": 5000, "flagged": 1234, "groups": 7, "share": value}
        return result("invoices", {"count": 5000}, tests={test_id: entry})

    return make


def _process(path: str, value: float) -> MetricsResult:
    """An event-log result whose process block has ``value`` at ``path`` (below
    ``process``), beside the figures the messages name."""
    process: dict[str, Any] = {
        "slowest_transition": {
            "from": "Resolve",
            "to": "Close",
            "transitions": 1200,
            "median_days": 3.25,
            "total_days": 4000.0,
            "share": 0.0,
        },
        "handovers": {
            "resources": 90,
            "ping_pong_cases": 7,
            "ping_pong_share": 0.0,
            "reassignments_per_case": {"median": 0.0, "max": 9, "cases": 100},
        },
    }
    parent = process
    *parents, last = path.split(".")
    for part in parents:
        parent = parent[part]
    parent[last] = value
    made = result("events", {"count": 100})
    return MetricsResult(**{**made.__dict__, "process": process})


def _provider(metric: str, overall: float) -> Callable[[float], MetricsResult]:
    def make(value: float) -> MetricsResult:
        return result(
            metrics={"count": 60, metric: overall},
            context={"provider": {"Acme BPO": {"count": 20, metric: value}}},
        )

    return make


@dataclass(frozen=True)
class Case:
    """One rule: how to build a result with the rule's metric at ``value``."""

    rule: str
    make: Callable[[float], MetricsResult]
    halfway: float
    """A value inside the ramp (mostly where it is at one half)."""
    severity: float
    """The severity there (the ramp times the rule's weight)."""
    message: str
    """The sentence at ``halfway``."""
    pitfalls: tuple[str, ...]


CASES = [
    Case(
        "assignee-cycle-time-spread",
        _spread,
        2.75,
        0.5,
        "Median cycle time differs 2.8x between the fastest assignee (ann, 2.0 days) and the "
        "slowest (cy, 5.5 days): the same work is not done one standard way.",
        ("processes",),
    ),
    Case(
        "error-rate",
        lambda v: result(metrics={"count": 20, "error_rate": v}),
        0.14,
        0.5,
        "14.0% of items carry an error or exception: work is not right the first time.",
        ("processes", "training"),
    ),
    Case(
        "rework-rate",
        lambda v: result(metrics={"count": 20, "rework_rate": v}),
        0.175,
        0.5,
        "17.5% of items had to be reworked at least once.",
        ("processes", "training"),
    ),
    Case(
        "late-payments",
        lambda v: result("invoices", {"count": 20, "on_time_payment_rate": v}),
        0.75,
        0.5,
        "Only 75.0% of paid invoices were paid by their due date (world-class is 90%).",
        ("processes",),
    ),
    Case(
        "cost-per-invoice-benchmark",
        lambda v: result("invoices", benchmark=("apqc-ap-cost-per-invoice", 5.83 + 4.17 * v)),
        0.5,
        0.5,
        "Cost per invoice: 7.92 is between the APQC median (5.83) and the APQC bottom quartile "
        "(10.00): manual handling costs more than automated peers pay.",
        ("technology",),
    ),
    Case(
        "approval-time-benchmark",
        # Ardent: best-in-class 3.1, average 17.4 -> the gap runs to 17.4 + 14.3 = 31.7 days
        lambda v: result(
            "invoices",
            {"approval_time_days": {"mean": 17.4 + 14.3 * v}},
            benchmark=("ardent-2025-receipt-to-payment-ready", 17.4 + 14.3 * v),
        ),
        0.6,
        0.48,
        "Receipt to approval takes 26.0 days on average; against Ardent's receipt-to-payment-"
        "ready figures, 25.98 is worse than the Ardent average (17.40).",
        ("technology",),
    ),
    Case(
        "exact-duplicates",
        lambda v: _duplicates("exact", v),
        0.005,
        0.5,
        "2 invoices (0.5%) share vendor, amount and invoice number with another in 1 group(s), "
        "1,234.50 in the extra copies (the money section splits them into paid twice and not "
        "yet paid): duplicate checks are missing.",
        ("data",),
    ),
    Case(
        "near-duplicates",
        lambda v: _duplicates("near", v),
        0.025,
        0.3,
        "5 invoices (2.5%) have the same vendor and amount as another within a week under a "
        "different number: possible duplicates to review.",
        ("data",),
    ),
    Case(
        "unusable-values",
        lambda v: result(metrics={"count": 100}, quality={"problem_share": v}),
        0.025,
        0.5,
        "2.5% of the rows read were quarantined or had a value that could not be read.",
        ("data",),
    ),
    Case(
        "missing-values",
        lambda v: result(
            metrics={"count": 100}, quality={"worst_missing": {"column": "vendor", "share": v}}
        ),
        0.16,
        0.5,
        "vendor is empty on 16.0% of the items.",
        ("data",),
    ),
    Case(
        "provider-sla-breaches",
        _provider("sla_compliance", 0.9),
        0.825,
        0.5,
        'The SLA is met on only 82.5% of completed items for provider "Acme BPO" '
        "(all providers: 90.0%).",
        ("partner-selection", "partner-governance"),
    ),
    Case(
        "provider-error-rate",
        _provider("error_rate", 0.05),
        0.15,
        0.4,
        '15.0% of items for provider "Acme BPO" carry an error or exception (all providers: 5.0%).',
        ("partner-governance",),
    ),
    Case(
        "workload-gini",
        lambda v: result(metrics={"count": 50, "workload_gini": v}),
        0.425,
        0.5,
        "Completed work is spread unevenly across assignees (Gini 0.425): a few people carry "
        "the load.",
        ("resources",),
    ),
    Case(
        "backlog-age",
        lambda v: result(metrics={"count": 50, "backlog": {"open": 12, "over_30_share": v}}),
        0.3,
        0.5,
        "30.0% of the 12 open items are more than 30 days old: the backlog is not being worked "
        "down.",
        ("resources",),
    ),
]
CASES += [
    Case(
        "test-vendor-near-duplicate",
        _test("vendor-near-duplicate"),
        0.05,
        0.4,
        "1,234 invoices (5.0%) sit under vendor names that are near-duplicates of one another "
        "(7 group(s)): the vendor master has duplicates, which splits spend and lets a bill be "
        "paid twice.",
        ("data",),
    ),
    Case(
        "test-same-number-other-vendor",
        _test("same-number-other-vendor"),
        0.005,
        0.4,
        "1,234 invoices (0.5%) carry the number and amount of an invoice from another vendor: a "
        "payment may have gone to the wrong vendor.",
        ("data",),
    ),
    Case(
        "test-split-below-limit",
        _test("split-below-limit"),
        0.01,
        0.5,
        "1,234 invoices (1.0%) in 7 group(s) look split to stay under the approval limit: each "
        "just below it, together above it, from one vendor within days.",
        ("processes", "security"),
    ),
    Case(
        "test-above-limit",
        _test("above-limit"),
        0.05,
        0.25,
        "1,234 invoices (5.0%) are above the approval limit given for the audit: check each was "
        "approved at the right level.",
        ("processes",),
    ),
    Case(
        "test-early-payment",
        _test("early-payment"),
        0.275,
        0.35,
        "1,234 paid invoices (27.5% of those with a due date) were paid well before their due "
        "date: cash leaves early for no discount (the float cost is in the audit tests).",
        ("processes",),
    ),
    Case(
        "test-weekend-posting",
        _test("weekend-posting"),
        0.16,
        0.3,
        "1,234 invoices (16.0%) were dated or received on a weekend or holiday: postings outside "
        "working days need a control that someone reviews them.",
        ("security",),
    ),
    Case(
        "slowest-transition",
        lambda v: _process("slowest_transition.share", v),
        0.5,
        0.3,
        "Cases wait longest between 'Resolve' and 'Close': 50.0% of all the waiting between "
        "activities (median 3.2 days, 1,200 times), the step to look at first.",
        ("processes", "resources"),
    ),
    Case(
        "handover-ping-pong",
        lambda v: _process("handovers.ping_pong_share", v),
        0.085,
        0.4,
        "8.5% of cases go back and forth between two people (A > B > A, 7 cases): hand-offs "
        "lack what the next person needs to finish the work.",
        ("communication",),
    ),
    Case(
        "reassignments-per-case",
        lambda v: _process("handovers.reassignments_per_case.median", v),
        2.5,
        0.3,
        "Half the cases change hands 2.5 times or more (at most 9): work is passed along "
        "rather than owned.",
        ("communication",),
    ),
]
BY_ID = {case.rule: case for case in CASES}


def _start(case: Case) -> float:
    """The value at which the rule's severity starts rising (benchmark rules: the ramp's 0)."""
    return 0.0 if rule(case.rule).type == "benchmark" else rule(case.rule).start


def _full(case: Case) -> float:
    return 1.0 if rule(case.rule).type == "benchmark" else rule(case.rule).full


def test_every_bundled_rule_has_a_case_here() -> None:
    missing_type = {r.id for r in load_rules() if r.type == "missing"}
    assert set(BY_ID) | missing_type == {r.id for r in load_rules()}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
def test_rule_is_silent_at_its_threshold(case: Case) -> None:
    assert fired(case.rule, case.make(_start(case))) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
def test_rule_fires_just_past_its_threshold(case: Case) -> None:
    start, full = _start(case), _full(case)
    evidence = fired(case.rule, case.make(start + (full - start) * 0.02))
    assert [e.severity for e in evidence] == [round(0.02 * rule(case.rule).weight, 3)] * len(
        case.pitfalls
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
def test_rule_halfway_gives_its_severity_and_sentence(case: Case) -> None:
    evidence = fired(case.rule, case.make(case.halfway))
    assert sorted(e.pitfall for e in evidence) == sorted(case.pitfalls)
    assert {e.severity for e in evidence} == {case.severity}
    assert {e.message for e in evidence} == {case.message}
    assert {e.rule for e in evidence} == {case.rule}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
def test_rule_beyond_full_is_capped_at_its_weight(case: Case) -> None:
    start, full = _start(case), _full(case)
    evidence = fired(case.rule, case.make(full + (full - start)))
    assert {e.severity for e in evidence} == {rule(case.rule).weight}


# --- details of single rules -----------------------------------------------------------------


def test_process_rules_read_only_event_logs_with_a_process_block() -> None:
    assert fired("slowest-transition", result("events", {"count": 100})) == []
    made = _process("slowest_transition.share", 0.9)
    small = MetricsResult(**{**made.__dict__, "metrics": {"count": 19}})
    assert fired("slowest-transition", small) == []  # fewer than 20 cases


@pytest.mark.parametrize(
    ("rule_id", "metric"), [("error-rate", "error_rate"), ("late-payments", "on_time_payment_rate")]
)
def test_rules_need_twenty_items(rule_id: str, metric: str) -> None:
    value = 0.0 if metric == "on_time_payment_rate" else 1.0  # as bad as it gets
    assert fired(rule_id, result("invoices", {"count": 19, metric: value})) == []
    assert len(fired(rule_id, result("invoices", {"count": 20, metric: value}))) >= 1


def test_twenty_items_with_errors_from_real_metrics() -> None:
    def frame(rows: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "task_id": pd.Series([f"t{i}" for i in range(rows)], dtype="string"),
                "created_at": pd.Series(pd.date_range("2025-01-01", periods=rows, tz="UTC")),
                "error": pd.Series([i < 5 for i in range(rows)], dtype="boolean"),
            }
        )

    assert [
        e
        for e in with_evidence(compute_metrics(frame(19), "tasks")).evidence
        if e.rule == "error-rate"
    ] == []
    found = [
        e
        for e in with_evidence(compute_metrics(frame(20), "tasks")).evidence
        if e.rule == "error-rate"
    ]
    # 5 errors of 20: 25%, the rule's full strength
    assert [(e.pitfall, e.severity, e.value) for e in found] == [
        ("processes", 1.0, 0.25),
        ("training", 1.0, 0.25),
    ]


def test_invoice_rules_do_not_read_tasks() -> None:
    assert fired("late-payments", result("tasks", {"count": 50, "on_time_payment_rate": 0.1})) == []


def test_duplicate_rules_attach_the_rows_of_their_own_match_type() -> None:
    (exact,) = fired("exact-duplicates", _duplicates("exact", 0.01))
    (near,) = fired("near-duplicates", _duplicates("near", 0.05))
    assert [row["invoice_id"] for row in exact.rows] == ["A1", "A-1"]
    assert [row["invoice_id"] for row in near.rows] == ["B2", "C3"]
    assert exact.value == 0.01 and exact.metric == "duplicate_suspects.exact.share"


def test_provider_rules_leave_in_house_and_blank_out() -> None:
    groups = {
        label: {"count": 100, "sla_compliance": 0.1}
        for label in ("In-house", "in house", "Internal", "Own staff", "(blank)", "Partner")
    }
    evidence = fired(
        "provider-sla-breaches", result(metrics={"count": 600}, context={"provider": groups})
    )
    assert {e.group for e in evidence} == {("provider", "Partner")}


def test_provider_rules_skip_groups_under_twenty_items() -> None:
    groups = {"Small": {"count": 19, "error_rate": 0.9}, "Big": {"count": 20, "error_rate": 0.9}}
    evidence = fired("provider-error-rate", result(context={"provider": groups}))
    assert [e.group for e in evidence] == [("provider", "Big")]


def test_requested_provider_breakdown_wins_over_the_evidence_one() -> None:
    made = result(
        metrics={"count": 40, "sla_compliance": 0.9},
        groups={"provider": {"Acme BPO": {"count": 20, "sla_compliance": 0.95}}},
        context={"provider": {"Acme BPO": {"count": 20, "sla_compliance": 0.1}}},
    )
    assert fired("provider-sla-breaches", made) == []


def test_provider_rule_without_an_overall_value_says_n_a() -> None:
    made = result(context={"provider": {"Acme BPO": {"count": 20, "sla_compliance": 0.7}}})
    (first, _) = fired("provider-sla-breaches", made)
    assert first.message.endswith("(all providers: n/a).")


# --- the "missing" rules ---------------------------------------------------------------------

CORE = ("cycle_time_days", "error_rate", "rework_rate", "sla_compliance", "cost_per_transaction")


@pytest.mark.parametrize(
    ("absent", "severity"), [(0, None), (2, None), (3, 0.2), (4, 0.6), (5, 1.0)]
)
def test_missing_core_kpis(absent: int, severity: float | None) -> None:
    metrics = {name: (None if index < absent else 0.5) for index, name in enumerate(CORE)}
    evidence = fired("no-usable-kpis", result("tasks", {"count": 50, **metrics}))
    # start at half of the five missing, full when all are
    assert [e.severity for e in evidence] == ([] if severity is None else [severity])


def test_missing_core_kpis_sentence_names_them() -> None:
    metrics = {name: (None if name != "cycle_time_days" else {"mean": 1.0}) for name in CORE}
    (item,) = fired("no-usable-kpis", result("events", {"count": 50, **metrics}))
    assert item.pitfall == "metrics" and item.value == 0.8
    assert item.message == (
        "The export cannot support 80.0% of the core KPIs (error_rate, rework_rate, "
        "sla_compliance, cost_per_transaction): the data to measure the process is not being "
        "captured."
    )


def test_missing_invoice_kpis_count_only_the_invoice_list() -> None:
    metrics = {
        "cycle_time_days": None,
        "approval_time_days": None,
        "error_rate": None,
        "on_time_payment_rate": 0.9,
        "cost_per_transaction": 5.0,
        "rework_rate": None,  # not in the invoice list
    }
    (item,) = fired("no-usable-invoice-kpis", result("invoices", {"count": 50, **metrics}))
    assert item.severity == 0.2  # 3 of 5 missing
    assert "(cycle_time_days, approval_time_days, error_rate)" in item.message
    assert fired("no-usable-kpis", result("invoices", {"count": 50, **metrics})) == []


def test_missing_rule_ignores_a_result_without_any_of_its_metrics() -> None:
    assert fired("no-usable-kpis", result("tasks", {"count": 50})) == []


# --- the rule machinery ----------------------------------------------------------------------


def test_rule_with_an_unknown_pitfall_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown pitfall id"):
        Rule(id="x", pitfalls=("no-such-pitfall",), metric="error_rate", message="ten chars.")


def test_ramp_with_equal_start_and_full_is_a_step() -> None:
    assert (ramp(0.49, 0.5, 0.5), ramp(0.5, 0.5, 0.5), ramp(0.6, 0.5, 0.5)) == (0.0, 1.0, 1.0)


@pytest.mark.parametrize(
    ("value", "how", "shown"),
    [
        (0.1234, "percent", "12.3%"),
        (3.25, "days", "3.2 days"),
        (2.0, "ratio", "2.0x"),
        (1234.5, "money", "1,234.50"),
        (12345, "number", "12,345"),
        (0.123456, "number", "0.123"),
        (None, "percent", "n/a"),
        (True, "number", "n/a"),
    ],
)
def test_fmt(value: Any, how: Any, shown: str) -> None:
    assert fmt(value, how) == shown


def test_custom_rule_with_examples_but_no_duplicates_has_no_rows() -> None:
    custom = Rule(
        id="custom",
        pitfalls=("data",),
        metric="error_rate",
        start=0.0,
        full=1.0,
        examples="exact",
        message="{value} of items{where} err.",
    )
    (item,) = evaluate(result(metrics={"error_rate": 0.5}), (custom,))
    assert (item.severity, item.rows, item.message) == (0.5, (), "0.5 of items err.")


def test_evidence_is_ordered_by_severity_then_pitfall_then_rule() -> None:
    made = result(
        metrics={"count": 50, "error_rate": 0.25, "rework_rate": 0.175, "workload_gini": 0.6}
    )
    order = [(e.severity, e.pitfall, e.rule) for e in evaluate(made)]
    assert order == [
        (1.0, "processes", "error-rate"),
        (1.0, "resources", "workload-gini"),
        (1.0, "training", "error-rate"),
        (0.5, "processes", "rework-rate"),
        (0.5, "training", "rework-rate"),
    ]
