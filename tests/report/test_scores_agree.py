"""The report prints each pitfall's interview score exactly as ``boaudit assess`` does: one
rounding (half away from zero), in every format."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from boaudit.cli import app

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


def test_report_and_assess_agree_to_the_last_digit() -> None:
    answers = str(SAMPLE / "answers")
    assessed = runner.invoke(app, ["assess", answers, "--format", "json"])
    assert assessed.exit_code == 0, assessed.output
    scores = {p["id"]: p["score"] for p in json.loads(assessed.stdout)["pitfalls"]}
    # technology averages to 31.25: assess prints 31.3, and so must the report
    assert scores["technology"] == 31.3
    markdown = runner.invoke(app, ["report", "--answers", answers, "--format", "markdown"])
    table = runner.invoke(app, ["report", "--answers", answers])
    html = runner.invoke(app, ["report", "--answers", answers, "--format", "html"])
    for done in (markdown, table, html):
        assert done.exit_code == 0, done.output
    rows = [line for line in markdown.stdout.splitlines() if line.startswith("| ")]
    for pitfall, score in scores.items():
        if score is None:
            continue
        row = next((r for r in rows if f"(`{pitfall}`)" in r and r[2].isdigit()), None)
        if row is None:
            continue
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[4] == f"{score:.1f}", (pitfall, cells)
    technology = next(r for r in rows if "(`technology`)" in r and r[2].isdigit())
    assert "| 31.3 |" in technology
    assert "31.3" in html.stdout and "31.2" not in html.stdout
    line = next(x for x in table.stdout.splitlines() if "Outdated" in x or "technology" in x)
    assert "31.3" in line, line
