"""``report --by-role``: each role's pitfall scores and the role gaps reach the report, equal to
``assess --by-role``."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from boaudit.cli import app

runner = CliRunner()
ANSWERS = Path(__file__).resolve().parents[2] / "sample_data" / "answers"
GAP = (
    "'No standard, written processes': Finance manager scores it 75.0, Outsourcing manager 25.0 "
    "(50.0 points apart); the roles see it differently"
)


def test_role_scores_and_gaps_in_markdown_html_and_xlsx(tmp_path: Path) -> None:
    assessed = runner.invoke(app, ["assess", str(ANSWERS), "--by-role", "--format", "json"])
    assert assessed.exit_code == 0, assessed.output
    by_role = json.loads(assessed.stdout)["by_role"]
    processes = [by_role[r]["pitfalls"]["processes"]["score"] for r in by_role]
    assert list(by_role) == ["AP team lead", "Finance manager", "Outsourcing manager"]
    assert processes == [31.3, 75.0, 25.0]

    base = ["report", "--answers", str(ANSWERS), "--by-role"]
    markdown = runner.invoke(app, [*base, "--format", "markdown"])
    assert markdown.exit_code == 0, markdown.output
    lines = markdown.stdout.splitlines()
    start = lines.index("### Scores by role")
    assert lines[start + 2] == "| Pitfall | AP team lead | Finance manager | Outsourcing manager |"
    assert "| `processes` | 31.3 | 75.0 | 25.0 |" in lines[start:]
    assert f"- {GAP}" in lines[start:]

    html = runner.invoke(app, [*base, "--format", "html"])
    assert html.exit_code == 0, html.output
    assert "<h3>Scores by role</h3>" in html.stdout
    assert GAP.replace("'", "&#39;") in html.stdout

    out = tmp_path / "r.xlsx"
    done = runner.invoke(app, [*base, "--format", "xlsx", "-o", str(out)])
    assert done.exit_code == 0, done.output
    sheet = load_workbook(out)["Scores"]
    header = [c.value for c in sheet[1]]
    column = header.index("score: Finance manager")
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "processes")
    assert row[column] == 75.0


def test_without_by_role_no_role_section() -> None:
    done = runner.invoke(app, ["report", "--answers", str(ANSWERS), "--format", "markdown"])
    assert done.exit_code == 0
    assert "Scores by role" not in done.stdout
