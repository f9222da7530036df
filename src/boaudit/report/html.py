"""The report as one self-contained HTML file: inline CSS and SVG charts, no network requests.

Every user-supplied string goes through Jinja2 with autoescape on; only the SVG charts, which
matplotlib writes with its own escaping, are inserted as markup.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from boaudit.metrics.display import shown
from boaudit.report import charts
from boaudit.report.changes import change_tables
from boaudit.report.model import Report
from boaudit.report.sources import report_sources
from boaudit.report.text import (
    as_is,
    finding_money,
    fix_details,
    follow_up_warning,
    interview_tables,
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
        contradictions=[f for f in report.findings if f.contradiction],
        quick_wins=[f for f in report.findings if f.quick_win],
        money_cards=money_cards(report),
        follow_up=follow_up_warning(report),
        money=money,
        changes=change_tables(report.changes),
        interviews=interview_tables(report),
        sources=report_sources(report),
        scorecard=[
            {"kind": card, "header": scorecard_header(card), "rows": scorecard_rows(card)}
            for card in (report.scorecard.kinds if report.scorecard else ())
        ],
    )
