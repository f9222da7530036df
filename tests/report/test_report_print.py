"""The XLSX and Word reports as a client prints or scrolls them: charts under the table they
draw, pitfalls named by title, every sheet printed landscape one page across with its header
row repeated, and (where LibreOffice is installed) the page counts a client would get.

The LibreOffice checks convert the sample report to PDF headless, as a client's printer would
lay it out, and count pages; they skip with a reason where ``soffice`` or ``pdfinfo`` is absent.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sample_report import SAMPLE_REPORT
from typer.testing import CliRunner

from boaudit.cli import app

runner = CliRunner()
BASE = [*SAMPLE_REPORT, "--by-role"]


@pytest.fixture(scope="module")
def workbook_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    done = runner.invoke(app, [*BASE, "--format", "xlsx", "-o", str(out)])
    assert done.exit_code == 0, done.output
    return out.read_bytes()


def test_charts_sit_under_their_table_and_name_pitfalls_by_title(workbook_bytes: bytes) -> None:
    workbook = load_workbook(io.BytesIO(workbook_bytes))
    for name, title_column in (("Findings", "C"), ("Scores", "B")):
        sheet = workbook[name]
        (chart,) = sheet._charts
        categories = chart.series[0].cat.numRef.f
        found = re.fullmatch(rf"'?{name}'?!\${title_column}\$2:\${title_column}\$(\d+)", categories)
        assert found, categories
        last = int(found.group(1))
        assert last == 19  # the 18 pitfalls under the header row
        marker = chart.anchor._from
        # column A, under the table with a blank row and the note line between (zero-based)
        assert (marker.col, marker.row) == (0, last + 3), name
        assert chart.legend is None
    assert workbook["Findings"]["C2"].value == "Poor data management and integrity"


def test_every_sheet_prints_landscape_one_page_across(workbook_bytes: bytes) -> None:
    workbook = load_workbook(io.BytesIO(workbook_bytes))
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0), sheet.title
        assert sheet.print_title_rows in ("1:1", "$1:$1"), sheet.title


def test_a_long_column_name_wraps_instead_of_being_cut(workbook_bytes: bytes) -> None:
    scores = load_workbook(io.BytesIO(workbook_bytes))["Scores"]
    assert scores["K1"].value == "score: Outsourcing manager"
    assert scores["K1"].alignment.wrap_text
    # 26 characters of bold text in a 14-wide column: 3 lines of 15 points
    assert scores.row_dimensions[1].height == 45.0


def _pdf_pages(source: Path) -> int:
    done = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(source.parent), source],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    pdf = source.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert found, info.stdout
    return int(found.group(1))


needs_office = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdfinfo") is None,
    reason="LibreOffice (soffice) and poppler (pdfinfo) are needed to lay the pages out",
)


@needs_office
def test_the_sheets_print_on_a_few_pages(workbook_bytes: bytes, tmp_path: Path) -> None:
    pages = {}
    for name in ("Findings", "Scores"):
        workbook = load_workbook(io.BytesIO(workbook_bytes))
        for sheet in list(workbook.worksheets):
            if sheet.title != name:
                workbook.remove(sheet)
        path = tmp_path / f"{name}.xlsx"
        workbook.save(path)
        pages[name] = _pdf_pages(path)
    # 18 findings with their evidence and fixes; 18 pitfalls and their chart
    assert pages["Findings"] <= 4
    assert pages["Scores"] <= 2


@needs_office
def test_the_word_report_lays_out_in_letter_pages(tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    done = runner.invoke(app, [*BASE, "--format", "docx", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert 15 <= _pdf_pages(out) <= 45
