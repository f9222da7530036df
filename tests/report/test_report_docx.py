"""The Word report as a consultant opens it: every section of the HTML report, the findings as
an editable Word table, the charts as pictures with numbered captions, Word's own styles (so
the document restyles in one place), the clients' own words, and the same bytes every time.

The sample report is built once through the command line; python-docx reads it back.
"""

from __future__ import annotations

import builtins
import io
import json
import os
import sys
import zipfile
from pathlib import Path
from typing import Any

import docx
import pexpect
import pytest
from docx.oxml.ns import qn
from sample_report import SAMPLE, SAMPLE_REPORT
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.report.word import _widths

runner = CliRunner()
BASE = [
    *SAMPLE_REPORT,
    "--by-role",
    "--by",
    "provider",
    "--contracts",
    str(SAMPLE / "contracts.toml"),
    "--title",
    "Sample distributor: back-office audit",
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sample report as DOCX bytes, and as JSON for the figures to compare with."""
    folder = tmp_path_factory.mktemp("docx")
    out = folder / "report.docx"
    done = runner.invoke(app, [*BASE, "--format", "docx", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert done.stdout == ""
    assert "wrote" in done.stderr
    as_json = folder / "report.json"
    done = runner.invoke(app, [*BASE, "--format", "json", "-o", str(as_json)])
    assert done.exit_code == 0, done.output
    return {"bytes": out.read_bytes(), "json": json.loads(as_json.read_text("utf-8"))}


def _document(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def _all_text(paragraph: Any) -> str:
    """The paragraph's text with the results of its fields (figure and table numbers), which
    python-docx's ``text`` leaves out."""
    return "".join(t.text or "" for t in paragraph._p.iter(qn("w:t")))


def _headings(document: Any, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def test_every_section_of_the_html_report_is_there(sample: dict[str, Any]) -> None:
    document = _document(sample["bytes"])
    assert [p.text for p in document.paragraphs if p.style.name == "Title"] == [
        "Sample distributor: back-office audit"
    ]
    assert _headings(document, 1) == [
        "Summary",
        "What to fix first",
        "What people say",
        "Interviews against the data",
        "What the data shows",
        "Outsourcing partner scorecard",
        "Findings",
        "Sources",
        "How this report decides",
    ]
    findings = sample["json"]["findings"]
    level2 = _headings(document, 2)
    for finding in findings:
        assert f"{finding['rank']}. {finding['title']}" in level2
    assert {"Quick wins", "KPI baseline", "Scores by section", "Scores by role"} <= set(level2)
    assert {"Key metrics: invoices", "Key metrics: tasks", "Invoices", "Tasks"} <= set(level2)
    # Each finding's evidence, money (where it has some) and fixes, in that order.
    level3 = _headings(document, 3)
    assert level3.count("Evidence") == len(findings)
    assert level3.count("What to do") == len(findings)
    assert level3.count("Money at stake") == sum(1 for f in findings if f["money"])


def test_the_findings_table_is_a_word_table_in_rank_order(sample: dict[str, Any]) -> None:
    document = _document(sample["bytes"])
    table = document.tables[0]
    header = [cell.text for cell in table.rows[0].cells]
    assert header == [
        "#",
        "Pitfall",
        "Priority",
        "Severity",
        "Interview score",
        "Data severity",
        "Effort",
        "Money at stake",
    ]
    findings = sample["json"]["findings"]
    assert len(table.rows) == len(findings) + 1
    first = [cell.text for cell in table.rows[1].cells]
    assert first == [
        "1",
        "Poor data management and integrity (quick win)",
        "110.6",
        "0.88",
        "23.1",
        "1.00",
        "low",
        "recover 707 CAD\nrecover 1,314 EUR\nrecover 27,335 USD\nblock 3,603 USD",
    ]
    assert [row.cells[0].text for row in table.rows[1:]] == [str(f["rank"]) for f in findings]
    # The header row repeats on every page the table spans; cells use one restylable style.
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    # no row is cut across a page (cantSplit before tblHeader, as the schema orders them)
    assert [child.tag for child in table.rows[0]._tr.trPr] == [qn("w:cantSplit"), qn("w:tblHeader")]
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert table.style.name == "Light List Accent 1"
    assert {p.style.name for row in table.rows for c in row.cells for p in c.paragraphs} == {
        "Table Text"
    }
    widths = [c.w.inches for c in table._tbl.tblGrid.gridCol_lst]
    assert sum(widths) == pytest.approx(6.5, abs=0.01)


def test_charts_are_pictures_with_numbered_captions(sample: dict[str, Any]) -> None:
    data = sample["bytes"]
    document = _document(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        pictures = [n for n in archive.namelist() if n.startswith("word/media/")]
    # priority matrix, pitfall scores, benchmarks, cycle times, trend, and the partner
    # comparison of invoices and of tasks
    assert len(pictures) == 7
    assert all(archive_name.endswith(".png") for archive_name in pictures)
    captions = [_all_text(p) for p in document.paragraphs if p.style.name == "Caption"]
    figures = [c for c in captions if c.startswith("Figure ")]
    assert [c.split(":")[0] for c in figures] == [f"Figure {n}" for n in range(1, 8)]
    assert figures[0] == "Figure 1: Findings by severity and effort: quick wins sit top left."
    tables = [c for c in captions if c.startswith("Table ")]
    assert len(tables) == len(document.tables)
    # Every picture has its caption as alternative text.
    described = [element.get("descr") for element in document.element.body.iter(qn("wp:docPr"))]
    assert described == [c.split(": ", 1)[1] for c in figures]


def test_each_findings_fixes_are_numbered_from_one(sample: dict[str, Any]) -> None:
    document = _document(sample["bytes"])
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    findings = sample["json"]["findings"]
    follow_ups = [g for g in sample["json"]["claims"]["gaps"] if g["follow_up"]]
    asked = {g["respondent"] for g in follow_ups}
    # each finding's fixes, then each respondent's follow-up questions
    assert len(numbered) == sum(len(f["fixes"]) for f in findings) + len(follow_ups)
    lists = [p._p.pPr.numPr.numId.val for p in numbered]
    # One numbering instance per finding and per respondent asked, each restarting at 1.
    assert len(set(lists)) == len(findings) + len(asked)
    numbering = document.part.numbering_part.element
    for num in numbering.findall(qn("w:num")):
        if int(num.get(qn("w:numId"))) in set(lists):
            start = num.find(qn("w:lvlOverride")).find(qn("w:startOverride"))
            assert start.get(qn("w:val")) == "1"
    first = findings[0]
    fixes = numbered[len(follow_ups) :]  # the follow-up questions come first, then the findings
    assert fixes[0].text == f"{first['fixes'][0]['text']} (effort {first['fixes'][0]['effort']})"
    assert numbered[0].text.startswith("You answered ")


def test_what_respondents_said_reaches_the_document(sample: dict[str, Any]) -> None:
    document = _document(sample["bytes"])
    text = "\n".join(p.text for p in document.paragraphs)
    quotes = [
        e["message"]
        for f in sample["json"]["findings"]
        for e in f["evidence"]
        if (e.get("refs") or {}).get("quote")
    ]
    assert quotes, "the sample answers carry comments"
    for quote in quotes:
        assert quote in text


def test_benchmarks_show_one_headline_per_kpi_with_the_others_beneath(
    sample: dict[str, Any],
) -> None:
    document = _document(sample["bytes"])
    table = next(
        t
        for t in document.tables
        if [c.text for c in t.rows[0].cells][:3] == ["KPI", "Ours", "Verdict"]
    )
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    headlines = [r for r in rows if not r[0].endswith("other source")]
    # each KPI once, bold, with our value; its other sources beneath it without a value
    assert len({r[0] for r in headlines}) == len(headlines)
    assert all(r[1] for r in headlines)
    assert all(r[1] == "" for r in rows if r[0].endswith("other source"))
    bold = [
        bool(row.cells[0].paragraphs[0].runs[0].bold)
        for row in table.rows[1:]
        if not row.cells[0].text.endswith("other source")
    ]
    assert all(bold)
    assert [r[0] for r in headlines] == [
        "Cost per item",
        "Receipt to approval, mean",
        "Error rate",
        "Paid on time",
        "Exact duplicate invoices",
    ]
    cost = rows[: [r[0] for r in rows].index("Receipt to approval, mean")]
    assert [r[2] for r in cost] == [
        "12% below the Ardent average (9.40): better",
        "18% below the Ardent average (10.08): better",
        "42% above the APQC median (5.83): in range",
        "72% above the Hackett median (4.80): worse",
    ]
    assert cost[0][1] == "8.28 USD"
    assert cost[0][3].startswith("Cost to process an invoice: Ardent Partners, Payables Place")
    assert cost[0][4].startswith("differs: ")


def test_money_kinds_and_currencies_stay_apart(sample: dict[str, Any]) -> None:
    document = _document(sample["bytes"])
    text = "\n".join(p.text for p in document.paragraphs)
    assert (
        "To recover (one-off): 32,335 USD (27,026 to 35,875, estimated); "
        "1,314 EUR (0 to 2,191, estimated); 707 CAD (0 to 1,178, estimated)"
    ) in text
    assert "Leaking every year: 38,284 USD (26,768 to 52,178, assumed)" in text


def test_the_same_report_gives_the_same_bytes(sample: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "again.docx"
    done = runner.invoke(app, [*BASE, "--format", "docx", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert out.read_bytes() == sample["bytes"]
    with zipfile.ZipFile(out) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        names = archive.namelist()
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "docProps/thumbnail.jpeg" not in names
    assert "python-docx" not in core
    properties = _document(out.read_bytes()).core_properties
    assert properties.title == "Sample distributor: back-office audit"
    assert properties.created == properties.modified
    assert properties.created.date().isoformat() == sample["json"]["as_of"][:10]


def test_a_binary_report_is_not_written_to_a_terminal() -> None:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "boaudit", *BASE, "--format", "docx"],
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
        encoding="utf-8",
        timeout=120,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "a Word (DOCX) report is binary: write it to a file with -o report.docx" in child.before


def test_without_python_docx_the_user_is_told_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real_import = builtins.__import__

    def no_docx(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "docx" or name.startswith("docx."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_docx)
    out = tmp_path / "report.docx"
    done = runner.invoke(app, [*BASE, "--format", "docx", "-o", str(out)])
    assert done.exit_code == 2
    assert done.stderr.strip().splitlines() == [
        "boaudit: error: --format docx needs the python-docx package; install it with "
        "pip install 'boaudit[docx]'"
    ]
    assert not out.exists()


def test_a_run_configuration_writes_a_word_report(tmp_path: Path) -> None:
    config = tmp_path / "boaudit.toml"
    config.write_text(
        f"""
title = "Nightly audit"
answers = ["{(SAMPLE / "answers").as_posix()}/*.csv"]
history = "history.sqlite"

[[sources]]
kind = "invoices"
files = ["{(SAMPLE / "exports" / "invoices.csv").as_posix()}"]

[[outputs]]
format = "docx"
path = "out/report-{{date}}.docx"
""",
        encoding="utf-8",
    )
    done = runner.invoke(app, ["run", str(config), "--as-of", "2026-10-05"])
    assert done.exit_code in (0, 1), done.output
    written = tmp_path / "out" / "report-2026-10-05.docx"
    document = _document(written.read_bytes())
    assert _headings(document, 1)[0] == "Summary"


def test_column_widths_fill_the_text_width_and_keep_figures_whole() -> None:
    header = ["#", "Pitfall", "Money at stake"]
    rows = [["10", "No standard, written processes", "recover 27,335 USD"]]
    widths = _widths(header, rows, numeric=(0, 2))
    assert sum(widths) == pytest.approx(6.5, abs=0.01)
    # Everything fits: each column gets what it asks for (#: 3 figures' room, 0.362; the
    # pitfall its 30 characters, 2.09; the money its 18, 1.322) plus an even third of the rest
    # (6.5 - 3.774 = 2.726, 0.9087 each).
    assert widths == [1.271, 2.999, 2.231]
    # Too long to fit: the figures stay whole, the text column shrinks.
    long_rows = [["10", "word " * 200, "recover 27,335 USD"]]
    widths = _widths(header, long_rows, numeric=(0, 2))
    assert widths[2] >= 18 * 0.064 + 0.17
    assert sum(widths) == pytest.approx(6.5, abs=0.01)
