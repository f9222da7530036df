"""The HTML report's frame: a table of contents naming exactly the sections the report has, each
section at a stable anchor, the fix plan as the Markdown shows it, every table in a box that
scrolls sideways, and the style sheet's rules for phones and print.

How a browser lays the sample report out is measured in tests/report/test_html_browser.py; these
read the page as text, from reports built by hand.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from hand_results import results

from boaudit.findings.plan import plan_rows
from boaudit.report import ReportFormat, render
from boaudit.report.build import build_report
from boaudit.report.model import Report

ROWS = {"read": 12, "accepted": 10, "quarantined": 0, "skipped": 0}


def report(**changes: Any) -> Report:
    metrics = {
        "invoices": {
            "rows": ROWS,
            "metrics": {"count": 10, "error_rate": 0.3},
            "evidence": [
                {"pitfall": "metrics", "severity": 0.8, "metric": "m", "message": "no KPIs"},
                {"pitfall": "data", "severity": 0.4, "metric": "m", "message": "bad data"},
            ],
        }
    }
    return replace(build_report(None, results(metrics)), **changes)


def page_of(built: Report) -> str:
    page = render(built, ReportFormat.html)
    assert isinstance(page, str)
    return page


def contents(page: str) -> list[tuple[str, str]]:
    nav = page[page.index('<nav class="toc"') : page.index("</nav>")]
    return re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', nav)


def test_the_contents_name_every_section_present_and_no_other() -> None:
    page = page_of(report())
    assert contents(page) == [
        ("summary", "Summary"),
        ("priorities", "What to fix first"),
        ("quick-wins", "Quick wins"),
        ("data", "What the data shows"),
        ("findings", "Findings"),
        ("rules", "How this report decides"),
    ]
    # each link lands on one section, whose heading is the link's text
    for anchor, heading in contents(page):
        assert page.count(f'id="{anchor}"') == 1
        assert re.search(f'<section id="{anchor}">\n<h[23]>{heading}</h[23]>', page)
    # and every section of the page is in the contents
    assert re.findall(r'<section id="([\w-]+)">', page) == [a for a, _ in contents(page)]
    assert "What people say" not in page and 'id="plan"' not in page


def test_quick_wins_sit_inside_the_priorities_and_are_indented_in_the_contents() -> None:
    page = page_of(report())
    assert (
        '<li><a href="#priorities">What to fix first</a>'
        '<ul><li><a href="#quick-wins">Quick wins</a></li></ul></li>'
    ) in page
    priorities = page[page.index('<section id="priorities">') : page.index('<section id="data">')]
    assert '<section id="quick-wins">\n<h3>Quick wins</h3>' in priorities
    assert "<li><strong>No performance metrics or KPIs</strong>: " in priorities


def test_the_plan_shows_its_counts_and_the_fixes_checked_or_under_way() -> None:
    built = report()
    rows = list(plan_rows(built.findings))
    rows[0] = replace(
        rows[0], owner="Ann <AP lead>", due=date(2026, 9, 30), status="in progress", notes="x"
    )
    # a fix the data checks (its KPI), still open
    rows[1] = replace(
        rows[1], kpi="invoices.error_rate", check="error rate 30.0% (target at most 3.0%)"
    )
    page = page_of(replace(built, plan=tuple(rows)))
    assert ("plan", "Plan") in contents(page)
    section = page[page.index('<section id="plan">') : page.index('<section id="rules">')]
    open_count = sum(row.status == "open" for row in rows)
    assert f"<p>{len(rows)} fixes: {open_count} open, 1 in progress.</p>" in section
    shown = [row for row in rows if row.kpi or row.status != "open"]
    assert section.count("<tr><td") == len(shown) < len(rows)
    assert (
        '<td>Ann &lt;AP lead&gt;</td><td class="nowrap">2026-09-30</td>'
        '<td class="num">30</td><td class="nowrap"><span class="status status-in-progress">'
        "in progress</span></td>"
    ) in section
    assert "<td>error rate 30.0% (target at most 3.0%)</td>" in section
    # the plan comes after the findings it plans, as in the Markdown
    assert page.index('<section id="findings">') < page.index('<section id="plan">')


def test_without_a_plan_there_is_no_plan_section() -> None:
    page = page_of(report())
    assert "Plan" not in [heading for _, heading in contents(page)]
    assert "<h2>Plan</h2>" not in page


def test_every_table_scrolls_sideways_in_its_own_box() -> None:
    page = page_of(report(data_quality=({"source": "a.csv", "row": 2, "reasons": ["x"]},)))
    assert page.count("<table") == page.count('<div class="scroll"><table>') > 3
    assert page.count("</table>") == page.count("</table></div>")


def style_sheet(page: str) -> str:
    return page[page.index("<style>") : page.index("</style>")]


def media(css: str, query: str) -> str:
    """The rules of one @media block (blocks hold rules one level deep)."""
    start = css.index(f"@media {query} {{")
    return css[start : css.index("\n}", start)]


def test_charts_and_tables_fit_a_phone() -> None:
    css = style_sheet(page_of(report()))
    assert "figure svg { display: block; max-width: 100%; height: auto; }" in css
    assert ".scroll { overflow-x: auto;" in css
    phone = media(css, "(max-width: 640px)")
    assert ".cards.money-cards { grid-template-columns: 1fr; }" in phone


def test_print_starts_each_section_on_a_page_and_keeps_rows_whole() -> None:
    printed = media(style_sheet(page_of(report())), "print")
    assert "main > section + section { break-before: page;" in printed
    assert "thead { display: table-header-group; }" in printed
    assert "tr, figure, .card { break-inside: avoid;" in printed
    assert "figure svg { width: 100%; max-width: 100%; height: auto; }" in printed
    assert ".scroll { overflow: visible; background: none; }" in printed  # no scroll shadows
    assert ".toc { display: none; }" in printed  # links to follow are no use on paper
    # on paper a source's link is only of use with its address written out
    assert 'a[href^="http"]::after { content: " (" attr(href) ")";' in printed


def test_a_comparison_with_an_earlier_run_and_quarantined_rows_get_their_sections() -> None:
    changes = {
        "since_last": {
            "run": 4,
            "as_of_before": "2026-05-31",
            "overall_score": 55.0,
            "overall_score_before": 50.0,
            "overall_score_change": 5.0,
            "metrics": {"invoices": {"error_rate": {"value": 0.2, "before": 0.3, "change": -0.1}}},
        }
    }
    quarantined = ({"source": "a.csv", "row": 7, "reasons": ["no amount"]},)
    page = page_of(report(changes=changes, data_quality=quarantined))
    anchors = [anchor for anchor, _ in contents(page)]
    assert anchors[-4:] == ["findings", "over-time", "rules", "data-quality"]
    over_time = page[page.index('<section id="over-time">') : page.index('<section id="rules">')]
    assert "<h2>Over time</h2>" in over_time
    assert "<td><code>invoices.error_rate</code></td>" in over_time
    assert '<section id="data-quality">\n<h2>Data quality</h2>' in page
