"""The report as one self-contained HTML file: inline CSS and SVG charts, no network requests.

Every user-supplied string goes through Jinja2 with autoescape on; only the SVG charts, which
matplotlib writes with its own escaping, are inserted as markup.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from boaudit.report import charts
from boaudit.report.changes import change_tables
from boaudit.report.model import Report
from boaudit.report.text import as_is, money, scalar_metrics


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("boaudit.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["money"] = lambda impact: money(impact.amount, impact.currency)
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
            kind: scalar_metrics(result, as_is) for kind, result in report.metrics.items()
        },
        contradictions=[f for f in report.findings if f.contradiction],
        quick_wins=[f for f in report.findings if f.quick_win],
        totals=sorted(report.total_impact.items()),
        money=money,
        changes=change_tables(report.changes),
    )
