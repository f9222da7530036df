"""The Report: ranking, contradictions both ways, money, and every writer from one Report."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hand_results import results
from openpyxl import load_workbook

from boaudit.findings.impact import ImpactAssumptions, MoneyEstimate
from boaudit.findings.impact import estimate_money as _estimate_money
from boaudit.metrics.facts import DataFacts
from boaudit.questionnaire import load_questionnaire
from boaudit.questionnaire.answers import AnswerRecord
from boaudit.questionnaire.scoring import score
from boaudit.report import ReportFormat, ReportOptions, render
from boaudit.report.build import build_report as _build_report
from boaudit.report.model import Report


def build_report(assessment: Any, documents: Any, *args: Any, **kwargs: Any) -> Report:
    """The report of hand-written metrics documents by kind (see hand_results)."""
    return _build_report(assessment, results(documents), *args, **kwargs)


def estimate_money(documents: Any, *args: Any, **kwargs: Any) -> MoneyEstimate:
    """Money at stake of hand-written metrics documents by kind (see hand_results)."""
    return _estimate_money(results(documents), *args, **kwargs)


MINI = Path(__file__).parents[1] / "data" / "questionnaires" / "mini.toml"


def answers(values: dict[str, list[int]]) -> list[AnswerRecord]:
    """Two respondents; values: question id -> [answer of r1, answer of r2]."""
    return [
        AnswerRecord(f"r{i}", qid, value, False, "", "hand", n + 2, role="=lead" if i else None)
        for n, (qid, pair) in enumerate(values.items())
        for i, value in enumerate(pair)
    ]


# processes healthy in interviews (all 5s), metrics critical (all 1s), security middling.
ASSESSMENT = score(
    load_questionnaire(MINI),
    answers(
        {
            "mini.1.1": [5, 5],
            "mini.1.2": [5, 4],
            "mini.1.3": [5, 5],
            "mini.2.1": [1, 1],
            "mini.2.2": [1, 2],
            "mini.2.3": [1, 1],
            "mini.3.1": [3, 3],
            "mini.3.2": [3, 4],
            "mini.3.3": [3, 3],
        }
    ),
)

METRICS = {
    "invoices": {
        "schema_version": 1,
        "kind": "invoices",
        "as_of": "2026-10-31T00:00:00Z",
        "rows": {"read": 1002, "accepted": 1000, "quarantined": 2, "skipped": 0},
        "metrics": {
            "count": 1000,
            "cost_per_transaction": 9.83,
            "error_rate": 0.08,
            "cycle_time_days": {"mean": 9.5, "median": 8.0, "p90": 21.0},
            "duplicate_suspects": {"exact": {"groups": 3, "invoices": 6, "extra_amount": 4500.0}},
        },
        "null_reasons": {},
        # 3 exact duplicate groups: two copies already paid (3,000 to recover, Acme first), one
        # not paid yet (1,500 to block)
        "tests": {
            "duplicate-exact": {
                "status": "ran",
                "flagged": 6,
                "money": {
                    "recover": {"USD": 3000.0},
                    "recover_invoices": 2,
                    "block": {"USD": 1500.0},
                    "block_invoices": 1,
                    "calls": [
                        {
                            "vendor": "Acme <Supplies>",
                            "currency": "USD",
                            "recover": 2000.0,
                            "invoices": 1,
                        },
                        {"vendor": "Beta Ltd", "currency": "USD", "recover": 1000.0, "invoices": 1},
                    ],
                    "rule": "the first paid invoice of each group is the original",
                },
            }
        },
        "benchmarks": [
            {
                "benchmark": "apqc-ap-cost-per-invoice",
                "kpi": "Total AP cost per invoice processed",
                "metric": "cost_per_transaction",
                "value": 9.83,
                "unit": "USD",
                "direction": "lower",
                "references": {"p25": 2.07, "p50": 5.83, "p75": 10.0},
                "standing": "between",
                "position": "9.83 is between the APQC median (5.83) and the bottom quartile (10.00)",
                "source": "APQC",
            }
        ],
        "evidence": [
            # The data contradicts the interviews on processes (healthy in interviews).
            {
                "pitfall": "processes",
                "severity": 0.8,
                "metric": "consistency",
                "message": "One clerk takes 5x the median <b>cycle</b> time",
                "group": "clerk-7",
            },
            # And on metrics the reverse: interviews critical, data fine.
            {
                "pitfall": "metrics",
                "severity": 0.1,
                "metric": "cycle_time_days",
                "message": "Timestamps and KPIs are complete",
            },
            {
                "pitfall": "data",
                "severity": 0.55,
                "metric": "duplicate_suspects",
                "message": "3 exact duplicate suspects",
            },
            {
                "pitfall": "technology",
                "severity": 0.4,
                "metric": "cost_per_transaction",
                "message": "Cost per invoice above the APQC median",
            },
        ],
        "periods": [
            {"period": "2026-Q2", "completed": 480, "cycle_time_days": {"median": 9.0}},
            {"period": "2026-Q3", "completed": 520, "cycle_time_days": {"median": 7.0}},
        ],
    }
}

QUARANTINED = [
    {
        "source": "invoices.csv",
        "sheet": None,
        "row": 17,
        "reasons": ["bad-amount:amount"],
        "raw": {"Amount": "=1+1"},
    },
]


FACTS = DataFacts(span_days=182.5, late_amounts={"USD": 10_000.0}, currency="USD")


def make_report(**options: object):
    opts = ReportOptions(title="Audit of <Acme & Co>", as_of="2026-10-31", **options)  # type: ignore[arg-type]
    return build_report(
        ASSESSMENT,
        METRICS,
        opts,
        data_quality=QUARANTINED,
        cycle_times={"invoices": [1.0, 2.0, 2.5, 8.0, 30.0]},
        facts={"invoices": FACTS},
    )


def test_findings_cover_every_pitfall_with_evidence() -> None:
    report = make_report()
    assert {f.pitfall for f in report.findings} == {
        "processes",
        "metrics",
        "security",
        "data",
        "technology",
    }
    assert [f.rank for f in report.findings] == list(range(1, 6))


def test_contradiction_interviews_healthy_data_bad() -> None:
    processes = next(f for f in make_report().findings if f.pitfall == "processes")
    # interview: mean answers 5, 4.5, 5 -> 100, 87.5, 100 -> (300 + 87.5 + 200) / 6 = 97.9
    assert processes.questionnaire_score == 97.9
    assert processes.contradiction is True
    assert processes.contradiction_note.startswith("Interviews call this healthy (score 97.9)")
    # combined takes the higher of the two when they contradict
    assert processes.severity == pytest.approx(0.8)
    # 100 x 0.8 x confidence 1 (measured) x money 1.1 (rework, yearly) / effort 1.5 (medium)
    assert (processes.confidence, processes.money_factor) == (1.0, 1.1)
    assert processes.priority == 58.7


def test_contradiction_interviews_critical_data_fine() -> None:
    metrics = next(f for f in make_report().findings if f.pitfall == "metrics")
    assert metrics.questionnaire_score == 5.0  # (2 x 0 + 2 x 12.5 + 1 x 0) / 5
    assert metrics.contradiction is True
    assert "shows little sign" in (metrics.contradiction_note or "")


def test_agreeing_sources_are_averaged_and_priority_uses_effort() -> None:
    data = next(f for f in make_report().findings if f.pitfall == "data")
    assert data.interview_severity is None and data.data_severity == pytest.approx(0.55)
    assert data.severity == pytest.approx(0.55)
    # 100 x 0.55 x money 1.25 (duplicates to recover) / effort 1 (the first fix is low effort)
    assert (data.effort, data.money_factor) == ("low", 1.25)
    assert data.priority == 68.8
    security = next(f for f in make_report().findings if f.pitfall == "security")
    assert security.data_severity is None
    assert security.severity == pytest.approx((100 - security.questionnaire_score) / 100, abs=1e-3)


def test_ranking_is_by_priority_then_money() -> None:
    report = make_report()
    priorities = [f.priority for f in report.findings]
    assert priorities == sorted(priorities, reverse=True)
    assert report.findings[0].pitfall == "metrics"  # low effort: 100 x 0.95 / 1


def test_quick_wins_are_severe_and_low_effort() -> None:
    report = make_report()
    assert report.quick_wins == ("metrics", "data")
    overridden = make_report(effort={"data": "high"})
    assert overridden.quick_wins == ("metrics",)
    data = next(f for f in overridden.findings if f.pitfall == "data")
    assert data.effort_overridden and data.priority == 34.4  # 100 x 0.55 x 1.25 / 2


def test_money_at_stake_with_printed_assumptions() -> None:
    report = make_report()
    technology = next(f for f in report.findings if f.pitfall == "technology")
    (excess,) = technology.money
    # 1000 invoices over 182.5 days = 2000 a year; (9.83 - 5.83 x 62%) x 2000 = 12,431.2
    assert excess.amount == pytest.approx(2000 * (9.83 - 5.83 * 0.62))
    assert (excess.kind, excess.confidence) == ("yearly", "estimated")
    assert "2,000 a year" in excess.basis
    processes = next(f for f in report.findings if f.pitfall == "processes")
    # errors: 2000 x 8% = 160 a year x 9.83 to fix each
    (rework,) = processes.money
    assert rework.amount == pytest.approx(160 * 9.83)
    given = make_report(impact=ImpactAssumptions(error_cost=20.0, currency="EUR"))
    processes = next(f for f in given.findings if f.pitfall == "processes")
    (rework,) = processes.money
    assert rework.amount == pytest.approx(3200.0) and rework.currency == "EUR"
    assert any("cost to fix one error: 20.00" in rule for rule in given.rules.values())
    # a labour cost in euros is not compared with a dollar benchmark: refused, with the reason
    assert not next(f for f in given.findings if f.pitfall == "technology").money
    assert given.money_refused[0].startswith("invoices: the cost per transaction (EUR)")


def test_no_money_without_inputs() -> None:
    report = build_report(ASSESSMENT, {}, ReportOptions())
    assert all(not f.money for f in report.findings)
    assert report.money_totals == []
    assert report.to_dict()["money"]["recover"] == {}


def test_answers_only_and_data_only() -> None:
    only_answers = build_report(ASSESSMENT, {})
    assert only_answers.metrics == {} and len(only_answers.findings) == 3
    only_data = build_report(None, METRICS)
    assert only_data.assessment is None
    assert {f.pitfall for f in only_data.findings} == {"processes", "metrics", "data", "technology"}
    assert all(not f.contradiction for f in only_data.findings)


def test_json_contract_and_strictness() -> None:
    text = render(make_report(), ReportFormat.json)
    assert isinstance(text, str)
    data = json.loads(text)
    assert data["schema_version"] == 2
    assert set(data) >= {"title", "as_of", "assessment", "metrics", "findings", "quick_wins"}
    assert set(data["money"]) == {"recover", "block", "yearly", "converted", "refused", "rule"}
    finding = data["findings"][0]
    assert set(finding) >= {
        "pitfall",
        "title",
        "rank",
        "priority",
        "severity",
        "questionnaire_score",
        "evidence",
        "contradiction",
        "money",
        "effort",
        "fixes",
    }
    assert data["assessment"]["schema_version"] == 1
    assert data["metrics"]["invoices"]["kind"] == "invoices"
    assert "NaN" not in text


def test_markdown_and_json_golden(golden) -> None:
    report = make_report()
    golden("report.md", render(report, ReportFormat.markdown))
    golden("report.json", render(report, ReportFormat.json))


def test_same_report_gives_the_same_bytes() -> None:
    for fmt in (ReportFormat.markdown, ReportFormat.json, ReportFormat.html):
        assert render(make_report(), fmt) == render(make_report(), fmt)


def test_html_escapes_user_strings_and_makes_no_requests() -> None:
    html = render(make_report(), ReportFormat.html)
    assert isinstance(html, str)
    assert "Audit of &lt;Acme &amp; Co&gt;" in html
    assert "<b>cycle</b>" not in html and "&lt;b&gt;cycle&lt;/b&gt;" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert "@import" not in html and "url(http" not in html
    assert "<script" not in html.lower()
    assert html.count("<svg") >= 4  # scores, priority, benchmarks, cycle times, trend


def test_xlsx_sheets_charts_and_no_formulas() -> None:
    data = render(make_report(), ReportFormat.xlsx)
    assert isinstance(data, bytes)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == [
        "Summary",
        "Findings",
        "Money",
        "Baseline",
        "Scores",
        "Metrics",
        "Data quality",
        "Audit tests",
    ]
    # the KPIs measured today, as numbers with their unit and a number format to match
    baseline = workbook["Baseline"]
    assert [[c.value for c in row][1:5] for row in baseline.iter_rows(min_row=2)] == [
        ["median cycle time", "invoices.cycle_time_days.median", 8, "days"],
        ["error rate", "invoices.error_rate", 0.08, "percent"],
        ["cost per item", "invoices.cost_per_transaction", 9.83, "per item"],
    ]
    assert [baseline.cell(row=r, column=4).number_format for r in (2, 3)] == ["0.0", "0.0%"]
    assert len(workbook["Findings"]._charts) == 1
    assert len(workbook["Scores"]._charts) == 1
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    raw_cell = workbook["Data quality"]["E2"]
    assert '"=1+1"' in raw_cell.value
    scores = workbook["Scores"]
    assert [c.value for c in scores[1]][:5] == ["pitfall", "title", "score", "band", "coverage"]


def test_table_is_plain_without_a_terminal_and_boxed_at_its_width_on_one() -> None:
    text = render(make_report(), ReportFormat.table)
    assert isinstance(text, str)
    assert "\x1b[" not in text
    assert not set(text) & set("─━│┃┏┓┗┛╭╮╰╯┡┩")  # plain aligned text: no box drawing
    assert "What to fix first" in text
    assert all(line == line.rstrip() for line in text.splitlines())
    boxed = render(make_report(), ReportFormat.table, terminal=True, width=100)
    assert isinstance(boxed, str)
    assert max(len(line) for line in boxed.splitlines()) <= 100
    assert "┃" in boxed or "│" in boxed
    coloured = render(make_report(), ReportFormat.table, color=True, terminal=True)
    assert "\x1b[" in coloured


def test_late_payment_cost_only_when_a_rate_is_given() -> None:
    assert all(f.pitfall != "resources" for f in make_report().findings)
    report = make_report(impact=ImpactAssumptions(late_payment_rate=0.02))
    # resources has no interview or data evidence here, so no finding carries the figure;
    # the estimate itself: 10,000 late in 1,000 invoices, 2,000 a year -> 20,000 x 2% = 400

    found = estimate_money(
        METRICS, ImpactAssumptions(late_payment_rate=0.02), {"invoices": FACTS}
    ).by_pitfall
    (late,) = found["resources"]
    assert (late.amount, late.currency) == (pytest.approx(400.0), "USD")
    assert "2.0%" in late.basis
    assert report.rules["impact_late_payment_rate"].startswith("cost of late payment: 2.0%")


def test_a_respondent_calling_it_healthy_against_the_data_is_named() -> None:
    mixed = score(
        load_questionnaire(MINI),
        answers({"mini.3.1": [5, 1], "mini.3.2": [5, 1], "mini.3.3": [5, 1]}),
    )
    metrics = {
        "invoices": {
            "metrics": {"count": 10},
            "evidence": [
                {
                    "pitfall": "security",
                    "severity": 0.7,
                    "metric": "x",
                    "message": "Access is shared",
                }
            ],
        }
    }
    security = next(f for f in build_report(mixed, metrics).findings if f.pitfall == "security")
    assert security.questionnaire_score == 50.0  # r0 all 5, r1 all 1: not healthy overall
    assert security.contradiction is True
    assert security.contradiction_note == (
        "Some respondents call this healthy (r0 100.0) but the data says otherwise: "
        "Access is shared"
    )
    assert security.severity == pytest.approx((0.5 + 0.7) / 2)  # still the mean


def test_evidence_says_where_to_look() -> None:
    from boaudit.findings.model import EvidenceItem

    rows = [{"invoice_id": f"INV-{n}", "source": "ap.csv", "row": n} for n in range(2, 10)]
    item = EvidenceItem("data", "dupes", group=("provider", "Partner"), rows=tuple(rows))
    assert item.where == (
        "provider = Partner; rows: ap.csv row 2 (INV-2); ap.csv row 3 (INV-3); ap.csv row 4 (INV-4); "
        "ap.csv row 5 (INV-5); ap.csv row 6 (INV-6) and 3 more"
    )
    assert EvidenceItem("data", "x").where == ""
    processes = next(f for f in make_report().findings if f.pitfall == "processes")
    markdown = render(make_report(), ReportFormat.markdown)
    assert "  - group = clerk-7" not in markdown  # a plain string group is not a column/value pair
    assert processes.evidence[-1].group is None
