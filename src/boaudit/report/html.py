"""The report as one self-contained HTML file: inline CSS and SVG charts, no network requests.

Every user-supplied string goes through Jinja2 with autoescape on; only the SVG charts, which
matplotlib writes with its own escaping, are inserted as markup.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from boaudit.metrics.display import shown
from boaudit.questionnaire.render import role_scores
from boaudit.questionnaire.scoring import InterviewMeta, confidence_rule, round_score
from boaudit.report import charts
from boaudit.report.changes import change_tables
from boaudit.report.model import Report
from boaudit.report.sources import report_sources
from boaudit.report.text import (
    as_is,
    benchmark_lines,
    finding_money,
    fix_details,
    follow_up_warning,
    money,
    money_cards,
    money_range,
    priority_formula,
    scalar_metrics,
    scorecard_header,
    scorecard_rows,
)


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("boaudit.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["money_range"] = lambda m: money_range(
        m.amount, m.low, m.high, m.currency, m.confidence
    )
    environment.filters["finding_money"] = finding_money
    environment.filters["fix_details"] = fix_details
    environment.filters["priority_formula"] = priority_formula
    environment.filters["shown"] = shown
    return environment


VERDICT_CLASS = {"better": "band-healthy", "in range": "band-needs-work", "worse": "band-critical"}
"""The colour of a benchmark verdict, as the chart's dot."""


def _chart(svg: str | None) -> Markup | None:
    return None if svg is None else Markup(svg)


def render_html(report: Report) -> str:
    """The whole report as HTML (byte-stable for the same Report)."""
    figures = {
        "scores": _chart(charts.pitfall_scores(report.assessment)),
        "priority": _chart(charts.priority_matrix(report.findings)),
        "benchmarks": _chart(charts.kpis_against_benchmarks(report.metrics)),
        "cycle_times": _chart(charts.cycle_time_distribution(report.cycle_times)),
        "trend": _chart(charts.trend(report.metrics)),
        "history": _chart(charts.history(report.trend)),
    }
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        figures=figures,
        metrics_tables={
            kind: scalar_metrics(result, as_is, report.fx_currency)
            for kind, result in report.metrics.items()
        },
        benchmark_tables={
            kind: benchmark_lines(result, report.fx_currency)
            for kind, result in report.metrics.items()
        },
        verdict_class=VERDICT_CLASS,
        contradictions=[f for f in report.findings if f.contradiction],
        quick_wins=[f for f in report.findings if f.quick_win],
        money_cards=money_cards(report),
        follow_up=follow_up_warning(report),
        money=money,
        changes=change_tables(report.changes),
        interviews=_interviews(report),
        sources=report_sources(report),
        scorecard=[
            {
                "kind": card,
                "header": scorecard_header(card),
                "rows": scorecard_rows(card),
                "chart": _chart(charts.provider_comparison(card)),
            }
            for card in (report.scorecard.kinds if report.scorecard else ())
        ],
    )


DASH = "\N{EN DASH}"
"""What an empty cell shows, as elsewhere in the HTML report."""


def _score(value: float | None) -> str:
    rounded = round_score(value)
    return DASH if rounded is None else f"{rounded:.1f}"


def _interviews(report: Report) -> dict[str, Any] | None:
    """The interview tables: respondents, pitfall coverage by questionnaire, section scores."""
    assessment = report.assessment
    if assessment is None:
        return None
    counts = assessment.confidence_counts()
    respondents = []
    for who in assessment.respondents:
        meta = assessment.interviews.get(who, InterviewMeta())
        respondents.append(
            {
                "who": who,
                "role": assessment.roles.get(who, DASH),
                "dates": ", ".join(meta.dates) or DASH,
                "interviewers": ", ".join(meta.interviewers) or DASH,
                "minutes": (
                    DASH if meta.duration_minutes is None else f"{meta.duration_minutes:.0f}"
                ),
                "seen": counts[who]["seen"],
                "told": counts[who]["told"],
                "guess": counts[who]["guess"],
                "none": counts[who]["not given"],
            }
        )
    roles, role_rows = role_scores(assessment)
    return {
        "roles": roles,
        "role_rows": role_rows,
        "role_gaps": [p.message for p in assessment.problems if p.code == "role-gap"],
        "parts": assessment.parts,
        "rule": confidence_rule(),
        "respondents": respondents,
        "pitfalls": [
            {
                "title": p.title,
                "score": _score(p.score),
                "band": p.band or "not assessed",
                "coverage": f"{p.answered}/{p.asked}",
                "sources": ", ".join(
                    f"{s.questionnaire} {s.answered}/{s.asked}"
                    + ("" if s.score is None else f" ({_score(s.score)})")
                    for s in p.sources
                )
                or DASH,
            }
            for p in assessment.pitfalls
        ],
        "sections": [
            {
                "questionnaire": s.questionnaire,
                "title": f"{s.number}. {s.title}",
                "score": _score(s.score),
                "band": s.band or "not assessed",
                "coverage": f"{s.answered}/{s.asked}",
            }
            for s in assessment.sections
        ],
    }
