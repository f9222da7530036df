"""The report as one self-contained HTML file: inline CSS and SVG charts, no network requests.

Every user-supplied string goes through Jinja2 with autoescape on; only the SVG charts, which
matplotlib writes with its own escaping, are inserted as markup.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from boaudit.metrics.display import shown
from boaudit.report import charts
from boaudit.report.changes import change_tables
from boaudit.report.model import Report
from boaudit.report.process import ProcessView, process_view
from boaudit.report.sources import report_sources
from boaudit.report.text import (
    DASH,
    as_is,
    benchmark_lines,
    claim_tables,
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
    interviews = interview_tables(report)
    changes = change_tables(report.changes)
    sources = report_sources(report)
    quick_wins = [f for f in report.findings if f.quick_win]
    process_views = {kind: process_view(r.process) for kind, r in report.metrics.items()}
    sections = _sections(
        report,
        process=process_views.get("events"),
        interviews=bool(figures["scores"] or interviews),
        quick_wins=bool(quick_wins),
        over_time=bool(changes or figures["history"]),
        sources=bool(sources),
    )
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        figures=figures,
        sections=sections,
        contents=_contents(sections),
        metrics_tables={
            kind: scalar_metrics(result, as_is, report.fx_currency)
            for kind, result in report.metrics.items()
        },
        process_views=process_views,
        claims=claim_tables(report.claims),
        process_maps={
            kind: _chart(charts.process_map(result.process))
            for kind, result in report.metrics.items()
        },
        benchmark_tables={
            kind: benchmark_lines(result, report.fx_currency)
            for kind, result in report.metrics.items()
        },
        verdict_class=VERDICT_CLASS,
        contradictions=[f for f in report.findings if f.contradiction],
        quick_wins=quick_wins,
        money_cards=money_cards(report),
        follow_up=follow_up_warning(report),
        money=money,
        changes=changes,
        interviews=interviews,
        sources=sources,
        plan=_plan(report),
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


def _sections(
    report: Report,
    *,
    interviews: bool,
    quick_wins: bool,
    over_time: bool,
    sources: bool,
    process: ProcessView | None = None,
) -> dict[str, str]:
    """The sections the report has, in page order: anchor id to heading. The table of contents
    lists them all and the template writes only these; ``quick-wins`` sits inside the
    priorities' section, under its own heading."""
    present = {
        "summary": True,
        "priorities": True,
        "quick-wins": quick_wins,
        "interviews": interviews,
        "claims": report.claims is not None,
        "data": bool(report.metrics),
        "process-events": process is not None,
        "scorecard": report.scorecard is not None,
        "findings": True,
        "plan": bool(report.plan),
        "over-time": over_time,
        "sources": sources,
        "rules": True,
        "data-quality": bool(report.data_quality),
    }
    return {key: HEADINGS[key] for key, shown in present.items() if shown}


PARENTS = {"quick-wins": "priorities", "process-events": "data"}
"""Sections inside another: listed under it in the contents, no page of their own in print."""


def _contents(sections: dict[str, str]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The table of contents: each top-level section's id and heading, with those inside it."""
    top: dict[str, tuple[str, str, list[tuple[str, str]]]] = {}
    for key, heading in sections.items():
        if key in PARENTS:
            top[PARENTS[key]][2].append((key, heading))
        else:
            top[key] = (key, heading, [])
    return list(top.values())


HEADINGS = {
    "summary": "Summary",
    "priorities": "What to fix first",
    "quick-wins": "Quick wins",
    "interviews": "What people say",
    "claims": "Interviews against the data",
    "data": "What the data shows",
    "process-events": "The process: events",
    "scorecard": "Outsourcing partner scorecard",
    "findings": "Findings",
    "plan": "Plan",
    "over-time": "Over time",
    "sources": "Sources",
    "rules": "How this report decides",
    "data-quality": "Data quality",
}
"""Each section's heading by its anchor id (the ids stay put: links to them keep working)."""


def _plan(report: Report) -> dict[str, Any] | None:
    """The fix plan (``--plan``): its counts, and each fix the data checks or the client has
    moved on from open, as the Markdown report shows it."""
    if not report.plan:
        return None
    from boaudit.findings.plan import plan_counts

    return {
        "counts": plan_counts(report.plan),
        "rows": [
            {
                "rank": row.rank or "",
                "fix": row.fix,
                "finding": row.finding,
                "owner": row.owner or DASH,
                "due": row.due.isoformat() if row.due else DASH,
                "wave": row.wave or DASH,
                "status": row.status,
                "check": row.check or DASH,
            }
            for row in report.plan
            if row.kpi or row.status != "open"
        ],
    }
