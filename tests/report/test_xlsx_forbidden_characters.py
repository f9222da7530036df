"""Characters XML 1.0 forbids (``\\x0b``, ``\\x16``, ...) in text bound for a workbook: left out,
said once on stderr, never an internal error; and text that starts like a formula stays text."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from boaudit.cli import app

runner = CliRunner()


def _texts(path: Path) -> list[str]:
    workbook = load_workbook(path)
    return [
        cell
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    ]


def test_report_xlsx_leaves_forbidden_characters_out_and_says_so_once(tmp_path: Path) -> None:
    exports = tmp_path / "invoices.csv"
    exports.write_text(
        "Invoice Number,Vendor,Invoice Date,Paid,Due Date,Amount\n"
        "I1,Bad\x0bVen\x16dor,2026-01-01,2026-01-05,2026-01-10,10.00\n"
        "I2,Good,2026-01-02,2026-01-09,2026-01-10,12.00\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.xlsx"
    result = runner.invoke(
        app,
        [
            *("report", "--invoices", str(exports), "--title", "Q3\x16 audit", "-f", "xlsx"),
            *("--by", "vendor", "-o", str(out)),
        ],
    )
    assert result.exit_code == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "cannot store" in line]
    assert notes == [
        f"note: {out}: 1 text(s) held control characters a workbook cannot store (such as "
        "\\x0b or \\x16); they were left out"
    ]
    texts = _texts(out)
    assert "Q3 audit" in texts
    assert not any(ch in text for text in texts for ch in "\x0b\x16")


def test_template_with_a_forbidden_character_in_a_name_writes_the_workbook(
    tmp_path: Path,
) -> None:
    out = tmp_path / "sheet.xlsx"
    result = runner.invoke(app, ["template", "full", "-r", "AP\x0blead", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"note: {out}: 1 text(s) held control characters a workbook cannot store (such as "
        "\\x0b or \\x16); they were left out",
        f"wrote {out}: 75 questions x 1 respondent(s)",
    ]
    assert "APlead" in load_workbook(out).sheetnames


def test_report_xlsx_keeps_formula_lookalikes_as_quoted_text(tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    result = runner.invoke(
        app,
        [
            *("report", "--answers", "sample_data/answers", "--title", " =1+1"),
            *("-f", "xlsx", "-o", str(out)),
        ],
    )
    assert result.exit_code == 0, result.stderr
    workbook = load_workbook(out)
    cell = next(c for row in workbook["Summary"].iter_rows() for c in row if c.value == " =1+1")
    assert cell.data_type == "s" and cell.quotePrefix
