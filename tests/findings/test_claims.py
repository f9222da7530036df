"""Interviews checked against the data: the score a check implies, each respondent's
perception gaps on the sample organisation, checked against ``boaudit metrics`` on the same
exports, the follow-up questions with their numbers, and the respondents ranked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sample_report import SAMPLE, SAMPLE_REPORT
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.questionnaire.models import Check

runner = CliRunner()


def test_a_check_scores_100_at_healthy_0_at_unhealthy_linear_between() -> None:
    lower_better = Check(metric="invoices.workload_gini", healthy=0.1, unhealthy=0.3)
    assert lower_better.score(0.05) == 100.0
    assert lower_better.score(0.2) == pytest.approx(50.0)
    assert lower_better.score(0.25) == pytest.approx(25.0)
    assert lower_better.score(0.9) == 0.0
    higher_better = Check(metric="tasks.sla_compliance", healthy=0.95, unhealthy=0.8)
    assert higher_better.score(0.811055) == pytest.approx(7.37, abs=0.01)  # 0.011055 / 0.15
    assert higher_better.score(0.99) == 100.0
    with pytest.raises(ValidationError, match="healthy and unhealthy must differ"):
        Check(metric="tasks.sla_compliance", healthy=0.9, unhealthy=0.9)
    with pytest.raises(ValidationError):
        Check(metric="sla_compliance", healthy=0.95, unhealthy=0.8)  # no kind


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sample report's claim checks, and ``boaudit metrics`` of the same exports."""
    folder = tmp_path_factory.mktemp("claims")
    out = folder / "report.json"
    done = runner.invoke(app, [*SAMPLE_REPORT, "--format", "json", "-o", str(out)])
    assert done.exit_code == 0, done.output
    metrics = {}
    for kind in ("invoices", "tasks"):
        done = runner.invoke(
            app,
            [
                *("metrics", kind, str(SAMPLE / "exports" / f"{kind}.csv")),
                *("--hourly-rate", "45", "--format", "json"),
            ],
        )
        assert done.exit_code == 0, done.output
        metrics[kind] = json.loads(done.stdout)
    return {"claims": json.loads(out.read_text("utf-8"))["claims"], "metrics": metrics}


def _verified(sample: dict[str, Any], question: str) -> dict[str, Any]:
    return next(v for v in sample["claims"]["verified"] if v["question"] == question)


def _gap(sample: dict[str, Any], who: str, question: str) -> dict[str, Any]:
    gaps = sample["claims"]["gaps"]
    return next(g for g in gaps if g["respondent"] == who and g["question"] == question)


def test_the_data_score_comes_from_the_metrics_of_the_same_exports(sample: dict[str, Any]) -> None:
    invoices = sample["metrics"]["invoices"]["metrics"]
    tasks = sample["metrics"]["tasks"]["metrics"]
    # processes.2 (same steps, same time?): the slowest assignee's median over the fastest's,
    # healthy at 1.5x, a problem at 3.0x: invoices 2.82x scores 11.7, tasks 1.79x 81.0
    spread = [invoices["consistency"]["spread"], tasks["consistency"]["spread"]]
    assert spread == [2.823833, 1.785298]
    expected = sum((3.0 - s) / 1.5 * 100 for s in spread) / 2
    assert expected == pytest.approx(46.36, abs=0.01)
    consistency = _verified(sample, "full.processes.2")
    assert consistency["data_score"] == round(expected, 1) == 46.4
    assert [c["value"] for c in consistency["checks"]] == spread
    # data.2 (duplicates in the vendor list?): 1.13% exact duplicate invoices, past the 1.0%
    # that reads as a problem (0), and no near-identical vendor names (100): 50
    share = invoices["duplicate_suspects"]["exact"]["share"]
    assert share == 0.011333
    tests = sample["metrics"]["invoices"]["tests"]
    assert tests["vendor-near-duplicate"]["share"] == 0.0
    assert [c["score"] for c in _verified(sample, "full.data.2")["checks"]] == [0.0, 100.0]
    assert _verified(sample, "full.data.2")["data_score"] == 50.0
    # security.1 (access reviewed?): the weekend tests flag 46.9% of invoice dates and
    # 27.3% of payments, both past the 10% that reads as a problem
    security = _verified(sample, "full.security.1")
    assert (
        [c["value"] for c in security["checks"]]
        == [
            tests["weekend-posting"]["share"],
            tests["weekend-payment"]["share"],
        ]
        == [0.468667, 0.272661]
    )
    assert security["data_score"] == 0.0
    # resources.3 (backlog age): invoices 29.9% open over 30 days (0), tasks none (100)
    assert _verified(sample, "full.resources.3")["data_score"] == 50.0
    # partner-governance.2 (service reviews?): tasks' SLA met 81.1% against 95% / 80%
    # (7.37), and the partner's SLA met 15.1 points under in-house's, past the 10 points
    # that read as a problem (0): 3.7
    assert tasks["sla_compliance"] == 0.811055
    assert _verified(sample, "full.partner-governance.2")["data_score"] == 3.7
    # technology.1 (typed by hand?): cost per invoice 58.7% of the way from APQC's median
    # to its bottom quartile; healthy at 0, a problem at 100%: 41.3
    apqc = next(
        b
        for b in sample["metrics"]["invoices"]["benchmarks"]
        if b["benchmark"] == "apqc-ap-cost-per-invoice"
    )
    assert apqc["shortfall"] == 0.587
    assert _verified(sample, "full.technology.1")["data_score"] == 41.3
    # metrics.1 (which KPIs are tracked?): the invoices measure 14 of their 16 KPIs (no
    # rework or SLA column): 0.875 scores (0.875 - 0.5) / 0.4 = 93.75; tasks 11 of 12 (no
    # due date): 0.917, past the healthy 0.9: 100
    measured = [v is not None for v in invoices.values()]
    assert (sum(measured), len(measured)) == (14, 16)
    assert list(sample["metrics"]["tasks"]["null_reasons"]) == ["on_time_completion_rate"]
    assert _verified(sample, "full.metrics.1")["data_score"] == 96.9
    # data.3 (bad data stopped at entry?): no blank and no unreadable value: 100
    assert sample["metrics"]["invoices"]["data_quality"]["worst_missing"] is None
    assert _verified(sample, "full.data.3")["data_score"] == 100.0


def test_the_partner_gap_is_the_partner_minus_in_house(sample: dict[str, Any]) -> None:
    """partner-governance.4 (do the partner's errors recur?): the partner's error rate minus
    in-house's, from ``metrics --by provider``, healthy at 0 and a problem at +5 points."""
    by = {}
    for kind in ("tasks", "invoices"):
        done = runner.invoke(
            app,
            [
                *("metrics", kind, str(SAMPLE / "exports" / f"{kind}.csv")),
                *("--by", "provider", "--format", "json"),
            ],
        )
        assert done.exit_code == 0, done.output
        groups = json.loads(done.stdout)["groups"]["provider"]
        by[kind] = groups["Outsourcing partner"]["error_rate"] - groups["In-house"]["error_rate"]
    assert by["tasks"] == pytest.approx(0.107658 - 0.048226)
    assert by["invoices"] == pytest.approx(0.162083 - 0.05732)
    checks = _verified(sample, "full.partner-governance.4")["checks"]
    assert [c["value"] for c in checks] == pytest.approx([by["tasks"], by["invoices"]])
    assert [c["score"] for c in checks] == [0.0, 0.0]
    gap = _gap(sample, "AP team lead", "full.partner-governance.4")
    assert "the partner's error rate minus in-house (tasks) 5.9 points" in gap["follow_up"]
    assert "Outsourcing partner 10.8% against in-house 4.8%" in gap["follow_up"]


def test_perception_gaps_and_follow_up_questions_carry_the_numbers(
    sample: dict[str, Any],
) -> None:
    # The Finance manager answered 4 on consistency: 75 against the data's 46.36
    gap = _gap(sample, "Finance manager", "full.processes.2")
    assert (gap["answer"], gap["gap"]) == (4, 28.6)
    assert gap["follow_up"] == (
        'You answered 4 to "If two people on the team each handled the same kind of item '
        'today, would they follow the same steps and finish in roughly the same time?" '
        "(score 75); the data says slowest median over fastest (invoices) 2.8x (healthy at "
        "1.5x, a problem at 3.0x; assignees' medians from 6.6 to 18.6 days); slowest median "
        "over fastest (tasks) 1.8x (healthy at 1.5x, a problem at 3.0x; assignees' medians "
        "from 1.1 to 1.9 days), a score of 46. You see it better than the data: what "
        "explains the gap?"
    )
    low, high = (
        sample["metrics"]["invoices"]["metrics"]["consistency"][key]
        for key in ("min_median_days", "max_median_days")
    )
    assert (f"{low:.1f}", f"{high:.1f}") == ("6.6", "18.6")
    # The AP team lead answered 3 there: 50 against 46.4, too close to ask about
    small = _gap(sample, "AP team lead", "full.processes.2")
    assert (small["gap"], small["follow_up"]) == (3.6, None)
    # Everyone says queues are uneven (2, 3, 2); the workload Gini says they are even
    assert _gap(sample, "AP team lead", "full.resources.1")["gap"] == -75.0
    assert (
        "You see it worse than the data"
        in (_gap(sample, "AP team lead", "full.resources.1")["follow_up"])
    )


def test_respondents_are_ranked_from_the_closest_to_the_data(sample: dict[str, Any]) -> None:
    ranked = sample["claims"]["respondents"]
    assert [(r["respondent"], r["answers"], r["mean_gap"], r["distance"]) for r in ranked] == [
        ("Finance manager", 10, 1.2, 40.6),
        ("AP team lead", 10, -16.3, 41.3),
        ("Outsourcing manager", 10, -13.8, 48.1),
    ]
    # the Finance manager's ten gaps, each their answer's score minus the data score
    own = {
        g["question"]: g["gap"]
        for g in sample["claims"]["gaps"]
        if g["respondent"] == "Finance manager"
    }
    assert own == {
        "full.processes.2": 28.6,  # 75 - 46.36
        "full.technology.1": 33.7,  # 75 - 41.3
        "full.data.2": -50.0,  # 0 - 50
        "full.data.3": -75.0,  # 25 - 100
        "full.metrics.1": -21.9,  # 75 - 96.875
        "full.resources.1": -50.0,  # 50 - 100
        "full.resources.3": 0.0,  # 50 - 50
        "full.security.1": 75.0,  # 75 - 0
        "full.partner-governance.2": 21.3,  # 25 - 3.69
        "full.partner-governance.4": 50.0,  # 50 - 0
    }
    assert sum(abs(g) for g in own.values()) / 10 == pytest.approx(40.6, abs=0.05)


def test_every_format_shows_the_follow_up_questions(tmp_path: Path) -> None:
    question = "You answered 4 to &#34;Who can access sensitive financial"
    for fmt, needle in (
        ("markdown", "## Interviews against the data"),
        ("html", question),
        ("table", "Interviews against the data: 10 question(s) verified by the exports"),
    ):
        out = tmp_path / f"report.{fmt}"
        done = runner.invoke(app, [*SAMPLE_REPORT, "--format", fmt, "-o", str(out)])
        assert done.exit_code == 0, done.output
        assert needle in out.read_text("utf-8"), fmt


def test_the_questionnaire_says_which_questions_the_data_verifies() -> None:
    done = runner.invoke(app, ["questionnaires", "show", "full", "--format", "json"])
    assert done.exit_code == 0, done.output
    questions = {q["id"]: q for p in json.loads(done.stdout)["pitfalls"] for q in p["questions"]}
    assert questions["full.partner-governance.2"]["verify"] == [
        {"metric": "tasks.sla_compliance", "healthy": 0.95, "unhealthy": 0.8},
        {"metric": "tasks.partner_gap.sla_compliance", "healthy": 0.0, "unhealthy": -0.1},
    ]
    assert sum(1 for q in questions.values() if "verify" in q) == 10
    assert "verify" not in questions["full.processes.1"]


def test_without_exports_nothing_is_verified(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    args = ["report", "--answers", str(SAMPLE / "answers"), "--format", "json", "-o", str(out)]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    assert json.loads(out.read_text("utf-8"))["claims"] is None
