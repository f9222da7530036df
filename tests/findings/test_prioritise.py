"""The rules that turn interviews and data into ranked findings (findings/prioritise.py), at their edges.

Interview scores come from the mini questionnaire (tests/data/questionnaires/mini.toml); the
metrics pitfall has weights 2, 2 and 1, so one respondent's answers (a, b, c) score
(2(a-1) + 2(b-1) + (c-1)) / 20 x 100: 5,4,1 -> 70.0; 4,4,2 -> 65.0; 3,3,1 -> 40.0; 2,3,2 -> 35.0.
Metrics is low effort, processes medium, security high (data/taxonomy.toml).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hand_results import results
from hypothesis import given, settings
from hypothesis import strategies as st

from boaudit import __version__
from boaudit.findings.model import Effort, Finding
from boaudit.findings.prioritise import RULES, respondent_scores
from boaudit.questionnaire import load_questionnaire
from boaudit.questionnaire.answers import AnswerRecord
from boaudit.questionnaire.scoring import Assessment, score
from boaudit.report.build import ReportOptions
from boaudit.report.build import build_report as _build_report
from boaudit.report.model import Report

MINI = load_questionnaire(Path(__file__).parents[1] / "data" / "questionnaires" / "mini.toml")


def build_report(assessment: Any, documents: Any, *args: Any, **kwargs: Any) -> Report:
    """The report of hand-written metrics documents by kind (see hand_results)."""
    return _build_report(assessment, results(documents), *args, **kwargs)


def assess(
    answers: Mapping[str, Sequence[int]],
    pitfall: str = "metrics",
    roles: dict[str, str] | None = None,
) -> Assessment:
    """Each respondent's answers to the three questions of one mini pitfall."""
    number = {"processes": 1, "metrics": 2, "security": 3}[pitfall]
    records = [
        AnswerRecord(
            who, f"mini.{number}.{q}", value, False, "", "hand", 2, role=(roles or {}).get(who)
        )
        for who, values in answers.items()
        for q, value in enumerate(values, start=1)
    ]
    return score(MINI, records)


def data(*items: tuple[str, float | None], kind: str = "tasks", **extra: Any) -> dict[str, Any]:
    """A metrics document whose evidence is (pitfall, severity) pairs."""
    return {
        "metrics": {"count": 10, **extra},
        "evidence": [
            {"pitfall": p, "severity": s, "metric": f"m{n}", "message": f"{p} signal {n}"}
            for n, (p, s) in enumerate(items)
        ],
    }


def find(report: Report, pitfall: str) -> Finding:
    return next(f for f in report.findings if f.pitfall == pitfall)


def metrics_finding(answers: Sequence[int], *severities: float | None) -> Finding:
    report = build_report(
        assess({"r1": answers}), {"tasks": data(*(("metrics", s) for s in severities))}
    )
    return find(report, "metrics")


# --- contradictions and combined severity -------------------------------------------------------


def test_healthy_at_exactly_70_against_data_at_05_is_a_contradiction() -> None:
    finding = metrics_finding([5, 4, 1], 0.5)
    assert finding.questionnaire_score == 70.0
    assert finding.contradiction is True
    assert finding.contradiction_note == (
        "Interviews call this healthy (score 70.0) but the data says otherwise: metrics signal 0"
    )
    # contradiction: the higher of 0.30 and 0.50; low effort: 100 x 0.5 / 1
    assert finding.severity == pytest.approx(0.5)
    assert finding.priority == 50.0
    assert finding.quick_win is True


def test_healthy_against_data_just_below_05_is_averaged() -> None:
    finding = metrics_finding([5, 4, 1], 0.49)
    assert finding.contradiction is False and finding.contradiction_note is None
    assert finding.severity == pytest.approx(0.395)  # (0.30 + 0.49) / 2
    assert finding.priority == 39.5
    assert finding.quick_win is False


def test_needs_work_against_bad_data_is_not_a_contradiction() -> None:
    finding = metrics_finding([4, 4, 2], 0.9)
    assert finding.questionnaire_score == 65.0
    assert finding.contradiction is False
    assert finding.severity == pytest.approx(0.625)  # (0.35 + 0.90) / 2


def test_critical_against_quiet_data_is_a_contradiction_with_the_higher_severity() -> None:
    finding = metrics_finding([2, 3, 2], 0.1, 0.19)
    assert finding.questionnaire_score == 35.0
    assert finding.data_severity == pytest.approx(0.19)
    assert finding.contradiction is True
    assert finding.contradiction_note == (
        "Interviews call this critical (score 35.0) but the data shows little sign of it "
        "(highest data severity 0.19): check whether the data covers what the respondents "
        "worry about"
    )
    assert finding.severity == pytest.approx(0.65)  # max(0.65, 0.19)


def test_a_score_of_40_is_not_critical() -> None:
    finding = metrics_finding([3, 3, 1], 0.1)
    assert finding.questionnaire_score == 40.0
    assert finding.contradiction is False
    assert finding.severity == pytest.approx(0.35)  # (0.60 + 0.10) / 2


def test_critical_is_no_contradiction_when_one_data_signal_reaches_02() -> None:
    finding = metrics_finding([2, 3, 2], 0.05, 0.2)
    assert finding.contradiction is False
    assert finding.data_severity == pytest.approx(0.2)
    assert finding.severity == pytest.approx(0.425)  # (0.65 + 0.20) / 2


def test_data_severity_is_the_highest_signal_across_kinds_and_unscored_items_are_skipped() -> None:
    metrics = {
        "tasks": data(("processes", 0.3), ("processes", None)),
        "invoices": data(("processes", 0.7), ("processes", 0.2), kind="invoices"),
    }
    finding = find(build_report(None, metrics), "processes")
    assert finding.data_severity == pytest.approx(0.7)
    assert finding.severity == pytest.approx(0.7)  # no interviews: the data alone
    assert [e.severity for e in finding.evidence] == [0.7, 0.3, 0.2, None]  # strongest first
    assert [e.kind for e in finding.evidence] == ["invoices", "tasks", "invoices", "tasks"]


def test_evidence_without_any_severity_still_makes_a_finding_at_zero() -> None:
    finding = find(build_report(None, {"tasks": data(("feedback", None))}), "feedback")
    assert (finding.data_severity, finding.severity, finding.priority) == (None, 0.0, 0.0)
    assert finding.quick_win is False


def test_interview_evidence_comes_first_then_data_strongest_first() -> None:
    finding = find(
        build_report(
            assess({"r1": [4, 4, 2]}), {"tasks": data(("metrics", 0.2), ("metrics", 0.6))}
        ),
        "metrics",
    )
    assert [(e.source, e.metric) for e in finding.evidence] == [
        ("interviews", "questionnaire:mini"),
        ("interviews", "mini.2.3"),  # weakest question first: answer 2 -> 25.0
        ("interviews", "mini.2.1"),  # then 4 -> 75.0 (mini.2.1 before mini.2.2 on a tie)
        ("data", "m1"),
        ("data", "m0"),
    ]


# --- one respondent against the data ------------------------------------------------------------

# security weights 3, 2, 1; r0 answers all 5 (100.0), r1 all 4 (75.0), r2 all 1 (0.0); the
# group: mean answers 10/3 on each question -> (10/3 - 1) / 4 x 100 = 58.3, "needs work".
SPLIT = {"r0": [5, 5, 5], "r1": [4, 4, 4], "r2": [1, 1, 1]}


def test_every_respondent_who_calls_it_healthy_is_named_with_their_role() -> None:
    assessment = assess(SPLIT, "security", roles={"r0": "Controller"})
    assert respondent_scores(assessment, "security") == {"r0": 100.0, "r1": 75.0, "r2": 0.0}
    finding = find(build_report(assessment, {"tasks": data(("security", 0.6))}), "security")
    assert finding.questionnaire_score == 58.3
    assert finding.contradiction is True
    assert finding.contradiction_note == (
        "Some respondents call this healthy (r0 (Controller) 100.0, r1 75.0) but the data says "
        "otherwise: security signal 0"
    )
    # the group agrees with the data, so the mean: (0.417 + 0.6) / 2
    assert finding.severity == pytest.approx(0.5085)


def test_no_respondent_is_named_when_the_data_is_below_05() -> None:
    finding = find(
        build_report(assess(SPLIT, "security"), {"tasks": data(("security", 0.45))}), "security"
    )
    assert finding.contradiction is False and finding.contradiction_note is None


def test_the_group_contradiction_is_reported_rather_than_the_respondents() -> None:
    assessment = assess({"r0": [5, 5, 5], "r1": [5, 4, 4]}, "security")
    finding = find(build_report(assessment, {"tasks": data(("security", 0.8))}), "security")
    assert finding.contradiction_note is not None
    assert finding.contradiction_note.startswith("Interviews call this healthy (score ")
    assert finding.severity == pytest.approx(0.8)  # the higher of the two


# --- priority, effort and quick wins ------------------------------------------------------------


def test_priority_divides_by_the_effort_factor() -> None:
    report = build_report(
        None, {"tasks": data(("metrics", 0.6), ("processes", 0.6), ("over-dependence", 0.6))}
    )
    # the effort of each pitfall's first fix: 100 x 0.6 / 1 (low), / 1.5 (medium), / 2 (high)
    assert [(f.rank, f.pitfall, f.effort, f.priority) for f in report.findings] == [
        (1, "metrics", "low", 60.0),
        (2, "processes", "medium", 40.0),
        (3, "over-dependence", "high", 30.0),
    ]


def test_priority_is_rounded_to_one_decimal() -> None:
    finding = find(build_report(None, {"tasks": data(("processes", 0.7))}), "processes")
    assert finding.priority == 46.7  # 100 x 0.7 / 1.5 = 46.67


def test_an_effort_override_changes_priority_quick_win_and_says_so() -> None:
    options = ReportOptions(effort={"security": "low", "metrics": "high"})
    report = build_report(None, {"tasks": data(("metrics", 0.6), ("security", 0.6))}, options)
    security, metrics = find(report, "security"), find(report, "metrics")
    assert (security.effort, security.priority, security.quick_win) == ("low", 60.0, True)
    assert (metrics.effort, metrics.priority, metrics.quick_win) == ("high", 30.0, False)
    assert security.effort_overridden and metrics.effort_overridden
    assert report.quick_wins == ("security",)
    assert [f.pitfall for f in report.findings] == ["security", "metrics"]


def test_an_override_for_a_pitfall_without_evidence_adds_no_finding() -> None:
    options = ReportOptions(effort={"contracts": "low"})
    report = build_report(None, {"tasks": data(("metrics", 0.6))}, options)
    assert [f.pitfall for f in report.findings] == ["metrics"]
    assert find(report, "metrics").effort_overridden is False


@pytest.mark.parametrize(
    ("pitfall", "severity", "quick"),
    [("metrics", 0.5, True), ("metrics", 0.499, False), ("processes", 0.95, False)],
    ids=["low at 0.5", "low below 0.5", "medium effort"],
)
def test_quick_win_needs_severity_05_and_low_effort(
    pitfall: str, severity: float, quick: bool
) -> None:
    report = build_report(None, {"tasks": data((pitfall, severity))})
    assert find(report, pitfall).quick_win is quick


def test_quick_wins_are_listed_in_rank_order() -> None:
    report = build_report(
        None, {"tasks": data(("feedback", 0.55), ("communication", 0.9), ("metrics", 0.7))}
    )
    assert report.quick_wins == ("communication", "metrics", "feedback")


# --- ranking ties -------------------------------------------------------------------------------


def test_a_tie_goes_to_the_larger_money_at_stake_before_taxonomy_order() -> None:
    # technology 100 x 0.6 / 1 = 60.0; data 100 x 0.48 x 1.25 (money to recover) / 1 = 60.0:
    # a tie, and technology comes first in the taxonomy, but only data has money at stake
    # (500 USD paid twice, to recover)
    document = data(("technology", 0.6), ("data", 0.48))
    document["tests"] = {
        "duplicate-exact": {
            "status": "ran",
            "flagged": 2,
            "money": {"recover": {"USD": 500.0}, "recover_invoices": 1, "block": {}},
        }
    }
    report = build_report(None, {"invoices": document})
    assert [(f.pitfall, f.money_factor, f.priority) for f in report.findings] == [
        ("data", 1.25, 60.0),
        ("technology", 1.0, 60.0),
    ]
    without_money = build_report(None, {"invoices": data(("technology", 0.6), ("data", 0.6))})
    assert [(f.pitfall, f.priority) for f in without_money.findings] == [
        ("technology", 60.0),
        ("data", 60.0),
    ]


def test_ties_are_on_the_rounded_priority() -> None:
    # 100 x 0.45 / 1.5 = 30.000000000000004 rounds to 30.0, the same as 100 x 0.3 / 1
    report = build_report(None, {"tasks": data(("metrics", 0.3), ("processes", 0.45))})
    assert [(f.pitfall, f.priority) for f in report.findings] == [
        ("processes", 30.0),
        ("metrics", 30.0),
    ]


# --- what else the report carries ---------------------------------------------------------------


def test_as_of_is_the_option_else_the_latest_in_the_data() -> None:
    metrics = {
        "tasks": {**data(("metrics", 0.3)), "as_of": "2026-03-31T00:00:00Z"},
        "invoices": {**data(), "as_of": "2026-06-30T00:00:00Z"},
    }
    assert build_report(None, metrics).as_of == "2026-06-30T00:00:00Z"
    assert build_report(None, metrics, ReportOptions(as_of="2026-01-01")).as_of == "2026-01-01"
    assert build_report(None, {"tasks": data(("metrics", 0.3))}).as_of is None


def test_rules_and_version_are_printed_with_the_report() -> None:
    report = build_report(None, {"tasks": data(("metrics", 0.3))})
    assert list(report.rules)[: len(RULES)] == list(RULES)
    assert set(report.rules) - set(RULES) == {
        "impact_annual_volume",
        "impact_error_cost",
        "impact_late_payment_rate",
        "impact_currency",
        "impact_capital_rate",
        "impact_labour_share",
        "impact_fx",
    }
    assert report.version == __version__
    assert report.generated_by == f"boaudit {__version__}"


# --- properties ---------------------------------------------------------------------------------

EFFORTS: tuple[Effort, ...] = ("low", "medium", "high")


@settings(max_examples=40, deadline=None)
@given(st.floats(0.0, 1.0))
def test_priority_never_increases_when_the_effort_goes_up(severity: float) -> None:
    found = [
        find(
            build_report(
                None,
                {"tasks": data(("processes", severity))},
                ReportOptions(effort={"processes": e}),
            ),
            "processes",
        )
        for e in EFFORTS
    ]
    priorities = [f.priority for f in found]
    assert priorities[0] >= priorities[1] >= priorities[2] >= 0.0
    # at low effort the priority is 100 x the finding's severity (as the finding holds it:
    # 0.6745 may be held as 0.674 or 0.675, so the test's own float is not the reference)
    assert priorities[0] == round(100 * found[0].severity, 1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 5), min_size=3, max_size=3),
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=4),
)
def test_combined_severity_stays_between_its_parts_or_takes_the_higher(
    answers: list[int], severities: list[float]
) -> None:
    finding = metrics_finding(answers, *severities)
    interview, evidence = finding.interview_severity, finding.data_severity
    assert interview is not None and evidence is not None
    assert 0.0 <= finding.severity <= 1.0
    assert finding.questionnaire_score is not None
    healthy = finding.questionnaire_score >= 70 and evidence >= 0.5
    critical = finding.questionnaire_score < 40 and evidence < 0.2
    # one respondent: their own score is the group's, so only the group rules apply
    assert finding.contradiction is (healthy or critical)
    if finding.contradiction:
        assert finding.severity == pytest.approx(max(interview, evidence))
    else:
        low, high = sorted((interview, evidence))
        assert low - 1e-12 <= finding.severity <= high + 1e-12
