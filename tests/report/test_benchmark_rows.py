"""Benchmarks in every writer: one headline row per KPI, the other sources beneath it, each
with its year, sample, confidence, link and how its definition compares with ours; and the
chart, one panel per KPI on one scale with our verdict beside the dot."""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

from hand_results import result
from openpyxl import load_workbook

from boaudit.metrics.benchmarks import Benchmark, compare_one
from boaudit.report import ReportFormat, charts, render
from boaudit.report.build import build_report
from boaudit.report.model import Report


def _entry(id: str, **fields: Any) -> Benchmark:
    base: dict[str, Any] = {
        "id": id,
        "kpi": "Cost per invoice",
        "metric": "cost_per_transaction",
        "definition": "Cost to process one invoice",
        "unit": "USD per invoice",
        "direction": "lower",
        "year": 2020,
        "source": f"{id.split('-')[0].capitalize()} survey",
        "publisher": id.split("-")[0].capitalize(),
        "source_url": f"https://example.org/{id}",
        "confidence": "medium",
    }
    return Benchmark.model_validate({**base, **fields})


ARDENT = _entry("ardent-2024", year=2024, average=9.40)
APQC = _entry(
    "apqc-2017",
    year=2017,
    p25=2.07,
    p50=5.83,
    p75=10.00,
    n=1485,
    differs="Counts the whole process cost.",
    caveat="About 62% of cost is labour.",
)
ON_TIME = _entry(
    "hackett-2015",
    metric="on_time_payment_rate",
    kpi="On-time payment",
    unit="share",
    direction="higher",
    year=2015,
    best_in_class=0.90,
    best_label="world-class",
    p50=0.78,
)


def _report() -> Report:
    base = result(
        {
            "rows": {"read": 10, "accepted": 10, "quarantined": 0, "skipped": 0},
            "metrics": {"count": 10, "cost_per_transaction": 8.28, "on_time_payment_rate": 0.8},
        },
        "invoices",
    )
    # file order: APQC before Ardent, the newer Ardent is the headline all the same
    comparisons = (compare_one(APQC, 8.28), compare_one(ARDENT, 8.28), compare_one(ON_TIME, 0.8))
    return build_report(None, {"invoices": replace(base, benchmarks=comparisons)})


def test_markdown_headline_row_then_the_other_source_beneath_it() -> None:
    text = render(_report(), ReportFormat.markdown)
    assert isinstance(text, str)
    start = text.index("| KPI | Ours | Verdict |")
    # (9.40 - 8.28) / 9.40 = 11.9%; (8.28 - 5.83) / 5.83 = 42.0%; 80.0% - 78.0% = 2.0 points
    assert text[start:].split("\n")[:5] == [
        "| KPI | Ours | Verdict | Source | Year | Sample | Confidence | Definition |",
        "|---|---:|---|---|---|---|---|---|",
        "| **Cost per item** | 8.28 USD | 12% below the Ardent average (9.40): better | "
        "Cost per invoice: Ardent survey ([link](https://example.org/ardent-2024)) | 2024 | "
        "not stated | medium | same as ours. |",
        "| \N{DOWNWARDS ARROW WITH TIP RIGHTWARDS} other source |  | 42% above the Apqc median "
        "(5.83): in range | Cost per invoice: Apqc survey ([link](https://example.org/apqc-2017)) "
        "| 2017 | 1,485 organisations | medium | differs: Counts the whole process cost. About "
        "62% of cost is labour. |",
        "| **Paid on time** | 80.0% | 2.0 points above the Hackett median (78.0%): better | "
        "On-time payment: Hackett survey ([link](https://example.org/hackett-2015)) | 2015 | "
        "not stated | medium | same as ours. |",
    ]
    # the choice rule, stated once
    assert text.count("headline benchmark = for each KPI") == 1


def test_html_folds_the_other_sources_into_details() -> None:
    page = render(_report(), ReportFormat.html)
    assert isinstance(page, str)
    assert page.count("<details>") == 1
    assert "<summary>1 other source for cost per item</summary>" in page
    assert (
        '<tr><td>other source</td><td><span class="band-needs-work">42% above the Apqc median '
        '(5.83): in range</span></td><td>Cost per invoice: <a href="https://example.org/apqc-2017">'
        "Apqc survey</a></td><td>2017</td><td>1,485 organisations</td><td>medium</td>"
        "<td>differs: Counts the whole process cost. About 62% of cost is labour.</td></tr>"
    ) in page
    assert '<span class="band-healthy">12% below the Ardent average (9.40): better</span>' in page


def test_xlsx_marks_the_other_sources() -> None:
    data = render(_report(), ReportFormat.xlsx)
    assert isinstance(data, bytes)
    sheet = load_workbook(io.BytesIO(data))["Metrics"]
    rows = [
        [cell.value for cell in row]
        for row in sheet.iter_rows(min_row=2)
        if row[1].value in ("benchmark", "other source")
    ]
    assert [(r[1], r[2], r[4]) for r in rows] == [
        ("benchmark", "Cost per invoice", 8.28),
        ("other source", "Cost per invoice", 8.28),
        ("benchmark", "On-time payment", 0.8),
    ]
    assert rows[1][6] == (
        "42% above the Apqc median (5.83): in range. Apqc survey (2017, 1,485 organisations, "
        "medium confidence, https://example.org/apqc-2017). Definition differs: Counts the "
        "whole process cost. About 62% of cost is labour."
    )


def test_terminal_table_prints_one_line_per_kpi() -> None:
    text = render(_report(), ReportFormat.table)
    assert isinstance(text, str)
    lines = [line for line in text.split("\n") if line.startswith("Benchmark, ")]
    assert lines == [
        "Benchmark, invoices, Cost per item: 8.28 USD, 12% below the Ardent average (9.40): "
        "better (Ardent survey, medium confidence; 1 other source(s) in the full report)",
        "Benchmark, invoices, Paid on time: 80.0%, 2.0 points above the Hackett median (78.0%): "
        "better (Hackett survey, medium confidence)",
    ]


def test_chart_one_panel_per_kpi_on_one_scale() -> None:
    figure = charts.kpis_against_benchmarks_figure(_report().metrics)
    assert figure is not None
    cost, on_time = figure.axes
    # one scale covering our value and every reference point of both sources (2.07 to 10.00),
    # padded by 8% of the span either side: 2.07 - 0.6344 and 10.00 + 0.6344
    low, high = cost.get_xlim()
    assert (round(low, 4), round(high, 4)) == (1.4356, 10.6344)
    assert [t.get_text() for t in cost.get_yticklabels()] == [
        "Ardent 2024",
        "Apqc 2017\n(definition differs)",
    ]
    assert cost.get_title(loc="left") == (
        "Cost per item (invoices), USD per invoice: lower is better \N{LEFTWARDS ARROW}"
    )
    texts = [t.get_text() for t in cost.texts]
    assert "ours 8.28: 12% below the Ardent average (9.40): better" in texts
    assert len(texts) == len(set(texts))  # no label twice
    assert on_time.get_title(loc="left") == (
        "Paid on time (invoices), %: higher is better \N{RIGHTWARDS ARROW}"
    )
    # shares are printed as percentages, on the axis and beside the points
    assert "median 78.0%" in [t.get_text() for t in on_time.texts]
    assert on_time.xaxis.get_major_formatter().format_data(0.85) == "85%"
    # our dot in the verdict's colour: better is green
    dots = [line for line in cost.lines if line.get_marker() == "o"]
    assert [d.get_color() for d in dots] == [charts.VERDICT_COLOURS["better"]]
    figure.clf()


def test_chart_worse_dot_is_red_and_labels_at_one_value_merge() -> None:
    entry = _entry("autofact-2024", unit="share", best_in_class=0.003, average=0.003)
    metrics = {
        "invoices": replace(
            result({"metrics": {"cost_per_transaction": 0.011}}, "invoices"),
            benchmarks=(compare_one(entry, 0.011),),
        )
    }
    figure = charts.kpis_against_benchmarks_figure(metrics)
    assert figure is not None
    (axes,) = figure.axes
    texts = [t.get_text() for t in axes.texts]
    assert texts == [
        "best-in-class = average 0.3%",
        # 1.1% - 0.3% = 0.8 points
        "ours 1.1%: 0.8 points above the Autofact average (0.3%): worse",
    ]
    dots = [line for line in axes.lines if line.get_marker() == "o"]
    assert [d.get_color() for d in dots] == [charts.VERDICT_COLOURS["worse"]]
    figure.clf()
