"""The process of an event log in the report: the top variants, where cases wait, rework and
handovers in Markdown, HTML and Word, the process map in HTML (SVG) and Word (a picture), and
the Variants and Transitions sheets in the workbook.

The figures come from the hand-made log of tests/metrics/test_process.py, whose process block
is worked out there by hand; here they are checked as printed.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from metrics_frames import HAND_EVENT_LOG, realdata
from openpyxl import load_workbook
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.report.charts import _activity_order, process_map, process_map_figure
from boaudit.report.process import process_view

runner = CliRunner()


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(HAND_EVENT_LOG, encoding="utf-8")
    return path


def _report(log: Path, fmt: str, out: Path) -> None:
    done = runner.invoke(app, ["report", "--events", str(log), "--format", fmt, "-o", str(out)])
    assert done.exit_code == 0, done.output


def test_the_markdown_prints_the_process_as_worked_out_by_hand(log: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    _report(log, "markdown", out)
    text = out.read_text("utf-8")
    section = text[text.index("### The process: events") :]
    section = section[: section.index("\n## ")]
    assert section.splitlines() == [
        "### The process: events",
        "",
        "4 cases, 12 events, 3 distinct variants (sequences of activities); durations in "
        "calendar days.",
        "",
        "| # | Variant | Cases | Share | Cumulative | Median days, first to last |",
        "|---:|---|---:|---:|---:|---:|",
        "| 1 | Receive → Check → Pay | 2 | 50.0% | 50.0% | 3.1 |",
        "| 2 | Receive → Check → Receive → Check → Pay | 1 | 25.0% | 75.0% | 4.0 |",
        "| 3 | Receive | 1 | 25.0% | 100.0% | 0.0 |",
        "",
        "Where cases wait longest (transitions by total waiting time):",
        "",
        "| Transition | Count | Median wait, days | Total wait, days | Share of all waiting |",
        "|---|---:|---:|---:|---:|",
        "| Check → Pay | 3 | 2.0 | 7.0 | 68.3% |",
        "| Receive → Check | 4 | 0.8 | 2.8 | 26.8% |",
        "| Check → Receive | 1 | 0.5 | 0.5 | 4.9% |",
        "",
        "- Cases wait longest between Check and Pay: 68.3% of all waiting time, a median of 2.0 "
        "days over 3 transitions.",
        "- Rework (cases repeating an activity): Check 1, Receive 1.",
        "- Loops (A, B, A): 2 in 1 case.",
        "- Handovers between resources: 4; ping-pong (A, B, A) in 1 case (25.0%); reassignments "
        "per case: median 0.5, most 3.",
    ]


def test_the_html_draws_the_process_map_and_lists_the_variants(log: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    _report(log, "html", out)
    page = out.read_text("utf-8")
    section = page[page.index('<h3 id="process-events">') :]
    section = section[: section.index("</section>")]
    assert section.count("<svg") == 1
    assert "<td>Receive → Check → Receive → Check → Pay</td>" in section
    assert '<td>Check → Pay</td><td class="num">3</td>' in section
    assert "<li>Loops (A, B, A): 2 in 1 case.</li>" in section


def test_the_workbook_has_variants_and_transitions_as_numbers(log: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    _report(log, "xlsx", out)
    workbook = load_workbook(out)
    variants = [[c.value for c in row] for row in workbook["Variants"].iter_rows(min_row=2)]
    assert variants[:3] == [
        [1, "Receive > Check > Pay", 3, 2, 0.5, 0.5, 3.125],
        [2, "Receive > Check > Receive > Check > Pay", 5, 1, 0.25, 0.75, 4.0],
        [3, "Receive", 1, 1, 0.25, 1.0, 0.0],
    ]
    assert variants[4][0] == "3 distinct variants over 4 cases; durations in calendar days."
    transitions = [[c.value for c in row] for row in workbook["Transitions"].iter_rows(min_row=2)]
    # all waiting: 2.75 + 7.0 + 0.5 = 10.25 days
    assert transitions == [
        ["Receive", "Check", 4, 0.75, 1.0, 2.75, 2.75 / 10.25],
        ["Check", "Pay", 3, 2.0, 2.8, 7.0, 7.0 / 10.25],
        ["Check", "Receive", 1, 0.5, 0.5, 0.5, 0.5 / 10.25],
    ]
    assert workbook["Transitions"]["G2"].number_format == "0.0%"
    assert workbook.sheetnames.index("Variants") == workbook.sheetnames.index("Metrics") + 1


def test_the_word_report_has_the_process_and_its_map(log: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    _report(log, "docx", out)
    document = docx.Document(io.BytesIO(out.read_bytes()))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "The process: events" in headings
    variants = next(t for t in document.tables if t.rows[0].cells[1].text == "Variant")
    assert [c.text for c in variants.rows[1].cells] == [
        "1",
        "Receive → Check → Pay",
        "2",
        "50.0%",
        "50.0%",
        "3.1",
    ]
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert any(c.endswith("coloured by its median wait.") for c in captions)


def test_activities_are_ordered_as_cases_go_through_them() -> None:
    # mean position over the cases of the top variants: Receive (0 + 0 + 0 + 2 + 0) / 5 = 0.4,
    # Check (1 + 1 + 1 + 3) / 4 = 1.5, Pay (2 + 2 + 4) / 3 = 2.67; Audit is in no variant
    process = {
        "variants": {
            "top": [
                {"activities": ["Receive", "Check", "Pay"], "cases": 2},
                {"activities": ["Receive", "Check", "Receive", "Check", "Pay"], "cases": 1},
                {"activities": ["Receive"], "cases": 1},
            ]
        }
    }
    assert _activity_order(process, {"Pay", "Check", "Receive", "Audit"}) == [
        "Receive",
        "Check",
        "Pay",
        "Audit",
    ]


def test_no_events_no_process() -> None:
    assert process_view(None) is None
    assert process_view({"cases": 0}) is None
    assert process_map_figure({"transitions": []}) is None
    assert process_map(None) is None


def test_the_real_help_desk_log_gets_its_process_section(tmp_path: Path) -> None:
    log = realdata("helpdesk_events.csv")
    out = tmp_path / "report.html"
    _report(log, "html", out)
    page = out.read_text("utf-8")
    # in the contents under What the data shows, and on the page with its map
    assert '<li><a href="#process-events">The process: events</a></li>' in page
    section = page[page.index('<h3 id="process-events">') :]
    section = section[: section.index("</section>")]
    assert "<p>4,580 cases, 21,221 events, 211 distinct variants" in section
    assert section.count("<svg") == 1
    assert (
        "Cases wait longest between Resolve ticket and Closed: 71.6% of all waiting time" in section
    )
