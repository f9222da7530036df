"""The HTML report as a reader gets it: one self-contained file, findings in rank order, user text
escaped, charts inline as SVG, the version and as-of date shown, the same bytes every time.

The CLI tests run ``boaudit report --format html`` on a small hand-made export and answer file;
the others build a Report with the library and render it. tests/report/test_report_writers.py checks
single HTML fragments of a hand-made Report; these check the page as a whole.
"""

from __future__ import annotations

import html as htmllib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hand_results import results
from typer.testing import CliRunner

from boaudit import __version__
from boaudit.cli import app
from boaudit.metrics.benchmarks import load_benchmarks
from boaudit.metrics.facts import DataFacts
from boaudit.report import ReportFormat, render
from boaudit.report.build import ReportOptions
from boaudit.report.build import build_report as _build_report
from boaudit.report.model import Report


def build_report(assessment: Any, documents: Any, *args: Any, **kwargs: Any) -> Report:
    """The report of hand-written metrics documents by kind (see hand_results)."""
    return _build_report(assessment, results(documents), *args, **kwargs)


MINI = Path(__file__).parents[1] / "data" / "questionnaires" / "mini.toml"
EVIL = "<script>alert(1)</script>"
runner = CliRunner()
ROWS = {"read": 12, "accepted": 10, "quarantined": 2, "skipped": 0}

# Metrics: the evil respondent answers 5, 4, 1 (score 70.0, healthy), Bob all 1s (0.0).
ANSWERS = f"""respondent,question_id,answer,comment
{EVIL},mini.2.1,5,<script>alert(2)</script>
{EVIL},mini.2.2,4,
{EVIL},mini.2.3,1,
Bob,mini.2.1,1,
Bob,mini.2.2,1,
Bob,mini.2.3,1,
"""
INVOICES = """invoice_id,vendor,amount,invoice_date,due_date,paid_at,handling_minutes,error
INV-1,Acme,100.00,2026-01-01,2026-01-31,2026-01-20,30,true
INV-2,Acme,200.00,2026-01-11,2026-02-10,2026-02-20,30,false
INV-3,Beta,300.00,2026-01-21,2026-02-20,2026-02-15,30,false
INV-4,Beta,400.00,2026-01-31,2026-03-02,2026-03-10,30,false
"""


@pytest.fixture
def inputs(tmp_path: Path) -> list[str]:
    answers = tmp_path / "answers.csv"
    answers.write_text(ANSWERS, encoding="utf-8")
    invoices = tmp_path / "invoices.csv"
    invoices.write_text(INVOICES, encoding="utf-8")
    return [
        "report",
        "-a",
        str(answers),
        "-q",
        str(MINI),
        "--invoices",
        str(invoices),
        "--hourly-rate",
        "40",
        "--as-of",
        "2026-03-31",
        "--period",
        "month",
        "-f",
        "html",
    ]


@pytest.fixture
def cli_html(inputs: list[str]) -> str:
    result = runner.invoke(app, inputs)
    assert result.exit_code == 0, result.stderr
    return result.stdout


# --- self-contained -----------------------------------------------------------------------------


def test_the_page_loads_nothing_from_elsewhere(cli_html: str) -> None:
    lowered = cli_html.lower()
    for tag in ("<script", "<link", "<img", "<iframe", "<object", "<embed", "@import"):
        assert tag not in lowered, tag
    assert not re.search(r"\ssrc\s*=", lowered)
    # every link and paint reference points inside the page (the SVG's own ids), but the
    # Sources table's links to where each benchmark was published, which a reader may follow
    published = {b.source_url for b in load_benchmarks()}
    targets = re.findall(r"href\s*=\s*[\"']([^\"']*)[\"']", cli_html)
    assert targets and all(t.startswith("#") or t in published for t in targets)
    references = re.findall(r"url\(([^)]*)\)", cli_html)
    assert references and all(r.startswith("#") for r in references)


def test_addresses_in_the_page_are_only_namespaces_and_metadata(cli_html: str) -> None:
    addresses = set(re.findall(r"https?://[^\s\"'<>]*", cli_html))
    addresses -= {b.source_url for b in load_benchmarks()}  # the Sources table's links
    assert addresses <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://creativecommons.org/ns#",
        "http://purl.org/dc/elements/1.1/",
        "http://purl.org/dc/dcmitype/StillImage",
        "https://matplotlib.org/",
    }


def test_the_style_sheet_is_inline(cli_html: str) -> None:
    head = cli_html[: cli_html.index("</head>")]
    assert head.count("<style>") == 1 and "</style>" in head
    assert "main { max-width: 980px;" in head


# --- user text ----------------------------------------------------------------------------------


def test_a_respondent_name_with_a_script_tag_appears_as_text(cli_html: str) -> None:
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert "<script" not in cli_html.lower()
    # in the weakest-question evidence line of the metrics finding ...
    assert f"&#39;Are the figures shared with the team?&#39;: {escaped} 1, Bob 1" in cli_html
    # the respondent's comment is quoted under its finding, as text
    assert "&#34;&lt;script&gt;alert(2)&lt;/script&gt;&#34; (said by " in cli_html
    # ... and nowhere as markup
    assert htmllib.unescape(cli_html).count(EVIL) == cli_html.count(escaped)


def test_benchmark_text_from_the_user_is_escaped_in_table_and_chart() -> None:
    metrics = {
        "invoices": {
            "rows": ROWS,
            "metrics": {"count": 10, "cost_per_transaction": 8.0},
            "benchmarks": [
                {
                    "kpi": "<i>Cost</i> & fees",
                    "metric": "cost_per_transaction",
                    "value": 8.0,
                    "unit": "USD",
                    "references": {"p50": 6.0},
                    "position": "8.00 is above <b>the</b> median",
                    "source": "Survey <u>2025</u>",
                }
            ],
            "evidence": [{"pitfall": "technology", "severity": 0.4, "message": "cost"}],
        }
    }
    page = render_html(build_report(None, metrics))
    assert "<i>" not in page and "<b>the" not in page and "<u>" not in page
    # (8.00 - 6.00) / 6.00 = 33% above the median, the only (so the worst) reference point
    assert (
        '<tr><td><strong>Cost per item</strong></td><td class="num nowrap">8.00 USD</td>'
        '<td><span class="band-critical">33% above the Survey &lt;u&gt;2025&lt;/u&gt; median '
        "(6.00): worse</span></td><td>&lt;i&gt;Cost&lt;/i&gt; &amp; fees: "
        "Survey &lt;u&gt;2025&lt;/u&gt;</td><td>n/a</td><td>not stated</td><td>high</td>"
        "<td>same as ours.</td></tr>"
    ) in page
    # the chart's source row, drawn by matplotlib as SVG text
    assert ">Survey &lt;u&gt;2025&lt;/u&gt;</text>" in page


def test_every_rule_is_listed_escaped_and_in_order() -> None:
    report = built_report()
    page = render_html(report)
    section = page[page.index("<h2>How this report decides</h2>") :]
    items = re.findall(r"<li>(.*?)</li>", section[: section.index("</ul>")])
    assert [htmllib.unescape(item) for item in items] == list(report.rules.values())
    assert len(items) == 18  # 9 rules + 2 benchmark rules + 7 money assumptions


# --- findings -----------------------------------------------------------------------------------


def evidence(*items: tuple[str, float]) -> list[dict[str, Any]]:
    return [{"pitfall": p, "severity": s, "metric": "m", "message": f"{p} {s}"} for p, s in items]


def built_report(**options: Any) -> Report:
    metrics = {
        "invoices": {
            "as_of": "2026-06-30T00:00:00Z",
            "rows": ROWS,
            "metrics": {
                "count": 500,
                "cost_per_transaction": 8.0,
                "error_rate": 0.04,
                "duplicate_suspects": {"exact": {"extra_amount": 750.0}},
            },
            "benchmarks": [
                {
                    "metric": "cost_per_transaction",
                    "kpi": "Cost per invoice",
                    "value": 8.0,
                    "unit": "USD",
                    "references": {"p50": 6.0},
                    "source": "APQC",
                }
            ],
            "evidence": evidence(
                ("security", 0.9),
                ("metrics", 0.7),
                ("processes", 0.6),
                ("technology", 0.5),
                ("data", 0.3),
                ("communication", 0.2),
            ),
        }
    }
    return build_report(
        None,
        metrics,
        ReportOptions(**options),
        facts={"invoices": DataFacts(span_days=73.0)},
    )


def render_html(report: Report) -> str:
    page = render(report, ReportFormat.html)
    assert isinstance(page, str)
    return page


def test_every_finding_appears_in_rank_order_in_the_table_and_the_sections() -> None:
    report = built_report()
    page = render_html(report)
    # 100 x severity x money / effort of the first fix: metrics 70/1, security 90/1.5,
    # technology 50 x 1.1 (yearly money)/1, processes 60 x 1.1/1.5, data 30/1, communication 20/1
    expected = ["metrics", "security", "technology", "processes", "data", "communication"]
    assert [f.pitfall for f in report.findings] == expected
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]+?)(?: <span|</td>)', page)
    assert rows == [(str(f.rank), f.title) for f in report.findings]
    headings = re.findall(r'<div class="finding sev-\w+">\n<h3>(\d+)\. ([^<]+)</h3>', page)
    assert headings == [(str(f.rank), f.title) for f in report.findings]


def test_priorities_and_severities_are_printed_as_computed() -> None:
    page = render_html(built_report())
    cells = re.findall(r'</td>\n<td class="num">([\d.]+)</td><td class="num">([\d.]+)</td>', page)
    # priority with one decimal, severity with two
    assert cells == [
        ("70.0", "0.70"),
        ("60.0", "0.90"),
        ("55.0", "0.50"),
        ("44.0", "0.60"),
        ("30.0", "0.30"),
        ("20.0", "0.20"),
    ]


def test_tags_mark_only_the_quick_wins() -> None:
    page = render_html(built_report())
    table = page[page.index("<tbody>") : page.index("</tbody>")]
    tagged = re.findall(r"<td>([^<]+) <span class=\"tag quick\">quick win</span>", table)
    # low effort and severity 0.5+: metrics (0.7) and technology (0.5); data (0.3) and
    # communication (0.2) are low effort but mild
    assert tagged == ["No performance metrics or KPIs", "Outdated or underused technology"]
    assert "tag contra" not in table  # no interviews, no contradiction


def test_each_money_figure_has_its_assumptions_beside_it() -> None:
    page = render_html(built_report())
    technology = page.index("<h3>3. Outdated or underused technology</h3>")
    block = page[technology : page.index('<div class="finding', technology)]
    # 500 x 365 / 73 = 2,500 a year x (8.00 - 6.00 x 62%) = 10,700; 8,750 to 12,500
    assert (
        "<li>labour cost per invoice above the benchmark: <strong>10,700 USD (8,750 to 12,500, "
        "estimated)</strong> a year: 500 invoices over 73 days = 2,500 a year x (labour cost "
        "per item 8.00 - 3.72, the labour part of APQC p50 6.00)."
    ) in block
    assumptions = re.findall(r"<li>assumption: ([^<]+)</li>", block)
    assert assumptions[0] == "500 invoices over 73 days = 2,500 a year"
    assert "62% of it (3.72)" in assumptions[1]


def test_the_money_cards_show_each_kind_once_and_never_a_grand_total() -> None:
    page = render_html(built_report())
    # yearly: technology 10,700 + rework 100 errors x 8.00 = 800 -> 11,500
    assert page.count('<div class="label">Leaking every year</div>') == 1
    assert (
        '<div class="money"><span class="amount">11,500 USD</span> '
        '<span class="label">9,150 to 13,700, assumed</span></div>'
    ) in page
    assert "Money at stake (estimated)" not in page


def test_the_summary_counts_rows_findings_and_quick_wins() -> None:
    page = render_html(built_report())
    assert (
        '<div class="card"><div class="label">invoices analysed</div>\n'
        '    <div class="big">10</div>\n'
        '    <div class="label">of 12 rows read, 2 quarantined, 0 skipped</div></div>'
    ) in page
    assert (
        '<div class="label">Findings</div><div class="big">6</div>\n'
        '    <div class="label">2 quick win(s), 0 contradiction(s)</div>'
    ) in page


def test_an_effort_set_by_the_user_is_tagged_in_its_finding() -> None:
    page = render_html(built_report(effort={"security": "low"}))
    assert (
        '<h3>1. Weak data security</h3>\n<div><span class="tag">priority 90.0</span>'
        '<span class="tag">severity 0.90</span><span class="tag">effort low (set by you)</span>'
        '<span class="tag quick">quick win</span>'
    ) in page


# --- charts -------------------------------------------------------------------------------------


def test_every_chart_is_inline_svg_in_a_captioned_figure(cli_html: str) -> None:
    figures = re.findall(r"<figure>(.*?)</figure>", cli_html, re.S)
    # priority matrix, interview scores, KPIs against benchmarks, cycle times, trend by month
    assert len(figures) == 5 == cli_html.count("<svg")
    for figure in figures:
        assert figure.startswith("<svg") and "</svg>" in figure
        assert "<figcaption>" in figure
    assert "&lt;svg" not in cli_html and "<?xml" not in cli_html and "<!DOCTYPE svg" not in cli_html


def test_chart_text_stays_text_in_the_svg(cli_html: str) -> None:
    # svg.fonttype none: labels are searchable text, not glyph outlines
    # our verdict beside the dot: (20.00 - 9.40) / 9.40 = 113% above the headline average
    assert ">ours 20.00: 113% above the Ardent average (9.40): worse</text>" in cli_html
    assert ">metrics</text>" in cli_html


# --- version, date, determinism -----------------------------------------------------------------


def test_the_version_and_as_of_date_are_shown(cli_html: str) -> None:
    assert f'<div class="meta">As of 2026-03-31 · boaudit {__version__}</div>' in cli_html


def test_a_report_without_a_date_says_so() -> None:
    report = build_report(
        None, {"tasks": {"rows": ROWS, "metrics": {}, "evidence": evidence(("data", 0.5))}}
    )
    assert report.as_of is None
    assert f'<div class="meta">As of n/a · boaudit {__version__}</div>' in render_html(report)


def test_the_as_of_date_from_the_data_is_shown_when_none_is_given() -> None:
    assert '<div class="meta">As of 2026-06-30T00:00:00Z · boaudit ' in render_html(built_report())


def test_the_same_inputs_give_the_same_bytes_in_separate_processes(
    inputs: list[str], tmp_path: Path
) -> None:
    pages = []
    for seed in ("0", "4242"):
        out = tmp_path / f"report-{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "boaudit", *inputs, "-o", str(out)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]
    assert len(pages[0]) > 10_000


def test_the_same_inputs_give_the_same_bytes_in_one_process(inputs: list[str]) -> None:
    first = runner.invoke(app, inputs)
    second = runner.invoke(app, inputs)
    assert first.exit_code == second.exit_code == 0
    assert first.stdout_bytes == second.stdout_bytes


@pytest.mark.parametrize(
    "kpi", ["Cost per invoice in $\\frac$ units", "Cost in $US per $100 of spend"]
)
def test_dollar_signs_in_chart_labels_are_text_not_math(kpi: str) -> None:
    # Two dollar signs would start matplotlib's math notation: "$\\frac$" crashed the HTML
    # report (exit 70) and "$US per $" lost its dollars.
    from boaudit.report import charts

    comparison = {
        "kpi": kpi,
        "value": 12.5,
        "unit": "USD per invoice",
        "references": {"p50": 10.0},
        "source": "A user survey",
    }
    svg = charts.kpis_against_benchmarks(results({"invoices": {"benchmarks": [comparison]}}))
    assert svg is not None
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert f"{kpi} (invoices), USD per invoice: lower is better \N{LEFTWARDS ARROW}" in texts
    assert "A user survey" in texts


def test_metric_reasons_in_the_page_carry_no_markdown_escapes(cli_html: str) -> None:
    # The HTML escapes for itself: a reason naming a column reads as the column's name.
    assert "no rework_count column in the export" in cli_html
    assert "\\_" not in cli_html and "\\|" not in cli_html
